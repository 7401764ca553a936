"""The change feed: what each committed write did to each document, for realtime listeners.

The store publishes a write's ``Change``s after its journal record is written (durable, see
``store.py``) and while it still holds its lock, so consumers receive them in commit order.
With no consumer subscribed the store builds none: its write path only tests an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.database.journal import DROP, INSERT, REMOVE, REPLACE, id_key

# dataType values of a watch ChangeEvent (spec §3.12), plus DROPPED for a dropped collection.
ADD, UPDATE, SET, REMOVED, DROPPED = "add", "update", "replace", "remove", "drop"


@dataclass(frozen=True)
class Change:
    """One document's change in one committed write. ``doc`` is the new version (None when
    removed), ``old`` the previous one (None when added); both are the store's live dicts,
    never mutated."""

    collection: str
    data_type: str
    doc_id: Any
    doc: dict | None
    old: dict | None


def changes_of(collections: dict[str, dict], op: tuple, *, update: bool) -> list[Change]:
    """The changes ``op`` will make, read before it is applied (the old versions are still
    there); ``update`` tells a REPLACE made by ``update`` from one made by ``set``."""
    kind, name, payload = op
    table = collections.get(name, {})
    if kind == INSERT:
        return [Change(name, ADD, doc["_id"], doc, None) for doc in payload]
    if kind == REPLACE:
        data_type = UPDATE if update else SET
        return [Change(name, data_type, doc["_id"], doc, table.get(id_key(doc["_id"]))) for doc in payload]
    if kind == REMOVE:
        return [Change(name, REMOVED, doc_id, None, table.get(id_key(doc_id))) for doc_id in payload]
    if kind == DROP:
        return [Change(name, DROPPED, None, None, None)]
    return []  # CREATE: an empty collection changes no listener's result


def field_changes(old: dict | None, new: dict | None) -> tuple[dict, list]:
    """``updatedFields`` (dot path → new value) and ``removedFields`` (dot paths) from the old
    version to the new: nested objects are compared field by field, anything else whole."""
    updated: dict[str, Any] = {}
    removed: list[str] = []
    _diff(old or {}, new or {}, "", updated, removed)
    return updated, removed


def _diff(old: dict, new: dict, prefix: str, updated: dict, removed: list) -> None:
    for key, value in new.items():
        path = prefix + key
        if key not in old:
            updated[path] = value
            continue
        before = old[key]
        if type(before) is dict and type(value) is dict:
            _diff(before, value, path + ".", updated, removed)
        elif type(before) is not type(value) or before != value:
            updated[path] = value
    removed.extend(prefix + key for key in old if key not in new)
