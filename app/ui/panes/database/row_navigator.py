"""Under the documents table: which rows it shows of how many, and a box to jump to any row."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTableView, QWidget

from app.ui.panes.database.models import DocumentsModel


class RowNavigator(QWidget):
    """"Showing 1–500 of 100000" as the view gets more rows, and "Go to row" for the rest:
    the table fetches rows in batches as it is scrolled to its end, so a long result needs a
    way to reach row 99 999 without scrolling to the end 200 times."""

    def __init__(self, model: DocumentsModel, view: QTableView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._view = view
        self.counter = QLabel()
        self.row_box = QSpinBox()
        self.row_box.setRange(1, 1)
        self.row_box.setKeyboardTracking(False)
        self.go_button = QPushButton(self.tr("Go"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.counter)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Go to row")))
        row.addWidget(self.row_box)
        row.addWidget(self.go_button)
        self.go_button.clicked.connect(self._on_go_clicked)
        self.row_box.lineEdit().returnPressed.connect(self._on_go_clicked)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._show_count)
        self._show_count()

    def go_to(self, row: int) -> None:
        """Select row ``row`` (counted from 1) and scroll it into the middle of the view."""
        if not 1 <= row <= self._model.total():
            return
        self._model.fetch_to(row - 1)
        self._view.selectRow(row - 1)
        self._view.scrollTo(self._model.index(row - 1, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_go_clicked(self) -> None:
        self.go_to(self.row_box.value())

    def _show_count(self, *_args) -> None:
        total, shown = self._model.total(), self._model.shown()
        self.row_box.setRange(1, max(total, 1))
        self.row_box.setEnabled(total > 0)
        self.go_button.setEnabled(total > 0)
        if total == 0:
            self.counter.setText(self.tr("No documents"))
        else:
            self.counter.setText(self.tr("Showing {first}–{last} of {total}").format(first=1, last=shown, total=total))
