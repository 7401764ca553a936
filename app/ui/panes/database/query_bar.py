"""The database pane's query bar: what a developer writes in a mini program, as typed.

The boxes are not read here: ``database.runQuery`` runs their text as mini program code.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget


class QueryBar(QWidget):
    """where / orderBy / skip / limit / field boxes and a Run button.

    Signals:
        submitted(): the user asked to run the query (Run, or Enter in a box).
    """

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.where_edit = QLineEdit()
        self.where_edit.setPlaceholderText(self.tr("where, e.g. {done: false, progress: _.gt(10)}"))
        self.order_edit = QLineEdit()
        self.order_edit.setPlaceholderText(self.tr("orderBy('progress', 'desc')"))
        self.field_edit = QLineEdit()
        self.field_edit.setPlaceholderText(self.tr("field, e.g. {title: true}"))
        self.skip_box = QSpinBox()
        self.skip_box.setRange(0, 10_000_000)
        self.limit_box = QSpinBox()
        self.limit_box.setRange(0, 10_000_000)
        self.limit_box.setSpecialValueText(self.tr("no limit"))
        self.run_button = QPushButton(self.tr("Run query"))
        self.reset_button = QPushButton(self.tr("Reset"))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        # skip and limit beside orderBy and field (not both on one line): narrow enough for
        # 1024×768 and presenter mode's big text.
        grid.addWidget(QLabel("where"), 0, 0)
        grid.addWidget(self.where_edit, 0, 1, 1, 3)
        grid.addWidget(self.run_button, 0, 4)
        grid.addWidget(QLabel("orderBy"), 1, 0)
        grid.addWidget(self.order_edit, 1, 1)
        grid.addWidget(QLabel("skip"), 1, 2)
        grid.addWidget(self.skip_box, 1, 3)
        grid.addWidget(self.reset_button, 1, 4)
        grid.addWidget(QLabel("field"), 2, 0)
        grid.addWidget(self.field_edit, 2, 1)
        grid.addWidget(QLabel("limit"), 2, 2)
        grid.addWidget(self.limit_box, 2, 3)
        grid.setColumnStretch(1, 3)
        self.run_button.clicked.connect(self.submitted)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        for edit in (self.where_edit, self.order_edit, self.field_edit):
            edit.returnPressed.connect(self.submitted)

    def texts(self) -> dict:
        """The query as ``database.runQuery`` params: the boxes' texts, skip and limit (0: none)."""
        return {"where": self.where_edit.text(), "orderBy": self.order_edit.text(),
                "field": self.field_edit.text(), "skip": self.skip_box.value(), "limit": self.limit_box.value()}

    def _on_reset_clicked(self) -> None:
        for edit in (self.where_edit, self.order_edit, self.field_edit):
            edit.clear()
        self.skip_box.setValue(0)
        self.limit_box.setValue(0)
        self.submitted.emit()
