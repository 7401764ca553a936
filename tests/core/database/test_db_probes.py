"""The engine-eval.md §4 probes X1-X10 (BSON type classes, array sort keys, no-op updates).

X11 and X12 probe aggregation (`$group`, the `$sort` stage) and belong to that module.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.core.database import apply_update, compile_query, find
from app.core.errors import CloudError

T1 = {"_id": "t1", "style": {"color": "red", "size": "L"}, "tags": ["cloud", "db"], "progress": 50}


def _ids(docs: list[dict], query: dict) -> list:
    match = compile_query(query)
    return [doc["_id"] for doc in docs if match(doc)]


def test_x1_descending_array_sort_uses_max():
    """X1: descending, [1, 100] (max 100) comes before [50]."""
    docs = [{"_id": "b", "v": [50]}, {"_id": "a", "v": [1, 100]}]
    assert [d["_id"] for d in find(docs, {}, order={"v": -1})] == ["a", "b"]


def test_x2_ascending_array_sort_uses_min():
    """X2: ascending, [100, 1] (min 1) comes before [50]."""
    docs = [{"_id": "b", "v": [50]}, {"_id": "a", "v": [100, 1]}]
    assert [d["_id"] for d in find(docs, {}, order={"v": 1})] == ["a", "b"]


def test_x3_mixed_types_follow_bson_order():
    """X3: null = missing < number < string < object < bool < date, ascending."""
    when = datetime(2020, 1, 1, tzinfo=timezone.utc)
    docs = [
        {"_id": "date", "v": when},
        {"_id": "bool", "v": False},
        {"_id": "object", "v": {"a": 1}},
        {"_id": "string", "v": "a"},
        {"_id": "number", "v": 5},
        {"_id": "missing"},
        {"_id": "null", "v": None},
    ]
    order = [d["_id"] for d in find(docs, {}, order={"v": 1})]
    assert order == ["missing", "null", "number", "string", "object", "bool", "date"]
    assert [d["_id"] for d in find(docs, {}, order={"v": -1})] == [
        "date", "bool", "object", "string", "number", "missing", "null"]


BOOLS_AND_NUMBERS = [
    {"_id": "true", "v": True},
    {"_id": "false", "v": False},
    {"_id": "one", "v": 1},
    {"_id": "one-float", "v": 1.0},
    {"_id": "zero", "v": 0},
    {"_id": "a-string", "v": "B"},
]


@pytest.mark.parametrize(
    ("probe", "query", "expected"),
    [
        ("X4a", {"v": 1}, ["one", "one-float"]),
        ("X4b", {"v": True}, ["true"]),
        ("X4c", {"v": {"$in": [0]}}, ["zero"]),
        ("X4d", {"v": {"$gt": 0}}, ["one", "one-float"]),
        ("X4e", {"v": {"$in": [True]}}, ["true"]),
        ("X4f", {"v": {"$ne": 1}}, ["true", "false", "zero", "a-string"]),
        ("X5", {"v": {"$gt": "A"}}, ["a-string"]),
    ],
)
def test_x4_x5_type_classes(probe, query, expected):
    """X4/X5: booleans never equal numbers; comparisons stay inside one type class."""
    assert _ids(BOOLS_AND_NUMBERS, query) == expected


def test_x6_in_null_matches_missing():
    """X6: {$in: [null]} matches a missing field (and null), not []."""
    docs = [{"_id": "missing"}, {"_id": "null", "tags": None}, {"_id": "empty", "tags": []}]
    assert _ids(docs, {"tags": {"$in": [None]}}) == ["missing", "null"]


def test_x7_object_equality_respects_key_order():
    """X7: {$eq: {size, color}} does not match {color, size}."""
    assert _ids([T1], {"style": {"$eq": {"size": "L", "color": "red"}}}) == []
    assert _ids([T1], {"style": {"$eq": {"color": "red", "size": "L"}}}) == ["t1"]


def test_x8_inc_on_boolean_is_an_error():
    """X8: $inc on a boolean fails instead of storing 2."""
    with pytest.raises(CloudError) as caught:
        apply_update({"_id": "x", "v": True}, {"$inc": {"v": 1}})
    assert (caught.value.code, caught.value.detail) == (
        -502001, "Cannot apply $inc to a value of non-numeric type bool")


@pytest.mark.parametrize(
    ("probe", "update"),
    [
        ("X9", {"$max": {"progress": 30}}),
        ("X10", {"$addToSet": {"tags": "cloud"}}),
        ("set-same", {"$set": {"progress": 50}}),
        ("set-same-float", {"$set": {"progress": 50.0}}),
        ("unset-missing", {"$unset": {"nope": ""}}),
        ("pull-absent", {"$pull": {"tags": "zzz"}}),
        ("min-equal", {"$min": {"progress": 50}}),
    ],
)
def test_x9_x10_no_op_updates_report_unchanged(probe, update):
    """X9/X10: an update that changes nothing reports changed=False (stats.updated 0)."""
    assert apply_update(T1, update).changed is False


def test_set_bool_over_number_is_a_change():
    """true replacing 1 is a change even though Python says True == 1."""
    assert apply_update({"_id": "x", "v": 1}, {"$set": {"v": True}}).changed is True
