"""Security rules' cost on a 100k-document query, next to the same query without rules.

    .venv/bin/python bench/rules.py [--docs 100000] [--repeat 7]

Side by side in one run, through ``Workspace.handle`` as a mini program user (dispatcher,
permission decision, event log, journaled store):

- ``where({_openid: '{openid}', score: _.gte(50)})`` ``count()`` and ``get()`` on a collection
  under CUSTOM rules (``doc._openid == auth.openid && doc.score >= 50``, proven from the query
  once per request), next to the same query under READONLY (no rules). Budget: ≤ 2×.
- ``doc(id).get()`` (the rule evaluated on the stored document) next to READONLY.
- For scale, the read rule evaluated on every one of the 100k documents (what a per-document
  filter would cost, and what the console's "view as" does for a page) next to the compiled
  Mongo query testing the same documents. Informational: requests never do this.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core.database import ejson  # noqa: E402
from app.core.database.query import compile_query  # noqa: E402
from app.core.requests import Caller, Request  # noqa: E402
from app.core.rules.evaluate import Scope, evaluate  # noqa: E402
from app.core.rules.ruleset import database_rules  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

RULES = {"read": "doc._openid == auth.openid && doc.score >= 50", "write": "doc._openid == auth.openid"}
BUDGET = 2.0


def side_by_side(first, second, repeat: int) -> tuple[float, float]:
    """Median seconds per call of each, over ``repeat`` samples taken in turn (so drift hits
    both alike); a sample repeats a fast call until it lasts about 30 ms, after a warm-up."""
    start = time.perf_counter()
    first(), second()
    batch = max(1, int(0.06 / max(time.perf_counter() - start, 1e-6)))
    times: tuple[list, list] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            out.append((time.perf_counter() - start) / batch)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-rules-") as temp:
        ws = Workspace.open(Path(temp) / "data")
        try:
            run(ws, args.docs, args.repeat)
        finally:
            ws.close()


def run(ws: Workspace, size: int, repeat: int) -> None:
    console, client = Caller.console(), ws.client_caller("学生A")
    mine = client.openid
    docs = [{"_id": f"d{i:08d}", "_openid": mine if i % 50 == 0 else f"o{i % 50:027d}",
             "score": (i * 37) % 100, "title": f"note {i}"} for i in range(size)]
    for name in ("plain", "ruled"):
        ws.database.create_collection(name)
        ws.database.import_documents(name, docs, upsert=False, atomic=True)
    ws.handle(Request("database.setPermission", {"collectionName": "plain", "mode": "READONLY"}, console))
    ws.handle(Request("database.setPermission", {"collectionName": "ruled", "mode": "CUSTOM", "rules": RULES},
                      console))

    def send(action: str, collection: str, query: dict, **extra) -> dict:
        params = {"collectionName": collection, "query": ejson.encode(query), **extra}
        return ws.handle(Request(action, params, client))

    plain_q = {"_openid": mine, "score": {"$gte": 50}}
    ruled_q = {"_openid": "{openid}", "score": {"$gte": 50}}
    expected = sum(1 for d in docs if d["_openid"] == mine and d["score"] >= 50)
    assert send("database.calculateDocument", "plain", plain_q)["total"] == expected
    assert send("database.calculateDocument", "ruled", ruled_q)["total"] == expected
    doc_id = {"_id": "d00000050"}

    rows = [
        ("count() over 100k", lambda: send("database.calculateDocument", "plain", plain_q),
         lambda: send("database.calculateDocument", "ruled", ruled_q)),
        ("get() 100k, limit 20", lambda: send("database.getDocument", "plain", plain_q, limit=20),
         lambda: send("database.getDocument", "ruled", ruled_q, limit=20)),
        ("doc(id).get()", lambda: send("database.getDocument", "plain", doc_id, queryType="DOC"),
         lambda: send("database.getDocument", "ruled", doc_id, queryType="DOC")),
    ]
    print(f"wxsim security rules, {size} documents, median of {repeat} (budget: rules ≤ {BUDGET:.0f}× no rules)\n")
    print(f"{'request (as 学生A)':32} {'READONLY':>12} {'CUSTOM':>12} {'ratio':>7}  budget")
    worst = 0.0
    for label, plain, ruled in rows:
        a, b = side_by_side(plain, ruled, repeat)
        worst = max(worst, b / a)
        print(f"{label:32} {a * 1000:10.2f}ms {b * 1000:10.2f}ms {b / a:6.2f}×  {'ok' if b / a <= BUDGET else 'OVER'}")

    # For scale: every document through the rule, next to the compiled query on the same docs.
    stored = ws.database.store.documents("ruled")
    rule = database_rules(RULES).rule("read").expression
    scope = Scope(auth={"openid": mine}, request={"data": None}, now=0)
    match = compile_query(plain_q)

    def each_by_rule() -> int:
        hits = 0
        for doc in stored:
            scope.doc = doc
            hits += evaluate(rule, scope).allowed
        return hits

    assert each_by_rule() == sum(1 for d in stored if match(d)) == expected
    a, b = side_by_side(lambda: sum(1 for d in stored if match(d)), each_by_rule, max(3, repeat // 2))
    print(f"\n{'per document, informational':32} {'query':>12} {'rule':>12}")
    print(f"{'every doc of 100k tested':32} {a * 1000:10.1f}ms {b * 1000:10.1f}ms {b / a:6.1f}×  "
          f"({b / len(stored) * 1e6:.1f} µs per rule evaluation; requests prove once instead)")
    print(f"\nworst request ratio {worst:.2f}× — {'within' if worst <= BUDGET else 'OVER'} the {BUDGET:.0f}× budget")


if __name__ == "__main__":
    main()
