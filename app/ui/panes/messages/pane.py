"""消息 / Messages: each persona's 服务通知 inbox as a phone shows it, the workspace's message
templates and the persona's subscriptions, and "the persona sends a customer-service message"
(which lets functions reply for 48 hours).

One request (``openapi.mailbox``) reads all a persona's view shows; a message a function sends
(a ``wx.openApi`` event of a message API) or a subscription the mini program asks for refreshes
it, adding the new cards on top of those shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.core.api import Event
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.flow_layout import FlowLayout
from app.ui.messages import InlineMessage
from app.ui.panes.messages.inbox import PhoneInbox
from app.ui.panes.messages.settings import SubscriptionsTable, TemplatesEditor
from app.ui.widgets import WrapLabel, color_dot, shrinkable

MESSAGE_APIS = ("subscribeMessage.send", "customerServiceMessage.send", "templateMessage.send",
                "uniformMessage.send")
# Requests after which what the pane shows may have changed (its own reads are not among them).
CHANGING = ("wx.requestSubscribeMessage", "openapi.setTemplate", "openapi.removeTemplate",
            "openapi.setSubscription", "openapi.customerMessage")


class MessagesPane(QWidget):
    """``event_requested(event id)``: show that request in the timeline (a card's sender link)."""

    event_requested = Signal(str)

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("MessagesPane", "Messages")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._shown_persona: str | None = None
        self.persona_box = shrinkable(QComboBox(), 8)
        self.customer_button = QPushButton()
        self.customer_button.setToolTip(self.tr(
            "The persona writes to the mini program's customer service: for 48 hours its cloud functions may "
            "reply with customerServiceMessage.send, at most 5 times."))
        self.session_label = WrapLabel()
        self.message = InlineMessage()
        self.inbox = PhoneInbox()
        self.templates = TemplatesEditor()
        self.subscriptions = SubscriptionsTable()
        self.subscriptions_hint = WrapLabel(self.tr(
            "What the persona answers wx.requestSubscribeMessage, whether it ticked 总是保持以上选择, and how "
            "many messages a function may still send it (each accept adds one; a long-term template is "
            "never used up)."))
        self.tabs = QTabWidget()
        subscriptions_tab = QWidget()
        column = QVBoxLayout(subscriptions_tab)
        column.addWidget(self.subscriptions_hint)
        column.addWidget(self.subscriptions, 1)
        self.tabs.addTab(subscriptions_tab, "")
        templates_tab = QWidget()
        QVBoxLayout(templates_tab).addWidget(self.templates)
        self.tabs.addTab(templates_tab, self.tr("Templates"))
        self._refresh = QTimer(self)  # a burst of sends refreshes once
        self._stale = True  # something changed while hidden (or never read): read when shown
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(100)
        self._refresh.timeout.connect(self.refresh)
        self._build_layout()
        self._fill_personas()
        self.persona_box.currentIndexChanged.connect(self._on_persona_changed)
        self.customer_button.clicked.connect(self.send_customer_message)
        self.inbox.event_requested.connect(self.event_requested)
        self.templates.save_requested.connect(self.save_template)
        self.templates.remove_requested.connect(self.remove_template)
        self.subscriptions.changed.connect(self.set_subscription)
        bridge.personas_changed.connect(self._fill_personas)
        bridge.event_logged.connect(self._on_event)
        self._on_persona_changed()

    def settings_controls(self) -> list[QWidget]:
        """What the shell's read-only lock turns off: the declared templates (a persona's answers
        and quota stay a classroom's to change, like who is acting)."""
        return [self.templates]

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:  # a pane shown again with nothing changed sends no request
            self._refresh.start()

    def _build_layout(self) -> None:
        top = FlowLayout()
        top.addWidget(QLabel(self.tr("Persona")))
        top.addWidget(self.persona_box)
        top.addWidget(self.customer_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.inbox)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)  # the phone keeps its width; the templates take the rest
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.session_label)
        column.addWidget(self.message)
        column.addWidget(splitter, 1)

    # -- personas ------------------------------------------------------------------------------

    def persona(self) -> str | None:
        return self.persona_box.currentData()

    def _fill_personas(self) -> None:
        current = self.persona()
        self.persona_box.blockSignals(True)
        self.persona_box.clear()
        for persona in self._bridge.personas():
            self.persona_box.addItem(color_dot(persona.color), persona.name, persona.name)
        self.persona_box.setCurrentIndex(max(0, self.persona_box.findData(current)))
        self.persona_box.blockSignals(False)
        if self.persona() != current:
            self._on_persona_changed()

    def _on_persona_changed(self) -> None:
        name = self.persona()
        self.customer_button.setText(self.tr("{name} sends a customer-service message").format(name=name or ""))
        self.customer_button.setEnabled(name is not None)
        self.tabs.setTabText(0, self.tr("Subscriptions of {name}").format(name=name or ""))
        self._refresh.start()

    # -- reading -------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        params = event.params if isinstance(event.params, dict) else {}
        if event.action in CHANGING or (event.action == "wx.openApi" and params.get("apiName") in MESSAGE_APIS):
            self._refresh.start()

    @async_slot()
    async def refresh(self) -> None:
        """Read the persona's view and show it; cards already shown stay. A hidden pane reads
        nothing (each read is a request in the timeline); it reads when shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        name = self.persona()
        if name is None:
            self.inbox.clear()
            return
        with self.message.reporting(clear=False):
            view = await self._bridge.request("openapi.mailbox", {"persona": name})
            if view["persona"] != self.persona():
                return  # the person chose another persona meanwhile; that one's read follows
            self.show_view(view)

    def show_view(self, view: dict[str, Any]) -> None:
        if view["persona"] != self._shown_persona:
            self.inbox.clear()
            self._shown_persona = view["persona"]
        self.inbox.show_messages(view["messages"])
        self.templates.show_templates(view["templates"])
        titles = {t["templateId"]: t["title"] for t in view["templates"]}
        self.subscriptions.show_subscriptions(view["subscriptions"], titles)
        self._show_session(view["session"])

    def _show_session(self, session: dict[str, Any] | None) -> None:
        if session is None:
            self.session_label.setText(self.tr("Customer service: no open window (functions get 45015)."))
            return
        closes = datetime.fromtimestamp(session["closesAt"]).strftime("%m-%d %H:%M")
        self.session_label.setText(self.tr("Customer service: {left} of 5 replies left until {closes}.")
                                   .format(left=session["left"], closes=closes))

    # -- changing ------------------------------------------------------------------------------

    @async_slot()
    async def send_customer_message(self) -> None:
        name = self.persona()
        with self.message.reporting():
            answer = await self._bridge.request("openapi.customerMessage", {"persona": name})
            self._show_session(answer["session"])
            self.message.show_info(self.tr("{name} sent a message: functions may reply 5 times within 48 hours.")
                                   .format(name=name))

    @async_slot()
    async def save_template(self, params: dict) -> None:
        with self.message.reporting():
            answer = await self._bridge.request("openapi.setTemplate", params)
            self.templates.saved(answer["template"]["templateId"])
            self.message.show_info(self.tr("Template {id} saved.").format(id=answer["template"]["templateId"]))

    @async_slot()
    async def remove_template(self, template_id: str) -> None:
        with self.message.reporting():
            await self._bridge.request("openapi.removeTemplate", {"templateId": template_id})

    @async_slot()
    async def set_subscription(self, template_id: str, change: dict) -> None:
        with self.message.reporting():
            await self._bridge.request("openapi.setSubscription",
                                       {"persona": self.persona(), "templateId": template_id, **change})
