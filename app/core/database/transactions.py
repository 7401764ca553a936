"""Server-side transactions (spec §3.13): single-document reads and writes, all or nothing.

A transaction keeps its writes aside and reads through them; a document it touches is read
once from the store (its snapshot) and must still be as read when the transaction commits,
else the commit fails with DATABASE_TRANSACTION_CONFLICT, which makes ``runTransaction``
retry. The commit applies every write in one store batch: one journal record.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from app.core.database.store import DocumentStore
from app.core.database.values import value_key
from app.core.errors import CloudError
from app.core.reasons import Reason

MAX_AGE_S = 60  # an abandoned transaction is dropped (the real one times out after ~10 s)
_DELETED = object()


class TransactionConflict(CloudError):
    """A document changed under the transaction; the SDK retries on this code."""

    def __init__(self, detail: str | Reason) -> None:
        super().__init__(-502001, detail)

    @property
    def tcb_code(self) -> str:
        return "DATABASE_TRANSACTION_CONFLICT"


@dataclass
class Transaction:
    id: str
    started: float
    base: dict[tuple, Any] = field(default_factory=dict)  # (collection, _id) -> doc as first read
    writes: dict[tuple, Any] = field(default_factory=dict)  # (collection, _id) -> doc | _DELETED
    updated: set = field(default_factory=set)  # keys last written by ``update`` (the change feed's dataType)


class Transactions:
    """The open transactions of one workspace."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self._open: dict[str, Transaction] = {}
        self._lock = threading.Lock()

    def start(self) -> str:
        now = time.monotonic()
        with self._lock:
            for stale in [t for t in self._open.values() if now - t.started > MAX_AGE_S]:
                del self._open[stale.id]
            tx = Transaction(f"wxsim-tx-{secrets.token_hex(8)}", now)
            self._open[tx.id] = tx
        return tx.id

    def get(self, transaction_id: Any) -> Transaction:
        with self._lock:
            tx = self._open.get(transaction_id)
        if tx is None:
            raise CloudError(-501007, Reason("database.transaction_unknown", "transaction {transaction} does not "
                                             "exist or has ended", transaction=transaction_id))
        return tx

    def read(self, tx: Transaction, collection: str, doc_id: Any) -> dict | None:
        """The document as this transaction sees it: its own write, else its snapshot."""
        key = (collection, type(doc_id), doc_id)
        if key in tx.writes:
            doc = tx.writes[key]
            return None if doc is _DELETED else doc
        if key not in tx.base:
            tx.base[key] = self._store.get(collection, doc_id)
        return tx.base[key]

    def write(self, tx: Transaction, collection: str, doc_id: Any, doc: dict | None, *, update: bool = False) -> None:
        """Set (``doc``) or delete (None) a document, effective at commit; ``update``: the new
        version comes from ``update`` rather than ``set``."""
        self.read(tx, collection, doc_id)  # the snapshot the commit checks against
        key = (collection, type(doc_id), doc_id)
        tx.writes[key] = _DELETED if doc is None else doc
        (tx.updated.add if update else tx.updated.discard)(key)

    def commit(self, transaction_id: Any) -> None:
        tx = self.get(transaction_id)
        with self._store.lock:
            for (collection, _type, doc_id), seen in tx.base.items():
                now = self._store.get(collection, doc_id) if self._store.has_collection(collection) else None
                if _key(now) != _key(seen):
                    self._end(tx)
                    raise TransactionConflict(Reason("database.transaction_conflict", "document {doc_id} of "
                                                     "{collection} changed during the transaction", doc_id=doc_id,
                                                     collection=collection))
            with self._store.batch():
                for key, doc in tx.writes.items():
                    collection, _type, doc_id = key
                    exists = self._store.get(collection, doc_id) is not None
                    if doc is _DELETED:
                        if exists:
                            self._store.remove(collection, [doc_id])
                    elif exists:
                        self._store.replace(collection, [doc], update=key in tx.updated)
                    else:
                        self._store.insert(collection, [doc])
        self._end(tx)

    def abort(self, transaction_id: Any) -> None:
        self._end(self.get(transaction_id))

    def _end(self, tx: Transaction) -> None:
        with self._lock:
            self._open.pop(tx.id, None)


def _key(doc: dict | None) -> Any:
    return None if doc is None else value_key(doc)
