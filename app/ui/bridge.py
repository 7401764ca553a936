"""The Qt face of a workspace: async calls off the GUI thread, core events as signals."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core.events import Event
from app.core.identity.service import Persona, UserRecord
from app.core.requests import SOURCE_CONSOLE, Caller, Request
from app.core.workspace import Workspace


ADMIN = object()  # the console's own view, as opposed to a persona's


class WorkspaceBridge(QObject):
    """Async facade over one ``Workspace`` for the panes.

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

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        personas = workspace.identity.personas()
        # Kept by openid, so renaming the persona being acted as keeps acting as it.
        self._acting: str | None = personas[0].openid if personas else None
        self._pending_notes: list[str] = []
        self._unsubscribe = workspace.subscribe(self._on_core_event)
        # Emitted from the writing thread; Qt queues it to the GUI thread.
        self._unwatch_db = workspace.database.store.on_change(self.database_changed.emit)

    # -- read-only facts (fast, called on the GUI thread) ---------------------------------------

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    def personas(self) -> list[Persona]:
        return self._workspace.identity.personas()

    def persona_color(self, name: str | None) -> str | None:
        return next((p.color for p in self.personas() if p.name == name), None)

    def users(self) -> list[UserRecord]:
        return self._workspace.identity.users()

    def recent_events(self) -> list[Event]:
        return self._workspace.events.recent()

    def acting_as(self) -> str | None:
        """The name of the persona being acted as, or None when signed out."""
        persona = self._workspace.identity.persona_by_openid(self._acting)
        return persona.name if persona else None

    def set_acting_as(self, name: str | None) -> None:
        openid = self._workspace.identity.persona(name).openid if name is not None else None
        if openid != self._acting:
            self._acting = openid
            self.acting_changed.emit(name)

    # -- requests (off the GUI thread) -----------------------------------------------------------

    async def request(self, action: str, params: dict[str, Any] | None = None) -> dict:
        """An admin request from the console; raises SimulatorError for expected failures."""
        return await self._handle(Request(action, params or {}, Caller.console(SOURCE_CONSOLE)))

    async def client_request(self, action: str, params: dict[str, Any] | None = None) -> dict:
        """A request from the mini program, made as the persona being acted as."""
        caller = self._workspace.client_caller(self.acting_as())
        return await self._handle(Request(action, params or {}, caller))

    async def request_as(self, caller: Caller, action: str, params: dict[str, Any], *,
                         local_roots: tuple[Path, ...] = ()) -> dict:
        """A request made as ``caller`` (e.g. the pane's "act as" choice); ``local_roots`` are
        host paths the person chose for it (a dropped file, a save-as target)."""
        return await self._handle(Request(action, params, caller, local_roots=local_roots))

    async def run(self, function, *args, **kwargs):
        """Run a slow core function (a scan, a file) off the GUI thread."""
        return await asyncio.to_thread(function, *args, **kwargs)

    def caller_for(self, persona: str | None | object) -> Caller:
        """The caller a console view acts as: ADMIN, or a persona's mini program (None: signed out)."""
        if persona is ADMIN:
            return Caller.console(SOURCE_CONSOLE)
        return self._workspace.client_caller(persona)

    async def _handle(self, request: Request) -> dict:
        result = await asyncio.to_thread(self._workspace.handle, request)
        if request.service == "personas":
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

    def _on_core_event(self, event: Event) -> None:
        # Called on whichever thread handled the request; Qt queues the emission to the GUI.
        self.event_logged.emit(event)
        if event.caller_kind == "client":
            self.users_changed.emit()
