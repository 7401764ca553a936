"""Time the document engine against hand-written list comprehensions over 100k documents.

Run: .venv/bin/python bench/db_engine.py [--docs N] [--repeat R]
Prints, per query, the median time of a plain comprehension doing the same test, of the
compiled predicate in the same comprehension (the engine's scan cost), of count(), and of
find(limit=1000) as the service calls it at the server cap (it copies what it returns, so
it stops early without an order), each with its ratio to the plain comprehension.
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The path line above lets the script run from a checkout without installing.
from app.core.database import (  # noqa: E402
    compile_query,
    count,
    find,
    sort_documents,
)

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆"]


def make_docs(n: int, seed: int = 42) -> list[dict]:
    """Documents shaped like engine-eval.md §5's benchmark set."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    return [
        {
            "_id": f"{rng.getrandbits(128):032x}",
            "_openid": f"o{rng.getrandbits(100):027x}",
            "name": f"user{i}",
            "age": rng.randint(1, 99),
            "city": rng.choice(CITIES),
            "score": round(rng.random() * 100, 2),
            "tags": [f"tag{rng.randint(0, 19)}" for _ in range(3)],
            "profile": {"vip": rng.random() < 0.2, "level": rng.randint(1, 10)},
            "createdAt": start + timedelta(seconds=rng.randint(0, 10**7)),
        }
        for i in range(n)
    ]


def timed(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time in ms over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def cases(docs: list[dict]) -> list[tuple[str, dict, Callable[[], list]]]:
    """(label, query, equivalent plain comprehension) triples."""
    wanted = ("tag3", "tag7")
    return [
        ("equality  {city:'北京'}", {"city": "北京"},
         lambda: [d for d in docs if d.get("city") == "北京"]),
        ("range     {age:{$gt:80}}", {"age": {"$gt": 80}},
         lambda: [d for d in docs if d.get("age", 0) > 80]),
        ("range     {score:{$gte:50,$lt:80}}", {"score": {"$gte": 50, "$lt": 80}},
         lambda: [d for d in docs if 50 <= d.get("score", -1) < 80]),
        ("and       {age:{$gt:80},city:'上海'}", {"age": {"$gt": 80}, "city": "上海"},
         lambda: [d for d in docs if d.get("age", 0) > 80 and d.get("city") == "上海"]),
        ("nested    {'profile.vip':true}", {"profile.vip": True},
         lambda: [d for d in docs if d.get("profile", {}).get("vip") is True]),
        ("array     {tags:{$in:[tag3,tag7]}}", {"tags": {"$in": list(wanted)}},
         lambda: [d for d in docs if any(t in wanted for t in d.get("tags", ()))]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    docs = make_docs(args.docs)
    print(f"{args.docs:,} docs, median of {args.repeat} runs, times in ms\n")
    header = f"{'query':38} {'hits':>7} {'list comp':>10} {'predicate':>10} {'ratio':>6}"
    print(f"{header} {'count()':>8} {'ratio':>6} {'find(limit=1000)':>17}")
    for label, query, plain in cases(docs):
        base, expected = timed(plain, args.repeat)
        match = compile_query(query)
        engine, got = timed(lambda: [d for d in docs if match(d)], args.repeat)
        counted, total = timed(lambda: count(docs, query), args.repeat)
        whole, found = timed(lambda: find(docs, query, limit=1000), args.repeat)
        assert got == expected and total == len(expected), label
        assert found == expected[:1000], label
        print(f"{label:38} {len(expected):>7,} {base:>10.1f} {engine:>10.1f} "
              f"{engine / base:>5.1f}x {counted:>8.1f} {counted / base:>5.1f}x {whole:>17.1f}")
    base, expected = timed(lambda: heapq.nlargest(20, docs, key=lambda d: d["score"]),
                           args.repeat)
    engine, got = timed(lambda: find(docs, {}, order={"score": -1}, limit=20), args.repeat)
    assert [d["score"] for d in got] == [d["score"] for d in expected]
    print(f"\n{'sort score desc, limit 20':38} {20:>7} {base:>10.1f} {engine:>10.1f} "
          f"{engine / base:>5.1f}x   (heapq.nlargest vs find(order, limit=20))")
    base, expected = timed(lambda: sorted(docs, key=lambda d: d["city"]), args.repeat)
    engine, got = timed(lambda: sort_documents(docs, {"city": 1}), args.repeat)
    assert [d["_id"] for d in got] == [d["_id"] for d in expected]
    print(f"{'sort city asc, all docs':38} {len(got):>7,} {base:>10.1f} "
          f"{engine:>10.1f} {engine / base:>5.1f}x   (sorted() vs sort_documents)")
    base, _ = timed(lambda: [dict(d) for d in docs[:1000]], args.repeat)
    engine, _ = timed(lambda: find(docs[:1000], {}), args.repeat)
    print(f"{'find() deep-copies its page':38} {1000:>7,} {base:>10.1f} {engine:>10.1f} "
          f"{engine / base:>5.1f}x   (shallow dict() vs find over 1000 docs)")


if __name__ == "__main__":
    main()
