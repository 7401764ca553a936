"""Small reusable widgets and helpers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStyledItemDelegate,
    QTableView,
    QToolTip,
    QWidget,
)

FIT_CAP_CHARS = 34  # a fitted column never gets wider than this many average characters


def color_dot(color: str | None, size: int = 12) -> QIcon:
    """A round swatch of the persona's colour (grey when there is none)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color or "#9E9E9E"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def format_time(seconds: float, with_date: bool = False) -> str:
    moment = datetime.fromtimestamp(seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S.%f")[: 19 if with_date else 12]


def pretty_json(value: Any) -> str:
    return json.dumps(as_javascript_numbers(value), ensure_ascii=False, indent=2, default=str)


def as_javascript_numbers(value: Any) -> Any:
    """``value`` with whole floats as ints, so 100.0 reads 100 as the mini program sees it:
    JavaScript has one number type, and an ``$avg`` of 90 and 110 is 100 there."""
    if isinstance(value, float):
        # From 1e21 on JavaScript writes an exponent (1e+21), as Python's float does already.
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, dict):
        return {key: as_javascript_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_javascript_numbers(item) for item in value]
    return value


def monospace() -> QFont:
    """The system's fixed-width family only: the size still follows the app font (zoom)."""
    font = QFont()
    font.setFamilies(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).families())
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def row_height(metrics: QFontMetrics) -> int:
    """A table row tall enough for one line of text in this font."""
    return metrics.height() + 6


class JsonView(QPlainTextEdit):
    """Read-only, monospaced JSON."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(monospace())

    def show_value(self, value: Any) -> None:
        self.setPlainText(pretty_json(value))


class ElidedLabel(QLabel):
    """One line that elides to the width it gets (full text in the tooltip); never widens a window."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.fontMetrics().averageCharWidth() * 8, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 1)))


class WrapLabel(QLabel):
    """A word-wrapped label whose longest word cannot set the window's minimum width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.fontMetrics().averageCharWidth() * 10, super().minimumSizeHint().height())


def shrinkable(combo: QComboBox, chars: int = 12) -> QComboBox:
    """Let a combo box shrink to ``chars`` characters (its text is then cut) instead of making
    the layout as wide as its longest item; with room to spare it still shows all of it."""
    metrics = combo.fontMetrics()
    combo.setMinimumWidth(metrics.averageCharWidth() * chars + metrics.height() * 3)
    return combo


class _ElidingDelegate(QStyledItemDelegate):
    """Shows a cell's whole text as its tooltip when the column is too narrow for it."""

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip and not index.data(Qt.ItemDataRole.ToolTipRole):
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is not None and self.sizeHint(option, index).width() > view.visualRect(index).width():
                QToolTip.showText(event.globalPos(), str(text), view)
                return True
        return super().helpEvent(event, view, option, index)


class Table(QTableView):
    """A read-only, single-row-selection table whose rows follow the font (zoom) and whose
    columns fit their contents up to a cap, with one column, chosen on purpose, stretching."""

    def __init__(self, model, *, fit_columns: bool = True, stretch: int | None = None,
                 rows: int | None = None) -> None:
        super().__init__()
        self._rows = rows
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setItemDelegate(_ElidingDelegate(self))
        self.setWordWrap(False)
        # Row numbers would widen the header as rows are fetched (500 → 1000), relaying out the
        # whole view in one long frame; each table has a column that identifies a row anyway.
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._follow_font()
        self._fit = fit_columns
        self._stretch = stretch
        self._wanted: dict[int, int] = {}  # each column's fitted width
        if stretch is None:
            header.setStretchLastSection(True)
        self._fit_timer = QTimer(self)  # a burst of model changes fits the columns once
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_columns)
        if fit_columns:
            for signal in (model.modelReset, model.rowsInserted, model.layoutChanged, model.dataChanged):
                signal.connect(self._fit_timer.start)
        model.columnsInserted.connect(self._apply_stretch)
        model.modelReset.connect(self._apply_stretch)
        self._apply_stretch()

    def _apply_stretch(self) -> None:
        header = self.horizontalHeader()
        if self._stretch is not None and self._stretch < header.count() and not self._fit:
            header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Stretch)

    def fit_columns(self) -> None:
        """Each column as wide as its header and visible cells, up to a cap; the stretch
        column also takes what is left of the width (but never less than its contents)."""
        if not self._fit:
            return
        cap = self.fontMetrics().averageCharWidth() * FIT_CAP_CHARS
        header = self.horizontalHeader()
        self._wanted = {}
        for column in range(header.count()):
            wanted = max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
            self._wanted[column] = min(wanted, cap) if column != self._stretch else wanted
            header.resizeSection(column, self._wanted[column])
        self._fill_width()

    def _fill_width(self) -> None:
        header = self.horizontalHeader()
        if self._stretch is None or self._stretch >= header.count() or not self._wanted:
            return
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != self._stretch)
        spare = self.viewport().width() - others
        header.resizeSection(self._stretch, max(self._wanted.get(self._stretch, 0), spare))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fill_width()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._follow_font()
            self._fit_timer.start()

    def _follow_font(self) -> None:
        """Rows, minimum and default column widths in proportion to the text (zoom)."""
        char = self.fontMetrics().averageCharWidth()
        self.verticalHeader().setDefaultSectionSize(row_height(self.fontMetrics()))
        self.horizontalHeader().setMinimumSectionSize(char * 4)
        self.horizontalHeader().setDefaultSectionSize(char * 14)
        self.updateGeometry()

    def _rows_height(self) -> int:
        header = self.horizontalHeader().sizeHint().height()
        return header + self._rows * self.verticalHeader().defaultSectionSize() + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        return QSize(hint.width(), self._rows_height()) if self._rows else hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        return QSize(hint.width(), self._rows_height()) if self._rows else hint


def make_table(model, *, fit_columns: bool = True, stretch: int | None = None,
               rows: int | None = None) -> QTableView:
    """A read-only, single-row-selection table view over ``model``, without row numbers.

    ``fit_columns`` sizes columns to their contents; large models want False, since that
    would measure rows. ``stretch`` is the column that takes the spare width (default: the
    model's ``STRETCH``, else the last one). ``rows``: as tall as that many rows, at any zoom
    (a short list such as the roster), instead of as tall as the layout makes it.
    """
    if stretch is None:
        stretch = getattr(model, "STRETCH", None)
    return Table(model, fit_columns=fit_columns, stretch=stretch, rows=rows)
