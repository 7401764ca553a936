"""The Qt face of a workspace: async calls off the GUI thread, core events as signals."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from app.core.api import OUTCOME_OK, Caller, Event, Persona, UserRecord, WorkspaceApi, call_function, export_events


ADMIN = object()  # the console's own view, as opposed to a persona's
# Requests that put a whole saved state back: the roster and the user list may differ after.
RESTORES = frozenset({"snapshot.restore", "snapshot.reset", "snapshot.undo"})


class WorkspaceBridge(QObject):
    """The panes' way to core: requests off the GUI thread through the request API
    (``app/core/api.py``), and core's change notices as Qt signals.

    Signals:
        event_logged(Event): a request was handled (from any thread; delivered on the GUI's).
        personas_changed(): the roster changed.
        users_changed(): a client request may have recorded a visit.
        acting_changed(object): the persona being acted as (a name, or None when signed out).
        notified(str): a short message for the status bar.
        database_changed(str): documents or collections of this collection changed.
    """

    event_logged = Signal(object)
    personas_changed = Signal()
    users_changed = Signal()
    acting_changed = Signal(object)
    notified = Signal(str)
    database_changed = Signal(str)

    def __init__(self, api: WorkspaceApi, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._pending = 0
        personas = api.personas()
        # Kept by openid, so renaming the persona being acted as keeps acting as it.
        self._acting: str | None = personas[0].openid if personas else None
        self._pending_notes: list[str] = []
        self._unsubscribe = api.subscribe(self._on_core_event)
        self._unwatch_db = api.on_database_change(self._on_database_change)
        # Queued to the GUI thread (the bridge lives there), whoever made the restore: a pane,
        # or `wxsim reset` in a terminal attached to this app.
        self.event_logged.connect(self._after_event)

    # -- read-only facts (fast, called on the GUI thread) ---------------------------------------

    @property
    def env_id(self) -> str:
        return self._api.env_id

    @property
    def project_name(self) -> str:
        return self._api.project_name

    @property
    def appid(self) -> str:
        return self._api.appid

    @property
    def data_dir(self) -> Path:
        return self._api.data_dir

    def personas(self) -> list[Persona]:
        return self._api.personas()

    def persona_by_openid(self, openid: str | None) -> Persona | None:
        return self._api.persona_by_openid(openid)

    def persona_color(self, name: str | None) -> str | None:
        return next((p.color for p in self.personas() if p.name == name), None)

    def users(self) -> list[UserRecord]:
        return self._api.users()

    def recent_events(self) -> list[Event]:
        return self._api.recent_events()

    def triggers_paused(self) -> bool:
        return self._api.triggers_paused()

    def acting_as(self) -> str | None:
        """The name of the persona being acted as, or None when signed out."""
        persona = self._api.persona_by_openid(self._acting)
        return persona.name if persona else None

    def set_acting_as(self, name: str | None) -> None:
        openid = self._api.client_caller(name).openid if name is not None else None
        if openid != self._acting:
            self._acting = openid
            self.acting_changed.emit(name)

    # -- requests (off the GUI thread) -----------------------------------------------------------

    async def request(self, action: str, params: dict[str, Any] | None = None, *,
                      progress: Callable[[Any], None] | None = None) -> dict:
        """A console request; raises SimulatorError for expected failures."""
        return await self._handle(action, params, None, progress=progress)

    async def client_request(self, action: str, params: dict[str, Any] | None = None) -> dict:
        """A request from the mini program, made as the persona being acted as."""
        return await self._handle(action, params, self._api.client_caller(self.acting_as()))

    async def request_as(self, caller: Caller, action: str, params: dict[str, Any], *,
                         local_roots: tuple[Path, ...] = ()) -> dict:
        """A request made as ``caller`` (e.g. the pane's "act as" choice); ``local_roots`` are
        host paths the person chose for it (a dropped file, a save-as target)."""
        return await self._handle(action, params, caller, local_roots=local_roots)

    async def clear_timeline(self) -> None:
        """Forget the recent events (the timeline starts afresh); events.jsonl keeps them."""
        await asyncio.to_thread(self._api.clear_timeline)

    async def export_events(self, events: list[Event], path: Path, fmt: str) -> int:
        """Write ``events`` to ``path`` as JSON Lines ("jsonl") or CSV ("csv"); returns how many."""
        return await asyncio.to_thread(export_events, events, path, fmt)

    async def call_function(self, persona: str | None | object, name: str, data: Any) -> dict:
        """Call cloud function ``name`` as a persona's mini program, or for ADMIN as the
        console's test run, and answer as ``wx.cloud.callFunction`` does (errMsg, result,
        requestID): the one ``functions.invokeFunction`` request, shaped by core's SDK."""
        caller = self.caller_for(persona)

        def handle(request) -> dict:  # None: the console, as every console request
            return self._api.request(request.action, request.params, caller)

        outcome = await asyncio.to_thread(call_function, handle, caller or Caller.console(), name, data,
                                          client_shape=True)
        return outcome.value

    def caller_for(self, persona: str | None | object) -> Caller | None:
        """The caller a console view acts as: None for ADMIN (the console itself), or a
        persona's mini program (None: signed out)."""
        if persona is ADMIN:
            return None
        return self._api.client_caller(persona)

    @staticmethod
    def viewer_param(persona: str | None | object) -> dict:
        """The ``viewer`` param of a console listing: whose rights to show (none: the console's)."""
        return {} if persona is ADMIN else {"viewer": {"persona": persona}}

    @property
    def pending(self) -> int:
        """Requests sent and not yet answered (tests wait for 0 before leaving the loop)."""
        return self._pending

    async def _handle(self, action: str, params: dict[str, Any] | None, caller: Caller | None, **options) -> dict:
        self._pending += 1
        try:
            result = await asyncio.to_thread(self._api.request, action, params or {}, caller, **options)
        finally:
            self._pending -= 1
        if action.startswith("personas.") and action != "personas.list":
            self._after_roster_change()
        return result

    def _after_roster_change(self) -> None:
        personas = self.personas()
        if self._acting is not None and self.acting_as() is None:  # the acted persona was deleted
            self.set_acting_as(personas[0].name if personas else None)
        self.personas_changed.emit()

    # -- status messages -----------------------------------------------------------------------

    def notify(self, text: str) -> None:
        """Show ``text`` in the status bar, or keep it until a window is listening."""
        if self.receivers("2notified(QString)") > 0:
            self.notified.emit(text)
        else:
            self._pending_notes.append(text)

    def flush_notes(self) -> None:
        notes, self._pending_notes = self._pending_notes, []
        for text in notes:
            self.notified.emit(text)

    def close(self) -> None:
        self._unsubscribe()
        self._unwatch_db()

    def _on_database_change(self, collection: str) -> None:
        # Called on the writing thread. A bound method, not ``database_changed.emit``: it holds
        # the bridge alive while it emits, where a bare signal's emit does not, and a window
        # replaced on the GUI thread meanwhile would free the bridge under it.
        self.database_changed.emit(collection)

    def _after_event(self, event: Event) -> None:
        if event.action in RESTORES and event.outcome == OUTCOME_OK:
            self._after_roster_change()
            self.users_changed.emit()

    def _on_core_event(self, event: Event) -> None:
        # Called on whichever thread handled the request; Qt queues the emission to the GUI.
        self.event_logged.emit(event)
        if event.caller_kind == "client":
            self.users_changed.emit()
