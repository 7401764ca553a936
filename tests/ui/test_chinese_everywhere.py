"""The Chinese window speaks Chinese: walk every pane after a class's usual mistakes and refusals
and read every label, button, tooltip, menu, header, list item and message a person can see.

Data is not words: documents, JSON answers, code, logs and the raw request in the timeline's
detail view are shown as they are, so they are not read here (the detail view's summary is).
What is read may hold identifiers (``collection.get:ok``, ``todos``, ``wx.login``) and names in
quotes; three English words in a row is English left in the UI.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QInputDialog,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from app.paths import resource
from app.settings import AppSettings
from app.ui.async_slot import running_slot_tasks
from app.ui.bridge import ADMIN
from app.ui.i18n import Translations
from app.ui.messages import InlineMessage
from app.ui.widgets import JsonView
from tests.ui.conftest import eventually, settle

# Quoted text, identifiers with dots/underscores/slashes/colons/parentheses, URLs, paths, hex.
_NOT_WORDS = re.compile(
    r"“[^”]*”|\"[^\"]*\"|'[^']*'|‘[^’]*’|`[^`]*`|https?://\S+|\S*[./_:()\[\]{}=<>@#$\\]\S*|\b[0-9a-f]{8,}\b"
)
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;!?-]+[A-Za-z]{2,}){2,}\b")
# Names of things that are English in the Chinese product too.
_PROPER_NAMES = ("Hello World", "JSON Lines", "Node.js", "wx-server-sdk", "Mini Program", "WeChat DevTools")


def english_in(text: str) -> list[str]:
    for name in _PROPER_NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"<[^>]+>", " ", text)  # rich-text labels: tags are not words
    return _ENGLISH_RUN.findall(_NOT_WORDS.sub(" ", text))


def test_english_in_finds_english_and_spares_identifiers():
    assert english_in("学生A cannot see this document") == ["cannot see this document"]
    assert english_in("学生A 得到：collection.get:ok，4 条记录") == []
    assert english_in("todos 是 PRIVATE（仅创建者及管理员可读写）") == []
    assert english_in("“Learn cloud dev” 已保存") == []


def visible_texts(window) -> list[tuple[str, str]]:
    """(where, text) for everything a person can read in ``window`` now."""
    found: list[tuple[str, str]] = []

    def add(widget: QWidget, kind: str, text: str | None) -> None:
        if text:
            found.append((f"{type(widget).__name__}({widget.objectName() or ''}).{kind}", text))

    for widget in [window, *window.findChildren(QWidget)]:
        if widget is not window and not widget.isVisibleTo(window) and not isinstance(widget, QMenu):
            continue
        add(widget, "toolTip", widget.toolTip())
        if isinstance(widget, (QDockWidget,)) or widget is window:
            add(widget, "title", widget.windowTitle())
        if isinstance(widget, InlineMessage):
            add(widget, "message", widget.text())
        elif isinstance(widget, JsonView):
            if widget is getattr(getattr(window, "timeline", None), "details", None):  # its summary is words; the raw JSON below is not
                add(widget, "summary", widget.toPlainText().split("\n\n")[0])
            add(widget, "placeholder", widget.placeholderText())
        elif isinstance(widget, QPlainTextEdit):
            add(widget, "placeholder", widget.placeholderText())
        elif isinstance(widget, QLabel):
            add(widget, "text", widget.text())
        elif isinstance(widget, QAbstractButton):
            add(widget, "text", widget.text())
        elif isinstance(widget, QLineEdit):
            add(widget, "placeholder", widget.placeholderText())
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, f"item{i}", widget.itemText(i))
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                add(widget, f"tab{i}", widget.tabText(i))
                add(widget, f"tabToolTip{i}", widget.tabToolTip(i))
        elif isinstance(widget, QGroupBox):
            add(widget, "title", widget.title())
        elif isinstance(widget, QMenu):
            for action in widget.actions():
                add(widget, "action", action.text())
                add(widget, "actionToolTip", action.toolTip() if action.toolTip() != action.text().replace("&", "") else "")
        if isinstance(widget, QListWidget):
            for i in range(widget.count()):
                add(widget, f"row{i}", widget.item(i).text())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                add(widget, f"header{column}", model.headerData(column, Qt.Orientation.Horizontal))
            for row in range(min(model.rowCount(), 50)):  # tooltips say why (hidden documents, verdicts)
                for column in range(model.columnCount()):
                    add(widget, f"tip{row},{column}", model.index(row, column, QModelIndex()).data(
                        Qt.ItemDataRole.ToolTipRole))
    if isinstance(window, QMainWindow):
        add(window, "status", window.statusBar().currentMessage())
    return found


def english_left(window) -> list[tuple[str, str, list[str]]]:
    return [(where, text, runs) for where, text in visible_texts(window) if (runs := english_in(str(text)))]


@pytest.fixture
def chinese(qapp):
    translations = Translations(qapp, resource("i18n"))
    translations.install("zh_CN")
    yield translations
    translations.install("en")


def panes(window) -> dict:
    return {type(pane).__name__: pane for pane in window.panes}


def test_every_pane_speaks_chinese_after_a_class_s_mistakes(chinese, start, qloop, tmp_path):
    settings = AppSettings.load(tmp_path / "settings.json")
    settings.language, settings.welcomed = "zh_CN", True
    session = start(settings)
    window, bridge = session.window, session.bridge
    by_name = panes(window)
    left: list = []

    def walk(name: str) -> None:
        window.navigation.setCurrentRow(list(by_name).index(name))
        settle(qloop, bridge)
        left.extend((name, *finding) for finding in english_left(window))

    # Users: a name that is taken; wx.login signed out.
    users = by_name["UsersPane"]
    qloop.run_until_complete(users.change_persona("personas.add", {"name": "学生A"}))
    walk("UsersPane")

    # Database: 学生A views the PRIVATE todos (others' documents greyed with a reason); a typo.
    database = by_name["DatabasePane"]
    window.navigation.setCurrentRow(list(by_name).index("DatabasePane"))
    qloop.run_until_complete(eventually(lambda: database.collections.rowCount() > 0))
    database.collection_view.selectRow(database.collections.row_of("todos"))
    settle(qloop, bridge)
    database.viewer_box.setCurrentIndex(database.viewer_box.findData("学生B"))
    qloop.run_until_complete(database.run_query())
    walk("DatabasePane")
    database.compare_button.click()  # 学生A | 学生B side by side; then the notices' bare query refused
    qloop.run_until_complete(eventually(lambda: not database.compare.busy()))
    walk("DatabasePane")
    database.collection_view.selectRow(database.collections.row_of("notices"))
    qloop.run_until_complete(eventually(  # what the walk reads: 学生A's refusal
        lambda: not database.compare.busy() and "-502003" in database.compare.columns[0].answer.text()))
    walk("DatabasePane")
    database.compare_button.click()
    database.collection_view.selectRow(database.collections.row_of("grades"))  # ADMINONLY: refused
    settle(qloop, bridge)
    database.viewer_box.setCurrentIndex(database.viewer_box.findData("学生B"))
    qloop.run_until_complete(database.run_query())
    walk("DatabasePane")
    database.query_bar.where_edit.setText("{done: false")
    qloop.run_until_complete(database.run_query())
    walk("DatabasePane")
    custom = database.mode_box.findData("CUSTOM")  # security rules with a typo: the editor's error
    database.mode_box.setCurrentIndex(custom)
    database.mode_box.activated.emit(custom)
    database.rules_editor.text.setPlainText('{"read": true, "write": "doc._openid = auth.openid"}')
    qloop.run_until_complete(database.rules_editor.check())
    walk("DatabasePane")
    database.viewer_box.setCurrentIndex(database.viewer_box.findData(ADMIN))
    # 索引: a unique index that the todos' duplicate _openid refuse, then a compound one made.
    indexes = database.indexes_tab
    database.collection_view.selectRow(database.collections.row_of("todos"))
    database.sections.setCurrentWidget(indexes)
    qloop.run_until_complete(eventually(lambda: "_id_" in indexes.indexes.names()))
    indexes.key_rows[0].field.setText("_openid")
    indexes.unique_box.setChecked(True)
    qloop.run_until_complete(indexes.create())
    assert indexes.message.isVisible()
    walk("DatabasePane")
    indexes.add_key_row().field.setText("progress")
    indexes.unique_box.setChecked(False)
    qloop.run_until_complete(indexes.create())
    indexes.view.selectRow(0)  # the built-in _id_: its tooltip says why it cannot be dropped
    walk("DatabasePane")
    database.sections.setCurrentIndex(0)

    # Storage: 学生B deletes the teacher's picture.
    storage = by_name["StoragePane"]
    bridge.set_acting_as("学生B")
    window.navigation.setCurrentRow(list(by_name).index("StoragePane"))
    qloop.run_until_complete(eventually(lambda: storage.folders.rowCount() == 1))
    root = storage.folders.item(0)
    storage.tree.setCurrentIndex(next(root.child(i) for i in range(root.rowCount())
                                      if root.child(i).text() == "images").index())
    qloop.run_until_complete(eventually(lambda: any(
        storage.files.row_at(r).path == "images/campus.jpg" for r in range(storage.files.rowCount()))))
    storage.table.selectRow(next(r for r in range(storage.files.rowCount())
                                 if storage.files.row_at(r).path == "images/campus.jpg"))
    qloop.run_until_complete(storage.delete())
    walk("StoragePane")

    # Functions: a payload that is not JSON.
    functions = by_name["FunctionsPane"]
    window.navigation.setCurrentRow(list(by_name).index("FunctionsPane"))
    settle(qloop, bridge)
    functions.function_view.selectRow(functions.functions.row_of("login"))
    settle(qloop, bridge)
    functions.payload.setPlainText("{x: ")
    qloop.run_until_complete(functions.run())
    walk("FunctionsPane")

    # The client console: a read of the ADMINONLY grades.
    console = by_name["ClientConsolePane"]
    console.editor.setPlainText("await wx.cloud.database().collection('grades').get()")
    qloop.run_until_complete(console.run())
    walk("ClientConsolePane")  # the refusal explained under the result, with its re-run buttons
    rerun_as, what_if = console.explainer.findChildren(QAbstractButton)
    next(a for a in rerun_as.menu().actions() if a.text() == "老师").trigger()  # side by side
    qloop.run_until_complete(eventually(lambda: console.rerun_dialog.answer is not None))
    assert console.rerun_dialog.after.who.text() == "老师" and "ADMINONLY" in console.rerun_dialog.after.why.text()
    left.extend(("RerunDialog", *finding) for finding in english_left(console.rerun_dialog))
    console.rerun_dialog.close()
    what_if.click()  # the rules editor, the ADMINONLY mode as rules, re-run under edited ones
    dialog = console.rerun_dialog
    qloop.run_until_complete(eventually(lambda: dialog.rules_editor.text.toPlainText() != ""))
    dialog.rules_editor.text.setPlainText('{"read": true, "write": false}')
    qloop.run_until_complete(dialog.rules_editor.apply())
    assert dialog.answer["outcome"] == "ok" and dialog.after.why.text().startswith("集合 grades 设置了安全规则")
    left.extend(("What-if RerunDialog", *finding) for finding in english_left(dialog))
    dialog.close()

    # Cloud calls: 学生A's poster code scanned by 学生B; then a word list with a bad line.
    cloud = by_name["CloudCallsPane"]
    qloop.run_until_complete(bridge.call_function("学生A", "makePoster", {"scene": "class=3"}))
    window.navigation.setCurrentRow(list(by_name).index("CloudCallsPane"))
    # The registry shows before the pane's lists and settings have loaded: stop the loop only
    # once the load has ended too, or its next step could come due just as the loop stops and
    # run outside it, where no request can start.
    qloop.run_until_complete(eventually(
        lambda: cloud.registry.rowCount() == 1 and not running_slot_tasks() and not bridge.pending))
    settle(qloop, bridge)
    cloud.registry.selectRow(0)
    cloud.persona.setCurrentIndex(cloud.persona.findText("学生B"))
    qloop.run_until_complete(cloud.scan_selected())
    walk("CloudCallsPane")
    cloud.tabs.setCurrentIndex(1)
    cloud.words.setPlainText("作弊\tmaybe")
    qloop.run_until_complete(cloud.save_words())
    walk("CloudCallsPane")
    cloud.tabs.setCurrentIndex(0)

    # Messages: the demo's class reminder in 学生A's inbox; a keyword that is no WeChat type.
    messages = by_name["MessagesPane"]
    window.navigation.setCurrentRow(list(by_name).index("MessagesPane"))
    qloop.run_until_complete(bridge.request("client.runSnippet", {"persona": "学生A", "code": (
        "await wx.requestSubscribeMessage({tmplIds: ['Kq3oXmZ1CLsJ0m7XbR2k9VqT4fWnYp8dHa3eG6uZ1iK']})\n"
        "return (await wx.cloud.callFunction({name: 'classReminder'})).result")}))
    qloop.run_until_complete(eventually(lambda: len(messages.inbox.cards) == 1))
    walk("MessagesPane")
    messages.tabs.setCurrentIndex(1)
    messages.templates.table.selectRow(0)
    messages.templates.keywords_edit.setPlainText("colour1 = 颜色")
    messages.templates.save_button.click()
    qloop.run_until_complete(eventually(messages.message.isVisible))
    walk("MessagesPane")

    # Snapshots: a name that is taken; the status bar's offer to undo a deleted collection; the
    # diff of the saved state against now.
    snapshots = by_name["SnapshotsPane"]
    window.navigation.setCurrentRow(list(by_name).index("SnapshotsPane"))
    snapshots.name_edit.setText("第一课")
    qloop.run_until_complete(snapshots.save())
    snapshots.name_edit.setText("第一课")
    qloop.run_until_complete(snapshots.save())
    assert snapshots.save_message.isVisible()  # what the walk reads: the refusal
    qloop.run_until_complete(bridge.request("database.deleteCollection", {"collectionName": "notices"}))
    qloop.run_until_complete(eventually(lambda: window.undo_offer.isVisible()
                                        and "checkpoint-1" in snapshots.snapshots.names()))
    walk("SnapshotsPane")  # the offer too: it is in the window's status bar
    snapshots.choose("第一课")
    qloop.run_until_complete(snapshots.compare())
    left.extend(("DiffDialog", *finding) for finding in english_left(snapshots.diff_dialog))
    snapshots.diff_dialog.close()

    # The timeline: the denied delete's summary, in presenter mode's spotlight too.
    window.presenter_action.trigger()
    qloop.run_until_complete(storage.delete())
    qloop.run_until_complete(eventually(lambda: window.timeline.spotlight.isVisible()))
    timeline = window.timeline
    denied = next(r for r in range(timeline.proxy.rowCount())
                  if timeline.proxy.index(r, 3).data() == "storage.batchDeleteFile")
    timeline.table.selectRow(denied)
    walk("ClientConsolePane")
    spotlight, summary = timeline.spotlight.text(), timeline.details.toPlainText()
    window.presenter_action.trigger()
    settle(qloop, bridge)

    assert timeline.spotlight.parentWidget() is window.centralWidget()  # above the panes, full width
    assert left == []
    assert spotlight.startswith("学生B 被拒绝：") and "images/campus.jpg" in spotlight
    assert summary.startswith("学生B")


def test_the_dialogs_speak_chinese_too(chinese, start, qloop, tmp_path, monkeypatch):
    """The document editor after a typo, a collection name the platform refuses, the first-run
    screen and every card of the guided tour."""
    settings = AppSettings.load(tmp_path / "settings.json")
    settings.language, settings.welcomed = "zh_CN", True
    session = start(settings)
    window, bridge = session.window, session.bridge
    database = panes(window)["DatabasePane"]
    window.navigation.setCurrentRow(list(panes(window)).index("DatabasePane"))
    qloop.run_until_complete(eventually(lambda: database.collections.rowCount() > 0))
    database.collection_view.selectRow(database.collections.row_of("todos"))
    settle(qloop, bridge)
    left: list = []

    database._on_add_clicked()
    editor = database.editor
    editor.editor.setPlainText("{title: 'x',")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qloop.run_until_complete(eventually(editor.message.isVisible))
    assert editor.message.text()  # what the walk reads: the typo's report
    left += [("DocumentEditor", *found) for found in english_left(editor)]
    editor.reject()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("bad name!", True))
    database._on_new_collection_clicked()
    qloop.run_until_complete(eventually(database.message.isVisible))
    settle(qloop, bridge)
    assert "bad name!" in database.message.text()  # the platform's refusal, where the person acted
    left += [("new collection", *found) for found in english_left(window)]

    window.show_welcome()
    left += [("WelcomeDialog", *found) for found in english_left(window.welcome)]
    window.welcome.reject()

    window.open_tour()
    for index in range(len(window.tour.cards)):
        window.tour.go(index)
        left += [(f"tour card {index + 1}", *found) for found in english_left(window)]
    settle(qloop, bridge)
    assert left == []
