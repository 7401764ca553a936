"""The generated-code path for simple queries (compiled.py) against the general path (query.py).

Random documents (nulls, missing fields, arrays of scalars and of objects, scalars where a path
expects an object, booleans beside 0 and 1, ints beside equal floats) and random simple
queries: both paths must match exactly the same documents and count the same. Semantics only,
no timing (the speed is bench/db_engine.py's business).
"""

from __future__ import annotations

import random
import sys

import pytest

from app.core.database import compiled, query
from app.core.database.compiled import compile_simple
from app.core.database.find import count, find

SCALARS = [None, True, False, 0, 1, 1.0, 2, 2.5, -1, 10**20, float("inf"), float("nan"), "", "a", "b", "ab",
           "北京", "1"]
FIELDS = ["a", "b", "p.q", "p.r.s", "arr.q", "arr.0", "arr.1.q", "p.0"]


def _value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth < 2 and roll < 0.15:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 2 and roll < 0.3:
        return {k: _value(rng, depth + 1) for k in rng.sample(["q", "r", "s", "0"], rng.randint(0, 3))}
    return rng.choice(SCALARS)


def _doc(rng: random.Random, i: int) -> dict:
    doc = {"_id": i}
    for key in ("a", "b", "p", "arr"):
        if rng.random() < 0.8:
            doc[key] = _value(rng)
    if rng.random() < 0.3:
        doc["p"] = {"q": _value(rng), "r": {"s": _value(rng)} if rng.random() < 0.7 else _value(rng)}
    if rng.random() < 0.3:
        doc["arr"] = [{"q": _value(rng)} if rng.random() < 0.7 else _value(rng) for _ in range(rng.randint(0, 3))]
    return doc


def _plain(rng: random.Random):
    return rng.choice([v for v in SCALARS if v == v])


def _condition(rng: random.Random):
    roll = rng.random()
    if roll < 0.3:
        return _plain(rng)
    op = rng.choice(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"])
    if op in ("$in", "$nin"):
        kind = rng.choice(["str", "num", "mixed"])
        pool = {"str": ["", "a", "b", "北京", "1"], "num": [0, 1, 1.0, 2, 2.5, -1, 10**20],
                "mixed": [None, True, "a", 1, [1]]}[kind]
        return {op: rng.sample(pool, rng.randint(1, 3))}
    arg = rng.choice([1, 2.5, "a", "b", 0, -1, 10**20, float("inf")]) if op in ("$gt", "$gte", "$lt", "$lte") \
        else _plain(rng)
    spec = {op: arg}
    if rng.random() < 0.3:
        other = rng.choice(["$lt", "$lte", "$ne", "$gt"])
        spec[other] = rng.choice([2, 50, "z", None] if other == "$ne" else [2, 50, "z"])
    return spec


def _query(rng: random.Random) -> dict:
    q = {field: _condition(rng) for field in rng.sample(FIELDS, rng.randint(1, 3))}
    if rng.random() < 0.15:
        q = {"$and": [q, {rng.choice(FIELDS): _condition(rng)}]}
    return q


def _general(q: dict, monkeypatch) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(query, "compile_simple", lambda q: None)
        return query.compile_query(q)


@pytest.mark.parametrize("seed", range(8))
def test_compiled_matches_and_counts_as_the_general_path(seed, monkeypatch):
    rng = random.Random(seed)
    docs = [_doc(rng, i) for i in range(300)]
    for _ in range(150):
        q = _query(rng)
        fast = compile_simple(q)
        if fast is None:
            continue  # an unsupported shape takes the general path anyway
        general = _general(q, monkeypatch)
        expected = [d["_id"] for d in docs if general(d)]
        assert [d["_id"] for d in docs if fast.match(d)] == expected, q
        assert fast.count(docs) == len(expected), q


def test_the_shapes_the_budgets_name_are_compiled():
    for q in ({"city": "北京"}, {"age": {"$gt": 80}, "city": "上海"}, {"profile.vip": True},
              {"score": {"$gte": 50, "$lt": 80}}, {"tags": {"$in": ["a", "b"]}}, {"a": None},
              {"$and": [{"a": 1}, {"b.c": {"$ne": "x"}}]}):
        assert compile_simple(q) is not None, q


def test_other_shapes_take_the_general_path():
    for q in ({}, {"a": {"b": 1}}, {"a": {"$exists": True}}, {"a": {"$gt": None}}, {"a": float("nan")},
              {"a": {"$in": []}}, {"a": {"$in": ["x", 1]}}, {"$or": [{"a": 1}]}, {"a..b": 1},
              {"a": {"$gt": 1, "b": 2}}, {"a": {"$regex": "x"}}):
        assert compile_simple(q) is None, q


def test_bad_queries_still_fail_as_before():
    from app.core.errors import CloudError

    for q in ({"a..b": 1}, {"a": {"$gt": 1, "b": 2}}, [1]):
        with pytest.raises(CloudError):
            count([{"a": 1}], q)


def test_count_makes_no_copies(monkeypatch):
    """count() only tests documents: it never projects or copies one (find would)."""
    find_module = sys.modules["app.core.database.find"]  # the package re-exports find()

    def refuse(*args, **kwargs):
        raise AssertionError("count copied a document")

    monkeypatch.setattr(find_module, "compile_projection", refuse)
    docs = [{"_id": i, "a": i % 3, "deep": {"x": [i]}} for i in range(50)]
    assert count(docs, {"a": 1}) == 17
    assert count(docs, {"deep.x": {"$gte": 40}}) == 10
    assert count(docs, {"a": {"$exists": True}}) == 50
    assert count(docs, {}) == count(docs, None) == 50


def test_count_through_the_service_makes_no_copies(monkeypatch, tmp_path):
    find_module = sys.modules["app.core.database.find"]  # the package re-exports find()
    from app.core.database.service import DatabaseService
    from app.core.database.store import DocumentStore
    from app.core.requests import Caller

    store = DocumentStore(tmp_path, background=False)
    service = DatabaseService(store, lambda name: "ADMINONLY")
    service.create_collection("c")
    service.insert(Caller.admin("test"), "c", [{"a": i % 2} for i in range(10)])
    monkeypatch.setattr(find_module, "compile_projection", lambda *a: (_ for _ in ()).throw(AssertionError()))
    assert service.count(Caller.admin("test"), "c", {"a": 1})[0] == 5
    store.close()


def test_limit_without_order_stops_reading_once_the_page_is_full():
    consumed = []

    def documents():
        for i in range(100):
            if len(consumed) > 11:
                raise AssertionError("read past the page")
            consumed.append(i)
            yield {"_id": i, "a": 1}

    assert [d["_id"] for d in find(documents(), {"a": 1}, skip=2, limit=10)] == list(range(2, 12))
    assert len(consumed) == 12


def test_compiled_code_is_shared_between_queries_of_one_shape():
    compiled._code.cache_clear()
    compile_simple({"city": "北京"})
    compile_simple({"city": "上海"})
    assert compiled._code.cache_info().hits == 1
