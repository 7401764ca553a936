"""The compiled entry readers (``index_keys``) key every document as the general walk does.

A seeded generator makes documents with every kind of value (strings, ints, floats, NaN, bools,
null, dates, objects, arrays, nested arrays of objects) at top-level and dotted paths; for each
path, ``Index.keys_of`` with its reader must equal ``keys_of`` without one (``field_keys``).
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

from app.core.database.index_keys import entry_reader, prepare_one
from app.core.database.index_specs import IndexSpec
from app.core.database.indexes import Index

PATHS = ["a", "b", "a.b", "a.b.c", "b.0", "c.x", "a.0.b"]


def value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(11 if depth < 2 else 8)
    return [
        lambda: rng.choice(["", "x", "上海", "1"]),
        lambda: rng.choice([0, 1, -3, 2**70]),
        lambda: rng.choice([0.0, 1.0, 1.5, float("nan"), float("inf")]),
        lambda: rng.choice([True, False]),
        lambda: None,
        lambda: datetime(2024, 1, rng.randint(1, 28), tzinfo=timezone.utc),
        lambda: "y",
        lambda: rng.randint(0, 3),
        lambda: {name: value(rng, depth + 1)
                 for name in rng.sample(["a", "b", "c", "x", "0"], rng.randint(0, 3))},
        lambda: [value(rng, depth + 1) for _ in range(rng.randint(0, 3))],
        lambda: [{"b": value(rng, depth + 2)}, value(rng, depth + 2)],
    ][kind]()


def test_readers_key_as_the_general_walk() -> None:
    rng = random.Random(20)
    for _ in range(3000):
        doc = {name: value(rng) for name in rng.sample(["a", "b", "c"], rng.randint(0, 3))}
        for path in PATHS:
            fast = Index(IndexSpec("i", ((path, 1),)), "c")
            slow = Index(IndexSpec("i", ((path, 1),)), "c")
            slow.read = None
            assert fast.keys_of(doc) == slow.keys_of(doc), (path, doc)
            entry = entry_reader(tuple(path.split(".")))(doc)
            if entry is not None:
                assert slow.keys_of(doc) == ((entry,), ())


def test_one_insert_enters_and_undoes_like_the_general_path() -> None:
    class Places:
        def __init__(self) -> None:
            self.pos, self._next = {}, 0

    indexes = [Index(IndexSpec(p, ((p, 1),)), "c") for p in ("a", "a.b", "b")]
    places = Places()
    docs = [{"_id": i, "a": {"b": i % 3}, "b": [i, "x"] if i % 2 else i} for i in range(6)]
    for doc in docs:
        done, _undo = prepare_one(indexes, "c", doc, doc["_id"], places)
        done()
    last = {"_id": 9, "a": [{"b": 1}], "b": None}
    done, undo = prepare_one(indexes, "c", last, 9, places)
    before = state(indexes)
    done()
    assert state(indexes) != before
    undo()
    assert state(indexes) == before
    assert list(places.pos) == list(range(6))


def state(indexes: list[Index]) -> tuple:
    return ([{entry: list(bucket) for entry, bucket in index.buckets.items()} for index in indexes],
            [list(index.arrays) for index in indexes])
