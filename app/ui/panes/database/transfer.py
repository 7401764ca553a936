"""Import and export of a collection in the console's formats, with a progress bar."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QInputDialog,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.core.api import InputError, Reason
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.flow_layout import FlowLayout
from app.ui.widgets import shrinkable
from app.ui.messages import InlineMessage
from app.ui.reason_texts import say

SHOWN_LINE_ERRORS = 8


class _Progress(QObject):
    """Carries progress from the worker thread to the GUI thread.

    Parentless, so the worker's reference (a bound ``report``) keeps it alive: a bar deleted
    mid-import takes its connection with it instead of freeing the object being emitted on."""

    advanced = Signal(int)

    def report(self, done: int) -> None:
        self.advanced.emit(done)


class TransferBar(QWidget):
    """Import… / Export… for the selected collection; messages go to ``message``.

    Signals:
        imported(): an import wrote documents (its report stays in ``message``).
    """

    imported = Signal()

    def __init__(
        self,
        bridge: WorkspaceBridge,
        collection: Callable[[], str | None],
        shown_documents: Callable[[], tuple[list[dict], list[str]]],
        message: InlineMessage,
        shown_query: Callable[[], dict | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._collection = collection
        self._shown = shown_documents
        self._query = shown_query  # the SDK's query/order params of what the table shows
        self._message = message
        self.import_button = QPushButton(self.tr("Import…"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.conflict = shrinkable(QComboBox(), 14)
        self.conflict.addItem(self.tr("Insert (existing _id is an error)"), False)
        self.conflict.addItem(self.tr("Upsert (existing _id is replaced)"), True)
        self.atomic = QCheckBox(self.tr("All or nothing"))
        self.atomic.setChecked(True)
        self.atomic.setToolTip(self.tr("If any line is bad, import nothing"))
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self._signals = _Progress()
        self._signals.advanced.connect(self.progress.setValue)
        row = FlowLayout(self)  # wraps in a narrow window or with presenter mode's big text
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.import_button, self.conflict, self.atomic, self.export_button, self.progress):
            row.addWidget(widget)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)

    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import into the collection"), "",
            self.tr("JSON Lines (*.json *.jsonl);;CSV (*.csv);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    @async_slot(object)
    async def import_file(self, path: Path) -> None:
        """Import ``path`` into the selected collection, showing progress and bad lines."""
        collection = self._collection()
        with self._message.reporting():
            if collection is None:
                raise InputError(self.tr("Select a collection to import into."))
            # Only for the progress bar's length: the file the person chose, read on a worker thread.
            self._start(await asyncio.to_thread(_count_lines, path))
            try:
                outcome = await self._bridge.request("database.importFile", {
                    "collectionName": collection, "localPath": str(path),
                    "conflict": "upsert" if self.conflict.currentData() else "insert",
                    "atomic": self.atomic.isChecked(), "createCollection": False,
                }, progress=self._signals.report)
            finally:
                self.progress.hide()
            self._report(outcome)
            if outcome["inserted"] or outcome["replaced"]:
                self.imported.emit()

    def _report(self, outcome: dict) -> None:
        """Render ``database.importFile``'s answer: the counts, the bad lines, the conflicts."""
        line_errors = outcome["lineErrors"]
        lines = [say(e.get("reason"), e["message"]) for e in line_errors[:SHOWN_LINE_ERRORS]]
        if len(line_errors) > SHOWN_LINE_ERRORS:
            lines.append(self.tr("… and {n} more bad lines").format(n=len(line_errors) - SHOWN_LINE_ERRORS))
        if outcome["conflicts"]:
            lines.append(self.tr("{n} _id(s) already existed and were skipped").format(n=len(outcome["conflicts"])))
        summary = self.tr("Imported {inserted} new and replaced {replaced} document(s).").format(
            inserted=outcome["inserted"], replaced=outcome["replaced"]
        )
        if line_errors and not (outcome["inserted"] or outcome["replaced"]):
            self._message.show_error("\n".join([self.tr("Nothing was imported: the file has bad lines."), *lines]))
        elif lines:
            self._message.show_error("\n".join([summary, *lines]))
        else:
            self._message.show_info(summary)

    def _on_export_clicked(self) -> None:
        collection = self._collection()
        if collection is None:
            self._message.show_error(self.tr("Select a collection to export."))
            return
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the documents shown"), f"{collection}.json",
            self.tr("JSON Lines (*.json *.jsonl);;CSV (*.csv)"),
        )
        if not path:
            return
        fields = None
        if path.lower().endswith(".csv") or "CSV" in chosen:
            _docs, columns = self._shown()  # the table's columns are the likely fields
            text, ok = QInputDialog.getText(
                self, self.tr("Fields for CSV"), self.tr("Fields, comma separated:"), text=",".join(columns)
            )
            if not ok:
                return
            fields = text
        self.export_to(Path(path), fields)

    @async_slot(object, object)
    async def export_to(self, path: Path, fields: str | None) -> None:
        """Export the selected collection to ``path``: CSV with ``fields`` ("a,b"), else JSON Lines."""
        with self._message.reporting():
            self._start(None)
            try:
                shown = self._query() or {}  # the query the table shows, as the SDK sent it
                answer = await self._bridge.request("database.exportFile", {
                    "collectionName": self._collection(), "localPath": str(path),
                    "format": "jsonl" if fields is None else "csv", "fields": fields,
                    "query": shown.get("query"), "order": shown.get("order"),
                }, progress=self._signals.report)
            finally:
                self.progress.hide()
            self._message.show_info(self.tr("Exported {n} document(s) to {path}").format(
                n=answer["exported"], path=path))

    def _start(self, total: int | None) -> None:
        """Show the bar for ``total`` steps, or as busy when the total is not known."""
        self.progress.setRange(0, 0 if total is None else max(total, 1))
        self.progress.setValue(0)
        self.progress.show()


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) + 1
    except OSError as exc:
        raise InputError(Reason("database.file_unreadable", "Cannot read {path}: {error}", path=str(path),
                                error=exc.strerror or str(exc))) from None
