"""Table models of the functions pane: the function list and the invocation history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.core.api import Invocation
from app.ui.reason_texts import say
from app.ui.rows_model import RowsModel
from app.ui.widgets import format_time

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class FunctionRow:
    """One function as ``functions.list`` answers it."""

    name: str
    folder: str
    timeout_s: float
    cron: str | None  # the timer trigger's schedule, if it has one
    modified: float | None
    problem: str | None  # what is wrong with its config.json, in words
    runtime: str  # "v8" or "node"
    node_problem: str | None  # why it cannot run on Node.js here, when that is its runtime
    presets: dict[str, str] = field(default_factory=dict)  # saved test events by label

    @classmethod
    def from_answer(cls, item: dict) -> "FunctionRow":
        """A row of ``functions.list``; its problems in the UI's language (core's Reasons)."""
        trigger = item.get("trigger")
        return cls(item["name"], item["folder"], item["timeoutSeconds"], trigger["cron"] if trigger else None,
                   item.get("modified"), _said(item, "problem"), item.get("runtime") or "v8",
                   _said(item, "nodeProblem"), dict(item.get("presets") or {}))


def node_problem(answer: dict) -> str | None:
    """Why a function cannot run on Node.js here (``functions.setRuntime``'s answer), said."""
    return _said(answer, "nodeProblem")


def _said(answer: dict, key: str) -> str | None:
    """``answer[key]`` (core's English) said by its Reason ``answer[key + "Why"]`` when there is one."""
    text = answer.get(key)
    return say(answer.get(key + "Why"), text) if text else text


class FunctionsModel(RowsModel[FunctionRow]):
    """Name, timeout, timer trigger and when the code last changed."""

    STRETCH = 0  # the name takes the spare width
    set_functions = RowsModel.set_rows
    function_at = RowsModel.row_at

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Function"), self.tr("Timeout"), self.tr("Timer trigger"), self.tr("Changed"))

    def row_of(self, name: str | None) -> int:
        return next((i for i, f in enumerate(self._rows) if f.name == name), -1)

    def replace_function(self, info: FunctionRow) -> None:
        """Keep ``info`` in place of the row of the same name (a runtime or preset change)."""
        row = self.row_of(info.name)
        if row >= 0:
            self._rows[row] = info
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

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
                return info.cron or ""
            return format_time(info.modified, with_date=True) if info.modified else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return info.problem or info.folder
        if role == Qt.ItemDataRole.ForegroundRole and info.problem:
            return QColor("#D93025")
        return None


class InvocationsModel(RowsModel[Invocation]):
    """The function's runs, newest first, like the console's 日志 page."""

    set_invocations = RowsModel.set_rows
    invocation_at = RowsModel.row_at

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Time"), self.tr("Source"), self.tr("Persona"), self.tr("Duration"), self.tr("Result"))

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
