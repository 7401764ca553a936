"""A store that reads the live documents and makes no write: what a re-run (``database.rerun``)
runs over, so a write re-run as someone else reports its decision and how many documents it
would touch, and changes nothing.

Only the methods the database service's request paths use are here: a path that would reach
any other store method (creating a collection, a batch) fails instead of writing.
"""

from __future__ import annotations

from typing import Any

from app.core.database.journal import id_key
from app.core.database.store import DocumentStore, DuplicateIdError


class DryRunStore:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self.lock = store.lock

    # -- reads: the live documents -----------------------------------------------------------------

    def collection_names(self) -> list[str]:
        return self._store.collection_names()

    def has_collection(self, name: str) -> bool:
        return self._store.has_collection(name)

    def documents(self, name: str, *, copy: bool = True) -> list[dict]:
        return self._store.documents(name, copy=copy)

    def get(self, name: str, doc_id: Any) -> dict | None:
        return self._store.get(name, doc_id)

    def count(self, name: str) -> int:
        return self._store.count(name)

    @property
    def indexes(self):  # the live entries: the query planner reads them as for the live store
        return self._store.indexes

    def by_keys(self, name: str, keys: list) -> list[dict]:
        return self._store.by_keys(name, keys)

    # -- writes: judged as the store would, never made ---------------------------------------------

    def insert(self, name: str, docs: list[dict]) -> None:
        """Refuses a duplicate ``_id`` as the store would; adds nothing."""
        seen = set()
        for doc in docs:
            key = id_key(doc["_id"])
            if key in seen or self._store.get(name, doc["_id"]) is not None:
                raise DuplicateIdError(doc["_id"])
            seen.add(key)

    def replace(self, name: str, docs: list[dict], *, update: bool = False) -> None:
        """Changes nothing (the service counts what it would replace)."""

    def remove(self, name: str, ids: list) -> int:
        """How many of these documents exist (would be removed); removes none."""
        return len({id_key(doc_id) for doc_id in ids if self._store.get(name, doc_id) is not None})
