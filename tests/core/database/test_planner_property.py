"""Planned == scanned: the same random queries over the same documents, with and without indexes.

A seeded generator (no hypothesis here) makes documents with nulls, missing fields, mixed types
(BSON order), arrays (multikey), dotted paths and owners, writes to both stores alike, and asks
finds (with orders, skips and limits), counts, updates and removes, as an admin and as a client
under PRIVATE (owner-filtered). Every answer must be the same, in the same order.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from bson.objectid import ObjectId

from app.core.database.indexes import CollectionIndexes
from app.core.database.journal import INDEX_CREATE, id_key
from app.core.database.service import DatabaseService
from app.core.database.store import DocumentStore
from app.core.errors import CloudError
from app.core.requests import Caller, Trace, current_trace

ADMIN = Caller.admin("scf")
OWNERS = ["oA", "oB"]
POOL = [None, 0, 1, 1.0, 2, 2.5, -3, 7, "", "a", "b", "B", "abc", True, False,
        datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC),
        ObjectId("65f000000000000000000001"), ObjectId("65f000000000000000000002")]
INDEXES = [
    [("a", 1)], [("b", 1), ("c", -1)], [("c", 1)], [("n.x", 1)], [("b", 1), ("a", 1)], [("tags", -1)],
    [("s.t", 1), ("b", -1)],
]
FIELDS = ["a", "b", "c", "n.x", "tags", "s.t", "_openid"]
ORDERS = [[("a", 1)], [("a", -1)], [("b", 1)], [("b", -1), ("c", -1)], [("b", 1), ("c", 1)], [("c", -1)],
          [("n.x", 1)], [("s.t", -1)], [("c", 1), ("b", 1)], [("tags", 1)]]


def scalar(rng: random.Random):
    return rng.choice(POOL)


def document(rng: random.Random, n: int) -> dict:
    doc: dict = {"_id": f"d{n}", "_openid": rng.choice(OWNERS)}
    if rng.random() < 0.85:
        roll = rng.random()
        doc["a"] = ([scalar(rng) for _ in range(rng.randrange(0, 4))] if roll < 0.25 else scalar(rng))
    if rng.random() < 0.8:
        doc["b"] = rng.choice([None, 0, 1, 2, 3, "x", 2.0])
    if rng.random() < 0.8:
        doc["c"] = rng.choice([None, 1, 5, "p", "q", True, datetime(2024, 3, 1, tzinfo=UTC)])
    roll = rng.random()
    if roll < 0.3:
        doc["n"] = {"x": scalar(rng)}
    elif roll < 0.5:
        doc["n"] = [{"x": scalar(rng)} for _ in range(rng.randrange(0, 3))] + ([{"y": 1}] if rng.random() < 0.3 else [])
    elif roll < 0.6:
        doc["n"] = scalar(rng)
    if rng.random() < 0.6:
        doc["tags"] = [rng.choice(["red", "blue", 1, None]) for _ in range(rng.randrange(0, 3))]
    if rng.random() < 0.6:
        doc["s"] = {"t": rng.choice([None, 1, 2, "z"])} if rng.random() < 0.8 else {}
    return doc


def condition(rng: random.Random):
    roll = rng.random()
    if roll < 0.3:
        return scalar(rng)
    if roll < 0.45:
        return {"$in": [scalar(rng) for _ in range(rng.randrange(1, 4))]}
    if roll < 0.7:
        op = rng.choice(["$gt", "$gte", "$lt", "$lte"])
        return {op: scalar(rng)}
    if roll < 0.85:
        low, high = sorted([rng.choice([0, 1, 2, 3, 7]), rng.choice([0, 1, 2, 3, 7])])
        return {rng.choice(["$gt", "$gte"]): low, rng.choice(["$lt", "$lte"]): high}
    return rng.choice([{"$ne": scalar(rng)}, {"$exists": rng.random() < 0.5}, {"$eq": scalar(rng)},
                       {"$gte": scalar(rng), "$ne": scalar(rng)}, {"$nin": [scalar(rng)]}])


def query(rng: random.Random) -> dict:
    fields = rng.sample(FIELDS, rng.randrange(0, 3))
    built = {field: condition(rng) for field in fields}
    roll = rng.random()
    if roll < 0.15:
        return {"$and": [built, {rng.choice(FIELDS): condition(rng)}]}
    if roll < 0.3:
        return {**built, "$or": [{rng.choice(FIELDS): condition(rng)} for _ in range(rng.randrange(1, 4))]}
    return built


class Abandoned(Exception):
    pass


def abandon(rng: random.Random, services, step: int) -> None:
    """Writes in a batch that then fails: every write is undone, entries included."""
    ids = [d["_id"] for d in services[1].store.documents("c")]
    writes = []
    for n in range(rng.randrange(1, 5)):
        roll = rng.random()
        if roll < 0.4 or not ids:
            writes.append(("insert", document(rng, 5000 + step * 10 + n)))
        elif roll < 0.8:
            writes.append(("replace", {**document(rng, 0), "_id": rng.choice(ids)}))
        else:
            writes.append(("remove", rng.choice(ids)))
    for service in services:
        store = service.store
        with pytest.raises(Abandoned):
            with store.batch():
                for kind, what in writes:
                    if kind == "insert" and store.get("c", what["_id"]) is None:
                        store.insert("c", [dict(what)])
                    elif kind == "replace" and store.get("c", what["_id"]) is not None:
                        store.replace("c", [dict(what)])
                    elif kind == "remove":
                        store.remove("c", [what])
                raise Abandoned()
    assert_entries_current(services[0].store)


def assert_entries_current(store: DocumentStore) -> None:
    """The live entries equal entries built afresh from the documents, and the order is the store's."""
    built = store.indexes.of("c")
    table = {id_key(doc["_id"]): doc for doc in store.documents("c")}
    fresh = CollectionIndexes("c", [index.spec for index in built.indexes])
    fresh.build(table)
    for live, rebuilt in zip(built.indexes, fresh.indexes, strict=True):
        assert live.buckets == rebuilt.buckets and live.arrays == rebuilt.arrays, live.spec.name
        if live._sorted is not None:
            assert live._sorted == sorted(rebuilt.buckets)
    assert sorted(built.pos, key=built.pos.__getitem__) == list(table)


def make_service(path, indexed: bool) -> DatabaseService:
    store = DocumentStore(path, background=False)
    store.create_collection("c")
    if indexed:
        for keys in INDEXES:
            spec = {"name": "_".join(f"{f}_{d}" for f, d in keys),
                    "keys": [{"field": f, "direction": d} for f, d in keys], "unique": False}
            store.write_index((INDEX_CREATE, "c", spec))
    return DatabaseService(store, lambda collection: "PRIVATE")


def outcome(call):
    try:
        return call()
    except CloudError as exc:
        return ("error", exc.code)


@pytest.mark.parametrize("seed", range(8))
def test_planned_answers_equal_scanned_answers(tmp_path, seed):
    rng = random.Random(seed)
    planned, scanned = make_service(tmp_path / "i", True), make_service(tmp_path / "s", False)
    both = (planned, scanned)
    for n in range(150):
        doc = document(rng, n)
        for service in both:
            service.store.insert("c", [dict(doc)])
    used, sorted_by_index = set(), 0
    for step in range(400):
        q = query(rng)
        caller = ADMIN if rng.random() < 0.6 else Caller.client(rng.choice(OWNERS), "wxapp")
        order = rng.choice(ORDERS) if rng.random() < 0.6 else None
        skip, limit = rng.choice([0, 0, 1, 3]), rng.choice([None, 1, 5, 20])
        kind = rng.random()
        change = {"$set": {rng.choice(["a", "b", "c", "n.x"]): scalar(rng)}}
        multi = rng.random() < 0.9
        answers = []
        for service in both:
            trace = Trace()
            token = current_trace.set(trace)
            try:
                if kind < 0.6:
                    got = outcome(lambda: [d["_id"] for d in service.get(caller, "c", q, order=order, skip=skip,
                                                                           limit=limit)[0]])
                elif kind < 0.75 or not q:  # (an empty query would remove everything)
                    got = outcome(lambda: service.count(caller, "c", q)[0])
                elif kind < 0.9:
                    got = outcome(lambda: service.modify(ADMIN, "c", q, change, multi=multi, merge=True,
                                                         upsert=False)[0].updated)
                else:
                    got = outcome(lambda: service.remove(ADMIN, "c", q, multi=multi)[0])
            finally:
                current_trace.reset(token)
            answers.append(got)
            if service is planned and trace.plan and trace.plan["index"]:
                used.add(trace.plan["index"])
                sorted_by_index += trace.plan["sorted"]
        assert answers[0] == answers[1], (step, q, order, skip, limit)
        if rng.random() < 0.1:
            abandon(rng, both, step)
        if rng.random() < 0.2:  # a new document now and then, for both
            doc = document(rng, 1000 + step)
            for service in both:
                service.store.insert("c", [dict(doc)])
        assert planned.store.documents("c") == scanned.store.documents("c")
    assert_entries_current(planned.store)
    assert len(used) >= 3 and sorted_by_index  # the planner did use indexes, and their order
    for service in both:
        service.store.close()
