"""Per-index key extractors, compiled once per field path, and the one-document insert's entries.

A single-field index's commonest entry is one plain value (string, number, bool, null or
missing, or any other value but an array) reached through objects only. ``entry_reader(parts)``
generates a function that walks that path once, with the names as constants, and returns the
entry (``(field key,)``), or None when the general walk must decide (an array on the way or at
the end): then ``Index.keys_of`` takes ``fieldpaths.reached_values`` as before. Either way the
keys are ``field_keys``'s.

``prepare_one`` is ``IndexCatalog.prepare`` for an insert of one document (the store's
commonest write): one pass over the indexes, each entry read once, no per-op lists or context
managers; an index the reader cannot serve takes ``keys_of`` for this document only.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from app.core.database.index_specs import NULL, DuplicateKeyError
from app.core.database.values import MISSING, value_key


@lru_cache(maxsize=None)
def entry_reader(parts: tuple[str, ...]) -> Callable[[dict], tuple | None]:
    lines = ["def read(doc):", f"    value = doc.get({parts[0]!r}, MISSING)"]
    for part in parts[1:]:
        lines += ["    kind = value.__class__",
                  "    if kind is dict:",
                  f"        value = value.get({part!r}, MISSING)",
                  "    elif kind is list:",
                  "        return None",
                  "    else:",
                  "        return NULL_ENTRY"]  # a path that dead-ends in a scalar reaches nothing: null
    lines += ["    kind = value.__class__",
              "    if kind is str:",
              "        return ((4, value),)",
              "    if (kind is int or kind is float) and value == value:",
              "        return ((3, 1, value),)",
              "    if value is None or value is MISSING:",
              "        return NULL_ENTRY",
              "    if kind is list:",
              "        return None",
              "    return (value_key(value),)"]  # a date, an object, NaN…: as ``field_keys`` keys it
    scope = {"MISSING": MISSING, "NULL_ENTRY": (NULL,), "value_key": value_key}
    exec("\n".join(lines), scope)  # noqa: S102 - names are repr()'d constants
    return scope["read"]


def prepare_one(indexes: list, collection: str, doc: dict, key: Any, pos: Any) -> tuple:
    """(done, undo) for inserting ``doc`` (``_id`` key ``key``, new) into these indexes, after
    the unique ones accepted it (raises DuplicateKeyError or parallel arrays, nothing changed)."""
    plain = []  # (index, its one entry)
    walked = []  # (index, entries, arrays): ``keys_of``'s general answer (arrays, compound keys)
    for index in indexes:
        read = index.read
        entry = read(doc) if read is not None else None
        if entry is not None:
            if index.unique and entry in index.buckets:  # the _id is new: any owner is another
                raise DuplicateKeyError(collection, index.spec.name, index.shown(entry))
            plain.append((index, entry))
            continue
        entries, arrays = index.keys_of(doc)
        if index.unique:
            for entry in entries:
                if entry in index.buckets:
                    raise DuplicateKeyError(collection, index.spec.name, index.shown(entry))
        walked.append((index, entries, arrays))

    def done() -> None:
        places = pos.pos
        if key not in places:
            places[key] = pos._next
            pos._next += 1
        for index, entry in plain:
            buckets = index.buckets
            bucket = buckets.get(entry)
            if bucket is None:
                buckets[entry] = {key: None}
                if index._sorted is not None:
                    insort(index._sorted, entry)
            else:
                bucket[key] = None
        for index, entries, arrays in walked:
            index.add(key, entries, arrays)

    def undo() -> None:
        for index in indexes:
            index.discard(key, doc)
        pos.pos.pop(key, None)

    return done, undo
