"""Update acceptance examples U1-U40 and U44 of wxcloud-api.md §9.5, at the engine level.

Updates are the decoded operator documents the SDK sends (tcb-wire §5): `_.push('x')`
is `{$push: {tags: {$each: ['x']}}}`, `_.remove()` is `$unset`, `_.shift()` is
`$pop: -1`. Plain-object and nested-command forms are extra rows.
"""

from __future__ import annotations

import copy

import pytest

from app.core.database import apply_update, compile_query
from app.core.errors import CloudError


def _doc(engine_collections: dict, collection: str, doc_id: str) -> dict:
    return next(doc for doc in engine_collections[collection] if doc["_id"] == doc_id)


UPDATE_CASES = [
    # id, collection, _id, update, {field: expected value} (None = field must be absent)
    ("U1", "todos", "t1", {"$set": {"done": True}}, {"done": True}),
    ("U1-plain", "todos", "t1", {"done": True}, {"done": True}),
    ("U2", "todos", "t1", {"$set": {"style.color": "blue"}},
     {"style": {"color": "blue", "size": "L"}}),
    ("U2-plain", "todos", "t1", {"style": {"color": "blue"}},
     {"style": {"color": "blue", "size": "L"}}),
    ("U3", "todos", "t1", {"$set": {"style": {"color": "blue"}}}, {"style": {"color": "blue"}}),
    ("U4", "todos", "t1", {"$unset": {"style.size": ""}}, {"style": {"color": "red"}}),
    ("U5", "todos", "t1", {"style": {"size": {"$unset": ""}}}, {"style": {"color": "red"}}),
    ("U6", "todos", "t1", {"$inc": {"progress": 10}}, {"progress": 60}),
    ("U7", "todos", "t3", {"$inc": {"views": 1}}, {"views": 1}),
    ("U8", "todos", "t1", {"$mul": {"progress": 2}}, {"progress": 100}),
    ("U9", "todos", "t3", {"$mul": {"score": 5}}, {"score": 0}),
    ("U10", "todos", "t1", {"$min": {"progress": 30}}, {"progress": 30}),
    ("U11", "todos", "t1", {"$max": {"progress": 30}}, {"progress": 50}),
    ("U12", "todos", "t1", {"$rename": {"progress": "pct"}}, {"pct": 50, "progress": None}),
    ("U13", "todos", "t1", {"$push": {"tags": {"$each": ["x"]}}}, {"tags": ["cloud", "db", "x"]}),
    ("U13-bare", "todos", "t1", {"$push": {"tags": "x"}}, {"tags": ["cloud", "db", "x"]}),
    ("U14", "todos", "t1", {"$push": {"tags": {"$each": ["x", "y"]}}},
     {"tags": ["cloud", "db", "x", "y"]}),
    ("U15", "todos", "t1", {"$push": {"tags": {"$each": ["x", "y"]}}},
     {"tags": ["cloud", "db", "x", "y"]}),
    ("U16", "todos", "t1", {"$push": {"numbers": {"$each": [15], "$position": 1}}},
     {"numbers": [10, 15, 20, 30]}),
    ("U17", "todos", "t1", {"$push": {"numbers": {"$each": [15], "$position": -1}}},
     {"numbers": [10, 20, 15, 30]}),
    ("U18", "todos", "t1", {"$push": {"numbers": {"$each": [40, 5], "$sort": 1}}},
     {"numbers": [5, 10, 20, 30, 40]}),
    ("U19", "todos", "t1", {"$push": {"numbers": {"$each": [40], "$slice": -2}}},
     {"numbers": [30, 40]}),
    ("U20", "todos", "t1", {"$push": {"numbers": {"$each": [], "$slice": 0}}}, {"numbers": []}),
    ("U21", "todos", "t1", {"$push": {"numbers": {"$each": [4, 5, 6], "$sort": -1, "$slice": 3}}},
     {"numbers": [30, 20, 10]}),
    ("U22", "todos", "t1", {"$pop": {"tags": 1}}, {"tags": ["cloud"]}),
    ("U23", "todos", "t1", {"$pop": {"tags": -1}}, {"tags": ["db"]}),
    ("U24", "todos", "t1", {"$push": {"tags": {"$each": ["x", "y"], "$position": 0}}},
     {"tags": ["x", "y", "cloud", "db"]}),
    ("U25", "todos", "t1", {"$addToSet": {"tags": "x"}}, {"tags": ["cloud", "db", "x"]}),
    ("U26", "todos", "t1", {"$addToSet": {"tags": "cloud"}}, {"tags": ["cloud", "db"]}),
    ("U27", "todos", "t1", {"$addToSet": {"tags": {"$each": ["db", "z"]}}},
     {"tags": ["cloud", "db", "z"]}),
    ("U27-each", "todos", "t1", {"$addToSet": {"tags": {"each": ["db", "z"]}}},
     {"tags": ["cloud", "db", "z"]}),
    ("U28", "todos", "t1", {"$pull": {"numbers": {"$gt": 15}}}, {"numbers": [10]}),
    ("U29", "todos", "t1", {"$pullAll": {"numbers": [10, 30]}}, {"numbers": [20]}),
    ("U30", "todos", "t1", {"$pull": {"tags": "db"}}, {"tags": ["cloud"]}),
    ("U31", "todos", "t3", {"$push": {"tags": {"$each": ["a"]}}}, {"tags": ["a"]}),
    ("U32", "todos", "t1", {"$set": {"numbers.1": 25}}, {"numbers": [10, 25, 30]}),
    ("U33", "todos", "t1", {"numbers": {"1": 25}}, {"numbers": [10, 25, 30]}),
    ("U34", "todos", "t1", {"$unset": {"numbers.1": ""}}, {"numbers": [10, None, 30]}),
    ("U35", "todos", "t1", {"$set": {"numbers": [1, 2]}}, {"numbers": [1, 2]}),
    ("U35-plain", "todos", "t1", {"numbers": [1, 2]}, {"numbers": [1, 2]}),
    ("U36", "todos", "t3", {"$set": {"style.font.size": 12}},
     {"style": {"color": "red", "font": {"size": 12}}}),
    ("U37", "passages", "p7", {"$unset": {"arr.0.subObj": "", "arr.1": ""}},
     {"arr": [{"name": "A"}, None, {"name": "C", "subObj": {}}]}),
    ("U37-plain", "passages", "p7", {"arr": {"0": {"subObj": {"$unset": ""}}, "1": {"$unset": ""}}},
     {"arr": [{"name": "A"}, None, {"name": "C", "subObj": {}}]}),
    ("U38", "passages", "p7", {"$inc": {"index": -0.05}}, {"index": 0.15000000000000002}),
    ("U39", "passages", "p4", {"$pull": {"tags": {"$in": ["Go", "Python"]}, "tags2": 1}},
     {"tags": ["JavaScript"], "tags2": [2, 3]}),
    ("U40", "passages", "p5", {"$pull": {"tags": {"$gte": 5}}}, {"tags": [1, 2, 3, 4]}),
]
# §10 #8: a no-op update is not "modified", so stats.updated is 0 for these.
UNCHANGED = {"U11", "U26"}


@pytest.mark.parametrize(
    ("case_id", "collection", "doc_id", "update", "fields"),
    UPDATE_CASES,
    ids=[case[0] for case in UPDATE_CASES],
)
def test_update_examples(engine_collections, case_id, collection, doc_id, update, fields):
    """The stored document changes exactly as §9.5 says, and nothing else moves."""
    original = _doc(engine_collections, collection, doc_id)
    pristine = copy.deepcopy(original)
    result = apply_update(original, update)
    expected = copy.deepcopy(pristine)
    for name, value in fields.items():
        if value is None:
            expected.pop(name, None)
        else:
            expected[name] = value
    assert result.document == expected
    assert result.changed is (case_id not in UNCHANGED)
    assert original == pristine  # the input document is never modified


def test_int_and_float_types_survive(todo_docs):
    """$inc keeps ints as ints; $mul of a missing field by a float gives 0.0."""
    doc = apply_update(todo_docs[0], {"$inc": {"progress": 1}, "$mul": {"ratio": 1.5}}).document
    assert (doc["progress"], type(doc["progress"])) == (51, int)
    assert (doc["ratio"], type(doc["ratio"])) == (0.0, float)


def test_batch_update_w9(todo_docs):
    """W9 at engine level: the three done=false docs change, t2 does not."""
    match = compile_query({"done": False})
    update = {"$set": {"flag": True}}
    results = {doc["_id"]: apply_update(doc, update) for doc in todo_docs if match(doc)}
    assert sorted(results) == ["t1", "t3", "t4"]
    assert all(r.changed and r.document["flag"] is True for r in results.values())


def test_u44_inc_on_null_is_a_database_error(todo_docs):
    """U44: $inc on a null field fails with -502001 and Mongo's reason."""
    with pytest.raises(CloudError) as caught:
        apply_update(todo_docs[3], {"$inc": {"progress": 1}})
    assert caught.value.code == -502001
    assert caught.value.detail == "Cannot apply $inc to a value of non-numeric type null"


@pytest.mark.parametrize(
    "update",
    [{"$set": {"_id": "x"}}, {"_id": "x", "a": 1}, {"$unset": {"_id": ""}},
     {"$rename": {"title": "_id"}}, {"$inc": {"_id.n": 1}}],
)
def test_u42_id_is_not_modifiable(todo_docs, update):
    """U42: any write to `_id` is refused like the SDK does (-501007, 不能更新_id的值)."""
    with pytest.raises(CloudError) as caught:
        apply_update(todo_docs[0], update)
    assert (caught.value.code, caught.value.detail) == (-501007, "不能更新_id的值")


def test_current_date_uses_given_clock(todo_docs):
    """$currentDate stores the injected time, truncated to BSON milliseconds."""
    from datetime import datetime, timezone

    now = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    doc = apply_update(todo_docs[0], {"$currentDate": {"at": True}}, now=now).document
    assert doc["at"] == datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=timezone.utc)
