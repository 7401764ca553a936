"""Table model of the storage pane: the files of one folder, with what the viewer may do."""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import basename
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.core.api import Persona
from app.ui.reason_texts import say
from app.ui.rows_model import RowsModel
from app.ui.widgets import color_dot, format_time

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class FileRow:
    """One file as ``storage.listFiles`` answers it, with what the viewer may do and why."""

    path: str
    file_id: str
    size: int
    content_type: str
    uploaded_at: float
    owner_name: str  # the persona's name, an openid, or "" for admin uploads
    owner_color: str | None
    can_read: bool
    read_reason: str
    can_delete: bool
    delete_reason: str
    read_why: dict | None = None  # the reasons as core's message ids and params (said in the UI's language)
    delete_why: dict | None = None

    @classmethod
    def from_answer(cls, item: dict, owner: Persona | None) -> "FileRow":
        """``owner`` is the persona whose openid uploaded it, if it is one."""
        return cls(item["cloudPath"], item["fileID"], item["size"], item["contentType"], item["uploadedAt"],
                   owner.name if owner else (item["owner"] or ""), owner.color if owner else None,
                   item["canRead"], item["readReason"], item["canDelete"], item["deleteReason"],
                   item.get("readWhy"), item.get("deleteWhy"))

    def read_text(self) -> str:
        """Why the viewer may (not) read the file, in the UI's language."""
        return say(self.read_why, self.read_reason)

    def delete_text(self) -> str:
        """Why the viewer may (not) delete the file, in the UI's language."""
        return say(self.delete_why, self.delete_reason)


class FilesModel(RowsModel[FileRow]):
    """Name, size, owner, upload time, type, and whether the viewer may read / delete it."""

    NAME, SIZE, OWNER, TIME, TYPE, READ, WRITE = range(7)
    STRETCH = NAME  # the column that takes the spare width

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Name"), self.tr("Size"), self.tr("Owner"), self.tr("Uploaded"),
                self.tr("Type"), self.tr("Read"), self.tr("Delete"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return basename(row.path)
            if column == self.SIZE:
                return human_size(row.size)
            if column == self.OWNER:
                return row.owner_name or self.tr("admin")
            if column == self.TIME:
                return format_time(row.uploaded_at, with_date=True)
            if column == self.TYPE:
                return row.content_type
            return "✔" if _allowed(row, column) else "✘"
        if role == Qt.ItemDataRole.DecorationRole and column == self.OWNER and row.owner_name:
            return color_dot(row.owner_color)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (self.READ, self.WRITE):
                return row.read_text() if column == self.READ else row.delete_text()
            return row.path
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.READ, self.WRITE):
            return QColor("#188038" if _allowed(row, column) else "#D93025")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.SIZE, self.READ, self.WRITE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if column == self.SIZE else int(Qt.AlignmentFlag.AlignCenter)
        return None


def _allowed(row: FileRow, column: int) -> bool:
    return row.can_read if column == FilesModel.READ else row.can_delete


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
