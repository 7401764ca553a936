"""The snapshot list as a table, and the words for a snapshot's kind and trigger."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from app.ui.panes.storage.models import human_size
from app.ui.reason_texts import say
from app.ui.rows_model import RowsModel
from app.ui.widgets import format_time

Index = QModelIndex | QPersistentModelIndex
# What these rows mean, in the order core may send: named by a person, taken before a
# destructive request, the state the workspace was made with.
NAMED, CHECKPOINT, INITIAL = "named", "checkpoint", "initial"


def kind_label(kind: str) -> str:
    labels = {
        NAMED: QCoreApplication.translate("SnapshotsModel", "Named"),
        CHECKPOINT: QCoreApplication.translate("SnapshotsModel", "Automatic checkpoint"),
        INITIAL: QCoreApplication.translate("SnapshotsModel", "Start state"),
    }
    return labels.get(kind, kind)


def trigger_text(summary: dict) -> str:
    """Why a checkpoint was taken ("before deleting the collection todos"), in the UI's language."""
    return say(summary.get("trigger")) if summary.get("trigger") else ""


def checkpoint_label(summary: dict) -> str:
    """A checkpoint by name with why it was taken: "checkpoint-3 (before deleting …)"."""
    why = trigger_text(summary)
    if not why:
        return summary["name"]
    return QCoreApplication.translate("SnapshotsModel", "{name} ({why})").format(name=summary["name"], why=why)


class SnapshotsModel(RowsModel[dict]):
    """One ``snapshot.list`` summary a row, newest first (as core sends them)."""

    NAME, TIME, KIND, TRIGGER, NOTE, CONTENTS, SIZE = range(7)
    STRETCH = TRIGGER  # why a checkpoint was taken is the longest words a row has

    snapshot_at = RowsModel.row_at

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Name"), self.tr("Saved at"), self.tr("Kind"), self.tr("Taken because"),
                self.tr("Note"), self.tr("Documents / files"), self.tr("Size on disk"))

    def names(self) -> list[str]:
        return [row["name"] for row in self._rows]

    def row_of(self, name: str) -> int:
        return next((i for i, row in enumerate(self._rows) if row["name"] == name), -1)

    def update_rows(self, rows: list[dict]) -> bool:
        """Show ``rows``; in place when they are the same snapshots in the same order (the view
        keeps its selection and scroll position). Returns False when the rows were replaced."""
        if [row["name"] for row in rows] != self.names():
            self.set_rows(rows)
            return False
        changed = [i for i, (old, new) in enumerate(zip(self._rows, rows)) if old != new]
        self._rows = list(rows)
        for i in changed:
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
        return True

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.snapshot_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.TRIGGER, self.NOTE):
            return self._display(row, column) or None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.CONTENTS:
            return self.tr("{collections} collections, {documents} documents, {files} files ({bytes})").format(
                collections=row.get("collections", 0), documents=row.get("documents", 0),
                files=row.get("files", 0), bytes=human_size(int(row.get("fileBytes") or 0)))
        if role == Qt.ItemDataRole.ToolTipRole and column == self.SIZE:
            return self.tr("What this snapshot added on disk; files unchanged since an earlier "
                           "snapshot are kept once.")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.CONTENTS, self.SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: dict, column: int) -> str:
        if column == self.NAME:
            return row["name"]
        if column == self.TIME:
            return format_time(row["createdAt"], with_date=True)
        if column == self.KIND:
            return kind_label(row.get("kind", ""))
        if column == self.TRIGGER:
            return trigger_text(row)
        if column == self.NOTE:
            return row.get("note") or ""
        if column == self.CONTENTS:
            return f"{row.get('documents', 0)} / {row.get('files', 0)}"
        return human_size(int(row.get("size") or 0))
