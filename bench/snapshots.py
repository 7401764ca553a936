"""Time travel (issue 18): save, restore and diff of a big workspace, next to plain copies.

    .venv/bin/python bench/snapshots.py [--docs 100000] [--megabytes 200] [--runs 3]

The workspace: ``--docs`` documents in 4 collections (nested objects, arrays, dates) and
``--megabytes`` of storage files (100 files). Timed through ``Workspace.handle``, as the app and
the CLI do it: ``snapshot.save`` (the first one hashes and copies every file; later ones only
the collections and what changed), ``snapshot.restore`` (which also takes
its checkpoint first), ``snapshot.diff`` of a snapshot against now and of two snapshots, each
after 1% of the documents changed. Beside them in the same run, the plain work they cannot
avoid: ``json.dumps`` + ``json.loads`` of the same documents, and a copy of the storage folder.
Budgets (issue 18): save ≤ 2 s, restore ≤ 3 s, diff ≤ 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.requests import Caller, Request  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

CONSOLE = Caller.console("bench")
BUDGETS = {"save": 2.0, "restore": 3.0, "diff": 2.0}


def console(action: str, **params) -> Request:
    return Request(action, params, CONSOLE)


def fill(workspace: Workspace, docs: int, megabytes: int, scratch: Path) -> None:
    store = workspace.database.store
    epoch = datetime(2026, 1, 1, tzinfo=UTC)
    per = docs // 4
    for c in range(4):
        name = f"c{c}"
        store.create_collection(name)
        batch = [{"_id": f"{name}-{i}", "_openid": f"o{i % 50}", "n": i, "city": f"city{i % 40}",
                  "profile": {"age": i % 90, "vip": i % 7 == 0, "tags": [f"t{i % 5}", f"t{i % 11}"]},
                  "at": epoch + timedelta(seconds=i), "title": f"文档 {i} 的标题"} for i in range(per)]
        store.insert(name, batch)
    store.flush()
    size = (megabytes << 20) // 100
    for i in range(100):
        source = scratch / "upload.bin"
        source.write_bytes(os.urandom(size))
        workspace.storage.upload(CONSOLE, f"media/{i:03}.bin", source)


def change_one_percent(workspace: Workspace, round_: int) -> None:
    store = workspace.database.store
    for name in store.collection_names():
        docs = store.documents(name)
        store.replace(name, [{**doc, "n": doc["n"] + round_ + 1} for doc in docs[: len(docs) // 100]])


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="wxsim-bench-snapshots-"))
    try:
        workspace = Workspace.open(scratch / "data")
        fill(workspace, args.docs, args.megabytes, scratch)
        every = {"first save": [], "save": [], "restore": [], "diff with now": [], "diff of two": [],
                 "json dumps+loads": [], "copy of storage": []}
        every["first save"].append(timed(lambda: workspace.handle(console("snapshot.save", name="first"))))
        for run in range(args.runs):
            change_one_percent(workspace, run)
            every["save"].append(timed(lambda: workspace.handle(console("snapshot.save", name=f"s{run}"))))
            change_one_percent(workspace, run + 100)
            every["diff with now"].append(timed(lambda: workspace.handle(console("snapshot.diff", **{"from": f"s{run}"}))))
            every["diff of two"].append(timed(lambda: workspace.handle(console("snapshot.diff", **{"from": "first",
                                                                                              "to": f"s{run}"}))))
            every["restore"].append(timed(lambda: workspace.handle(console("snapshot.restore", name=f"s{run}"))))
            docs = {name: workspace.database.store.documents(name) for name in workspace.database.store.collection_names()}
            every["json dumps+loads"].append(timed(lambda: json.loads(json.dumps(docs, default=str))))
            target = scratch / f"copy{run}"
            every["copy of storage"].append(timed(lambda: shutil.copytree(workspace.storage.root, target)))
            shutil.rmtree(target)
        disk = sum(p.stat().st_size for p in (scratch / "data" / "snapshots").rglob("*") if p.is_file()
                   and p.stat().st_nlink == 1)
        workspace.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{args.docs} documents, {args.megabytes} MB of files in 100; median of {args.runs} runs (seconds)")
    baseline = statistics.median(every["json dumps+loads"])
    for label, samples in every.items():
        median = statistics.median(samples)
        budget = BUDGETS.get(label.split()[0])
        verdict = "" if budget is None else f"  budget {budget:.1f} s: {'ok' if median <= budget else 'OVER'}"
        print(f"  {label:<18} {median:7.3f}  ({median / baseline:4.1f}× json dumps+loads){verdict}")
    print(f"  snapshots' own disk (files not shared with storage): {disk / 2**20:.1f} MB "
          f"for {args.runs + 1} snapshots and {args.runs} checkpoints")


if __name__ == "__main__":
    main()
