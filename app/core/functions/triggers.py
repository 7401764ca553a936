"""Fires timer triggers on schedule while the app runs (SOURCE wx_trigger, no OPENID)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable

from app.core.errors import SimulatorError
from app.core.functions.catalog import FunctionInfo
from app.core.requests import Caller, Request

log = logging.getLogger(__name__)
RESCAN_S = 2.0  # how often config.json changes are picked up


def trigger_request(name: str) -> Request:
    """The request a timer trigger makes: an admin call whose SOURCE is ``wx_trigger``."""
    return Request("functions.invokeFunction", {"function_name": name, "request_data": "{}"},
                   Caller.admin("wx_trigger"))


class TriggerScheduler:
    """A daemon thread that invokes each function whose cron matches the current second.

    Args:
        functions: lists the functions (re-read every few seconds, so edits apply).
        dispatch: handles the invocation request.
        now: the local wall clock (cron times are local, as in the console).
        paused: asked before firing; while it says so, nothing fires (and nothing is owed later).
        on_tick: the platform's other timed work, run at every tick (at least every RESCAN_S
            seconds) whether or not triggers are paused: mediaCheckAsync's pushes.
    """

    def __init__(
        self,
        functions: Callable[[], list[FunctionInfo]],
        dispatch: Callable[[Request], dict],
        now: Callable[[], datetime] = datetime.now,
        *,
        paused: Callable[[], bool] = lambda: False,
        on_tick: Callable[[], None] = lambda: None,
    ) -> None:
        self._functions = functions
        self._dispatch = dispatch
        self._now = now
        self._paused = paused
        self._on_tick = on_tick
        self._last = now()  # triggers due after this fire at the next tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[tuple[str, datetime]] = []

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="wxsim-triggers", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def due(self, after: datetime) -> list[tuple[datetime, str]]:
        """(when, name) of each trigger's next firing after ``after``, soonest first."""
        upcoming = []
        for info in self._functions():
            if info.trigger is not None:
                when = info.trigger.cron.next_after(after)
                if when is not None:
                    upcoming.append((when, info.name))
        return sorted(upcoming)

    def tick(self) -> list[str]:
        """Fire the triggers due since the last tick, unless paused; returns their names."""
        last, now = self._last, self._now()
        self._last = now
        try:
            self._on_tick()
        except Exception:  # noqa: BLE001 (one failure must not end the thread, and with it every trigger)
            log.exception("timed platform work failed")
        if self._paused():
            return []  # a trigger due while paused is skipped, not fired on resuming
        fired = [(name, when) for when, name in self.due(last) if when <= now]
        for name, when in fired:
            self._fire(name, when)
        return [name for name, _ in fired]

    def _run(self) -> None:
        self._last = self._now()
        while not self._stop.is_set():
            self.tick()
            upcoming = self.due(self._last)
            wait = RESCAN_S
            if upcoming:
                wait = min(wait, (upcoming[0][0] - self._now()).total_seconds())
            self._stop.wait(max(wait, 0.05))

    def _fire(self, name: str, when: datetime) -> None:
        self.fired.append((name, when))
        # Fired on its own thread: a slow function must not delay the next trigger.
        threading.Thread(target=self._invoke, args=(name,), daemon=True).start()

    def _invoke(self, name: str) -> None:
        try:
            self._dispatch(trigger_request(name))
        except SimulatorError as exc:  # already in the event log and the function's history
            log.info("timer trigger of %s failed: %s", name, exc)
