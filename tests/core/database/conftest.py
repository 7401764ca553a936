"""Fixtures T, N and P of wxcloud-api.md §9.0, as fresh lists per test."""

from __future__ import annotations

import copy

import pytest

TODOS = [
    {"_id": "t1", "title": "Alpha", "done": False, "progress": 50, "tags": ["cloud", "db"],
     "style": {"color": "red", "size": "L"}, "numbers": [10, 20, 30]},
    {"_id": "t2", "title": "beta", "done": True, "progress": 100, "tags": ["mini-program"],
     "style": {"color": "blue"}, "numbers": [50, 60, 70]},
    {"_id": "t3", "title": "Gamma", "done": False, "progress": 20, "style": {"color": "red"}},
    {"_id": "t4", "title": "delta", "done": False, "progress": None, "tags": [], "numbers": [5]},
]

NESTED = [
    {"_id": "n1", "root": {"objects": [{"numbers": [10, 20, 30]}, {"numbers": [50, 60, 70]}]}},
    {"_id": "n2", "root": {"objects": [{"numbers": [1]}]}},
]

PASSAGES = [
    {"_id": "p1", "category": "Web", "tags": ["JavaScript", "C#"], "index": 0,
     "tags2": [1, 2, 3]},
    {"_id": "p2", "category": "Web", "tags": ["Go", "C#"], "index": 1, "tags2": [1, 2, 3]},
    {"_id": "p3", "category": "luke", "tags": ["Go"]},
    {"_id": "p4", "category": "Life", "tags": ["Go", "Python", "JavaScript"], "index": 2,
     "tags2": [1, 2, 3]},
    {"_id": "p5", "category": "number", "tags": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 3,
     "tags2": [1, 2, 3]},
    {"_id": "p6", "category": "embedded", "tags": [{"value": 1}, {"value": 7}], "index": 4,
     "tags2": [1, 2, 3]},
    {"_id": "p7", "category": "float", "tags": ["Go", "Python", "JavaScript"], "index": 0.2,
     "arr": [{"name": "A", "subObj": {}}, {"name": "B", "subObj": {}},
             {"name": "C", "subObj": {}}]},
]

COLLECTIONS = {"todos": TODOS, "nested": NESTED, "passages": PASSAGES}


@pytest.fixture
def engine_collections() -> dict[str, list[dict]]:
    """Deep copies of the §9.0 fixtures, keyed by collection name."""
    return copy.deepcopy(COLLECTIONS)


@pytest.fixture
def todo_docs(engine_collections: dict[str, list[dict]]) -> list[dict]:
    """Fixture T (collection `todos`)."""
    return engine_collections["todos"]



@pytest.fixture
def passage_docs(engine_collections: dict[str, list[dict]]) -> list[dict]:
    """Fixture P (collection `passages`)."""
    return engine_collections["passages"]
