"""``database.watchOpen`` / ``watchClose`` / ``watchList``: listeners through the request API.

Opening and closing are one logged request each. Snapshots are not requests: a consumer reads
them with ``WatchHub.poll`` or a callback, so waiting for them never floods the timeline.
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
                                     single=p.is_doc, tag=request.params.get("tag"))
        return {"listenerId": listener_id, "snapshot": init.to_wire()}

    def close_listener(request: Request, trace: Trace) -> dict:
        trace.target = listener_id = str(request.params.get("listenerId", ""))
        return {"closed": hub_of().close(listener_id)}

    def list_listeners(request: Request, trace: Trace) -> dict:
        return {"listeners": hub_of().listeners()}

    return {
        "database.watchOpen": Action(open_listener),
        "database.watchClose": Action(close_listener),
        "database.watchList": Action(list_listeners, counts_as_visit=False, console_only=True),
    }
