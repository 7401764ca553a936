"""The security rules editor of the database and storage panes, over a real demo workspace."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtTest import QTest

from app.ui.panes.rules_editor import RulesEditor
from app.ui.panes.storage.models import FilesModel
from app.ui.presenter import ReadOnlyLock
from tests.support.database_sdk import SdkDatabase
from tests.ui.conftest import eventually, settle
from tests.ui.test_database_pane import open_pane as open_database
from tests.ui.test_storage_pane import cells, open_pane as open_storage

TYPO = '{\n  "read": true,\n  "write": "doc._openid = auth.openid"\n}'  # '=' at line 3, column 25


def choose_custom(pane) -> RulesEditor:
    index = pane.mode_box.findData("CUSTOM")
    pane.mode_box.setCurrentIndex(index)
    pane.mode_box.activated.emit(index)
    return pane.rules_editor


def test_choosing_custom_shows_the_editor_and_a_template_fills_it(qtbot, qloop, demo, demo_workspace):
    pane = open_database(qtbot, qloop, demo)
    assert pane.rules_editor.isHidden()
    editor = choose_custom(pane)
    assert not editor.isHidden()
    assert demo_workspace.state.db_mode("todos") == "PRIVATE"  # nothing is saved before Apply
    published = next(a for a in editor.template_menu.actions() if "published" in a.text())
    published.trigger()
    assert json.loads(editor.text.toPlainText()) == {"read": "doc.published == true", "write": False}
    assert editor.text.font() == QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)  # monospaced
    settle(qloop, demo)


def test_a_typo_is_shown_at_its_line_and_column_and_apply_is_refused(qtbot, qloop, demo, demo_workspace):
    pane = open_database(qtbot, qloop, demo)
    before = (demo_workspace.state.db_mode("todos"), demo_workspace.state.db_rules("todos"))
    editor = choose_custom(pane)
    editor.text.setPlainText(TYPO)  # checked once typing pauses

    async def typed():
        await eventually(lambda: editor.error is not None)

    qloop.run_until_complete(typed())
    assert (editor.error["line"], editor.error["column"]) == (3, 25)
    assert editor.message.text().startswith('Line 3, column 25, in the "write" rule: unexpected')
    QTest.mouseClick(editor.message.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    cursor = editor.text.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (3, 25)
    assert editor.text.extraSelections()[0].cursor.blockNumber() == 2  # the line is highlighted

    events = len(demo_workspace.events.recent())
    qloop.run_until_complete(editor.apply())
    assert "column 25" in editor.message.text()
    assert (demo_workspace.state.db_mode("todos"), demo_workspace.state.db_rules("todos")) == before
    assert "database.setPermission" not in [e.action for e in demo_workspace.events.recent()[events:]]
    settle(qloop, demo)


def test_the_error_in_chinese(qtbot, qloop, demo, zh):
    pane = open_database(qtbot, qloop, demo)
    editor = choose_custom(pane)
    editor.text.setPlainText(TYPO)
    qloop.run_until_complete(editor.check())
    assert editor.message.text().startswith("第 3 行，第 25 列，“write”规则中：")
    settle(qloop, demo)


def test_apply_saves_custom_rules_and_client_queries_are_judged_by_them(qtbot, qloop, demo, demo_workspace):
    pane = open_database(qtbot, qloop, demo)
    editor = choose_custom(pane)
    editor.template_menu.actions()[0].trigger()  # only the creator can read and write
    qloop.run_until_complete(editor.apply())
    owner = {"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}
    assert demo_workspace.state.db_mode("todos") == "CUSTOM"
    assert demo_workspace.state.db_rules("todos") == owner
    assert "saved" in editor.message.text()
    client = SdkDatabase(demo_workspace.handle, demo_workspace.client_caller("学生A"))
    assert client.get("todos", {}).value["errCode"] == -502003  # not provably her own: refused whole
    mine = client.get("todos", {"_openid": "{openid}"}).value["data"]
    assert mine and {doc["_openid"] for doc in mine} == {demo_workspace.identity.persona("学生A").openid}
    # The client's read, not whatever came last: a timer trigger or a pane's read may log meanwhile.
    last_read = next(e for e in reversed(demo_workspace.events.recent())
                     if e.action == "database.getDocument" and e.caller_kind == "client")
    assert last_read.decision.mode == "CUSTOM"
    settle(qloop, demo)

    # Shown again with the collection: the saved rules, in the editor, CUSTOM in the combo.
    pane.collection_view.selectRow(pane.collections.row_of("grades"))
    assert pane.rules_editor.isHidden()
    pane.collection_view.selectRow(pane.collections.row_of("todos"))
    assert pane.mode_box.currentData() == "CUSTOM" and not editor.isHidden()
    assert json.loads(editor.text.toPlainText()) == owner
    settle(qloop, demo)


def test_the_storage_pane_edits_storage_rules(qtbot, qloop, demo, demo_workspace):
    demo.set_acting_as("学生A")
    pane = open_storage(qtbot, qloop, demo)
    editor = choose_custom(pane)
    assert not editor.isHidden() and "resource.openid" in editor.text.toPlainText()
    editor.text.setPlainText('{"read": "resource.openid = auth.openid", "write": false}')
    qloop.run_until_complete(editor.apply())
    assert editor.error["column"] == 27 and demo_workspace.state.storage_rules() is None
    editor.text.setPlainText('{"read": "resource.openid == auth.openid", "write": false}')
    qloop.run_until_complete(editor.apply())
    assert demo_workspace.state.storage_mode() == "CUSTOM"
    assert demo_workspace.state.storage_rules() == {"read": "resource.openid == auth.openid", "write": False}
    # 学生A may read her own picture only, and write none: the listing is judged by the rules.
    qloop.run_until_complete(eventually(lambda: cells(pane, FilesModel.READ) == ["✔", "✘", "✘"]))
    assert cells(pane, FilesModel.WRITE) == ["✘", "✘", "✘"]
    assert pane.mode_box.currentData() == "CUSTOM"
    settle(qloop, demo)


def test_the_lock_turns_off_apply_and_the_templates(qtbot, qloop, demo):
    pane = open_database(qtbot, qloop, demo)
    editor = choose_custom(pane)
    lock = ReadOnlyLock()
    lock.add_widgets(pane.settings_controls())
    lock.set_locked(True)
    assert not editor.apply_button.isEnabled() and not editor.template_button.isEnabled()
    assert editor.text.isEnabled()  # reading (and trying) stays allowed
    lock.set_locked(False)
    assert editor.apply_button.isEnabled() and editor.template_button.isEnabled()
    settle(qloop, demo)
