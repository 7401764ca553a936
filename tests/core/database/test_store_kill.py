"""kill -9 at random moments: every acknowledged write survives and every file stays loadable.

A child process (store_kill_child.py) writes in a loop and reports each operation before the
call ("intent") and after it returned ("ack"). The parent kills it with SIGKILL after a random
delay, reopens a copy of the folder and compares it with its own model of the acknowledged
writes: the store must hold exactly those, plus at most the one operation in flight. The same
folder is reused across kills, with a tiny compaction threshold, so kills land in appends, in
background and inline compactions, and in replays of what the previous kill left.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from tinydb import TinyDB

from app.core.database.ejson import to_ejson
from app.core.database.store import DocumentStore
from app.core.jsonfile import TEMP_PREFIX

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("store_kill_child.py")
KILLS = int(os.environ.get("WXSIM_KILLS", "200"))
COMPACT_AFTER = 3000  # bytes: a compaction every dozen writes or so


def model_apply(model: dict, op: dict) -> None:
    """What an operation does, written independently of the store's own code."""
    kind = op["k"]
    if kind == "batch":
        for sub in op["ops"]:
            model_apply(model, sub)
    elif kind == "create":
        model.setdefault(op["c"], {})
    elif kind == "drop":
        model.pop(op["c"], None)
    elif kind in ("insert", "replace"):
        for doc in op["docs"]:
            doc = {k: "x" * v if k == "blob" else v for k, v in doc.items()}
            model[op["c"]][(type(doc["_id"]).__name__, doc["_id"])] = doc
    elif kind == "remove":
        for doc_id in op["ids"]:
            model[op["c"]].pop((type(doc_id).__name__, doc_id), None)


def as_text(model: dict) -> str:
    return json.dumps(
        {name: list(docs.values()) for name, docs in sorted(model.items())}, ensure_ascii=False
    )


def reopened_text(folder: Path) -> str:
    store = DocumentStore(folder, background=False, compact_after_bytes=1 << 40)
    try:
        return json.dumps(
            {name: to_ejson(store.documents(name)) for name in store.collection_names()},
            ensure_ascii=False,
        )
    finally:
        store.close()


def check_files_load(folder: Path) -> tuple[bool, bool, bool]:
    """Every collection file parses with stock TinyDB.

    Returns whether the kill cut a file write short (a temp file is left), whether journal
    generations a compaction had not yet retired were left, and whether it tore a record.
    """
    mid_write = False
    for path in folder.iterdir():
        if path.name.startswith(TEMP_PREFIX):
            mid_write = True
        elif path.suffix == ".json":
            db = TinyDB(path)
            try:
                db.table("_default").all()
            finally:
                db.close()
    journals = sorted(folder.glob("_journal.*.log"))
    torn = (
        bool(journals)
        and journals[-1].stat().st_size > 0
        and not journals[-1].read_bytes().endswith(b"\n")
    )
    return mid_write, len(journals) > 1, torn


def run_child(folder: Path, first: int, seed: int, background: bool, delay: float, errlog: Path):
    """Start the child, let it write for ``delay`` seconds after it is ready, SIGKILL it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(errlog, "ab") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(CHILD),
                str(folder),
                str(first),
                str(seed),
                "1" if background else "0",
                str(COMPACT_AFTER),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
        )
    lines: list[bytes] = []
    ready = threading.Event()

    def drain() -> None:  # keep the pipe empty so the child never blocks on a print
        for line in proc.stdout:
            lines.append(line)
            ready.set()
        ready.set()

    reader = threading.Thread(target=drain)
    reader.start()
    started = ready.wait(30)
    time.sleep(delay)
    proc.kill()
    proc.wait()
    reader.join()
    proc.stdout.close()
    assert started and lines and lines[0].strip() == b'{"ready": true}', errlog.read_text()
    return lines[1:]


def test_kill_9_at_random_moments_loses_no_acknowledged_write(tmp_path):
    """After each SIGKILL: every acknowledged write is there, and nothing but the one in flight."""
    rng = random.Random(int(os.environ.get("WXSIM_KILL_SEED", "20261124")))
    folder = tmp_path / "db"
    errlog = tmp_path / "child-stderr.log"
    model: dict = {}
    next_op = acked = in_flight_kept = mid_write = unretired = torn = 0
    started = time.monotonic()
    for kill in range(KILLS):
        delay = rng.uniform(0, 0.02) if rng.random() < 0.6 else rng.uniform(0.02, 0.12)
        lines = run_child(folder, next_op, rng.randrange(1 << 30), kill % 3 != 0, delay, errlog)
        pending = None
        for raw in lines:
            try:
                message = json.loads(raw)
            except ValueError:  # the kill cut this very print short
                continue
            if "intent" in message:
                pending = message
                next_op = message["intent"] + 1
            elif "ack" in message:
                assert pending and pending["intent"] == message["ack"]
                model_apply(model, pending["op"])
                acked += 1
                pending = None
        snapshot = tmp_path / "check"
        shutil.copytree(folder, snapshot)
        write_cut, generations_left, record_torn = check_files_load(snapshot)
        mid_write += write_cut
        unretired += generations_left
        torn += record_torn
        found = reopened_text(snapshot)
        shutil.rmtree(snapshot)
        if found != as_text(model):
            assert pending is not None, f"kill {kill}: store differs from the acknowledged writes"
            with_pending = copy.deepcopy(model)
            model_apply(with_pending, pending["op"])
            assert found == as_text(with_pending), f"kill {kill}: lost or invented writes"
            model, in_flight_kept = with_pending, in_flight_kept + 1
    elapsed = time.monotonic() - started
    docs = sum(len(docs) for docs in model.values())
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s: {acked} acknowledged operations checked "
        f"({docs} documents at the end), {in_flight_kept} in-flight operations found applied, "
        f"{torn} tore a journal record, {mid_write} cut a collection-file write short, "
        f"{unretired} left journal generations not yet compacted; 0 losses"
    )
    assert acked > KILLS  # the kills did land among writes, not before the first one
