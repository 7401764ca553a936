"""Table models for the roster and the user list."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.core.identity import Persona, UserRecord
from app.ui.widgets import color_dot, format_time

Index = QModelIndex | QPersistentModelIndex


class PersonasModel(QAbstractTableModel):
    """The persona roster: name (with its colour), openid, unionid."""

    NAME, OPENID, UNIONID = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Persona] = []

    def set_personas(self, personas: list[Persona]) -> None:
        self.beginResetModel()
        self._rows = list(personas)
        self.endResetModel()

    def persona_at(self, row: int) -> Persona | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Persona"), self.tr("openid"), self.tr("unionid"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        persona = self.persona_at(index.row())
        if persona is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (persona.name, persona.openid, persona.unionid or "—")[column]
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            return color_dot(persona.color)
        return None


class UsersModel(QAbstractTableModel):
    """用户管理: who visited with traceUser, most recent first."""

    OPENID, PERSONA, FIRST, LAST, VISITS = range(5)

    def __init__(self, persona_of: Callable[[str], Persona | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._persona_of = persona_of
        self._rows: list[UserRecord] = []

    def set_users(self, users: list[UserRecord]) -> None:
        self.beginResetModel()
        self._rows = list(users)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("openid"),
                self.tr("Persona"),
                self.tr("First visit"),
                self.tr("Last visit"),
                self.tr("Visits"),
            )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not 0 <= index.row() < len(self._rows):
            return None
        user = self._rows[index.row()]
        persona = self._persona_of(user.openid)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                user.openid,
                persona.name if persona else self.tr("(deleted persona)"),
                format_time(user.first_visit, with_date=True),
                format_time(user.last_visit, with_date=True),
                user.visits,
            )[column]
        if role == Qt.ItemDataRole.DecorationRole and column == self.PERSONA:
            return color_dot(persona.color if persona else None)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.VISITS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
