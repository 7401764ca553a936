"""Database persistence: our journaled DocumentStore next to stock TinyDB, in one run.

    .venv/bin/python bench/db_store.py [--quick]

Documents are ~250 bytes like feasibility.md §5 (_id, _openid, name, age, Chinese city, score,
tags, nested profile, createdAt date). Budgets (DESIGN §6): one insert into a 100k collection
≤ 5 ms, 10k single inserts ≤ 3 s, doc(id).get on 100k ≤ 1 ms, whole app ≤ 400 MB RSS.
Stock JSONStorage is O(n) per insert with a full rewrite, so its 10k time is extrapolated
from a quadratic fit over its first inserts; --quick extrapolates CachingMiddleware too.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinydb import Query, TinyDB  # noqa: E402
from tinydb.middlewares import CachingMiddleware  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from app.core.database.ejson import to_ejson  # noqa: E402
from app.core.database.store import DocumentStore  # noqa: E402

CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都"]
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
RSS_CHILD = r"""
import sys
sys.path.insert(0, sys.argv[2])
def status(field):  # VmHWM, unlike ru_maxrss, does not inherit the parent's peak across exec
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
from pathlib import Path
from app.core.database.store import DocumentStore
base = status("VmRSS")
store = DocumentStore(Path(sys.argv[1]), background=False)
n = store.count("users")
print(f"{base:.0f} {status('VmRSS'):.0f} {status('VmHWM'):.0f} {n}")
"""


def make_doc(i: int, rng: random.Random) -> dict:
    return {
        "_id": f"{rng.getrandbits(64):016x}{i:016x}",
        "_openid": f"oUser{rng.randrange(500):023d}",
        "name": f"学生{i}",
        "age": rng.randint(16, 90),
        "city": rng.choice(CITIES),
        "score": round(rng.random() * 100, 2),
        "tags": rng.sample(["cloud", "db", "vip", "new", "test"], 2),
        "profile": {"vip": rng.random() < 0.2, "level": rng.randint(1, 9)},
        "createdAt": EPOCH + timedelta(seconds=i),
    }


def docs(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    return [make_doc(i, rng) for i in range(n)]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:10.4f} ms"


def row(label: str, ours: str, stock: str = "", note: str = "") -> None:
    print(f"  {label:38} {ours:>16}   {stock:>34}   {note}")


def stock_single_inserts(path: Path, counts: list[int], caching: bool) -> dict[int, float]:
    """Cumulative seconds after each count of single inserts into a fresh stock TinyDB."""
    batch = [to_ejson(d) for d in docs(max(counts))]
    db = TinyDB(path, storage=CachingMiddleware(JSONStorage) if caching else JSONStorage)
    table = db.table("_default")
    times, started = {}, time.perf_counter()
    for i, doc in enumerate(batch, 1):
        table.insert(doc)
        if i in counts:
            times[i] = time.perf_counter() - started
    db.close()  # CachingMiddleware writes the file here
    times[max(counts)] = time.perf_counter() - started
    return times


def quadratic_extrapolation(times: dict[int, float], target: int) -> float:
    """Least squares t(n) = a·n + b·n² (O(n) per insert) through the measured points."""
    s11 = sum(n**2 for n in times)
    s12 = sum(n**3 for n in times)
    s22 = sum(n**4 for n in times)
    r1 = sum(n * t for n, t in times.items())
    r2 = sum(n**2 * t for n, t in times.items())
    det = s11 * s22 - s12 * s12
    a, b = (r1 * s22 - r2 * s12) / det, (s11 * r2 - s12 * r1) / det
    return a * target + b * target**2


def bench_10k(work: Path, quick: bool) -> None:
    print("10k single inserts in a row (budget ≤ 3 s):")
    data = docs(10_000)
    store = DocumentStore(work / "ten-k")
    store.create_collection("users")
    loop = timed(lambda: [store.insert("users", [doc]) for doc in data])
    close = timed(store.close)
    plain = stock_single_inserts(work / "plain.json", [250, 500, 750, 1000], caching=False)
    plain_10k = quadratic_extrapolation(plain, 10_000)
    if quick:
        cached = stock_single_inserts(work / "cached.json", [1000, 2000, 3000], caching=True)
        cached_10k, how = quadratic_extrapolation(cached, 10_000), "extrapolated from 3k"
    else:
        cached_10k, how = (
            stock_single_inserts(work / "cached.json", [10_000], caching=True)[10_000],
            "measured",
        )
    row("", "ours", "stock TinyDB")
    row(
        "10k inserts",
        f"{loop:.3f} s",
        f"JSONStorage ≈ {plain_10k:8.1f} s",
        f"(extrapolated from 1k = {plain[1000]:.2f} s)  {plain_10k / loop:,.0f}× ours",
    )
    row("", "", f"CachingMiddleware {cached_10k:8.2f} s", f"({how}) {cached_10k / loop:,.1f}× ours")
    row("close (final compaction + fsync)", f"{close:.3f} s")
    print(f"  budget: {'ok' if loop <= 3 else 'OVER'}")


def build_100k(folder: Path, data: list[dict]) -> DocumentStore:
    store = DocumentStore(folder)
    store.create_collection("users")
    store.insert("users", data)
    store.flush()
    return store


def bench_100k(work: Path) -> None:
    print("\n100k-document collection:")
    data = docs(100_000, seed=2)
    folder = work / "hundred-k"
    store = build_100k(folder, data)
    size = (folder / "users.json").stat().st_size / 2**20
    extra = docs(300, seed=3)
    singles = []
    for doc in extra[:200]:
        singles.append(timed(lambda d=doc: store.insert("users", [d])))
    rng = random.Random(4)
    ids = [d["_id"] for d in rng.sample(data, 10_000)]
    gets = [timed(lambda i=i: store.get("users", i)) for i in ids]
    # Insert latency while a background compaction of the whole collection runs.
    during = []
    compaction = threading.Thread(target=store.flush)
    compaction.start()
    for doc in extra[200:]:
        during.append(timed(lambda d=doc: store.insert("users", [d])))
        if not compaction.is_alive():
            break
    compaction.join()
    store.close()

    stock_plain, stock_cached = work / "stock-plain.json", work / "stock-cached.json"
    encoded = [to_ejson(d) for d in data]
    for path in (stock_plain, stock_cached):
        db = TinyDB(path)
        db.insert_multiple(encoded)
        db.close()
    probe = to_ejson(make_doc(10**6, random.Random(5)))
    db = TinyDB(stock_plain)
    plain_insert = timed(lambda: db.insert(dict(probe)))
    db.close()
    db = TinyDB(stock_cached, storage=CachingMiddleware(JSONStorage))
    cached_reopen = timed(lambda: db.table("_default").all())
    cached_insert = timed(lambda: db.insert(dict(probe, _id="other")))
    cached_get = statistics.median(timed(lambda i=i: db.get(Query()._id == i)) for i in ids[:5])
    db.close()

    reopen = statistics.median(
        timed(lambda: DocumentStore(folder, background=False).close()) for _ in range(3)
    )
    store = DocumentStore(folder)
    for doc in docs(10_000, seed=6):
        store.insert("users", [doc])
    replay_copy = work / "replay"
    subprocess.run(["cp", "-r", str(folder), str(replay_copy)], check=True)  # as a kill leaves it
    store.close()
    replay = timed(lambda: DocumentStore(replay_copy, background=False))

    row("", "ours", "stock TinyDB")
    row("file size (users.json)", f"{size:.1f} MB")
    row(
        "one insert into 100k, median of 200",
        ms(statistics.median(singles)),
        f"JSONStorage {ms(plain_insert)}",
        "(budget ≤ 5 ms)",
    )
    row("  slowest of those 200", ms(max(singles)), f"Caching {ms(cached_insert)}")
    row(
        "  median / max during a compaction",
        f"{statistics.median(during) * 1e3:.3f}/{max(during) * 1e3:.1f} ms",
        "",
        f"({len(during)} inserts while the 100k file was rewritten)",
    )
    row(
        "doc(id).get on 100k, median of 10k",
        ms(statistics.median(gets)),
        f"Caching Query()._id== {ms(cached_get)}",
        "(budget ≤ 1 ms)",
    )
    row("  slowest of those 10k", ms(max(gets)))
    row("reopen 100k (compacted file)", f"{reopen:.3f} s", f"Caching load {cached_reopen:.3f} s")
    row("reopen 100k + replay 10k-record journal", f"{replay:.3f} s")


def bench_rss(work: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, str(work / "hundred-k"), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    base, now, peak, count = (float(x) for x in out)
    print(f"\nmemory, a fresh process opening the {count:,.0f}-document store:")
    row("RSS after imports", f"{base:.0f} MB")
    row(
        "RSS with the collection loaded",
        f"{now:.0f} MB",
        "",
        f"(+{now - base:.0f} MB; feasibility §5: stock Caching 206 MB)",
    )
    row("peak RSS while loading", f"{peak:.0f} MB")


def bench_fsync(work: Path) -> None:
    record = b"0123abcd " + b'{"s":1,"o":[["i","users",[' + b"x" * 230 + b"]]]}\n"
    fd = os.open(work / "fsync.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    plain = timed(lambda: [os.write(fd, record) for _ in range(2000)]) / 2000
    synced = timed(lambda: [(os.write(fd, record), os.fsync(fd)) for _ in range(500)]) / 500
    os.close(fd)
    print("\njournal append, why no fsync per record:")
    row("write() of one ~250 B record", ms(plain))
    row(
        "write() + fsync()",
        ms(synced),
        "",
        f"→ 10k inserts would spend {synced * 1e4:.1f} s in fsync here (laptop SSDs: 1-10 ms each)",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="extrapolate CachingMiddleware's 10k")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxsim-dbbench-") as tmp:
        work = Path(tmp)
        bench_10k(work, args.quick)
        bench_100k(work)
        bench_rss(work)
        bench_fsync(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
