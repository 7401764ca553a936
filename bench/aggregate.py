"""Time aggregation pipelines against plain-Python loops doing the same work, in one run.

Run: .venv/bin/python bench/aggregate.py [--docs N] [--repeat R] [--no-request]
Over N (100k) documents: $match+$group by a 10-value field with $sum and $avg, $sort+$limit(20),
$lookup of 1k documents into the N by _id, and $unwind+$group. Each prints the median time of a
hand-written dict-and-loop version, of the engine (compile + run over the same list), and of
the whole request through a workspace (snapshot, permission, EJSON answer), with the ratios to
the plain version. The budget is 3x for the engine.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The path line above lets the script run from a checkout without installing.
from app.core.database.aggregate.pipeline import Context, compile_pipeline  # noqa: E402
from app.core.requests import Caller, Request  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆"]
BUDGET = 3.0


def make_users(n: int, seed: int = 42) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "_id": f"{rng.getrandbits(128):032x}",
            "name": f"user{i}",
            "age": rng.randint(1, 99),
            "city": rng.choice(CITIES),
            "score": round(rng.random() * 100, 2),
            "tags": [f"tag{rng.randint(0, 19)}" for _ in range(3)],
            "profile": {"vip": rng.random() < 0.2, "level": rng.randint(1, 10)},
        }
        for i in range(n)
    ]


def make_orders(users: list[dict], n: int = 1000, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [{"_id": f"order{i}", "user": rng.choice(users)["_id"], "amount": rng.randint(1, 500)} for i in range(n)]


def timed(*runs: Callable[[], object], repeat: int) -> list[tuple[float, object]]:
    """Per run, the median wall time in ms over ``repeat`` rounds and its last result.

    The runs take turns within each round, so a slow spell on a shared machine falls on all
    of them rather than skewing one side of a ratio.
    """
    times: list[list[float]] = [[] for _ in runs]
    results: list[object] = [None] * len(runs)
    for _ in range(repeat):
        for i, run in enumerate(runs):
            began = time.perf_counter()
            results[i] = run()
            times[i].append((time.perf_counter() - began) * 1000)
    return [(statistics.median(t), r) for t, r in zip(times, results)]


# -- the plain versions ----------------------------------------------------------------------


def plain_match_group(users: list[dict]) -> list[dict]:
    groups: dict = {}
    for d in users:
        if d["age"] >= 18:
            g = groups.get(d["city"])
            if g is None:
                g = groups[d["city"]] = [0.0, 0]
            g[0] += d["score"]
            g[1] += 1
    return [{"_id": k, "total": t, "avg": t / n} for k, (t, n) in groups.items()]


def plain_sort_limit(users: list[dict]) -> list[dict]:
    return heapq.nlargest(20, users, key=lambda d: d["score"])


def plain_lookup(orders: list[dict], users: list[dict]) -> list[dict]:
    by_id = {d["_id"]: d for d in users}
    return [{**o, "buyer": [by_id[o["user"]]] if o["user"] in by_id else []} for o in orders]


def plain_unwind_group(users: list[dict]) -> list[dict]:
    counts: dict = {}
    for d in users:
        for tag in d["tags"]:
            counts[tag] = counts.get(tag, 0) + 1
    return [{"_id": k, "n": n} for k, n in counts.items()]


CASES = [
    ("$match + $group (sum, avg) by city", "users",
     [{"$match": {"age": {"$gte": 18}}},
      {"$group": {"_id": "$city", "total": {"$sum": "$score"}, "avg": {"$avg": "$score"}}}],
     plain_match_group),
    ("$sort + $limit(20)", "users", [{"$sort": {"score": -1}}, {"$limit": 20}], plain_sort_limit),
    ("$lookup 1k orders into users by _id", "orders",
     [{"$lookup": {"from": "users", "localField": "user", "foreignField": "_id", "as": "buyer"}}],
     None),
    ("$unwind tags + $group count", "users",
     [{"$unwind": "$tags"}, {"$group": {"_id": "$tags", "n": {"$sum": 1}}}], plain_unwind_group),
]


def same(a: list[dict], b: list[dict]) -> bool:
    """Equal up to order and the last bits of float sums (the engine compensates its sums)."""
    def norm(value):
        if isinstance(value, float):
            return round(value, 6)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return value
    key = lambda d: json.dumps(norm(d), sort_keys=True, ensure_ascii=False)  # noqa: E731
    return sorted(map(key, a)) == sorted(map(key, b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-request", action="store_true", help="skip the whole-request column")
    args = parser.parse_args()
    users = make_users(args.docs)
    orders = make_orders(users)
    collections = {"users": users, "orders": orders}
    context = Context(documents=collections.__getitem__)
    workspace = None
    if not args.no_request:
        folder = tempfile.mkdtemp(prefix="wxsim-bench-aggregate-")
        workspace = Workspace.open(Path(folder) / "data")
        for name, docs in collections.items():
            workspace.database.import_documents(name, docs, upsert=False, atomic=True, create=True)
    print(f"{args.docs:,} documents, median of {args.repeat} runs, times in ms (budget: engine <= {BUDGET:g}x plain)\n")
    print(f"{'pipeline':38} {'out':>6} {'plain':>8} {'engine':>8} {'ratio':>6} {'request':>8} {'ratio':>6}")
    worst = 0.0
    try:
        for label, collection, pipeline, plain in CASES:
            docs = collections[collection]
            reference = (lambda: plain_lookup(orders, users)) if plain is None else (lambda: plain(docs))
            runs = [reference, lambda: compile_pipeline(pipeline, context).run(docs)]
            if workspace is not None:
                stages = [{"stageKey": key, "stageValue": json.dumps(value)}
                          for stage in pipeline for key, value in stage.items()]
                request = Request("database.aggregateDocuments", {"collectionName": collection, "stages": stages},
                                  Caller.admin("scf"))
                runs.append(lambda: workspace.handle(request))
            (base, expected), (engine, got), *whole = timed(*runs, repeat=args.repeat)
            assert same(got, expected), label
            worst = max(worst, engine / base)
            line = f"{label:38} {len(got):>6,} {base:>8.1f} {engine:>8.1f} {engine / base:>5.1f}x"
            if whole:
                (elapsed, answer), = whole
                assert len(answer["list"]) == len(got), label
                line += f" {elapsed:>8.1f} {elapsed / base:>5.1f}x"
            print(line)
    finally:
        if workspace is not None:
            workspace.close()
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"\nworst engine ratio {worst:.1f}x: {verdict} the {BUDGET:g}x budget")


if __name__ == "__main__":
    main()
