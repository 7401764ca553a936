"""The DESIGN §6 database budgets, through the real request path, next to stock TinyDB.

    .venv/bin/python bench/db.py [--sizes 10000 100000]

Every operation goes through ``Workspace.handle`` (dispatcher, permissions, event log,
journaled store), as a cloud function's would. Beside each: stock TinyDB with JSONStorage and
with CachingMiddleware, and a plain Python list comprehension doing the same test, all in
this one run. Last, the database pane's time to first rows on the largest collection.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tinydb import Query, TinyDB  # noqa: E402
from tinydb.middlewares import CachingMiddleware  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from app.core.database import ejson  # noqa: E402
from app.core.requests import Caller, Request  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都"]


def make_doc(i: int) -> dict:
    return {"_id": f"d{i:08d}", "_openid": f"o{i % 50:027d}", "name": f"用户{i}", "age": i % 90,
            "city": CITIES[i % len(CITIES)], "score": (i * 37) % 100, "tags": ["a", "b"][: i % 3],
            "profile": {"vip": i % 7 == 0, "level": i % 5}}


class ServerDb:
    """What a cloud function's db calls send (tcb-wire §4), through the workspace's dispatcher."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._caller = Caller.admin("scf")

    def _send(self, action: str, params: dict) -> dict:
        return self._ws.handle(Request(action, params, self._caller))

    def create_collection(self, name: str) -> None:
        self._send("database.addCollection", {"collectionName": name})

    def add(self, collection: str, doc: dict) -> dict:
        return self._send("database.insertDocument", {"collectionName": collection, "data": [ejson.encode(doc)]})

    def doc_get(self, collection: str, doc_id) -> dict:
        return self._send("database.getDocument", {"collectionName": collection, "queryType": "DOC",
                                                   "query": ejson.encode({"_id": doc_id}), "multi": False})


def timed(fn, repeat: int = 5) -> float:
    """Median seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def uncached(db: TinyDB) -> TinyDB:
    """TinyDB answers a repeated query from its LRU cache; a fresh user query would not."""
    db.clear_cache()
    return db


def row(label: str, ours: float, others: dict[str, float], budget: str) -> None:
    cells = "  ".join(f"{name} {value * 1000:9.2f} ms" for name, value in others.items())
    print(f"  {label:38} ours {ours * 1000:9.2f} ms   {cells}   budget {budget}")


def bench_size(n: int, scratch: Path) -> None:
    print(f"\n{n:,} documents")
    docs = [make_doc(i) for i in range(n)]
    ws = Workspace.open(scratch / f"ws{n}")
    db = ServerDb(ws)
    db.create_collection("c")
    ws.database.import_documents("c", [dict(d) for d in docs], upsert=False, atomic=True)
    json_db = TinyDB(scratch / f"json{n}.json", storage=JSONStorage)
    json_db.insert_multiple(docs)
    cached = TinyDB(scratch / f"cached{n}.json", storage=CachingMiddleware(JSONStorage))
    cached.insert_multiple(docs)
    plain = list(docs)

    counter = iter(range(10**9))
    row("insert one document", timed(lambda: db.add("c", {"x": next(counter)})), {
        "TinyDB JSON": timed(lambda: json_db.insert({"x": 1}), 3),
        "TinyDB cached": timed(lambda: cached.insert({"x": 1}), 3),
    }, "≤ 5 ms")
    doc = Query()
    row("equality query {city: '北京'}", timed(lambda: ws.database.count(Caller.admin(), "c", {"city": "北京"})), {
        "TinyDB JSON": timed(lambda: uncached(json_db).search(doc.city == "北京"), 3),
        "TinyDB cached": timed(lambda: uncached(cached).search(doc.city == "北京"), 3),
        "list comp": timed(lambda: [d for d in plain if d.get("city") == "北京"]),
    }, "≤ 3× list comp")
    row("range query {age: _.gt(80)}", timed(lambda: ws.database.count(Caller.admin(), "c", {"age": {"$gt": 80}})), {
        "TinyDB JSON": timed(lambda: uncached(json_db).search(doc.age > 80), 3),
        "TinyDB cached": timed(lambda: uncached(cached).search(doc.age > 80), 3),
        "list comp": timed(lambda: [d for d in plain if isinstance(d.get("age"), int) and d["age"] > 80]),
    }, "≤ 3× list comp")
    target = f"d{n // 2:08d}"
    row("doc(id).get()", timed(lambda: db.doc_get("c", target), 50), {
        "TinyDB JSON": timed(lambda: json_db.get(doc._id == target), 3),
        "TinyDB cached": timed(lambda: cached.get(doc_id=n // 2), 50),
        "dict lookup": timed(lambda: plain[n // 2], 50),
    }, "≤ 1 ms")
    json_db.close()
    ws.close()


def bench_single_inserts(scratch: Path, count: int = 10_000) -> None:
    print(f"\n{count:,} single inserts in a row (into an empty collection)")
    ws = Workspace.open(scratch / "inserts")
    db = ServerDb(ws)
    db.create_collection("c")
    start = time.perf_counter()
    for i in range(count):
        db.add("c", make_doc(i))
    ours = time.perf_counter() - start
    cached = TinyDB(scratch / "ins-cached.json", storage=CachingMiddleware(JSONStorage))
    start = time.perf_counter()
    for i in range(count):
        cached.insert(make_doc(i))
    cached_s = time.perf_counter() - start
    sample = 500  # stock JSONStorage rewrites the file each time: O(n²), measured on a few
    json_db = TinyDB(scratch / "ins-json.json", storage=JSONStorage)
    start = time.perf_counter()
    for i in range(sample):
        json_db.insert(make_doc(i))
    json_s = (time.perf_counter() - start) * (count / sample) ** 2
    print(f"  ours {ours:.2f} s   TinyDB cached {cached_s:.2f} s   TinyDB JSON ≈ {json_s:.0f} s "
          f"(extrapolated from {sample})   budget ≤ 3 s")
    ws.close()


def bench_pane(scratch: Path, n: int) -> None:
    """Run the pane measurement in a fresh process, so its RSS is the app's alone."""
    import json
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--pane", str(scratch / f"ws{n}")],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\ndatabase pane on {n:,} documents (workspace load {result['load'] * 1000:.0f} ms):")
    print(f"  first rows {result['first'] * 1000:.0f} ms (budget ≤ 500); scrolling: worst frame "
          f"{result['worst_frame'] * 1000:.1f} ms, median {result['median_frame'] * 1000:.1f} ms (budget ≤ 50), "
          f"{result['rows_fetched']:,} rows fetched")
    print(f"  peak RSS of that process {result['rss_mb']:.0f} MB (budget ≤ 400 for the whole app)")


def peak_rss_mb() -> float:
    """This process's own peak RSS. (ru_maxrss would include the parent's peak: Linux carries
    the high-water mark across fork and exec.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_pane(data_dir: Path) -> None:
    import asyncio
    import json

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.core.api import WorkspaceApi
    from app.ui.bridge import WorkspaceBridge
    from app.ui.panes.database.pane import DatabasePane

    _app = QApplication([])  # must stay referenced while the pane runs
    result = {}

    async def measure():
        start = time.perf_counter()
        ws = Workspace.open(data_dir)
        result["load"] = time.perf_counter() - start
        start = time.perf_counter()
        bridge = WorkspaceBridge(WorkspaceApi(ws))
        pane = DatabasePane(bridge)
        pane.resize(1200, 700)
        pane.show()
        while pane.documents.rowCount() == 0:
            await asyncio.sleep(0.001)
        await asyncio.sleep(0)
        result["first"] = time.perf_counter() - start
        await asyncio.sleep(0.5)  # the viewer's answer arrives; then the user scrolls
        frames = []
        bar = pane.document_view.verticalScrollBar()
        for step in range(120):  # page down; every 20th step jump to the end, so more rows are fetched
            tick = time.perf_counter()
            bar.setValue(bar.maximum() if step % 20 == 19 else bar.value() + bar.pageStep())
            pane.document_view.viewport().repaint()
            await asyncio.sleep(0)
            frames.append(time.perf_counter() - tick)
        result["worst_frame"] = max(frames)
        result["median_frame"] = statistics.median(frames)
        result["rows_fetched"] = pane.documents.rowCount()
        result["rss_mb"] = peak_rss_mb()
        bridge.close()
        ws.close()

    qasync.run(measure())
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pane", type=Path, help=argparse.SUPPRESS)  # the child of bench_pane
    args = parser.parse_args()
    if args.pane:
        measure_pane(args.pane)
        return 0
    random.seed(1)
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-db-") as folder:
        scratch = Path(folder)
        for n in args.sizes:
            bench_size(n, scratch)
        bench_single_inserts(scratch)
        bench_pane(scratch, max(args.sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
