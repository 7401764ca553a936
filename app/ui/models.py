"""Table models for the roster and the user list."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from app.core.api import Persona, UserRecord
from app.ui.rows_model import RowsModel
from app.ui.widgets import color_dot, format_time

Index = QModelIndex | QPersistentModelIndex


class PersonasModel(RowsModel[Persona]):
    """The persona roster: name (with its colour), openid, unionid."""

    NAME, OPENID, UNIONID = range(3)
    STRETCH = OPENID  # the one long value every row has; unionid is mostly "—"

    set_personas = RowsModel.set_rows
    persona_at = RowsModel.row_at

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Persona"), self.tr("openid"), self.tr("unionid"))

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


class UsersModel(RowsModel[UserRecord]):
    """用户管理: who visited with traceUser, most recent first."""

    OPENID, PERSONA, FIRST, LAST, VISITS = range(5)
    STRETCH = OPENID  # not the visit count: a number needs little room

    set_users = RowsModel.set_rows

    def headers(self) -> tuple[str, ...]:
        return (self.tr("openid"),
                self.tr("Persona"),
                self.tr("First visit"),
                self.tr("Last visit"),
                self.tr("Visits"))

    def __init__(self, persona_of: Callable[[str], Persona | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._persona_of = persona_of

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
