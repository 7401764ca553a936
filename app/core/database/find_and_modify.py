"""``database.modifyAndReturnDoc``: node-sdk's ``where(q).updateAndReturn(data)`` (findAndModify).

The SDK sends ``collectionName``, ``queryType: "WHERE"``, ``query?``, ``data`` (an update, as
``modifyDocument``'s) and ``transactionId?``, and reads ``{updated, doc}`` with ``doc`` an EJSON
string or null (@cloudbase/database query.ts). The backend updates the first matching document
and answers it as it is after the update; ``updated`` counts the document matched, so setting a
field to the value it has still answers 1 (node-sdk's test "更新相同值"), and no match answers
``{updated: 0, doc: null}``. The SDK sends neither ``returnNew`` nor ``upsert``; a caller that
does gets findAndModify's meaning: ``returnNew: false`` answers the document as it was,
``upsert: true`` creates one from the query's equality fields when nothing matches. With a
``transactionId`` the caller passes the service over the transaction's view (node-sdk's test
"modifyAndReturnDoc" in a transaction), so the write is claimed there and applied at commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.core.database import ejson
from app.core.database.query import compile_query
from app.core.database.regex_budget import regex_budget
from app.core.database.service import DatabaseService
from app.core.database.store import DuplicateIdError
from app.core.database.update import apply_update
from app.core.database.values import is_object_id
from app.core.errors import CloudError
from app.core.reasons import Reason


def modify_and_return(service: DatabaseService, collection: str, query: Mapping | None, data: Mapping, *,
                      return_new: bool = True, upsert: bool = False) -> dict:
    """Update the first document matching ``query``; the wire answer ``{updated, doc}``."""
    store = service.store
    now = service.now()
    with store.lock, regex_budget():
        service.require_collection(collection)
        match = compile_query(query)
        doc_id = (query or {}).get("_id")
        if type(doc_id) in (str, int, float) or is_object_id(doc_id):
            found = store.get(collection, doc_id)
            candidates = [found] if found is not None else []
        else:
            candidates = store.documents(collection)
        old = next((doc for doc in candidates if match(doc)), None)
        if old is None:
            if not upsert:
                return {"updated": 0, "doc": None}
            new = apply_update(_seed(service, query), data, now=now).document
            try:
                store.insert(collection, [new])
            except DuplicateIdError as exc:  # the query named an _id that another condition missed
                raise CloudError(-502001, Reason(
                    "database.duplicate_key", "E11000 duplicate key error collection: {collection} index: _id_ "
                    "dup key: {{ _id: {doc_id} }}", collection=collection, doc_id=repr(exc.doc_id))) from None
            return {"updated": 0, "doc": _text(new) if return_new else None}
        result = apply_update(old, data, now=now)
        if result.changed:
            store.replace(collection, [result.document], update=True)
        return {"updated": 1, "doc": _text(result.document if return_new else old)}


def _seed(service: DatabaseService, query: Mapping | None) -> dict:
    """The document an upsert starts from: the query's plain equality fields (dot paths nest)."""
    equalities = {key: value for key, value in (query or {}).items()
                  if not key.startswith("$") and not _is_condition(value)}
    doc_id = equalities.pop("_id", None)
    seed = {"_id": doc_id if doc_id is not None else service.new_id()}
    return apply_update(seed, {"$set": equalities}).document if equalities else seed


def _is_condition(value: Any) -> bool:
    return isinstance(value, dict) and any(str(key).startswith("$") for key in value)


def _text(doc: dict) -> str:
    """One document as the EJSON text the SDK ``EJSON.parse``s (ObjectIds as 24-hex strings)."""
    return json.dumps(ejson.to_ejson(doc), ensure_ascii=False, separators=(",", ":"))

