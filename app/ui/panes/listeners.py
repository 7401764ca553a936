"""监听 / Listeners: every realtime listener open in the workspace, with its persona and query,
and the live log of the ones the client console opened.

A console run ends with its code, and the listeners it opened stay open in core: this view
takes them over, reads their snapshots on (``database.watchPoll`` as the persona's mini program,
so each delivery is still one timeline row of theirs under the listener's opening) and shows
each as it comes.
Listeners of other clients (a ``wxsim run-client`` script) are listed with their counts but not
read here: their snapshots belong to the script. Every open listener can be closed from here.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.api import SimulatorError
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.reason_texts import code_text, say
from app.ui.widgets import JsonView

REFRESH_MS = 500  # how often the list and the console's listeners are read while it matters
MAX_LOG = 200  # snapshots kept per listener's log; older ones scroll away


class ListenersView(QWidget):
    """The open listeners (a table kept in place, so the chosen row stays chosen), the chosen
    one's snapshots, and a button to close it."""

    PERSONA, COLLECTION, QUERY, SNAPSHOTS = range(4)

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._logs: dict[str, list[str]] = {}  # listener id -> its log, for the console's own
        self._reading: list[str] = []  # the console's listeners still open, read on each tick
        self._personas: dict[str, str | None] = {}  # whose mini program each was opened by
        self._refreshing = False
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Persona"), self.tr("Collection"), self.tr("Query"),
                                              self.tr("Snapshots")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.QUERY, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self.tr("No listener is open. Run a watch() in the client console (Examples → "
                                    "Chat) and it stays open here."))
        self.empty.setWordWrap(True)
        self.log = JsonView()
        self.close_button = QPushButton(self.tr("Close listener"))
        self.close_button.setEnabled(False)
        self.message = InlineMessage()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.empty)
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.message)
        column.addWidget(self.log, 2)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._show_chosen)
        self.close_button.clicked.connect(self.close_chosen)

    # -- what the console hands over ---------------------------------------------------------------

    def adopt(self, answer: dict, persona: str | None) -> None:
        """A console run's answer, run as ``persona``: its open listeners are read from here on
        (as that persona's mini program would), their logs begun with what they got while it ran."""
        for delivered in answer.get("snapshots") or []:
            if delivered["listenerId"] in answer.get("listeners", []):
                self._append(delivered["listenerId"], delivered.get("snapshot"), delivered.get("error"))
        for listener_id in answer.get("listeners") or []:
            self._logs.setdefault(listener_id, [])
            self._reading.append(listener_id)
            self._personas[listener_id] = persona
        self._keep_reading()
        self.refresh()

    def chosen(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def reading(self) -> list[str]:
        """The console's listeners still open, whose snapshots this view reads."""
        return list(self._reading)

    # -- reading ---------------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._keep_reading()
        self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        self._keep_reading()

    def _keep_reading(self) -> None:
        """Read while the list is on screen, or while the console has listeners to read (their
        snapshots wait in core until read, and too many unread would close them)."""
        if self.isVisible() or self._reading:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()

    @async_slot()
    async def refresh(self) -> None:
        if self._refreshing:
            return  # the previous tick is still reading
        self._refreshing = True
        try:
            with self.message.reporting(clear=False):
                for listener_id in list(self._reading):
                    caller = self._bridge.caller_for(self._personas.get(listener_id))
                    answer = await self._bridge.request_as(caller, "database.watchPoll",
                                                           {"listenerId": listener_id, "waitMs": 0})
                    for snapshot in answer["snapshots"]:
                        self._append(listener_id, snapshot, None)
                    if answer.get("error"):
                        self._append(listener_id, None, answer["error"], answer.get("errorWhy"))
                listed = (await self._bridge.request("database.watchList"))["listeners"]
                self._show_listed(listed)
        except SimulatorError:
            pass  # shown by reporting(); the next tick tries again
        finally:
            self._refreshing = False
            self._keep_reading()

    def _append(self, listener_id: str, snapshot: dict | None, error: dict | None, why: dict | None = None) -> None:
        log = self._logs.setdefault(listener_id, [])
        if snapshot is not None:
            log.append(self._describe(snapshot))
        if error is not None:  # it ended: nothing more to read, its log stays
            log.append(self.tr("— closed: {why}").format(why=code_text(error["errCode"], say(why, error["errMsg"]))))
            if listener_id in self._reading:
                self._reading.remove(listener_id)
        del log[:-MAX_LOG]
        if listener_id == self.chosen():
            self._show_chosen()

    def _describe(self, snapshot: dict) -> str:
        changes = snapshot["docChanges"]
        head = (self.tr("#{id} init: {n} documents") if snapshot.get("type") == "init"
                else self.tr("#{id}: {changes} change(s), {n} documents now"))
        lines = [head.format(id=snapshot["id"], n=len(snapshot["docs"]), changes=len(changes))]
        for change in changes:
            lines.append(f"  {change['queueType']} / {change['dataType']}  {change['docId']}")
            if change.get("doc") is not None:
                lines.append(f"    {_readable(change['doc'])}")
        return "\n".join(lines)

    # -- the table, kept in place ----------------------------------------------------------------------

    def _show_listed(self, listed: list[dict]) -> None:
        chosen = self.chosen()
        by_id = {entry["id"]: entry for entry in listed}
        for row in reversed(range(self.table.rowCount())):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) not in by_id:
                self.table.removeRow(row)
        present = {self.table.item(row, 0).data(Qt.ItemDataRole.UserRole): row for row in range(self.table.rowCount())}
        for entry in listed:
            row = present.get(entry["id"])
            if row is None:
                row = self.table.rowCount()
                self.table.insertRow(row)
            query = json.dumps(entry["query"] or {}, ensure_ascii=False, default=str)
            if entry.get("doc"):
                query = self.tr("doc {query}").format(query=query)
            cells = [entry["persona"] or self.tr("Signed out"), entry["collection"], query, str(entry["snapshots"])]
            for column, text in enumerate(cells):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                if item.text() != text:
                    item.setText(text)
                item.setToolTip(query if column == self.QUERY else "")
            self.table.item(row, 0).setData(Qt.ItemDataRole.UserRole, entry["id"])
        self.empty.setVisible(not listed)
        if chosen is not None and chosen not in by_id:
            self.close_button.setEnabled(False)

    def _show_chosen(self) -> None:
        listener_id = self.chosen()
        self.close_button.setEnabled(listener_id is not None)
        if listener_id is None:
            return
        log = self._logs.get(listener_id)
        if log is None:
            text = self.tr("This listener belongs to another client (a wxsim run-client script): its "
                           "snapshots go to that script, so only their count is shown here.")
        else:
            text = "\n".join(log)
        if self.log.toPlainText() != text:
            self.log.setPlainText(text)
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    @async_slot()
    async def close_chosen(self) -> None:
        listener_id = self.chosen()
        if listener_id is None:
            return
        with self.message.reporting():
            await self._bridge.request("database.watchClose", {"listenerId": listener_id})
            if listener_id in self._reading:
                self._reading.remove(listener_id)
            self._logs.setdefault(listener_id, []).append(self.tr("— closed from the console"))
            self._show_chosen()
            await self.refresh()


def _readable(doc: dict) -> str:
    """A document as a projector can show it on a line or two: its fields but ``_id`` (named
    above) and ``_openid``, dates as their ISO text."""
    def plain(value):
        if isinstance(value, dict):
            if set(value) == {"$date"}:
                return str(value["$date"])
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    fields = {key: plain(value) for key, value in doc.items() if key not in ("_id", "_openid")}
    return json.dumps(fields, ensure_ascii=False, default=str)
