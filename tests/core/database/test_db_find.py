"""find(): orderBy, skip/limit and projections of wxcloud-api.md §9.4 (Q55-Q61, Q68-Q73)."""

from __future__ import annotations

import pytest

from app.core.database import apply_projection, find, sort_documents
from app.core.errors import CloudError

T1 = {"_id": "t1", "title": "Alpha", "done": False, "progress": 50, "tags": ["cloud", "db"],
      "style": {"color": "red", "size": "L"}, "numbers": [10, 20, 30]}

ORDER_CASES = [
    # id, order (wire form, keys in call order), skip, limit, expected ids in order
    ("Q55", {"progress": 1}, 0, None, ["t4", "t3", "t1", "t2"]),
    ("Q56", {"progress": -1}, 0, None, ["t2", "t1", "t3", "t4"]),
    ("Q57", {"done": 1, "progress": -1}, 0, None, ["t1", "t3", "t4", "t2"]),
    ("Q57-pairs", [("done", "asc"), ("progress", "desc")], 0, None, ["t1", "t3", "t4", "t2"]),
    ("Q58", {"title": 1}, 0, None, ["t1", "t3", "t2", "t4"]),
    ("Q59", {"title": 1}, 1, 2, ["t3", "t2"]),
    ("Q60", {"numbers": 1}, 0, None, ["t3", "t4", "t1", "t2"]),
    ("natural", None, 0, None, ["t1", "t2", "t3", "t4"]),
    ("natural-window", None, 1, 2, ["t2", "t3"]),
    ("limit-0-is-no-limit", {"title": 1}, 2, 0, ["t2", "t4"]),
]


@pytest.mark.parametrize(
    ("order", "skip", "limit", "expected"),
    [case[1:] for case in ORDER_CASES],
    ids=[case[0] for case in ORDER_CASES],
)
def test_order_examples(todo_docs, order, skip, limit, expected):
    """orderBy/skip/limit give the exact order §9.4 lists."""
    result = find(todo_docs, {}, order=order, skip=skip, limit=limit)
    assert [doc["_id"] for doc in result] == expected


def test_order_by_dot_path_q61(todo_docs):
    """Q61: missing first, then 'blue', then the two 'red' in input order (stable)."""
    result = find(todo_docs, {}, order={"style.color": 1})
    assert [doc["_id"] for doc in result] == ["t4", "t2", "t1", "t3"]


def test_order_with_filter(todo_docs):
    """A filter and an order compose: done=false by progress descending."""
    result = find(todo_docs, {"done": False}, order={"progress": -1})
    assert [doc["_id"] for doc in result] == ["t1", "t3", "t4"]


def test_sort_documents_is_stable_and_new(todo_docs):
    """sort_documents returns a new list and keeps ties in input order."""
    result = sort_documents(todo_docs, {"done": 1})
    assert result is not todo_docs
    assert [doc["_id"] for doc in result] == ["t1", "t3", "t4", "t2"]


PROJECTION_CASES = [
    ("Q68", {"title": 1}, {"_id": "t1", "title": "Alpha"}),
    ("Q68-true", {"title": True}, {"_id": "t1", "title": "Alpha"}),
    ("Q69", {"title": 1, "_id": 0}, {"title": "Alpha"}),
    ("Q70", {"style": 0, "numbers": 0, "tags": 0},
     {"_id": "t1", "title": "Alpha", "done": False, "progress": 50}),
    ("Q71", {"numbers": {"$slice": 1}}, {**T1, "numbers": [10]}),
    ("Q72", {"numbers": {"$slice": [1, 1]}}, {**T1, "numbers": [20]}),
    ("slice-negative", {"numbers": {"$slice": -2}}, {**T1, "numbers": [20, 30]}),
    ("slice-negative-skip", {"numbers": {"$slice": [-2, 1]}}, {**T1, "numbers": [20]}),
    ("slice-with-inclusion", {"title": 1, "numbers": {"$slice": 2}},
     {"_id": "t1", "title": "Alpha", "numbers": [10, 20]}),
    ("slice-with-exclusion", {"tags": 0, "numbers": {"$slice": -1}},
     {"_id": "t1", "title": "Alpha", "done": False, "progress": 50,
      "style": {"color": "red", "size": "L"}, "numbers": [30]}),
    ("dot-inclusion", {"style.color": 1}, {"_id": "t1", "style": {"color": "red"}}),
    ("nested-inclusion", {"style": {"size": 1}}, {"_id": "t1", "style": {"size": "L"}}),
    ("dot-exclusion", {"style.color": 0, "numbers": False, "tags": 0, "_id": 0},
     {"title": "Alpha", "done": False, "progress": 50, "style": {"size": "L"}}),
    ("only-id", {"_id": 1}, {"_id": "t1"}),
    ("exclude-id-only", {"_id": 0}, {k: v for k, v in T1.items() if k != "_id"}),
    ("elemMatch-value", {"numbers": {"$elemMatch": {"$gt": 15}}},
     {"_id": "t1", "numbers": [20]}),
    ("elemMatch-none", {"numbers": {"$elemMatch": {"$gt": 99}}}, {"_id": "t1"}),
    ("empty", {}, T1),
]


@pytest.mark.parametrize(
    ("projection", "expected"),
    [case[1:] for case in PROJECTION_CASES],
    ids=[case[0] for case in PROJECTION_CASES],
)
def test_projection_examples(todo_docs, projection, expected):
    """field() keeps exactly the expected keys and values (Q68-Q72)."""
    (doc,) = find(todo_docs, {"_id": "t1"}, projection=projection)
    assert doc == expected
    assert list(doc) == list(expected)


def test_projection_elem_match_on_objects(passage_docs):
    """$elemMatch projection keeps the first matching object element only."""
    projection = {"tags": {"$elemMatch": {"value": {"$gt": 0}}}}
    (doc,) = find(passage_docs, {"_id": "p6"}, projection=projection)
    assert doc == {"_id": "p6", "tags": [{"value": 1}]}


def test_projection_through_array_of_objects(passage_docs):
    """An inclusion through an array keeps that field of each object element."""
    doc = apply_projection(passage_docs[6], {"arr.name": 1, "_id": 0})
    assert doc == {"arr": [{"name": "A"}, {"name": "B"}, {"name": "C"}]}


def test_doc_get_returns_full_document_q73(todo_docs):
    """Q73: a by-_id lookup returns the whole document, as a copy."""
    (doc,) = find(todo_docs, {"_id": "t1"})
    assert doc == T1
    doc["title"] = "changed"
    doc["numbers"].append(99)
    assert todo_docs[0] == T1


@pytest.mark.parametrize(
    ("projection", "detail"),
    [
        ({"title": 1, "done": 0}, "Cannot do exclusion on field done in inclusion projection"),
        ({"style": 1, "style.color": 1}, "Path collision at style.color"),
        ({"numbers": {"$slice": [1, 0]}}, "$slice limit must be positive"),
        ({"style.color": {"$elemMatch": {"a": 1}}},
         "Cannot use $elemMatch projection on a nested field."),
    ],
)
def test_bad_projections(todo_docs, projection, detail):
    """Mongo's projection rules are errors with code -502001."""
    with pytest.raises(CloudError) as caught:
        find(todo_docs, {}, projection=projection)
    assert (caught.value.code, caught.value.detail) == (-502001, detail)


def test_unknown_projection_operator(todo_docs):
    """An unknown projection operator is an invalid command (-502002)."""
    with pytest.raises(CloudError) as caught:
        find(todo_docs, {}, projection={"title": {"$meta": "textScore"}})
    assert caught.value.code == -502002


@pytest.mark.parametrize(
    ("kwargs", "detail"),
    [
        ({"skip": -1}, "skip must be a non-negative integer, not -1"),
        ({"limit": 1.5}, "limit must be a non-negative integer, not 1.5"),
        ({"order": {"progress": "up"}}, "bad sort direction for 'progress': 'up'"),
        ({"order": {"progress": True}}, "bad sort direction for 'progress': True"),
        ({"order": {"progress": {"$meta": "x"}}},
         "bad sort direction for 'progress': {'$meta': 'x'}"),
    ],
)
def test_bad_find_arguments(todo_docs, kwargs, detail):
    """Bad skip/limit/order values are invalid parameters (-501007)."""
    with pytest.raises(CloudError) as caught:
        find(todo_docs, {}, **kwargs)
    assert (caught.value.code, caught.value.detail) == (-501007, detail)
