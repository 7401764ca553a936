"""Table models of the database pane: collections with counts, and documents fetched on demand."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.ui.reason_texts import say
from app.ui.rows_model import RowsModel
from app.ui.widgets import as_javascript_numbers

Index = QModelIndex | QPersistentModelIndex
FETCH_BATCH = 500  # rows handed to the view at a time: 100k documents open instantly
SAMPLE_FOR_COLUMNS = 300
MAX_COLUMNS = 40
CELL_CHARS = 80


class CollectionsModel(RowsModel[tuple[str, int]]):
    """Collection names and their document counts."""

    STRETCH = 0  # the name takes the spare width
    set_collections = RowsModel.set_rows

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Collection"), self.tr("Documents"))

    def name_at(self, row: int) -> str | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str | None) -> int:
        return next((i for i, (n, _) in enumerate(self._rows) if n == name), -1)

    def count_of(self, name: str | None) -> int:
        row = self.row_of(name)
        return self._rows[row][1] if row >= 0 else 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentsModel(QAbstractTableModel):
    """Documents (relaxed Extended JSON) as rows, ``_id`` first; rows reach the view in
    batches as it scrolls.

    ``hidden`` says, per document, why the persona being viewed as cannot see it (None: it
    can), so the pane can grey those rows out instead of hiding them: core's reason as a
    Reason's dict (said in the UI's language in the tooltip) or as plain text.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._docs: list[dict] = []
        self._hidden: list[dict | str | None] = []
        self._shown = 0
        self.columns: list[str] = []

    def set_documents(self, docs: list[dict], hidden: list[dict | str | None] | None = None) -> None:
        self.beginResetModel()
        self._docs = docs
        self._hidden = hidden if hidden is not None else [None] * len(docs)
        self._shown = min(len(docs), FETCH_BATCH)
        self.columns = _columns(docs[:SAMPLE_FOR_COLUMNS])
        self.endResetModel()

    def all_documents(self) -> list[dict]:
        """Every document of the result, fetched into the view or not."""
        return list(self._docs)

    def total(self) -> int:
        return len(self._docs)

    def shown(self) -> int:
        """How many rows the view has so far (the first ones); the rest come as it scrolls."""
        return self._shown

    def document_at(self, row: int) -> dict | None:
        return self._docs[row] if 0 <= row < self._shown else None

    def row_of_id(self, doc_id: Any) -> int:
        """The row of the document with ``_id`` ``doc_id`` (fetched or not), or -1."""
        return next((row for row, doc in enumerate(self._docs) if doc.get("_id") == doc_id), -1)

    def fetch_to(self, row: int) -> None:
        """Hand the view every row up to ``row`` (in whole batches), e.g. to jump there."""
        while row >= self._shown and self.canFetchMore():
            wanted = min(len(self._docs), (row // FETCH_BATCH + 1) * FETCH_BATCH)
            self.beginInsertRows(QModelIndex(), self._shown, wanted - 1)
            self._shown = wanted
            self.endInsertRows()

    def hidden_count(self) -> int:
        return sum(1 for reason in self._hidden if reason)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._shown < len(self._docs)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        more = min(FETCH_BATCH, len(self._docs) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and section < len(self.columns):
                return self.columns[section]
            if orientation == Qt.Orientation.Vertical:
                return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        doc = self.document_at(index.row())
        if doc is None or index.column() >= len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            key = self.columns[index.column()]
            return compact(doc[key]) if key in doc else ""
        reason = self._hidden[index.row()] if role in _HIDDEN_ROLES else None
        if reason is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#9AA0A6"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return say(reason) if isinstance(reason, dict) else reason  # ToolTipRole


_HIDDEN_ROLES = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole)


def _columns(sample: list[dict]) -> list[str]:
    """``_id`` first, then the top-level fields in the order they first appear."""
    seen: dict[str, None] = {"_id": None}
    for doc in sample:
        for key in doc:
            seen.setdefault(key, None)
            if len(seen) >= MAX_COLUMNS:
                return list(seen)
    return list(seen)


def compact(value: Any) -> str:
    """One short line for a cell: JSON for objects and arrays, ISO for dates."""
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, (bool, int, float)):
        text = json.dumps(as_javascript_numbers(value))
    elif isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$date"), str):
        text = value["$date"]  # a date, in Extended JSON
    else:
        text = json.dumps(as_javascript_numbers(value), ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"
