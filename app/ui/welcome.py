"""The first-run screen: the three personas and the four panes, two sentences each."""

from __future__ import annotations

from html import escape
from typing import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import WrapLabel, color_dot


class WelcomeDialog(QDialog):
    """Shown once on the first start, and again from Help.

    Signals:
        tour_requested(): the user chose to take the guided tour.
    """

    tour_requested = Signal()

    def __init__(self, persona_color: Callable[[str], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to wxsim"))
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(1, 1)
        row = 0
        intro = WrapLabel(self.tr("wxsim simulates WeChat cloud development on this computer: three users, "
                                  "four services, no network."))
        grid.addWidget(intro, row, 0, 1, 2)
        row += 1
        for heading, entries, colored in ((self.tr("Three personas"), self.personas(), True),
                                          (self.tr("Four panes"), self.panes(), False)):
            title = QLabel(f'<span style="font-size: large; font-weight: bold">{escape(heading)}</span>')
            grid.addWidget(title, row, 0, 1, 2)
            row += 1
            for name, text in entries:
                grid.addWidget(self._name_cell(name, persona_color(name) if colored else None, colored),
                               row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(WrapLabel(text), row, 1)
                row += 1
        grid.setRowStretch(row, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tour_button = QPushButton(self.tr("Take the guided tour"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.tour_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.tour_button.clicked.connect(self._on_tour_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        width = self.fontMetrics().averageCharWidth() * 90
        self.resize(width, round(width * 0.75))

    def personas(self) -> list[tuple[str, str]]:
        """The demo roster's three personas (every new workspace starts with them)."""
        return [
            ("学生A", self.tr("A student with an openid of their own, and the one you act as when the app "
                            "starts. What 学生A writes to a collection that only its creator may read, "
                            "nobody else sees.")),
            ("学生B", self.tr("A second student with a different openid. Switch to 学生B to show that one "
                            "user cannot read or delete another user's data.")),
            ("老师", self.tr("A third user, handy as the teacher's account. The name gives no extra "
                           "rights: only the console and cloud functions act as admin.")),
        ]

    def panes(self) -> list[tuple[str, str]]:
        return [
            (self.tr("Users"), self.tr("The personas and the wx.login → code2Session walkthrough. The user "
                                       "list shows who visited with traceUser.")),
            (self.tr("Database"), self.tr("Collections, documents and a query bar that takes what a mini "
                                          "program writes. View as a persona to see what that user's query "
                                          "returns, and why.")),
            (self.tr("Storage"), self.tr("Files with their owner and what the acting persona may read or "
                                         "delete. Drop files on it to upload them as that persona.")),
            (self.tr("Functions"), self.tr("The project's cloud functions, run as a persona or as a console "
                                           "test. The result, the logs and the history show below the "
                                           "event.")),
        ]

    def _name_cell(self, name: str, color: str | None, dot: bool) -> QWidget:
        """The name in bold, after the persona's colour dot."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        if dot:
            size = self.fontMetrics().height()
            swatch = QLabel()
            swatch.setPixmap(color_dot(color, size).pixmap(QSize(size, size)))
            row.addWidget(swatch)
        row.addWidget(QLabel(f"<b>{escape(name)}</b>"))
        row.addStretch(1)
        return box

    def _on_tour_clicked(self) -> None:
        self.accept()
        self.tour_requested.emit()

