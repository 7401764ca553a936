"""``database.watchOpen`` / ``watchPoll`` / ``watchClose`` / ``watchList``: listeners through
the request API.

Opening and closing are one logged request each. A mini program's shim long-polls
``watchPoll``: a poll that delivers snapshots (or the listener's error) is logged under the
opening, so the timeline shows each delivery under its listener; a poll that waited in vain is
not an operation and leaves no row. In-process consumers use ``WatchHub.poll`` or a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.database.actions import _Params
from app.core.database.service import DatabaseService
from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Request, Trace

MAX_POLL_WAIT_MS = 2000  # a poll holds a gateway thread; the shim asks again right away

if TYPE_CHECKING:
    from app.core.database.watch import WatchHub


def watch_actions(service: DatabaseService, hub_of: Callable[[], WatchHub]) -> dict[str, Action]:
    """``hub_of()``: the workspace's listeners, made on first use."""

    def open_listener(request: Request, trace: Trace) -> dict:
        p = _Params(request, trace, service)
        if request.params.get("projection"):
            raise CloudError(-402002, Reason("watch.field_unsupported", "realtime listener init watch fail: field() "
                                             "is not supported by watch"))
        listener_id, init = hub_of().open(request.caller, p.collection, p.query, order=p.order(), limit=p.int("limit"),
                                          single=p.is_doc, tag=request.params.get("tag"), opened_by=trace.id)
        return {"listenerId": listener_id, "snapshot": init.to_wire()}

    def poll_listener(request: Request, trace: Trace) -> dict:
        """Up to ``waitMs`` (at most 2 s) for the listener's next snapshots; ``error`` once it failed."""
        trace.target = listener_id = str(request.params.get("listenerId", ""))
        wait_ms = request.params.get("waitMs", 0)
        wait_s = min(max(wait_ms, 0), MAX_POLL_WAIT_MS) / 1000 if isinstance(wait_ms, (int, float)) else 0
        hub = hub_of()
        listener = hub.listener(listener_id)
        snapshots, error = hub.poll(listener_id, wait_s, request.caller)
        if listener is not None:  # a delivery reads as the listener's: its collection, under its opening
            trace.target, trace.parent_id = listener.collection, listener.opened_by
        trace.unlogged = not snapshots and error is None
        if error is not None:
            trace.failure = CloudError(error.code, error.reason)
        answer = {"snapshots": [snapshot.to_wire() for snapshot in snapshots],
                  "error": error.to_wire() if error is not None else None}
        if error is not None:  # for the console to say it in its language; the SDK reads errMsg
            answer["errorWhy"] = error.reason.to_dict()
        return answer

    def close_listener(request: Request, trace: Trace) -> dict:
        trace.target = listener_id = str(request.params.get("listenerId", ""))
        return {"closed": hub_of().close(listener_id, request.caller)}

    def hand_over(request: Request, trace: Trace) -> dict:
        """The client console's run ended with the listener open: its poll under way returns
        now, and the console reads the listener from here on."""
        trace.target = listener_id = str(request.params.get("listenerId", ""))
        return {"handedOver": hub_of().wake(listener_id, request.caller)}

    def list_listeners(request: Request, trace: Trace) -> dict:
        # A view's refresh (the console pane lists them twice a second), not an operation.
        trace.unlogged = True
        return {"listeners": hub_of().listeners()}

    return {
        "database.watchOpen": Action(open_listener),
        "database.watchPoll": Action(poll_listener, counts_as_visit=False),
        "database.watchClose": Action(close_listener),
        "database.watchHandOver": Action(hand_over, counts_as_visit=False),
        "database.watchList": Action(list_listeners, counts_as_visit=False, console_only=True),
    }
