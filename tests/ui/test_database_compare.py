"""The database pane's "compare personas" view over the real demo workspace: one query as two
personas side by side, each column one logged database.runQuery."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.database import ejson
from app.core.requests import Caller, Request
from app.paths import resource
from app.ui.bridge import ADMIN
from app.ui.i18n import Translations
from app.ui.panes.database.pane import DatabasePane
from app.ui.presenter import ReadOnlyLock
from tests.ui.conftest import eventually, settle
from tests.ui.test_chinese_everywhere import english_in
from tests.ui.test_database_pane import open_pane


def open_compare(qtbot, qloop, bridge, collection="todos") -> DatabasePane:
    """The pane on ``collection`` with the comparison opened and both columns answered."""
    pane = open_pane(qtbot, qloop, bridge, collection)
    pane.compare_button.click()  # one click, as the user
    qloop.run_until_complete(eventually(
        lambda: not pane.compare.busy() and all(c.answer.isVisible() for c in pane.compare.columns)))
    return pane


def wait_idle(qloop, pane) -> None:
    qloop.run_until_complete(eventually(lambda: not pane.compare.busy() and not pane._querying.locked()
                                        and not pane._reload_timer.isActive()))


def owned_by(workspace, persona: str) -> list[str]:
    """The todos whose _openid is the persona's, in the collection's order."""
    openid = workspace.client_caller(persona).openid
    listed = workspace.handle(Request("database.runQuery", {"collectionName": "todos"}, Caller.console()))["documents"]
    return [doc["_id"] for doc in listed if doc.get("_openid") == openid]


def test_private_todos_as_two_students(qtbot, qloop, demo, demo_workspace):
    """PRIVATE: each student gets only their own todos; the rest are counted as hidden, with why."""
    before = len(demo_workspace.events.recent())
    pane = open_compare(qtbot, qloop, demo)
    events = demo_workspace.events.recent()[before:]
    left, right = pane.compare.columns
    assert (left.persona_box.choice(), right.persona_box.choice()) == ("学生A", "学生B")  # the roster's first two
    assert pane._views.currentWidget() is pane.compare and not pane.viewer_box.isEnabled()

    mine_a, mine_b = owned_by(demo_workspace, "学生A"), owned_by(demo_workspace, "学生B")
    assert (len(mine_a), len(mine_b)) == (3, 2)
    assert left.sees() == mine_a and right.sees() == mine_b
    assert left.answer.text() == "Gets 3 document(s) (collection.get:ok)"
    assert right.answer.text() == "Gets 2 document(s) (collection.get:ok)"
    assert left.hidden_line.text() == "3 of the 6 matches are hidden from them"
    assert right.hidden_line.text() == "4 of the 6 matches are hidden from them"
    why = right.hidden_line.toolTip()
    assert why.startswith("todo-a1, todo-a2, todo-a3, todo-t1\n") and "学生B cannot see this document" in why
    assert right.documents.item(0).text() == "todo-b1 · 阅读权限文档"

    compared = [e for e in events if e.parent_id is None and e.action == "database.runQuery"]
    gets = [e for e in events if e.action == "database.getDocument"]
    assert len(compared) >= 2  # the pane's own query before the click, then one per column
    assert [(g.persona, g.parent_id) for g in gets[-2:]] == [("学生A", compared[-2].id), ("学生B", compared[-1].id)]


@pytest.fixture
def zh_window(qapp):
    translations = Translations(qapp, resource("i18n"))
    translations.install("zh_CN")
    yield
    translations.install("en")


def test_custom_notices_refused_for_a_student_and_answered_for_the_admin(qtbot, qloop, demo, zh_window):
    """The bare get() on the notices under security rules: 学生A is refused with the reason in
    Chinese and gets nothing; the admin gets all three."""
    pane = open_compare(qtbot, qloop, demo, "notices")
    left, right = pane.compare.columns
    right.persona_box.select(ADMIN)
    wait_idle(qloop, pane)

    assert left.answer.text().startswith("数据库权限不足（-502003）：集合 notices 设置了安全规则：")
    assert "published: true" in left.answer.text()  # the fix it suggests
    assert "-502003 database permission denied" in left.answer.toolTip()  # the SDK's own errMsg
    assert left.sees() == []
    assert "请求被拒绝" in left.hidden_line.text() and "3" in left.hidden_line.text()
    assert "notice-3" in left.hidden_line.toolTip()  # the unpublished one: hidden by the rule in any case
    assert right.sees() == ["notice-1", "notice-2", "notice-3"]
    assert right.answer.text() == "得到 3 条记录（collection.get:ok）"
    texts = [left.answer.text(), left.hidden_line.text(), left.hidden_line.toolTip(), right.answer.text(),
             right.hidden_line.text(), pane.compare_button.text(), pane.compare_button.toolTip(),
             *(left.persona_box.itemText(i) for i in range(left.persona_box.count()))]
    assert [t for t in texts if english_in(t)] == []


def test_changing_one_persona_reruns_only_that_column(qtbot, qloop, demo, demo_workspace):
    pane = open_compare(qtbot, qloop, demo)
    left, right = pane.compare.columns
    left_answer = left.answer.text()
    before = len(demo_workspace.events.recent())

    right.persona_box.select("老师")
    wait_idle(qloop, pane)

    new = demo_workspace.events.recent()[before:]
    assert [e.action for e in new] == ["database.getDocument", "database.runQuery"]  # the nested get() logs first
    assert new[0].persona == "老师" and new[0].parent_id == new[1].id
    assert right.sees() == owned_by(demo_workspace, "老师") == ["todo-t1"]
    assert left.answer.text() == left_answer and left.sees() == owned_by(demo_workspace, "学生A")


def test_a_write_refreshes_both_columns_in_place(qtbot, qloop, demo, demo_workspace):
    """学生B adds a todo: both columns are asked again (B's count grows, A's hidden count too);
    the document selected in B's list stays selected and the list is not reset."""
    pane = open_compare(qtbot, qloop, demo)
    left, right = pane.compare.columns
    right.documents.setCurrentRow(right.sees().index("todo-b2"))
    resets = []
    right.documents.model().modelReset.connect(lambda: resets.append(1))

    demo_workspace.handle(Request("database.insertDocument", {
        "collectionName": "todos", "data": [ejson.encode({"_id": "todo-b3", "title": "对比两个角色"})]},
        demo_workspace.client_caller("学生B")))
    qloop.run_until_complete(eventually(lambda: "todo-b3" in right.sees() and "4 of the 7" in left.hidden_line.text()))
    wait_idle(qloop, pane)

    assert right.answer.text() == "Gets 3 document(s) (collection.get:ok)"
    assert right.sees() == ["todo-b1", "todo-b2", "todo-b3"]
    assert right.documents.currentItem().data(Qt.ItemDataRole.UserRole) == "todo-b2"
    assert resets == []
    assert left.sees() == owned_by(demo_workspace, "学生A")


def test_a_hidden_pane_sends_nothing_until_shown(qtbot, qloop, demo, demo_workspace):
    pane = open_compare(qtbot, qloop, demo)
    left, right = pane.compare.columns
    left.persona_box.select(left.persona_box.itemData(0))  # follow the toolbar (学生A now)
    wait_idle(qloop, pane)
    pane.hide()
    before = len(demo_workspace.events.recent())

    demo.set_acting_as("学生B")
    assert demo_workspace.events.recent()[before:] == []
    pane.show()
    qloop.run_until_complete(eventually(lambda: left.sees() == owned_by(demo_workspace, "学生B")))
    wait_idle(qloop, pane)
    assert right.sees() == owned_by(demo_workspace, "学生B")


def test_the_comparison_stays_usable_under_the_presenter_lock(qtbot, qloop, demo):
    """It only reads: the lock that turns off the pane's settings leaves it alone."""
    pane = open_compare(qtbot, qloop, demo)
    lock = ReadOnlyLock()
    lock.add_widgets(pane.settings_controls())
    lock.set_locked(True)
    assert not pane.mode_box.isEnabled()
    assert pane.compare_button.isEnabled()
    assert all(column.persona_box.isEnabled() and column.documents.isEnabled() for column in pane.compare.columns)
    lock.set_locked(False)


def test_leaving_the_comparison_shows_the_table_again_and_aggregate_mode_leaves_it(qtbot, qloop, demo):
    pane = open_compare(qtbot, qloop, demo)
    pane.mode_tabs.setCurrentWidget(pane.aggregate_bar)
    wait_idle(qloop, pane)
    assert not pane.comparing() and not pane.compare_button.isEnabled()
    assert pane._views.currentWidget() is not pane.compare
    pane.mode_tabs.setCurrentWidget(pane.query_bar)
    wait_idle(qloop, pane)
    pane.compare_button.click()
    wait_idle(qloop, pane)
    assert pane.comparing()
    pane.compare_button.click()
    qloop.run_until_complete(eventually(pane.answer.isVisible))
    wait_idle(qloop, pane)
    assert pane.viewer_box.isEnabled() and pane._views.currentWidget() is not pane.compare
    assert pane.documents.total() == 6


@pytest.mark.parametrize("presenter", [False, True])
def test_the_comparison_fits_a_1024x768_projector(start, qloop, presenter):
    """Two columns beside the collections: no horizontal scrollbar, even with presenter mode's big text."""
    session = start()
    session.appearance.set_presenter(presenter)
    window = session.window
    window.resize(1024 - 16, 768 - 40)  # what a window manager's frame and a taskbar leave
    row = [type(p).__name__ for p in window.panes].index("DatabasePane")
    window.navigation.setCurrentRow(row)
    pane, area = window.panes[row], window.stack.currentWidget()
    qloop.run_until_complete(eventually(lambda: pane.collections.rowCount() > 0))
    pane.collection_view.selectRow(pane.collections.row_of("notices"))  # the long refusal, wrapped
    pane.compare_button.click()
    qloop.run_until_complete(eventually(lambda: not pane.compare.busy() and pane.compare.columns[0].answer.text()))
    settle(qloop, session.bridge)
    assert "-502003" in pane.compare.columns[0].answer.text()
    assert area.widget().width() <= area.viewport().width()
