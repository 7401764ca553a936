"""Realtime listeners (spec §3.12): a query's snapshots, kept current from the change feed.

A listener holds every document its caller may see that matches its query (``members``); its
result (``docs``) is that set in the listener's order, cut to its limit and to 5,000. Opening
reads the store under its lock and subscribes at that instant, so no write is missed or seen
twice. Writes reach the hub through ``DocumentStore.on_commit`` (only while a listener is open)
with a sequence number: a small write is turned into snapshots at once, on the writer's thread;
big ones (imports), permission changes and anything queued behind them go to one worker
thread, in order. Listeners with the same query and reader share one result (``ResultView``).
A snapshot waits in its listener's bounded queue for ``poll``, or goes to an in-process callback.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from app.core.database.changes import DROPPED, Change
from app.core.database.listener import Listener, ResultViews, Snapshot, StoreOrder, WatchError
from app.core.database.service import DatabaseService
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller

INIT_WATCH_FAIL = -402002
SERVER_ERROR = -402006
CONNECTION_CLOSED = -402009
INLINE_CHANGES = 100  # a write with more changes than this is turned into snapshots by the worker
MAX_PENDING = 1000  # snapshots a listener's consumer may leave unread before it is closed

__all__ = ["MAX_PENDING", "Snapshot", "WatchError", "WatchHub"]


class WatchHub:
    """Every open listener of one workspace."""

    def __init__(self, service: DatabaseService) -> None:
        self._service = service
        self._store = service.store
        # One lock, two conditions: the worker waits for work, wait_idle for the end of it. A
        # write handled at once must not wake the worker (a thread switch per write).
        lock = threading.RLock()
        self._cond = threading.Condition(lock)
        self._idle = threading.Condition(lock)
        self._listeners: dict[str, Listener] = {}
        self._items: deque = deque()  # (seq, changes) or (seq, collection) for a permission change
        self._seq = 0
        self._busy = False
        self._unsubscribe: Callable[[], None] | None = None
        self._worker: threading.Thread | None = None
        self._closed = False
        # Each watched collection's documents in the store's order (insertion; a replace keeps
        # its place): listeners break ties in their order as a query does. Kept from the feed.
        self._ranks: dict[str, StoreOrder] = {}
        self._views = ResultViews()
        self._stale_subscription: Callable[[], None] | None = None

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
            with self._cond:
                # A listener reads the store as of the newest write; it may share a view only
                # when no write is waiting for the worker (the view is current then).
                seq = self._seq
                idle = not self._items and not self._busy
                store_order = self._ranks.get(collection)
            try:
                if store_order is None and self._store.has_collection(collection):
                    store_order = StoreOrder(self._store.documents(collection), seq)
                listener = Listener(listener_id, self._service, caller, collection, query, order, limit, single,
                                    views=self._views if idle else ResultViews(), seq=seq, store_order=store_order)
            except CloudError as exc:
                raise CloudError(INIT_WATCH_FAIL, Reason("watch.init_failed", "realtime listener init watch fail: "
                                                         "{detail}", detail=exc.as_reason())) from exc
            listener.tag = tag
            listener.opened_by = opened_by
            listener.on_snapshot = on_snapshot
            with self._cond:
                self._ranks.setdefault(collection, store_order)
                self._listeners[listener_id] = listener
                if self._unsubscribe is None:  # a subscription left to lapse is taken back
                    self._unsubscribe, self._stale_subscription = self._stale_subscription, None
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
        listener.release()
        self._unsubscribe_if_idle()
        return True

    def close_all(self) -> None:
        """The workspace is closing: every listener ends (-402009) and the worker stops."""
        with self._cond:
            self._closed = True
            listeners = list(self._listeners.values())
            self._listeners.clear()
            self._cond.notify_all()
            self._idle.notify_all()
        for listener in listeners:
            listener.fail(WatchError(CONNECTION_CLOSED, Reason("watch.workspace_closed", "the workspace is closing")))
            listener.release()
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

    def wake(self, listener_id: str, caller: Caller | None = None) -> bool:
        """End its reader's wait for the next snapshot now (the listener stays open); False if
        it is not open, or is another user's for a mini program ``caller``."""
        with self._cond:
            listener = self._listeners.get(listener_id)
        if listener is None or (caller is not None and not caller.is_console and listener.caller.openid != caller.openid):
            return False
        listener.wake()
        return True

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
            return self._idle.wait_for(lambda: not self._items and not self._busy, timeout)

    # -- the worker ------------------------------------------------------------------------------

    def _publish(self, changes: list[Change]) -> None:
        # Called by the store under its lock, so writes arrive one at a time, in commit order.
        # A small write with nothing queued is turned into snapshots right here: handing it to
        # the worker would cost the writer more (the worker's turn with the GIL and the thread
        # switches) than the few microseconds per view the work takes. A big one (an import)
        # goes to the worker, and so does anything behind it, to keep the order.
        with self._cond:
            stale, self._stale_subscription = self._stale_subscription, None
            if stale is not None and self._unsubscribe is None:
                stale()  # the last listener closed while a write was delivering: nobody listens
                return
            self._seq += 1
            seq = self._seq
            if len(changes) > INLINE_CHANGES or self._items or self._busy:
                self._items.append((seq, changes))
                self._cond.notify_all()
                return
            self._busy = True
            listeners = list(self._listeners.values())
        try:
            self._apply(seq, changes, listeners)
            self._views.caught_up(seq)
        finally:
            with self._cond:
                self._busy = False
                self._idle.notify_all()

    def _start_worker(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="wxsim-watch", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._idle.notify_all()
                self._cond.wait_for(lambda: self._items or self._closed)
                if self._closed:
                    return
                # Everything published so far, in order: a burst of writes costs one wake-up.
                batch = list(self._items)
                self._items.clear()
                self._busy = True
                listeners = list(self._listeners.values())
            for seq, item in batch:
                if isinstance(item, str):
                    self._rejudge(seq, item, listeners)
                else:
                    self._apply(seq, item, listeners)
                self._views.caught_up(seq)

    def _apply(self, seq: int, changes: list[Change], listeners: list[Listener]) -> None:
        by_collection: dict[str, list[Change]] = {}
        for change in changes:
            by_collection.setdefault(change.collection, []).append(change)
        with self._cond:
            for name, mine in by_collection.items():
                if any(change.data_type == DROPPED for change in mine):
                    self._ranks.pop(name, None)  # a collection made again starts a new order
            orders = {name: self._ranks.get(name) for name in by_collection}
        for name, order in orders.items():
            if order is not None:
                order.follow(seq, by_collection[name])
        dropped = {name for name, mine in by_collection.items() if any(c.data_type == DROPPED for c in mine)}
        for listener in listeners:
            mine = by_collection.get(listener.collection)
            if not mine or seq <= listener.since or listener.closed:
                continue
            if listener.collection in dropped:
                self._fail(listener, WatchError(SERVER_ERROR, Reason(
                    "watch.collection_dropped", "realtime listener receive server error msg: collection {collection} "
                    "was deleted", collection=listener.collection)))
                continue
            try:
                if listener.single:
                    with self._store.lock:  # its rule may get() other documents
                        snapshot = listener.apply(seq, mine)
                else:
                    snapshot = listener.apply(seq, mine)
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
                with self._cond:
                    latest = self._seq
                try:
                    snapshot = listener.reread(latest)
                except CloudError as exc:
                    snapshot = _permission_lost(exc)
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
        listener.release()
        if listener.on_snapshot is not None:
            with self._cond:
                self._listeners.pop(listener.id, None)
            self._unsubscribe_if_idle()

    def _unsubscribe_if_idle(self) -> None:
        with self._cond:
            if self._listeners or self._unsubscribe is None:
                return
            unsubscribe, self._unsubscribe = self._unsubscribe, None
            self._ranks.clear()  # no longer kept current: rebuilt at the next opening
        # Outside the hub's lock: unsubscribing takes the store's, and a writer holds the
        # store's while it waits for the hub's. Nor does closing wait for a writer that is
        # delivering (to an in-process callback): the next write's publish unsubscribes then.
        if self._store.lock.acquire(blocking=False):
            try:
                unsubscribe()
            finally:
                self._store.lock.release()
        else:
            with self._cond:
                self._stale_subscription = unsubscribe


def _permission_lost(exc: CloudError) -> WatchError:
    """The listener's caller may no longer read what it listens to (-402006), with core's reason."""
    return WatchError(SERVER_ERROR, Reason("watch.permission_lost", "realtime listener receive server error msg: "
                                           "{detail}", detail=exc.as_reason()))
