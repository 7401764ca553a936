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


class Console:
    """The database console's actions on a workspace holding T, N and P, as the pane sends them."""

    def __init__(self, workspace) -> None:
        self.workspace = workspace

    def run(self, collection: str = "todos", **params) -> dict:
        from app.core.requests import Caller, Request

        request = Request("database.runQuery", {"collectionName": collection, **params}, Caller.console())
        return self.workspace.handle(request)

    def wire(self, collection: str = "todos", **boxes) -> dict:
        """The get() params the SDK would send for the boxes (nothing is sent)."""
        return self.run(collection, answer=False, **boxes)["wire"]

    def where(self, text: str):
        """The where box's query, as the engine reads it off the wire (None: no query sent)."""
        from app.core.database import ejson

        wire = self.wire(where=text)
        return ejson.decode(wire["query"]) if "query" in wire else None

    def ids(self, collection: str = "todos", **params) -> list:
        return [doc["_id"] for doc in self.run(collection, **params)["documents"]]

    def parse_document(self, text: str) -> dict:
        from app.core.requests import Caller, Request

        return self.workspace.handle(Request("database.parseDocument", {"text": text}, Caller.console()))["document"]


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """One workspace per module (its JS worker stays warm) with T, N and P as collections."""
    from app.core.workspace import Workspace

    workspace = Workspace.open(tmp_path_factory.mktemp("console"))
    for name, docs in COLLECTIONS.items():
        workspace.database.create_collection(name)
        workspace.database.import_documents(name, copy.deepcopy(docs), upsert=False, atomic=True)
    yield Console(workspace)
    workspace.close()
