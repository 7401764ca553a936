"""The Messages pane's right side: the workspace's templates (a list and an editor under it) and
one persona's subscription per template (policy, kept choice, sends left), both refreshed in
place: a refresh changes the texts and values, never the person's selection."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.flow_layout import FlowLayout
from app.ui.widgets import shrinkable

KINDS = ("once", "long")
POLICIES = ("accept", "reject", "ban")


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _set_text(table: QTableWidget, row: int, column: int, text: str) -> None:
    item = table.item(row, column)
    if item is None:
        table.setItem(row, column, QTableWidgetItem(text))
    elif item.text() != text:
        item.setText(text)


class TemplatesEditor(QWidget):
    """The templates and an editor for the one selected. ``save_requested(params)`` and
    ``remove_requested(template id)``: the person asked for it (the pane sends the request)."""

    save_requested = Signal(dict)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.templates: list[dict[str, Any]] = []
        self.table = _table([self.tr("Template ID"), self.tr("Title"), self.tr("Kind"), self.tr("Keywords")])
        self.id_edit = QLineEdit()
        self.title_edit = QLineEdit()
        self.kind_box = shrinkable(QComboBox(), 8)
        self.kind_box.addItem(self.tr("One-time"), "once")
        self.kind_box.addItem(self.tr("Long-term"), "long")
        self.keywords_edit = QPlainTextEdit()
        self.keywords_edit.setPlaceholderText(self.tr("One keyword a line: thing1 = 课程名称"))
        self.keywords_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        self.save_button = QPushButton(self.tr("Save template"))
        self.new_button = QPushButton(self.tr("New"))
        self.remove_button = QPushButton(self.tr("Remove"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("Template ID"), self.id_edit)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Kind"), self.kind_box)
        form.addRow(self.tr("Keywords"), self.keywords_edit)
        buttons = FlowLayout()
        for button in (self.save_button, self.new_button, self.remove_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(form)
        column.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._fill_editor)
        self.save_button.clicked.connect(self._on_save)
        self.new_button.clicked.connect(self._on_new)
        self.remove_button.clicked.connect(self._on_remove)
        self._editing: str | None = None  # the id of the template in the editor, None for a new one

    def show_templates(self, templates: list[dict[str, Any]]) -> None:
        self.templates = templates
        self.table.setRowCount(len(templates))
        for row, template in enumerate(templates):
            keywords = "，".join(f"{k} {n}" for k, n in template["keywords"].items())
            for column, text in enumerate((template["templateId"], template["title"], self._kind(template["kind"]),
                                           keywords)):
                _set_text(self.table, row, column, text)

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.templates[rows[0].row()] if rows and rows[0].row() < len(self.templates) else None

    def _kind(self, kind: str) -> str:
        return self.tr("One-time") if kind == "once" else self.tr("Long-term")

    def _fill_editor(self) -> None:
        template = self.selected()
        if template is None:
            return
        self._editing = template["templateId"]
        self.id_edit.setText(template["templateId"])
        self.title_edit.setText(template["title"])
        self.kind_box.setCurrentIndex(KINDS.index(template["kind"]))
        self.keywords_edit.setPlainText("\n".join(f"{k} = {n}" for k, n in template["keywords"].items()))

    def _on_new(self) -> None:
        self.table.clearSelection()
        self._editing = None
        for edit in (self.id_edit, self.title_edit, self.keywords_edit):
            edit.clear()
        self.kind_box.setCurrentIndex(0)
        self.id_edit.setFocus()

    def _on_save(self) -> None:
        keywords: dict[str, str] = {}
        for line in self.keywords_edit.toPlainText().splitlines():
            key, _, name = line.replace("＝", "=").partition("=")
            if key.strip():
                keywords[key.strip()] = name.strip()
        params = {"templateId": self.id_edit.text().strip(), "title": self.title_edit.text().strip(),
                  "kind": self.kind_box.currentData(), "keywords": keywords}
        if self._editing is not None:
            params["replaces"] = self._editing
        self.save_requested.emit(params)

    def saved(self, template_id: str) -> None:
        """The save went through: the editor now edits that template."""
        self._editing = template_id

    def _on_remove(self) -> None:
        template = self.selected()
        if template is not None:
            self.remove_requested.emit(template["templateId"])


class SubscriptionsTable(QWidget):
    """One persona's subscription per template. ``changed(template id, {policy|keep|count: value})``."""

    changed = Signal(str, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = _table([self.tr("Template"), self.tr("Answers"), self.tr("Keep the choice"),
                             self.tr("Sends left")])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rows: list[str] = []  # template ids, in the table's order
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)

    def show_subscriptions(self, states: list[dict[str, Any]], titles: dict[str, str]) -> None:
        ids = [state["templateId"] for state in states]
        rebuilt = ids != self.rows
        if rebuilt:
            self._rebuild(ids)
        for row, state in enumerate(states):
            _set_text(self.table, row, 0, titles.get(state["templateId"], state["templateId"]))
            self.table.item(row, 0).setToolTip(state["templateId"])
            policy, keep, count = self._controls(row)
            for widget, apply in ((policy, lambda: policy.setCurrentIndex(POLICIES.index(state["policy"]))),
                                  (keep, lambda: keep.setChecked(state["keep"])),
                                  (count, lambda: count.setValue(state["count"]))):
                widget.blockSignals(True)
                apply()
                widget.blockSignals(False)
        if rebuilt:
            self.table.resizeColumnsToContents()  # the answer's box beside, not over, the tick

    def _controls(self, row: int) -> tuple[QComboBox, QCheckBox, QSpinBox]:
        return self.table.cellWidget(row, 1), self.table.cellWidget(row, 2).findChild(QCheckBox), \
            self.table.cellWidget(row, 3)

    def _rebuild(self, ids: list[str]) -> None:
        self.rows = ids
        self.table.setRowCount(0)
        self.table.setRowCount(len(ids))
        for row, template_id in enumerate(ids):
            policy = shrinkable(QComboBox(), 6)
            for value, text in zip(POLICIES, (self.tr("Accept"), self.tr("Reject"), self.tr("Ban"))):
                policy.addItem(text, value)
            policy.currentIndexChanged.connect(
                lambda _i, t=template_id, box=policy: self.changed.emit(t, {"policy": box.currentData()}))
            keep = QCheckBox()
            keep.toggled.connect(lambda on, t=template_id: self.changed.emit(t, {"keep": on}))
            holder = QWidget()
            line = QHBoxLayout(holder)
            line.setContentsMargins(6, 0, 0, 0)
            line.addWidget(keep)
            count = QSpinBox()
            count.setRange(0, 1000)
            count.editingFinished.connect(lambda t=template_id, box=count: self.changed.emit(t, {"count": box.value()}))
            self.table.setCellWidget(row, 1, policy)
            self.table.setCellWidget(row, 2, holder)
            self.table.setCellWidget(row, 3, count)
        self.table.resizeRowsToContents()
