"""A phone's 服务通知 / Service notifications list: one card per delivered message, newest on top,
shown as WeChat renders them (the template's title, each keyword's name and value, the page
the card opens), with when and which function sent it (a link to its timeline row)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.ui.widgets import WrapLabel

PHONE_STYLE = """
#phone { background: #EDEDED; border: 6px solid #2B2B2B; border-radius: 18px; }
#phone-title { background: #EDEDED; color: #111; font-weight: bold; padding: 6px; }
#message-card { background: white; border-radius: 8px; }
#message-card QLabel { color: #111; }
#message-card QLabel[role="muted"] { color: #888; }
#message-card QLabel[role="title"] { font-weight: bold; }
#message-card QLabel[role="open"] { color: #576B95; }
"""


class MessageCard(QFrame):
    """One message. ``event_requested(event id)``: the person asked to see its timeline row."""

    event_requested = Signal(str)

    def __init__(self, message: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.setObjectName("message-card")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        head = QGridLayout()
        self.title = _label(self._title(), "title")
        self.time = _label(_when(message.get("sentAt")), "muted", wrap=False)
        head.addWidget(self.title, 0, 0)
        head.addWidget(self.time, 0, 1, Qt.AlignmentFlag.AlignRight)
        head.setColumnStretch(0, 1)
        column.addLayout(head)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.fields: list[tuple[QLabel, QLabel]] = []
        for row, (name, value) in enumerate(self._rows()):
            pair = (_label(name, "muted", wrap=False), _label(value))
            grid.addWidget(pair[0], row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(pair[1], row, 1)
            self.fields.append(pair)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #E5E5E5;")
        column.addWidget(rule)
        page = message.get("page")
        self.opens = _label(self.tr("Open the mini program › {page}").format(page=page) if page
                            else self.tr("The card opens no page"), "open" if page else "muted")
        column.addWidget(self.opens)
        function = message.get("function")
        self.sender_link = _label(
            self.tr('Sent by the cloud function <a href="#">{function}</a>').format(function=function)
            if function else self.tr('Sent from outside a cloud function (<a href="#">timeline</a>)'), "muted")
        self.sender_link.setTextFormat(Qt.TextFormat.RichText)
        self.sender_link.setToolTip(self.tr("Select the request that sent it in the timeline"))
        self.sender_link.linkActivated.connect(lambda _link: self.event_requested.emit(message.get("eventId", "")))
        column.addWidget(self.sender_link)

    def _title(self) -> str:
        kind = self.message.get("kind")
        if kind == "customer":
            return self.tr("Customer service")
        title = str(self.message.get("title", ""))
        if kind == "template":
            return self.tr("{title} (template message)").format(title=title)
        if kind == "mp_template":
            return self.tr("{title} (Official Account)").format(title=title)
        return title

    def _rows(self) -> list[tuple[str, str]]:
        if self.message.get("kind") == "customer":
            content = self.message.get("content") or {}
            return [(self.tr("Message"), str(content.get("content") or content.get("title") or
                                              content.get("media_id") or ""))]
        return [(str(f.get("name", "")), str(f.get("value", ""))) for f in self.message.get("fields") or []]


class PhoneInbox(QFrame):
    """The phone: a title bar and the cards. ``show_messages`` adds only the new ones (a card
    already shown stays as it is); ``event_requested`` passes on a card's link."""

    event_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phone")
        self.setStyleSheet(PHONE_STYLE)
        self.header = QLabel(self.tr("Service notifications"))
        self.header.setObjectName("phone-title")
        self.header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty = WrapLabel(self.tr("No messages yet. A message a cloud function sends to this persona "
                                       "appears here."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #888; padding: 12px;")
        self.cards: dict[int, MessageCard] = {}
        self._list = QWidget()
        self._list.setObjectName("phone-list")
        self._list.setStyleSheet("#phone-list { background: #EDEDED; }")
        self._rows = QVBoxLayout(self._list)
        self._rows.setContentsMargins(8, 8, 8, 8)
        self._rows.setSpacing(8)
        self._rows.addWidget(self.empty)
        self._rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._list)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(scroll, 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """A phone's width in the current font (presenter mode's bigger text too): the cards'
        two columns stay readable however wide the templates beside it want to be."""
        return QSize(self.fontMetrics().averageCharWidth() * 34, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.fontMetrics().averageCharWidth() * 40, super().sizeHint().height())

    def clear(self) -> None:
        for card in self.cards.values():
            card.deleteLater()
        self.cards.clear()
        self.empty.show()

    def show_messages(self, messages: list[dict[str, Any]]) -> None:
        """``messages`` oldest first, as the inbox lists them: the new ones go on top."""
        for message in messages:
            msgid = message.get("msgid")
            if not isinstance(msgid, int) or msgid in self.cards:
                continue
            card = MessageCard(message)
            card.event_requested.connect(self.event_requested)
            self._rows.insertWidget(1, card)  # under the (hidden) empty note: newest first
            self.cards[msgid] = card
        self.empty.setVisible(not self.cards)

    def newest_first(self) -> list[MessageCard]:
        cards = (self._rows.itemAt(i).widget() for i in range(self._rows.count()))
        return [card for card in cards if isinstance(card, MessageCard)]


def _label(text: str, role: str | None = None, *, wrap: bool = True) -> QLabel:
    """``wrap``: a text that may be long (a value, a page); a keyword's name or the time is not."""
    label = WrapLabel(text) if wrap else QLabel(text)
    if role:
        label.setProperty("role", role)
    return label


def _when(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return ""
    return datetime.fromtimestamp(seconds).strftime("%m-%d %H:%M")
