"""Table models of the functions pane: the function list and the invocation history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.core.functions.catalog import FunctionInfo
from app.core.functions.runner import Invocation
from app.ui.widgets import format_time

Index = QModelIndex | QPersistentModelIndex


class FunctionsModel(QAbstractTableModel):
    """Name, timeout, timer trigger and when the code last changed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FunctionInfo] = []

    def set_functions(self, rows: list[FunctionInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def function_at(self, row: int) -> FunctionInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str | None) -> int:
        return next((i for i, f in enumerate(self._rows) if f.name == name), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Function"), self.tr("Timeout"), self.tr("Timer trigger"), self.tr("Changed"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        info = self.function_at(index.row())
        if info is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return info.name
            if column == 1:
                return f"{info.timeout_s:g} s"
            if column == 2:
                return info.trigger.cron.text if info.trigger else ""
            return format_time(info.modified, with_date=True) if info.modified else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return info.problem or str(info.folder)
        if role == Qt.ItemDataRole.ForegroundRole and info.problem:
            return QColor("#D93025")
        return None


class InvocationsModel(QAbstractTableModel):
    """The function's runs, newest first, like the console's 日志 page."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Invocation] = []

    def set_invocations(self, rows: list[Invocation]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def invocation_at(self, row: int) -> Invocation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Time"), self.tr("Source"), self.tr("Persona"), self.tr("Duration"), self.tr("Result"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        run = self.invocation_at(index.row())
        if run is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                format_time(run.started, with_date=True),
                run.source,
                run.persona or "",
                f"{run.duration_ms:.1f} ms",
                self.tr("ok") if run.ok else (self.tr("timed out") if run.timed_out else self.tr("error")),
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            return QColor("#188038" if run.ok else "#D93025")
        return None
