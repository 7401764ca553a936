"""Query acceptance examples Q1-Q52 of wxcloud-api.md §9.1-§9.3, at the engine level.

Each query is the decoded wire form the SDK sends (tcb-wire §5): nested where-objects
already flattened to dot paths, `undefined` keys dropped, field-level `.and()`/`.or()`
lifted to a top-level `$and`/`$or`. Where the SDK has several encodings, each is a row.
"""

from __future__ import annotations

import re

import pytest

from app.core.database import compile_query, count

QUERY_CASES = [
    # id, collection, decoded query, expected ids (in fixture order)
    ("Q1", "todos", {"done": False, "progress": 50}, ["t1"]),
    ("Q2", "todos", {"style.color": "red"}, ["t1", "t3"]),
    ("Q3", "todos", {"style.color": "red"}, ["t1", "t3"]),
    ("Q4", "todos", {"style": {"$eq": {"color": "red"}}}, ["t3"]),
    ("Q4-bare-object", "todos", {"style": {"color": "red"}}, ["t3"]),
    ("Q5", "todos", {"numbers": [10, 20, 30]}, ["t1"]),
    ("Q6", "todos", {"numbers": [30, 20, 10]}, []),
    ("Q7", "todos", {"numbers": 20}, ["t1"]),
    ("Q8", "todos", {"numbers.1": 20}, ["t1"]),
    ("Q9", "todos", {"numbers.0": 5}, ["t4"]),
    ("Q10", "todos", {"numbers": {"$gt": 25}}, ["t1", "t2"]),
    ("Q11-wire", "todos", {"$and": [{"numbers": {"$gt": 25}}, {"numbers": {"$lt": 15}}]}, ["t1"]),
    ("Q11-merged", "todos", {"numbers": {"$gt": 25, "$lt": 15}}, ["t1"]),
    ("Q11-field-and", "todos", {"numbers": {"$and": [{"$gt": 25}, {"$lt": 15}]}}, ["t1"]),
    ("Q12", "nested", {"root.objects.1.numbers.2": 70}, ["n1"]),
    ("Q13", "nested", {"root.objects.numbers": 30}, ["n1"]),
    ("Q14", "nested", {"root.objects.numbers": 1}, ["n2"]),
    ("Q15", "todos", {"tags": "cloud"}, ["t1"]),
    ("Q16", "todos", {"tags": {"$all": ["db", "cloud"]}}, ["t1"]),
    ("Q17", "todos", {"tags": {"$in": ["db", "mini-program"]}}, ["t1", "t2"]),
    ("Q18", "todos", {"tags": {"$size": 0}}, ["t4"]),
    ("Q19", "todos", {"tags": {"$size": 2}}, ["t1"]),
    ("Q20", "todos", {"tags": {"$exists": False}}, ["t3"]),
    ("Q21", "todos", {"tags": {"$exists": True}}, ["t1", "t2", "t4"]),
    ("Q22", "todos", {"progress": {"$in": [50, 100]}}, ["t1", "t2"]),
    ("Q23", "todos", {"progress": {"$nin": [50, 100]}}, ["t3", "t4"]),
    ("Q24", "todos", {"progress": {"$ne": 50}}, ["t2", "t3", "t4"]),
    ("Q25", "todos", {"progress": None}, ["t4"]),
    ("Q26", "todos", {"tags": None}, ["t3"]),
    ("Q27", "todos", {"progress": {"$gt": 10}}, ["t1", "t2", "t3"]),
    ("Q28-wire", "todos", {"$and": [{"progress": {"$gte": 20}}, {"progress": {"$lte": 50}}]},
     ["t1", "t3"]),
    ("Q28-merged", "todos", {"progress": {"$gte": 20, "$lte": 50}}, ["t1", "t3"]),
    ("Q29-wire", "todos", {"$or": [{"progress": {"$lt": 30}}, {"progress": {"$gt": 90}}]},
     ["t2", "t3"]),
    ("Q29-field-or", "todos", {"progress": {"$or": [{"$lt": 30}, {"$gt": 90}]}}, ["t2", "t3"]),
    ("Q30", "todos", {"$or": [{"progress": {"$lt": 30}}, {"done": True}]}, ["t2", "t3"]),
    ("Q31", "todos", {"$and": [{"done": False}, {"tags": {"$exists": True}}]}, ["t1", "t4"]),
    ("Q32", "todos", {"progress": {"$not": {"$gt": 30}}}, ["t3", "t4"]),
    ("Q33", "todos", {"$nor": [{"done": True}, {"progress": {"$lt": 30}}]}, ["t1", "t4"]),
    ("Q34", "todos", {"progress": {"$mod": [25, 0]}}, ["t1", "t2"]),
    ("Q34-nested-operands", "todos", {"progress": {"$mod": [[25, 0]]}}, ["t1", "t2"]),
    ("Q34-bare-divisor", "todos", {"progress": {"$mod": 25}}, ["t1", "t2"]),
    ("Q35", "todos", {"title": {"$regex": "^a", "$options": "i"}}, ["t1"]),
    ("Q35-ejson", "todos", {"title": {"$regularExpression": {"pattern": "^a", "options": "i"}}},
     ["t1"]),
    ("Q35-pattern", "todos", {"title": re.compile("^a", re.IGNORECASE)}, ["t1"]),
    ("Q36", "todos", {"title": {"$regex": "^a", "$options": ""}}, []),
    ("Q37", "todos", {"title": {"$regex": "TA$", "$options": "i"}}, ["t2", "t4"]),
    ("Q38", "todos", {}, ["t1", "t2", "t3", "t4"]),
    ("Q38-none", "todos", None, ["t1", "t2", "t3", "t4"]),
    ("Q39", "todos", {"done": False}, ["t1", "t3", "t4"]),
    ("Q40", "todos", {}, ["t1", "t2", "t3", "t4"]),
    ("Q41", "todos", {"$expr": {"$gt": ["$progress", 40]}}, ["t1", "t2"]),
    ("Q44", "passages", {"tags": {"$all": ["Go"]}}, ["p2", "p3", "p4", "p7"]),
    ("Q45", "passages", {"tags": {"$size": 2}}, ["p1", "p2", "p6"]),
    ("Q46", "passages", {"tags": {"$elemMatch": {"$gt": 2}}}, ["p5"]),
    ("Q47", "passages", {"tags": {"$elemMatch": {"value": {"$gt": 0}}}}, ["p6"]),
    ("Q48", "passages", {"tags": {"$elemMatch": {"value": {"$mod": [4, 3]}}}}, ["p6"]),
    ("Q49", "passages", {"tags": {"$exists": True}},
     ["p1", "p2", "p3", "p4", "p5", "p6", "p7"]),
    ("Q50", "passages", {"index": {"$not": {"$gt": 1}}}, ["p1", "p2", "p3", "p7"]),
    ("Q51", "passages", {"$expr": {"$gte": ["$index", 3]}}, ["p5", "p6"]),
    ("Q52", "passages", {"category": "Web"}, ["p1", "p2"]),
]


@pytest.mark.parametrize(
    ("collection", "query", "expected"),
    [case[1:] for case in QUERY_CASES],
    ids=[case[0] for case in QUERY_CASES],
)
def test_query_examples(engine_collections, collection, query, expected):
    """The query matches exactly the documents §9 lists."""
    match = compile_query(query)
    assert [doc["_id"] for doc in engine_collections[collection] if match(doc)] == expected


@pytest.mark.parametrize(
    ("query", "total"),
    [({"category": "Web"}, 2), ({}, 7), ({"index": {"$gte": 1}}, 4)],
)
def test_count_on_passages(passage_docs, query, total):
    """Q52: count() is the number of matches."""
    assert count(passage_docs, query) == total


def test_count_ignores_paging(todo_docs):
    """Q53/Q54: count has no skip or limit, only the filter."""
    assert count(todo_docs, {"done": False}) == 3


def test_matching_never_changes_documents(engine_collections):
    """Compiling and running every example leaves the fixtures as they were."""
    before = repr(engine_collections)
    for _, collection, query, _ in QUERY_CASES:
        match = compile_query(query)
        for doc in engine_collections[collection]:
            match(doc)
    assert repr(engine_collections) == before
