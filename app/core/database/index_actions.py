"""The console's 索引管理: ``database.listIndexes``, ``database.createIndex``, ``database.dropIndex``.

Console-only, as in the cloud console (the SDKs cannot manage indexes). A definition is one
journaled op (``journal.INDEX_CREATE``/``INDEX_DROP``), so a create or drop that returned
survives a kill like any write; a unique index over documents that already share a key is
refused with the duplicate-key error and nothing is created.
"""

from __future__ import annotations

from typing import Any

from app.core.database.index_specs import ID_INDEX, ID_SPEC, MAX_INDEXES, IndexSpec, default_name
from app.core.database.journal import INDEX_CREATE, INDEX_DROP
from app.core.database.service import DatabaseService
from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Request, Trace

MAX_NAME = 128


def index_actions(service: DatabaseService) -> dict[str, Action]:
    store = service.store

    def collection_of(request: Request, trace: Trace) -> str:
        collection = request.params.get("collectionName")
        trace.target = collection if isinstance(collection, str) else ""
        service.require_collection(collection)
        return collection

    def list_indexes(request: Request, trace: Trace) -> dict:
        collection = collection_of(request, trace)
        with store.lock:
            specs = store.indexes.specs(collection)
        return {"indexes": [dict(ID_SPEC)] + [spec.listed() for spec in specs]}

    def create_index(request: Request, trace: Trace) -> dict:
        collection = collection_of(request, trace)
        params = request.params
        keys = _keys(params.get("keys"))
        unique = params.get("unique", False)
        if type(unique) is not bool:
            raise CloudError(-501007, Reason("database.index_unique_param", "unique must be true or false"))
        name = params.get("name") or default_name(keys)
        if not isinstance(name, str) or len(name) > MAX_NAME or name.startswith("$"):
            raise CloudError(-501007, Reason("database.index_name_param", "an index name is text of at most {n} "
                                             "characters, not starting with $", n=MAX_NAME))
        spec = IndexSpec(name, keys, unique)
        trace.target = f"{collection}: {name}"
        with store.lock:
            existing = store.indexes.specs(collection)
            if name == ID_INDEX or any(s.name == name for s in existing):
                raise CloudError(-501007, Reason("database.index_exists", "an index named {name} already exists",
                                                 name=name))
            same = ID_INDEX if [f for f, _ in keys] == ["_id"] else next(
                (s.name for s in existing if s.keys == keys), None)
            if same is not None:
                raise CloudError(-501007, Reason("database.index_same_keys", "index {name} already has these keys",
                                                 name=same))
            if len(existing) + 1 >= MAX_INDEXES:
                raise CloudError(-502004, Reason("database.too_many_indexes", "at most {limit} indexes per "
                                                 "collection, _id_ included", limit=MAX_INDEXES))
            store.write_index((INDEX_CREATE, collection, spec.to_json()))
        return {"index": spec.listed()}

    def drop_index(request: Request, trace: Trace) -> dict:
        collection = collection_of(request, trace)
        name = request.params.get("name")
        trace.target = f"{collection}: {name}"
        if name == ID_INDEX:
            raise CloudError(-501007, Reason("database.index_id_builtin", "cannot drop the _id_ index"))
        with store.lock:
            if not isinstance(name, str) or not any(s.name == name for s in store.indexes.specs(collection)):
                raise CloudError(-501007, Reason("database.index_not_found", "index not found with name [{name}]",
                                                 name=str(name)))
            store.write_index((INDEX_DROP, collection, name))
        return {"dropped": name}

    return {
        "database.listIndexes": Action(list_indexes, console_only=True, counts_as_visit=False),
        "database.createIndex": Action(create_index, console_only=True, counts_as_visit=False),
        "database.dropIndex": Action(drop_index, console_only=True, counts_as_visit=False),
    }


def _keys(raw: Any) -> tuple[tuple[str, int], ...]:
    bad = CloudError(-501007, Reason(
        "database.index_keys_param", "keys must be a list of {{field, direction}}, direction 1 or -1, each field "
        "once, a field a dotted path without $"))
    if not isinstance(raw, list) or not raw:
        raise bad
    keys = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad
        field, direction = item.get("field"), item.get("direction", 1)
        if not isinstance(field, str) or not field or type(direction) is not int or direction not in (1, -1):
            raise bad
        if any(not part or part.startswith("$") for part in field.split(".")):
            raise bad
        keys.append((field, direction))
    if len({field for field, _ in keys}) != len(keys):
        raise bad
    return tuple(keys)
