"""Realtime listeners (spec §3.12): a query's snapshots, kept current from the change feed.

A listener holds every document its caller may see that matches its query (``members``); its
result (``docs``) is that set in the listener's order, cut to its limit and to 5,000. Opening
reads the store under its lock and subscribes at that instant, so no write is missed or seen
twice. Writes reach the hub through ``DocumentStore.on_commit`` (only while a listener is open),
queued with a sequence number; one worker thread turns them into snapshots off the write path.
A snapshot waits in its listener's bounded queue for ``poll``, or goes to an in-process callback.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from app.core.database.changes import DROPPED, Change
from app.core.database.listener import Listener, Snapshot, WatchError
from app.core.database.service import DatabaseService
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller

INIT_WATCH_FAIL = -402002
SERVER_ERROR = -402006
CONNECTION_CLOSED = -402009
MAX_PENDING = 1000  # snapshots a listener's consumer may leave unread before it is closed

__all__ = ["MAX_PENDING", "Snapshot", "WatchError", "WatchHub"]


class WatchHub:
    """Every open listener of one workspace."""

    def __init__(self, service: DatabaseService) -> None:
        self._service = service
        self._store = service.store
        self._cond = threading.Condition()
        self._listeners: dict[str, Listener] = {}
        self._items: deque = deque()  # (seq, changes) or (seq, collection) for a permission change
        self._seq = 0
        self._busy = False
        self._unsubscribe: Callable[[], None] | None = None
        self._worker: threading.Thread | None = None
        self._closed = False

    # -- opening and closing ---------------------------------------------------------------------

    def open(
        self, caller: Caller, collection: str, query: Mapping | None = None, *, order: Any = None,
        limit: int | None = None, single: bool = False, on_snapshot: Callable[[Any], None] | None = None,
        tag: str | None = None, opened_by: str | None = None,
    ) -> tuple[str, Snapshot]:
        """Open a listener; returns its id and its ``init`` snapshot (also given to ``on_snapshot``). A caller
        that may not run the query is refused with -402002, its reason kept; server-side code
        (a function, the SDK) cannot watch (-601004), as on the platform."""
        if caller.kind == "admin":
            raise CloudError(-601004, Reason("watch.server_side", "watch is for mini programs only: the server SDK "
                                             "(cloud functions) has no watch"))
        if self._closed:
            raise CloudError(CONNECTION_CLOSED, Reason("watch.workspace_closed", "the workspace is closing"))
        listener_id = uuid.uuid4().hex
        with self._store.lock:
            try:
                listener = Listener(listener_id, self._service, caller, collection, query, order, limit, single)
            except CloudError as exc:
                raise CloudError(INIT_WATCH_FAIL, Reason("watch.init_failed", "realtime listener init watch fail: "
                                                         "{detail}", detail=str(exc))) from exc
            listener.tag = tag
            listener.opened_by = opened_by
            listener.on_snapshot = on_snapshot
            listener.since = self._seq
            with self._cond:
                self._listeners[listener_id] = listener
                if self._unsubscribe is None:
                    self._unsubscribe = self._store.on_commit(self._publish)
                self._start_worker()
            init = listener.init_snapshot()
        if on_snapshot is not None:  # a poller has it as the answer to its opening already
            on_snapshot(init)
        return listener_id, init

    def close(self, listener_id: str, caller: Caller | None = None) -> bool:
        """Close a listener: nothing more is delivered to it. False if it was not open (or, for a
        mini program ``caller``, is another user's)."""
        with self._cond:
            listener = self._listeners.get(listener_id)
            if listener is not None and caller is not None and not caller.is_console \
                    and listener.caller.openid != caller.openid:
                return False
            self._listeners.pop(listener_id, None)
        if listener is None:
            return False
        listener.close()
        self._unsubscribe_if_idle()
        return True

    def close_all(self) -> None:
        """The workspace is closing: every listener ends (-402009) and the worker stops."""
        with self._cond:
            self._closed = True
            listeners = list(self._listeners.values())
            self._listeners.clear()
            self._cond.notify_all()
        for listener in listeners:
            listener.fail(WatchError(CONNECTION_CLOSED, Reason("watch.workspace_closed", "the workspace is closing")))
        self._unsubscribe_if_idle()
        if self._worker is not None:
            self._worker.join()

    def listeners(self) -> list[dict]:
        """Every open listener: its id, caller, collection, query, order and limit."""
        with self._cond:
            return [listener.describe() for listener in self._listeners.values()]

    def listener(self, listener_id: str) -> Listener | None:
        with self._cond:
            return self._listeners.get(listener_id)

    def poll(self, listener_id: str, timeout: float, caller: Caller | None = None) -> tuple[list[Snapshot], WatchError | None]:
        """The snapshots waiting for this listener, waiting up to ``timeout`` seconds for one; and
        its error once it has failed (it is then closed). Unknown ids fail with -402009, and so
        does another user's listener for a mini program ``caller``."""
        with self._cond:
            listener = self._listeners.get(listener_id)
        if listener is not None and caller is not None and not caller.is_console \
                and listener.caller.openid != caller.openid:
            listener = None
        if listener is None:
            raise CloudError(CONNECTION_CLOSED, Reason("watch.not_open", "no open listener {listener}",
                                                       listener=listener_id))
        snapshots, error = listener.take(timeout)
        if error is not None:
            with self._cond:
                self._listeners.pop(listener_id, None)
            self._unsubscribe_if_idle()
        return snapshots, error

    def permissions_changed(self, collection: str) -> None:
        """A collection's mode or rules changed: its listeners are judged again, in order with
        the writes around the change (refused: closed with -402006; else their result is read
        again and the difference delivered)."""
        with self._store.lock, self._cond:
            if self._unsubscribe is None:
                return
            self._seq += 1
            self._items.append((self._seq, collection))
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every published change was turned into snapshots within ``timeout`` seconds."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._items and not self._busy, timeout)

    # -- the worker ------------------------------------------------------------------------------

    def _publish(self, changes: list[Change]) -> None:
        # Called by the store under its lock: O(1), the work is the worker's.
        with self._cond:
            self._seq += 1
            self._items.append((self._seq, changes))
            self._cond.notify_all()

    def _start_worker(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="wxsim-watch", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._items or self._closed)
                if self._closed:
                    return
                seq, item = self._items.popleft()
                self._busy = True
                listeners = list(self._listeners.values())
            if isinstance(item, str):
                self._rejudge(seq, item, listeners)
            else:
                self._apply(seq, item, listeners)

    def _apply(self, seq: int, changes: list[Change], listeners: list[Listener]) -> None:
        by_collection: dict[str, list[Change]] = {}
        for change in changes:
            by_collection.setdefault(change.collection, []).append(change)
        for listener in listeners:
            mine = by_collection.get(listener.collection)
            if not mine or seq <= listener.since or listener.closed:
                continue
            if any(change.data_type == DROPPED for change in mine):
                self._fail(listener, WatchError(SERVER_ERROR, Reason(
                    "watch.collection_dropped", "realtime listener receive server error msg: collection {collection} "
                    "was deleted", collection=listener.collection)))
                continue
            try:
                if listener.single:
                    with self._store.lock:  # its rule may get() other documents
                        snapshot = listener.apply(mine)
                else:
                    snapshot = listener.apply(mine)
            except CloudError as exc:
                self._fail(listener, _permission_lost(exc))
                continue
            if snapshot is not None:
                self._deliver(listener, snapshot)

    def _rejudge(self, seq: int, collection: str, listeners: list[Listener]) -> None:
        for listener in listeners:
            if listener.collection != collection or seq <= listener.since or listener.closed:
                continue
            with self._store.lock:
                try:
                    snapshot = listener.reread()
                except CloudError as exc:
                    snapshot = _permission_lost(exc)
                listener.since = self._seq
            if isinstance(snapshot, WatchError):
                self._fail(listener, snapshot)
            elif snapshot is not None:
                self._deliver(listener, snapshot)

    def _deliver(self, listener: Listener, snapshot: Snapshot) -> None:
        if not listener.deliver(snapshot, limit=MAX_PENDING):
            self._fail(listener, WatchError(CONNECTION_CLOSED, Reason(
                "watch.overflow", "realtime listener websocket connection closed: {n} snapshots were waiting unread; "
                "the listener is closed rather than drop any", n=MAX_PENDING)))

    def _fail(self, listener: Listener, error: WatchError) -> None:
        """The listener ends with ``error``: delivered after its waiting snapshots; a polled
        listener leaves the list once its consumer has read the error, a callback's at once."""
        listener.fail(error)
        if listener.on_snapshot is not None:
            with self._cond:
                self._listeners.pop(listener.id, None)
            self._unsubscribe_if_idle()

    def _unsubscribe_if_idle(self) -> None:
        with self._store.lock, self._cond:
            if not self._listeners and self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None


def _permission_lost(exc: CloudError) -> WatchError:
    """The listener's caller may no longer read what it listens to (-402006), with core's reason."""
    return WatchError(SERVER_ERROR, Reason("watch.permission_lost", "realtime listener receive server error msg: "
                                           "{detail}", detail=str(exc)))
