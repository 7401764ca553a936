"""Issue 20's table, in one run: counts inside a cloud function and in core next to plain Python,
``db import`` of 100k JSON Lines, and indexes (equality, range, sort on 100k and 1M documents,
insert cost with 0, 3 and 10 indexes, memory per 100k documents).

    .venv/bin/python bench/db_indexes.py [--runs 9] [--big 1000000] [--skip-function] [--only insert|counts]

Every figure is a median of ``--runs``, measured side by side with plain Python over the same
dicts in this process (a list comprehension doing the same test), and printed with its ratio.
Inside the function, times come from ``Date.now()`` (whole milliseconds: bare V8 has no finer
clock), around the SDK call, as a function author would measure it. The 1M documents are
generated here, never stored in the repository. Run on a quiet machine (``uptime``).
"""

from __future__ import annotations

import argparse
import gc
import heapq
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.database import journal, transfer  # noqa: E402
from app.core.functions.sdk import call_function  # noqa: E402
from app.core.requests import Caller, Request  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

PER_SAMPLE = 20  # inserts timed together in one sample of bench_inserts
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都"]
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
ADMIN = Caller.admin("bench")
CONSOLE = Caller.console("bench")

FUNCTION = """const cloud = require('wx-server-sdk'); cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database(); const _ = db.command
exports.main = async (event) => {
  const queries = { city: { city: '北京' }, ageCity: { age: _.gt(80), city: '上海' }, vip: { 'profile.vip': true } }
  const out = {}
  for (const [name, where] of Object.entries(queries)) {
    const times = []; let total = 0
    for (let i = 0; i < event.runs; i++) {
      const t = Date.now()
      total = (await db.collection(event.collection).where(where).count()).total
      times.push(Date.now() - t)
    }
    out[name] = { times, total }
  }
  return out
}
"""


def make_doc(i: int) -> dict:
    return {"_id": f"d{i:08d}", "name": f"用户{i}", "age": i % 90, "city": CITIES[i % len(CITIES)],
            "score": (i * 37) % 100, "tags": ["a", "b", "c"][: i % 4],
            "createdAt": START + timedelta(seconds=i * 61, milliseconds=i % 1000),
            "profile": {"vip": i % 7 == 0, "level": i % 5}}


def jsonl_line(doc: dict) -> str:
    wire = dict(doc, createdAt={"$date": doc["createdAt"].isoformat(timespec="milliseconds")[:-6] + "Z"})
    return json.dumps(wire, ensure_ascii=False)


# Plain Python doing the same tests over the same dicts (BSON's rules where they matter).
PLAIN = {
    "city": lambda docs: len([d for d in docs if d.get("city") == "北京"]),
    "ageCity": lambda docs: len([d for d in docs if d.get("age", 0) > 80 and d.get("city") == "上海"]),
    "vip": lambda docs: len([d for d in docs if d.get("profile", {}).get("vip") is True]),
}
QUERIES = {"city": {"city": "北京"}, "ageCity": {"age": {"$gt": 80}, "city": "上海"}, "vip": {"profile.vip": True}}
LABELS = {"city": "where({city}).count()", "ageCity": "where({age: _.gt(80), city}).count()",
          "vip": "where({'profile.vip': true}).count()"}


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def line(label: str, ours: float, plain: float | None, budget: str = "", plain_name: str = "plain Python",
         unit: str = "ms") -> None:
    if plain is None:
        print(f"  {label:50} {ours:9.2f} {unit}   {'':>30}   {budget}")
        return
    print(f"  {label:50} {ours:9.2f} {unit}   {plain_name} {plain:8.2f} {unit}   {ours / plain:5.2f}×   {budget}")


def project(root: Path) -> Path:
    (root / "cloudfunctions" / "counts").mkdir(parents=True)
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wx0123456789abcdef", "projectname": "bench", "cloudfunctionRoot": "cloudfunctions/"}))
    (root / "cloudfunctions" / "counts" / "index.js").write_text(FUNCTION)
    return root


def import_file(ws: Workspace, collection: str, path: Path) -> tuple[float, dict, list]:
    seen: list = []
    request = Request("database.importFile", {"collectionName": collection, "localPath": str(path),
                                              "createCollection": True}, CONSOLE, progress=seen.append)
    start = time.perf_counter()
    result = ws.handle(request)
    return time.perf_counter() - start, result, seen


def bench_import(scratch: Path, path: Path, n: int) -> Workspace:
    print(f"\n`db import` of {n:,} JSON Lines documents (dates, nested objects, arrays), end to end")
    # The careful readers alone (json + bson, json's journal text), as before orjson, same run.
    saved = transfer.fast_document, journal._fast_bytes
    transfer.fast_document, journal._fast_bytes = (lambda text: None), (lambda doc: None)
    try:
        ws = Workspace.open(scratch / "careful")
        careful, _, _ = import_file(ws, "c", path)
        ws.close()
    finally:
        transfer.fast_document, journal._fast_bytes = saved
    ws = Workspace.open(scratch / "main", project(scratch / "project"))
    took, result, seen = import_file(ws, "c", path)
    assert result["inserted"] == n and not result["lineErrors"], result
    line("database.importFile (orjson readers)", took * 1000, careful * 1000, "budget ≤ 1500 ms",
         "careful readers")
    print(f"  {'progress reports':44} {len(seen)} (every ≤ 1,000 lines, last {seen[-1]:,})")
    start = time.perf_counter()
    whole = subprocess.run([sys.executable, "-m", "app", "db", "import", "c2", str(path),
                            "--data-dir", str(scratch / "cli")], capture_output=True, text=True, cwd=ROOT)
    process = time.perf_counter() - start
    if whole.returncode == 0:
        line("`wxsim db import` as a whole process", process * 1000, None, "(Python start and workspace "
             "open included)")
    else:
        print(f"  `wxsim db import` failed: {whole.stderr.strip()[-300:]}")
    return ws


def bench_counts(ws: Workspace, docs: list[dict], runs: int, in_function: bool) -> None:
    print(f"\nunindexed counts over {len(docs):,} documents (budget ≤ 2× plain Python)")
    # The import's journal is compacted in the background, writing 100k documents while holding
    # the GIL in turns: timed meanwhile, every figure would carry it. Settle it first, as a class
    # would find the workspace a moment after an import; and warm the function's worker up.
    ws.database.store.flush()
    if in_function:
        call_function(ws.handle, ADMIN, "counts", {"runs": 2, "collection": "c"})
    plain = {name: median_ms(lambda f=f: f(docs), runs) for name, f in PLAIN.items()}
    core = {name: median_ms(lambda q=q: ws.database.count(ADMIN, "c", q), runs) for name, q in QUERIES.items()}
    for name in QUERIES:
        assert ws.database.count(ADMIN, "c", QUERIES[name])[0] == PLAIN[name](docs), name
    inside = {}
    if in_function:
        outcome = call_function(ws.handle, ADMIN, "counts", {"runs": runs, "collection": "c"})
        result = outcome.value.get("result") if isinstance(outcome.value, dict) else None
        if not result:
            print(f"  (the cloud function failed: {outcome.value})")
        else:
            for name, got in result.items():
                assert got["total"] == PLAIN[name](docs), (name, got["total"])
                inside[name] = statistics.median(got["times"])
            plain = {name: (plain[name] + median_ms(lambda f=f: f(docs), runs)) / 2 for name, f in PLAIN.items()}
    for name in QUERIES:
        line(f"{LABELS[name]} in core", core[name], plain[name])
        if name in inside:
            line(f"{LABELS[name]} in a function", inside[name], plain[name], "(Date.now(): whole ms)")


def indexes_available(ws: Workspace) -> bool:
    try:
        ws.handle(Request("database.listIndexes", {"collectionName": "c"}, CONSOLE))
    except Exception:  # noqa: BLE001 - an unknown action: the indexes are not there yet
        return False
    return True


def create_index(ws: Workspace, collection: str, *fields: str, unique: bool = False) -> None:
    ws.handle(Request("database.createIndex", {"collectionName": collection, "unique": unique,
                                               "keys": [{"field": f, "direction": 1} for f in fields]}, CONSOLE))


def get(ws: Workspace, collection: str, query: dict, order=None, limit: int = 100) -> list:
    docs, _ = ws.database.get(ADMIN, collection, query, order=order, limit=limit)
    return docs


def bench_indexed(ws: Workspace, collection: str, docs: list[dict], runs: int) -> None:
    n = len(docs)
    print(f"\nindexed queries over {n:,} documents (budget: indexed equality on 1M ≤ 1 ms)")
    target = docs[n // 2]["_id"]
    city = "北京"
    scan_eq = median_ms(lambda: ws.database.count(ADMIN, collection, {"name": f"用户{n // 2}"}), runs)
    create_index(ws, collection, "name")
    create_index(ws, collection, "age")
    create_index(ws, collection, "city")
    by_name: dict = {}
    for d in docs:
        by_name.setdefault(d["name"], []).append(d)
    eq = median_ms(lambda: get(ws, collection, {"name": f"用户{n // 2}"}), runs * 5)
    assert [d["_id"] for d in get(ws, collection, {"name": f"用户{n // 2}"})] == [target]
    line("get({name}) one match, index on name", eq, median_ms(lambda: by_name[f"用户{n // 2}"][:100], runs * 5),
         "", "dict of lists")
    line("  the same as an unindexed count (scan)", scan_eq,
         median_ms(lambda: len([d for d in docs if d.get("name") == f"用户{n // 2}"]), runs))
    count_eq = median_ms(lambda: ws.database.count(ADMIN, collection, {"city": city}), runs)
    line("count({city}) ~1/6 of documents, index", count_eq,
         median_ms(lambda: len([d for d in docs if d.get("city") == city]), runs))
    rng = median_ms(lambda: get(ws, collection, {"age": {"$gte": 30, "$lt": 31}}, limit=1000), runs)
    line("get({age: 30 ≤ _ < 31}, limit 1000), index", rng,
         median_ms(lambda: [d for d in docs if 30 <= d.get("age", -1) < 31][:1000], runs))
    srt = median_ms(lambda: get(ws, collection, {}, order={"age": -1}, limit=20),
                    runs)
    line("orderBy(age desc).limit(20), index", srt,
         median_ms(lambda: heapq.nlargest(20, docs, key=lambda d: d["age"]), runs), "", "heapq.nlargest")


def bench_inserts(scratch: Path, base: list[dict], runs: int) -> None:
    """The three collections are open at once and measured in turns (a sample of each in every
    round), so a busy moment or a slower CPU clock hits them alike; a sample times ``PER_SAMPLE``
    inserts of documents built beforehand (building them is not the insert's cost, and timing it
    on both sides would shrink the ratio), with the collector paused for all of them (a
    collection's pause would land on whichever side happened to trigger it)."""
    print(f"\ninsert one document into {len(base):,} (budget: 3 indexes ≤ 2× none)")
    index_sets = {0: [], 3: ["age", "city", "profile.vip"],
                  10: ["age", "city", "profile.vip", "name", "score", "tags", "createdAt", "profile.level",
                       "_openid", "x"]}
    spaces = {}
    for count, fields in index_sets.items():
        ws = spaces[count] = Workspace.open(scratch / f"ins{count}")
        ws.database.create_collection("c")
        ws.database.import_documents("c", [dict(d) for d in base], upsert=False, atomic=True)
        for field in fields:
            create_index(ws, "c", field)
    counter = iter(range(10**9))
    samples: dict[int, list[float]] = {count: [] for count in index_sets}
    gc.collect()
    gc.disable()
    try:
        for _ in range(max(runs * 20, 200)):
            for count, ws in spaces.items():
                docs = []
                for _ in range(PER_SAMPLE):
                    i = next(counter)
                    docs.append(dict(make_doc(10**8 + i), _id=f"n{i}"))
                insert = ws.database.insert
                start = time.perf_counter()
                for doc in docs:
                    insert(ADMIN, "c", [doc])
                samples[count].append((time.perf_counter() - start) / PER_SAMPLE)
    finally:
        gc.enable()
    for ws in spaces.values():
        ws.close()
    cost = {count: statistics.median(times) * 1000 for count, times in samples.items()}
    for count in index_sets:
        line(f"insert with {count} indexes", cost[count], cost[0], "", "0 indexes")


def bench_memory(n: int, scratch: Path) -> None:
    print("\nmemory per 100k documents (tracemalloc: the documents and everything kept for them)")
    per = 100_000 / n
    gc.collect()
    tracemalloc.start()
    plain = [make_doc(i) for i in range(n)]
    as_list, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del plain
    gc.collect()
    tracemalloc.start()
    ws = Workspace.open(scratch / "mem")
    ws.database.create_collection("c")
    ws.database.import_documents("c", [make_doc(i) for i in range(n)], upsert=False, atomic=True)
    stored, _ = tracemalloc.get_traced_memory()
    for field in ("age", "city", "profile.vip"):
        create_index(ws, "c", field)
    indexed, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ws.close()
    line("in the store (workspace included)", stored * per / 2**20, as_list * per / 2**20, "", "a plain list",
         "MB")
    line("3 indexes (age, city, profile.vip) add", (indexed - stored) * per / 2**20, None, "", unit="MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000, help="the large collection (0: skip)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skip-function", action="store_true")
    parser.add_argument("--only", choices=["insert", "counts"], help="run only this part of the table")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; medians of {args.runs}")
    docs = [make_doc(i) for i in range(args.docs)]
    if args.only == "insert":
        with tempfile.TemporaryDirectory(prefix="wxsim-bench-idx-") as folder:
            bench_inserts(Path(folder), docs, args.runs)
        return 0
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-idx-") as folder:
        scratch = Path(folder)
        path = scratch / "docs.jsonl"
        path.write_text("".join(jsonl_line(d) + "\n" for d in docs), encoding="utf-8")
        ws = bench_import(scratch, path, args.docs)
        stored = ws.database.store.documents("c")
        try:
            bench_counts(ws, stored, args.runs, not args.skip_function)
            if args.only == "counts":
                return 0
            if not indexes_available(ws):
                print("\nindexes not available: database.listIndexes/createIndex are not in this build; "
                      "the indexed part is skipped")
                return 0
            bench_indexed(ws, "c", stored, args.runs)
        finally:
            ws.close()
        if args.big:
            big = Workspace.open(scratch / "big")
            big.database.create_collection("c")
            start = time.perf_counter()
            made = [make_doc(i) for i in range(args.big)]
            big.database.import_documents("c", made, upsert=False, atomic=True)
            print(f"\n({args.big:,} documents generated and stored in {time.perf_counter() - start:.1f} s)")
            bench_indexed(big, "c", big.database.store.documents("c"), args.runs)
            big.close()
            del made
        bench_inserts(scratch, docs, args.runs)
        bench_memory(args.docs, scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
