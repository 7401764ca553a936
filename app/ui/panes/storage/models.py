"""Table model of the storage pane: the files of one folder, with what the viewer may do."""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import basename
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.core.requests import Decision
from app.core.storage.index import FileRecord
from app.ui.rows_model import RowsModel
from app.ui.widgets import color_dot, format_time

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class FileRow:
    record: FileRecord
    owner_name: str  # the persona's name, an openid, or "" for admin uploads
    owner_color: str | None
    read: Decision
    write: Decision


class FilesModel(RowsModel[FileRow]):
    """Name, size, owner, upload time, type, and whether the viewer may read / delete it."""

    NAME, SIZE, OWNER, TIME, TYPE, READ, WRITE = range(7)

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Name"), self.tr("Size"), self.tr("Owner"), self.tr("Uploaded"),
                self.tr("Type"), self.tr("Read"), self.tr("Delete"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        column, record = index.column(), row.record
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return basename(record.path)
            if column == self.SIZE:
                return human_size(record.size)
            if column == self.OWNER:
                return row.owner_name or self.tr("admin")
            if column == self.TIME:
                return format_time(record.uploaded_at, with_date=True)
            if column == self.TYPE:
                return record.content_type
            decision = row.read if column == self.READ else row.write
            return "✔" if decision.allowed else "✘"
        if role == Qt.ItemDataRole.DecorationRole and column == self.OWNER and row.owner_name:
            return color_dot(row.owner_color)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (self.READ, self.WRITE):
                return (row.read if column == self.READ else row.write).reason
            return record.path
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.READ, self.WRITE):
            decision = row.read if column == self.READ else row.write
            return QColor("#188038" if decision.allowed else "#D93025")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.SIZE, self.READ, self.WRITE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if column == self.SIZE else int(Qt.AlignmentFlag.AlignCenter)
        return None


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
