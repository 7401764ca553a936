"""Mongo matching rules beyond §9: paths through arrays, null/missing, dates, $expr, order."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone

import pytest

from app.core.database import compare_values, compile_query, find, values_equal

UTC = timezone.utc
DAY = datetime(2024, 1, 2, tzinfo=UTC)

DOCS = [
    {"_id": 1, "a": [{"b": 1, "c": "x"}, {"b": 2, "c": "y"}], "when": DAY, "n": 10,
     "name": "Zed"},
    {"_id": 2, "a": [{"b": 3}], "when": DAY + timedelta(days=1), "n": 2.5, "name": "ämber"},
    {"_id": 3, "a": [], "n": None, "name": "abc"},
    {"_id": 4, "a": [[{"b": 1}]], "when": datetime(2023, 6, 1), "name": "中文"},
    {"_id": 5, "a": "scalar", "n": 7, "m": [7, 12], "name": "Abc"},
]

MATCH_CASES = [
    ({"a.b": 1}, [1]),                               # object elements only, not nested arrays
    ({"a.b": {"$gt": 1}}, [1, 2]),
    ({"a.b": {"$ne": 1}}, [2, 3, 4, 5]),             # negation of "any element equals"
    ({"a.b": None}, [5]),                            # a scalar `a` has no `b`
    ({"a.c": None}, [2, 5]),                         # an element lacking c counts as null
    ({"a.b": {"$exists": False}}, [3, 4, 5]),
    ({"a.0.b": 1}, [1, 4]),                          # after an index, arrays expand again
    ({"a.c": "y"}, [1]),
    ({"a": {"$elemMatch": {"b": 1, "c": "x"}}}, [1]),
    ({"a": {"$elemMatch": {"b": 2, "c": "x"}}}, []),  # the same element must meet both
    ({"a": {"$all": [{"$elemMatch": {"b": 2}}]}}, [1]),
    ({"a": {"$size": 0}}, [3]),
    ({"a": {"$type": "string"}}, [5]),
    ({"n": {"$type": "double"}}, [2]),
    ({"n": {"$type": "number"}}, [1, 2, 5]),
    ({"n": {"$exists": True}}, [1, 2, 3, 5]),        # null exists
    ({"n": {"$gte": None}}, [3, 4]),                 # $gte/$lte null behave like $eq null
    ({"n": {"$lt": None}}, []),
    ({"m": {"$gt": 11}}, [5]),
    ({"n": {"$gte": 2, "$lt": 8}}, [2, 5]),
    ({"m": {"$gt": 8, "$lt": 9}}, [5]),              # 12 and 7 meet one bound each
    ({"when": {"$gt": DAY}}, [2]),
    ({"when": {"$lte": DAY}}, [1, 4]),               # a naive datetime is read as UTC
    ({"when": DAY}, [1]),
    ({"name": {"$gt": "Zed"}}, [2, 3, 4]),           # binary order: lowercase after Z
    ({"name": {"$in": [{"$regularExpression": {"pattern": "^a", "options": "i"}}, "Zed"]}},
     [1, 3, 5]),
    ({"name": {"$all": [{"$regex": "b"}]}}, []),    # $all takes values, not operators
    ({"name": {"$all": [re.compile("b"), re.compile("c")]}}, [3, 5]),
    ({"name": {"$eq": re.compile("abc")}}, []),     # $eq with a regex wants a stored regex
    ({"name": {"$regex": "^a", "$options": "i"}}, [3, 5]),
    ({"name": {"$not": {"$regex": "^a", "$options": "i"}}}, [1, 2, 4]),
    ({"name": {"$regex": "(?<first>^a)b"}}, [3]),    # JS named groups are translated
    ({"$expr": {"$eq": ["$nope", None]}}, []),       # missing is not null in expressions
    ({"$expr": {"$gt": [{"$add": ["$n", 1]}, 10]}}, [1]),
    ({"$expr": {"$lt": [{"$multiply": ["$n", 2]}, 6]}}, [2, 3, 4]),  # null < 6 (BSON)
    ({"$expr": {"$eq": [{"$mod": ["$n", 4]}, 2]}}, [1]),
    ({"$expr": {"$and": [{"$isArray": "$a"}, {"$gt": [{"$size": "$a"}, 1]}]}}, [1]),
    ({"$expr": {"$in": ["$name", ["abc", "Zed"]]}}, [1, 3]),
    ({"$expr": {"$not": [{"$or": [{"$eq": ["$_id", 1]}, {"$eq": ["$_id", 2]}]}]}}, [3, 4, 5]),
    ({"$expr": {"$gt": [{"$subtract": ["$when", DAY]}, 0]}}, [2]),
    ({"$expr": {"$eq": [{"$cond": [{"$gt": ["$_id", 3]}, "big", "small"]}, "big"]}}, [4, 5]),
    ({"$expr": {"$eq": [{"$ifNull": ["$n", "none"]}, "none"]}}, [3, 4]),
    ({"$expr": {"$eq": ["$a.b", [1, 2]]}}, [1]),     # "$a.b" maps over the array
    ({"$comment": "ignored", "_id": 2}, [2]),
]


@pytest.mark.parametrize(("query", "expected"), MATCH_CASES, ids=[str(q) for q, _ in MATCH_CASES])
def test_matching_rules(query, expected):
    """Each query matches exactly the listed ids."""
    match = compile_query(query)
    assert [doc["_id"] for doc in DOCS if match(doc)] == expected


def test_order_by_strings_is_binary():
    """Strings sort by code point (= UTF-8 bytes): uppercase, lowercase, then non-ASCII."""
    result = find(DOCS, {}, order={"name": 1})
    assert [doc["name"] for doc in result] == ["Abc", "Zed", "abc", "ämber", "中文"]


def test_order_empty_array_before_null():
    """An empty array sorts below null/missing ascending, and last descending."""
    docs = [{"_id": "null", "v": None}, {"_id": "empty", "v": []}, {"_id": "one", "v": [1]}]
    assert [d["_id"] for d in find(docs, {}, order={"v": 1})] == ["empty", "null", "one"]
    assert [d["_id"] for d in find(docs, {}, order={"v": -1})] == ["one", "null", "empty"]


def test_order_through_array_of_objects():
    """A dot path through an array sorts by the min/max of the reached values."""
    docs = [{"_id": "x", "a": [{"b": 5}, {"b": 1}]}, {"_id": "y", "a": [{"b": 3}]}]
    assert [d["_id"] for d in find(docs, {}, order={"a.b": 1})] == ["x", "y"]
    assert [d["_id"] for d in find(docs, {}, order={"a.b": -1})] == ["x", "y"]


def test_order_dates_and_multi_key():
    """Dates sort by instant; a second key breaks ties in its own direction."""
    docs = [
        {"_id": "a", "d": DAY, "k": 1},
        {"_id": "b", "d": DAY - timedelta(hours=1), "k": 2},
        {"_id": "c", "d": DAY, "k": 3},
    ]
    result = find(docs, {}, order={"d": -1, "k": -1})
    assert [doc["_id"] for doc in result] == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        (None, 0), (-1, 0.5), (float("nan"), -1e308), (5, "0"), ("Z", "a"), ("a", "ab"),
        ("z", {}), ({"a": 1}, {"a": 2}), ({"a": 9}, {"b": 0}), ({"a": 1}, {"a": 1, "b": 0}),
        ({}, []), ([1, 2], [1, 3]), ([1], [1, 0]), ([9], b""), (b"z", False), (False, True),
        (True, DAY), (DAY, DAY + timedelta(milliseconds=1)),
    ],
)
def test_bson_order(smaller, larger):
    """compare_values follows BSON's order across and within types."""
    assert compare_values(smaller, larger) == -1
    assert compare_values(larger, smaller) == 1


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [(1, 1.0, True), (True, 1, False), (0, False, False),
     ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),
     ([1, {"x": None}], [1.0, {"x": None}], True), ("a", "a", True), (None, None, True),
     (float("nan"), float("nan"), True)],
)
def test_values_equal(a, b, equal):
    """BSON equality: numbers by value, bools apart, objects in key order."""
    assert values_equal(a, b) is equal


SAMPLES = [None, True, False, 0, 1, 1.0, 2.5, -3, float("nan"), "", "a", "B", "中", [], [1],
           [1, "a"], [True], [None], [[1]], {"x": 1}, {}, DAY]
SPECS = [
    1, 1.0, 0, True, False, None, "a", "B", 2.5,
    {"$eq": 1}, {"$ne": "a"}, {"$ne": None}, {"$gt": 0}, {"$gte": 1}, {"$lt": 2.5}, {"$lte": "a"},
    {"$gt": "A"}, {"$lt": "z", "$gt": "A"}, {"$gte": 0, "$lte": 1}, {"$gt": -5, "$lt": 2},
    {"$in": [1, 2]}, {"$in": ["a", "B"]}, {"$nin": [0, 1]}, {"$nin": ["a"]}, {"$in": [None, True]},
]


@pytest.mark.parametrize("spec", SPECS, ids=[repr(s) for s in SPECS])
def test_fast_paths_agree_with_general_path(spec):
    """Top-level fast predicates give the same answers as the general path walk."""
    rng = random.Random(7)
    fast = compile_query({"v": spec})
    general = compile_query({"w.v": spec})  # a dotted path never takes a fast path
    for _ in range(300):
        doc = {} if rng.random() < 0.1 else {"v": rng.choice(SAMPLES)}
        assert fast(doc) == general({"w": doc}), (spec, doc)


@pytest.mark.parametrize(
    "order",
    [{"k": 1}, {"k": -1}, {"k": 1, "j": 1}, {"k": -1, "j": -1}, {"k": 1, "j": -1},
     {"arr": 1}, {"arr": -1}],
)
@pytest.mark.parametrize(("skip", "limit"), [(0, 3), (2, 5), (0, 50), (7, 1)])
def test_limited_sort_equals_full_sort(order, skip, limit):
    """find() with a limit (heap path) returns the same page as a full stable sort."""
    rng = random.Random(3)
    docs = [
        {"_id": i, "k": rng.choice([1, 2, 2.0, "a", None, True]), "j": rng.randint(0, 2),
         "arr": rng.choice([[3, 1], [2], [], 5, None])}
        for i in range(40)
    ]
    for doc in docs[::7]:
        del doc["k"]
    full = [doc["_id"] for doc in find(docs, {}, order=order)][skip: skip + limit]
    assert [doc["_id"] for doc in find(docs, {}, order=order, skip=skip, limit=limit)] == full


class Document(dict):
    """Stands in for TinyDB's Document: a dict subclass at the root only."""


def test_dict_subclass_roots_behave_like_dicts():
    """Stored documents may be dict subclasses; every entry point treats them as objects."""
    from app.core.database import apply_update

    docs = [Document({"_id": "a", "p": {"q": 2}, "n": [3, 1]}),
            Document({"_id": "b", "p": {"q": 1}, "n": [2]})]
    assert [d["_id"] for d in find(docs, {"p.q": {"$gte": 1}}, order={"p.q": 1})] == ["b", "a"]
    assert [d["_id"] for d in find(docs, {"$expr": {"$gt": ["$p.q", 1]}})] == ["a"]
    (projected,) = find(docs, {"_id": "a"}, projection={"p.q": 1, "_id": 0})
    assert type(projected) is dict and projected == {"p": {"q": 2}}
    result = apply_update(docs[0], {"$push": {"n": {"$each": [0], "$sort": 1}}})
    assert type(result.document) is dict and result.document["n"] == [0, 1, 3]
    assert result.changed and docs[0]["n"] == [3, 1]
    assert apply_update(docs[1], {"$set": {"p.q": 1}}).changed is False
