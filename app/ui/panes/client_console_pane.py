"""客户端控制台 / Client console: run mini program code as the persona being acted as."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.api import InputError
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.panes.listeners import ListenersView
from app.ui.reason_texts import chinese, code_text, say
from app.ui.rerun_dialog import RerunDialog, can_rerun, explain, open_rerun, persona_menu
from app.ui.widgets import JsonView, pretty_json

EXAMPLE = "await wx.cloud.database().collection('todos').where({done: false}).get()"
# The demo's notices are under security rules (CUSTOM): a query must prove the read rule,
# ``doc.published == true || doc._openid == auth.openid``, for every document it can return.
NOTICES_EXAMPLE = """const db = wx.cloud.database()
let withoutWhere
try {
  withoutWhere = await db.collection('notices').get()
} catch (e) {
  withoutWhere = e.errMsg
}
const published = await db.collection('notices').where({published: true}).get()
return {withoutWhere, published: published.data}"""
GRADES_EXAMPLE = "await wx.cloud.database().collection('grades').get()"
LOGIN_EXAMPLE = "await wx.cloud.callFunction({name: 'login'})"
# The chat room: the demo's messages (READONLY: everyone reads, each writes their own). A
# listener outlives the run; the Listeners tab shows each snapshot as it arrives.
CHAT_LISTEN = """const db = wx.cloud.database()
db.collection('messages').orderBy('createdAt', 'asc').limit(20).watch({
  onChange: (snapshot) => console.log(snapshot.type || 'change', snapshot.docs.length),
  onError: (err) => console.error(err.errMsg),
})
return 'listening'"""
CHAT_SEND = """const db = wx.cloud.database()
return await db.collection('messages').add({data: {text: '大家好，我来啦！', likes: 0, createdAt: db.serverDate()}})"""


class ClientConsolePane(QWidget):
    """Type what students write in the mini program; see what each persona gets."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("ClientConsolePane", "Client console")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.editor = JsonView()
        self.editor.setReadOnly(False)
        self.editor.setPlainText(EXAMPLE)
        self.run_button = QPushButton()
        self.examples_button = QPushButton(self.tr("Examples"))
        self.examples_menu = QMenu(self.examples_button)
        for label, code in self._examples():
            self.examples_menu.addAction(label).setData(code)
        self.examples_button.setMenu(self.examples_menu)
        self.message = InlineMessage()
        # Under the result: each request the code made that was denied or came back empty, and why.
        self.explainer = QWidget()
        self.explainer_rows = QVBoxLayout(self.explainer)
        self.explainer_rows.setContentsMargins(0, 0, 0, 0)
        self.explained: list[dict] = []
        self.rerun_dialog: RerunDialog | None = None
        self.output = JsonView()
        self.history = QListWidget()
        self.listeners = ListenersView(bridge)
        self._show_acting(bridge.acting_as())
        hint = QLabel(self.tr("Mini program code with a global wx (wx.cloud is initialised with traceUser: "
                              "true). One expression shows its value; statements can return one."))
        hint.setWordWrap(True)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(hint)
        column.addWidget(self.editor, 2)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.examples_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.message)
        column.addWidget(self.explainer)
        column.addWidget(self.output, 3)
        history = QWidget()
        side = QVBoxLayout(history)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel(self.tr("History (click to reuse)")))
        side.addWidget(self.history)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(history, self.tr("History"))
        self.side_tabs.addTab(self.listeners, self.tr("Listeners"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.side_tabs)
        splitter.setSizes([680, 360])  # the listeners' log needs room too
        QVBoxLayout(self).addWidget(splitter)
        self.run_button.clicked.connect(self.run)
        self.history.itemClicked.connect(self._on_history_clicked)
        self.examples_menu.triggered.connect(lambda action: self.editor.setPlainText(action.data()))
        bridge.acting_changed.connect(self._show_acting)

    def _examples(self) -> list[tuple[str, str]]:
        """The examples menu: (label, code), the editor's first text first."""
        rule = self.tr("// notices' read rule: doc.published == true || doc._openid == auth.openid.\n"
                       "// A query must prove it for every document it can return: get() alone is refused\n"
                       "// whole (the timeline says which condition is missing); where({published: true}) passes.")
        return [
            (self.tr("Todos: my unfinished ones (PRIVATE)"), EXAMPLE),
            (self.tr("Notices: the query must match the rule"), f"{rule}\n{NOTICES_EXAMPLE}"),
            (self.tr("Grades: ADMINONLY refuses every read"), GRADES_EXAMPLE),
            (self.tr("Call the login function"), LOGIN_EXAMPLE),
            (self.tr("Chat: listen to the messages (realtime)"), self.tr(
                "// The listener stays open after this run: the Listeners tab shows each snapshot.\n"
                "// Then act as another persona and run \"Chat: send a message\".") + "\n" + CHAT_LISTEN),
            (self.tr("Chat: send a message"), CHAT_SEND),
            (self.tr("Subscribe, then a function sends a class reminder"), self.tr(
                "// Each accept of the subscription allows one send; the Messages pane shows the inbox.")
             + "\nconst tmplIds = ['Kq3oXmZ1CLsJ0m7XbR2k9VqT4fWnYp8dHa3eG6uZ1iK']  // 上课提醒"
               "\nconst subscribed = await wx.requestSubscribeMessage({tmplIds})"
               "\nconst sent = await wx.cloud.callFunction({name: 'classReminder', data: {course: '高等数学'}})"
               "\nreturn {subscribed, sent: sent.result}"),
        ]

    def _show_acting(self, name: str | None) -> None:
        self.run_button.setText(self.tr("Run as {name}").format(name=name or self.tr("Signed out")))

    @async_slot()
    async def run(self) -> None:
        """Run the code as the acting persona's mini program."""
        with self.message.reporting():
            code = self.editor.toPlainText().strip()
            if not code:
                raise InputError(self.tr("Type some mini program code first."))
            persona = self._bridge.acting_as()
            self._show_explained([])
            result = await self._bridge.request("client.runSnippet", {"code": code, "persona": persona})
            self.output.setPlainText("\n".join([*result["logs"], pretty_json(result["value"])]))
            self._show_explained(result.get("explained") or [])
            if result.get("listeners"):  # left open: the Listeners tab reads them on
                self.listeners.adopt(result, persona)
                self.side_tabs.setCurrentWidget(self.listeners)
            if not result["ok"]:
                self.message.show_error(_failure_text(result))
            item = QListWidgetItem(f"{'✔' if result['ok'] else '✘'} {persona or self.tr('Signed out')}: {code.splitlines()[0][:60]}")
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.history.insertItem(0, item)

    def _show_explained(self, explained: list[dict]) -> None:
        """One line per denied or empty request, with its re-run buttons (database requests that
        the timeline still holds)."""
        while self.explainer_rows.count():
            self.explainer_rows.takeAt(0).widget().deleteLater()
        self.explained = explained
        events = {e.id: e for e in self._bridge.recent_events()} if explained else {}
        for item in explained:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            label = QLabel(explain(item))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            line.addWidget(label, 1)
            event = events.get(item["eventId"])
            if can_rerun(event):
                again = QPushButton(self.tr("Re-run as…"))
                again.setMenu(persona_menu(self._bridge, again, lambda who, e=event: self._rerun(e, who)))
                what_if = QPushButton(self.tr("What if…"))
                what_if.clicked.connect(lambda _checked=False, e=event: self._what_if(e))
                line.addWidget(again, 0, Qt.AlignmentFlag.AlignTop)
                line.addWidget(what_if, 0, Qt.AlignmentFlag.AlignTop)
            self.explainer_rows.addWidget(row)

    def _rerun(self, event, who) -> None:
        self.rerun_dialog = open_rerun(self._bridge, event, self, who=who)

    def _what_if(self, event) -> None:
        self.rerun_dialog = open_rerun(self._bridge, event, self, what_if=True)

    def _on_history_clicked(self, item: QListWidgetItem) -> None:
        self.editor.setPlainText(item.data(Qt.ItemDataRole.UserRole))


def _failure_text(result: dict) -> str:
    """Why the code failed: core's reason in the UI's language when core gave one (the output
    keeps the errMsg the code saw), else that errMsg (an error of the code's own)."""
    failure = result.get("failure")
    err_msg = str(result["value"]["errMsg"])
    if not isinstance(failure, dict) or not chinese():
        return err_msg  # in English the errMsg already says it as the mini program sees it
    text = say(failure.get("why"), failure.get("detail") or err_msg)
    code = failure.get("code")
    return code_text(code, text) if isinstance(code, int) and code < -1 else text
