"""Server-side transactions (spec §3.13, issue 19): multi-document, snapshot isolation.

As the backend (``@cloudbase/node-sdk``'s tests show it) does:

- **Snapshot reads.** ``start`` freezes the store (``DocumentStore.freeze()``: lists of the
  live documents, which are never mutated) at one journal point. Every request that carries
  the transaction's id runs the ordinary service code over a ``TransactionView``: the
  snapshot plus the transaction's own writes. ``where()`` reads, updates, removes, counts and
  batch inserts all work; nothing another writer commits later is seen (no read skew).
- **First writer wins, at the write.** Writing a document that changed in the store since the
  snapshot (a commit or a plain write), or that another open transaction has written, fails at
  that write with ``DATABASE_TRANSACTION_CONFLICT``, and the transaction is aborted (as Mongo
  aborts on a write conflict). A plain write to a document an open transaction has written is
  not held up (wxsim's choice: it cannot wait for a transaction its own caller may hold); the
  transaction then fails at commit with the same code, which ``runTransaction`` retries.
- **Commit** applies the write set in one ``store.batch()``: one journal record, so a kill -9
  leaves all of it or none. **Abort** discards it.
- A transaction that is not committed or aborted within ``LIFETIME_S`` on the workspace clock
  is aborted; any request on an ended transaction fails with ``DATABASE_TRANSACTION_FAIL``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from app.core.database.journal import id_key
from app.core.database.store import DocumentStore
from app.core.errors import CloudError
from app.core.reasons import Reason

LIFETIME_S = 30  # the backend's "transaction must be commit or abort in 30 seconds"
MAX_OPEN = 100  # each open transaction holds a snapshot of every collection (lists of references)


class TransactionConflict(CloudError):
    """A write met a newer version or another transaction's write; the SDK retries on this code.

    Its number is -501001: wx-server-sdk has no errCode for the backend's string code, so a
    user of it sees SYS_ERR with the backend's message."""

    def __init__(self) -> None:
        super().__init__(-501001, Reason(
            "transactions.conflict", "[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe "
            "resource operated by others. Please check your request, but if the problem persists, contact us."))

    @property
    def tcb_code(self) -> str:
        return "DATABASE_TRANSACTION_CONFLICT"


class TransactionGone(CloudError):
    """A request on a transaction that was committed, aborted, timed out or never started."""

    def __init__(self) -> None:
        super().__init__(-501001, Reason(
            "transactions.not_exist", "[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the "
            "server, transaction must be commit or abort in {seconds} seconds. Please check your request, but if "
            "the problem persists, contact us.", seconds=LIFETIME_S))

    @property
    def tcb_code(self) -> str:
        return "DATABASE_TRANSACTION_FAIL"


@dataclass
class Transaction:
    id: str
    started: float  # on the workspace clock
    seq: int  # the journal point of its snapshot
    frozen: dict[str, list[dict]]  # every collection at that point
    index: dict[str, dict] = field(default_factory=dict)  # collection -> {id key: doc}, built on first use
    writes: dict[str, dict] = field(default_factory=dict)  # collection -> {id key: (doc_id, doc | None)}
    added: dict[str, list] = field(default_factory=dict)  # collection -> keys new since the snapshot, in order
    updated: set = field(default_factory=set)  # (collection, key) last written by ``update``

    def snapshot(self, collection: str) -> dict:
        table = self.index.get(collection)
        if table is None:
            table = self.index[collection] = {id_key(doc["_id"]): doc for doc in self.frozen.get(collection, ())}
        return table


class Transactions:
    """The open transactions of one workspace. Everything runs under the store's lock."""

    def __init__(self, store: DocumentStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock
        self._open: dict[str, Transaction] = {}
        self._owners: dict[tuple, str] = {}  # (collection, id key) -> the open transaction that wrote it

    def start(self) -> str:
        with self.store.lock:
            self._sweep()
            if len(self._open) >= MAX_OPEN:
                raise CloudError(-501004, Reason("transactions.too_many", "at most {limit} transactions can be open "
                                                 "at once in wxsim", limit=MAX_OPEN))
            seq, frozen = self.store.freeze()
            tx = Transaction(f"wxsim-tx-{secrets.token_hex(8)}", self._clock(), seq, frozen)
            self._open[tx.id] = tx
        return tx.id

    def get(self, transaction_id: Any) -> Transaction:
        with self.store.lock:
            self._sweep()
            tx = self._open.get(transaction_id) if isinstance(transaction_id, str) else None
        if tx is None:
            raise TransactionGone()
        return tx

    def claim(self, tx: Transaction, collection: str, key: Any, doc_id: Any) -> None:
        """Let ``tx`` write this document, or abort it with a conflict (first writer wins)."""
        with self.store.lock:
            if self._open.get(tx.id) is not tx:
                raise TransactionGone()
            if key in tx.writes.get(collection, ()):
                return
            owner = self._owners.get((collection, key))
            if owner not in (None, tx.id) and owner in self._open or self._changed(tx, collection, key, doc_id):
                self._end(tx)
                raise TransactionConflict()
            self._owners[(collection, key)] = tx.id

    def _changed(self, tx: Transaction, collection: str, key: Any, doc_id: Any) -> bool:
        """Whether the document's version in the store is not the one in the snapshot."""
        live = self.store.get(collection, doc_id) if self.store.has_collection(collection) else None
        return live is not tx.snapshot(collection).get(key)

    def commit(self, transaction_id: Any) -> None:
        with self.store.lock:
            tx = self.get(transaction_id)
            for collection, writes in tx.writes.items():
                for key, (doc_id, _doc) in writes.items():
                    if self._changed(tx, collection, key, doc_id):  # a plain write since
                        self._end(tx)
                        raise TransactionConflict()
            try:
                with self.store.batch():
                    for collection, writes in tx.writes.items():
                        self._apply(tx, collection, writes)
            finally:
                self._end(tx)

    def _apply(self, tx: Transaction, collection: str, writes: dict) -> None:
        removed, updated, replaced, inserted = [], [], [], []
        for key, (doc_id, doc) in writes.items():
            exists = tx.snapshot(collection).get(key) is not None
            if doc is None:
                if exists:
                    removed.append(doc_id)
            elif not exists:
                inserted.append(doc)
            else:
                (updated if (collection, key) in tx.updated else replaced).append(doc)
        if removed:
            self.store.remove(collection, removed)
        if updated:
            self.store.replace(collection, updated, update=True)
        if replaced:
            self.store.replace(collection, replaced)
        if inserted:
            self.store.insert(collection, inserted)

    def abort(self, transaction_id: Any) -> None:
        with self.store.lock:
            self._end(self.get(transaction_id))

    def open_count(self) -> int:
        with self.store.lock:
            self._sweep()
            return len(self._open)

    def _sweep(self) -> None:
        now = self._clock()
        for tx in [t for t in self._open.values() if now - t.started > LIFETIME_S]:
            self._end(tx)

    def _end(self, tx: Transaction) -> None:
        if self._open.pop(tx.id, None) is None:
            return
        for collection, writes in tx.writes.items():
            for key in writes:
                if self._owners.get((collection, key)) == tx.id:
                    del self._owners[(collection, key)]
