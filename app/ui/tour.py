"""A guided tour for the demo: one card per service, two sentences each, with "Show me"."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.widgets import WrapLabel


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    pane: str  # the pane "Show me" switches to, by its class name


def cards() -> list[Card]:
    """The tour, translated when asked (the language can change)."""
    return [
        Card(QCoreApplication.translate("Tour", "1 · Users and login"),
             QCoreApplication.translate(
                 "Tour", "Each persona is a WeChat user with a stable openid, and the toolbar switches "
                 "who you act as. Click wx.login() and then code2Session to show how a mini program "
                 "learns its user's openid."),
             "UsersPane"),
        Card(QCoreApplication.translate("Tour", "2 · Database"),
             QCoreApplication.translate(
                 "Tour", "Collections hold JSON documents, and each collection has one of four "
                 "permission modes. Choose a persona under View as to show which documents that user "
                 "gets, and why the others are hidden."),
             "DatabasePane"),
        Card(QCoreApplication.translate("Tour", "3 · Storage"),
             QCoreApplication.translate(
                 "Tour", "Every file remembers the openid of the persona who uploaded it. Switch "
                 "persona to show who may read or delete each file, or drop a file from the desktop "
                 "to upload it."),
             "StoragePane"),
        Card(QCoreApplication.translate("Tour", "4 · Cloud functions"),
             QCoreApplication.translate(
                 "Tour", "The project's cloud functions run here without a network, with their logs "
                 "and result. Run one as a persona and watch its own requests nest under it in the "
                 "timeline."),
             "FunctionsPane"),
    ]


class TourDock(QDockWidget):
    """Next / Back through the cards; "Show me" asks the window for the card's pane.

    Signals:
        pane_requested(str): the user asked to see a pane (its class name).
    """

    pane_requested = Signal(str)

    def __init__(self, has_pane, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("Tour", "Guided tour"), parent)
        self.setObjectName("tour-dock")
        self._has_pane = has_pane
        self.cards = cards()
        self.index = 0
        self.title = QLabel()
        self.text = WrapLabel()
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_me = QPushButton(self.tr("Show me"))
        self.back = QPushButton(self.tr("Back"))
        self.next = QPushButton(self.tr("Next"))
        self.step = QLabel()
        self.step.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Wide and short: it shares the bottom with the timeline, so the panes keep their room.
        card = QVBoxLayout()
        card.addWidget(self.title)
        card.addWidget(self.text)
        card.addStretch(1)
        steps = QHBoxLayout()
        steps.addWidget(self.back)
        steps.addWidget(self.step)
        steps.addWidget(self.next)
        controls = QVBoxLayout()
        controls.addWidget(self.show_me)
        controls.addLayout(steps)
        controls.addStretch(1)
        body = QWidget()
        row = QHBoxLayout(body)
        row.addLayout(card, 1)
        row.addLayout(controls)
        self.setWidget(body)
        self.back.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(self._on_next_clicked)
        self.show_me.clicked.connect(lambda: self.pane_requested.emit(self.cards[self.index].pane))
        self.go(0)

    def go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.cards) - 1))
        card = self.cards[self.index]
        # Relative size in rich text: the title grows with the zoom like everything else.
        self.title.setText(f'<span style="font-size: x-large; font-weight: bold">{escape(card.title)}</span>')
        self.text.setText(card.text)
        self.step.setText(self.tr("{n} of {total}").format(n=self.index + 1, total=len(self.cards)))
        self.back.setEnabled(self.index > 0)
        last = self.index == len(self.cards) - 1
        self.next.setText(self.tr("Finish") if last else self.tr("Next"))
        self.show_me.setEnabled(self._has_pane(card.pane))

    def _on_next_clicked(self) -> None:
        if self.index == len(self.cards) - 1:
            self.close()
        else:
            self.go(self.index + 1)

    def restart(self) -> None:
        self.go(0)
