"""What a request inside a transaction sees and writes: the transaction's snapshot of the store
plus its own writes (``transactions.py``). The database service runs over it unchanged, so
queries, updates, upserts, removes, batch inserts and permissions behave as they do outside.

Only the store methods the service's request paths use are here (as in ``dry_run.py``).
"""

from __future__ import annotations

from typing import Any

from app.core.database.journal import id_key
from app.core.database.store import DuplicateIdError
from app.core.database.transactions import Transaction, Transactions

_MISSING = object()


def in_transaction(base, transactions: Transactions, transaction_id: Any):
    """``base`` (a DatabaseService) over the transaction's view, for one request."""
    return base.over(TransactionView(transactions, transactions.get(transaction_id)))


class TransactionView:
    def __init__(self, transactions: Transactions, tx: Transaction) -> None:
        self._txs = transactions
        self._tx = tx
        self._store = transactions.store
        self.lock = self._store.lock

    # -- reads: the snapshot, then the transaction's own writes ------------------------------------

    def collection_names(self) -> list[str]:
        return sorted(set(self._tx.frozen) | set(self._store.collection_names()))

    def has_collection(self, name: str) -> bool:
        # One made after the snapshot is there, empty as of the snapshot.
        return name in self._tx.frozen or self._store.has_collection(name)

    def documents(self, name: str, *, copy: bool = True) -> list[dict]:  # always a new list
        base = self._tx.frozen.get(name, [])
        writes = self._tx.writes.get(name)
        if not writes:
            return list(base)
        out = []
        for doc in base:
            written = writes.get(id_key(doc["_id"]), _MISSING)
            if written is _MISSING:
                out.append(doc)
            elif written[1] is not None:
                out.append(written[1])
        for key in self._tx.added.get(name, ()):
            doc = writes[key][1]
            if doc is not None:
                out.append(doc)
        return out

    def get(self, name: str, doc_id: Any) -> dict | None:
        key = id_key(doc_id)
        written = self._tx.writes.get(name, {}).get(key, _MISSING)
        if written is not _MISSING:
            return written[1]
        return self._tx.snapshot(name).get(key)

    def count(self, name: str) -> int:
        return len(self.documents(name))

    # -- writes: claimed now (a conflict fails here), applied at commit ----------------------------

    def insert(self, name: str, docs: list[dict]) -> None:
        with self.lock:  # two requests of one transaction at once (Promise.all) take turns
            seen = set()
            for doc in docs:
                key = id_key(doc["_id"])
                if key in seen or self.get(name, doc["_id"]) is not None:
                    raise DuplicateIdError(doc["_id"])
                seen.add(key)
            for doc in docs:
                self._write(name, doc["_id"], doc)

    def replace(self, name: str, docs: list[dict], *, update: bool = False) -> None:
        with self.lock:
            for doc in docs:
                self._write(name, doc["_id"], doc, update=update)

    def remove(self, name: str, ids: list) -> int:
        with self.lock:
            removed = 0
            for doc_id in ids:
                if self.get(name, doc_id) is not None:
                    self._write(name, doc_id, None)
                    removed += 1
            return removed

    def _write(self, name: str, doc_id: Any, doc: dict | None, *, update: bool = False) -> None:
        tx = self._tx
        key = id_key(doc_id)
        with self.lock:
            self._txs.claim(tx, name, key, doc_id)
            writes = tx.writes.setdefault(name, {})
            if key not in writes and key not in tx.snapshot(name):
                tx.added.setdefault(name, []).append(key)
            writes[key] = (doc_id, doc)
            (tx.updated.add if update else tx.updated.discard)((name, key))
