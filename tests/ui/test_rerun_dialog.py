"""Explaining a denied or empty request where the trainer looks (the client console, under the
result) and running it again side by side: re-run as another persona or admin, and what-if
edited rules, from the timeline's details and the client console, on the real demo."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QLabel

from app.paths import resource
from app.ui.i18n import Translations
from app.ui.panes.client_console_pane import ClientConsolePane
from app.ui.rerun_dialog import RerunDialog
from app.ui.timeline import TimelineView
from app.ui.timeline_model import EventRole
from tests.ui.conftest import eventually

# 学生A's todo-a2 is the only one tagged db: 学生B gets none, one hidden.
TODOS_TAGGED_DB = "await wx.cloud.database().collection('todos').where({tags: 'db'})"
PUBLISHED_NOTICES = "await wx.cloud.database().collection('notices').where({published: true}).get()"
NOTICE_RULES = {"read": "doc.published == true || doc._openid == auth.openid", "write": "doc._openid == auth.openid"}


@pytest.fixture
def zh_ui(qapp, zh):
    """The window's words (tr) and core's reasons both in Chinese."""
    translations = Translations(qapp, resource("i18n"))
    translations.install("zh_CN")
    yield
    translations.install("en")


def explainer_lines(pane: ClientConsolePane) -> list[str]:
    return [label.text() for label in pane.explainer.findChildren(QLabel)]


def run_as(qloop, pane: ClientConsolePane, demo, persona: str, code: str) -> None:
    demo.set_acting_as(persona)
    pane.editor.setPlainText(code)
    qloop.run_until_complete(pane.run())


def test_the_console_explains_the_notices_refusal_in_chinese(qtbot, qloop, demo, zh_ui):
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    run_as(qloop, pane, demo, "学生A", "await wx.cloud.database().collection('notices').get()")
    (line,) = explainer_lines(pane)
    assert line.startswith("学生A 在 notices 上被拒绝：集合 notices 设置了安全规则：read 规则 "
                           "必须对查询可能返回的每条记录都成立")
    assert "你的查询没有 published 的条件；请加上 published: true" in line
    assert json.loads(pane.output.toPlainText())["errCode"] == -502003  # the code still sees WeChat's errMsg
    run_as(qloop, pane, demo, "学生A", PUBLISHED_NOTICES)
    assert explainer_lines(pane) == []  # an answer with documents needs no explaining


def test_the_console_explains_an_empty_private_read_with_the_hidden_count(qtbot, qloop, demo):
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    run_as(qloop, pane, demo, "学生B", f"{TODOS_TAGGED_DB}.get()")
    assert json.loads(pane.output.toPlainText())["data"] == []
    assert explainer_lines(pane) == [
        "学生B got nothing from todos: todos is PRIVATE (仅创建者及管理员可读写): 学生B sees only the documents "
        "they created — 0 document(s); 1 matching document(s) were created by others"]


def test_the_console_explains_in_chinese_the_hidden_count_too(qtbot, qloop, demo, zh_ui):
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    run_as(qloop, pane, demo, "学生B", f"{TODOS_TAGGED_DB}.count()")
    (line,) = explainer_lines(pane)
    assert line == ("学生B 从 todos 什么也没得到：集合 todos 的权限是 PRIVATE（仅创建者及管理员可读写）："
                    "学生B 只能看到自己创建的记录 — 共 0 条；另有 1 条符合查询的记录是别人创建的")


def test_the_console_explains_a_write_that_changed_nothing(qtbot, qloop, demo, zh_ui):
    """READONLY: 学生B's update of 学生A's message answers "0 updated", and the console says why."""
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    run_as(qloop, pane, demo, "学生B", "await wx.cloud.database().collection('messages').doc('msg-1')"
                                      ".update({data: {likes: 99}})")
    assert json.loads(pane.output.toPlainText())["stats"] == {"updated": 0}
    (line,) = explainer_lines(pane)
    assert line == ("学生B 在 messages/msg-1 中没有改到任何记录：集合 messages 的权限是 READONLY"
                    "（所有用户可读，仅创建者及管理员可写）：学生B 只能修改自己创建的记录 — 更新 0 条")


def select(timeline: TimelineView, event_id: str) -> None:
    timeline.model.flush()
    row = next(r for r in range(timeline.proxy.rowCount())
               if timeline.proxy.index(r, 0).data(EventRole).id == event_id)
    timeline.table.selectRow(row)


def menu_action(button, text: str):
    return next(a for a in button.menu().actions() if a.text() == text)


def test_rerun_as_from_the_timeline_shows_both_side_by_side(qtbot, qloop, demo):
    timeline = TimelineView(demo)
    qtbot.addWidget(timeline)
    console = ClientConsolePane(demo)
    qtbot.addWidget(console)
    run_as(qloop, console, demo, "学生B", "await wx.cloud.database().collection('grades').get()")  # ADMINONLY
    original = console.explained[0]
    select(timeline, original["eventId"])
    assert timeline.rerun_as_button.isVisibleTo(timeline) and timeline.what_if_button.isVisibleTo(timeline)

    menu_action(timeline.rerun_as_button, "老师").trigger()
    dialog = timeline.rerun_dialog
    qloop.run_until_complete(eventually(lambda: dialog.answer is not None))
    assert isinstance(dialog, RerunDialog) and dialog.isVisible()
    assert (dialog.before.who.text(), dialog.before.outcome.text()) == ("学生B", "Denied -502003")
    assert "grades is ADMINONLY" in dialog.before.why.text()
    assert (dialog.after.who.text(), dialog.after.outcome.text()) == ("老师", "Denied -502003")
    dialog.close()

    menu_action(timeline.rerun_as_button, "Admin").trigger()
    dialog = timeline.rerun_dialog
    qloop.run_until_complete(eventually(lambda: dialog.answer is not None))
    assert (dialog.after.who.text(), dialog.after.outcome.text()) == ("Admin", "Success")
    assert "permissions do not apply — 2 document(s)" in dialog.after.why.text()
    assert [d["_id"] for d in json.loads(dialog.after.answer.toPlainText())["list"]] == ["grade-a", "grade-b"]
    dialog.close()

    rerun = demo.recent_events()[-1]  # each re-run is one console request, naming the original
    assert rerun.action == "database.rerun" and rerun.params["eventId"] == original["eventId"]


def test_the_buttons_show_only_for_a_denied_or_empty_client_database_request(qtbot, qloop, demo):
    timeline = TimelineView(demo)
    qtbot.addWidget(timeline)
    console = ClientConsolePane(demo)
    qtbot.addWidget(console)
    run_as(qloop, console, demo, "学生A", "await wx.cloud.database().collection('todos').get()")
    found = next(e for e in reversed(demo.recent_events()) if e.action == "database.getDocument")
    select(timeline, found.id)
    assert not timeline.rerun_as_button.isVisibleTo(timeline)
    select(timeline, demo.recent_events()[-1].id)  # the console's run itself
    assert not timeline.what_if_button.isVisibleTo(timeline)


def test_what_if_edited_rules_turn_the_refusal_into_an_answer_without_saving_them(qtbot, qloop, demo,
                                                                                demo_workspace):
    console = ClientConsolePane(demo)
    qtbot.addWidget(console)
    run_as(qloop, console, demo, "学生A", "await wx.cloud.database().collection('notices').get()")
    console.explainer.findChildren(type(console.run_button))[1].click()  # What if…
    dialog = console.rerun_dialog
    editor = dialog.rules_editor
    qloop.run_until_complete(eventually(lambda: "doc.published" in editor.text.toPlainText()))
    assert json.loads(editor.text.toPlainText()) == NOTICE_RULES  # the saved rules, to edit

    editor.text.setPlainText('{\n  "read": "doc.published ==",\n  "write": false\n}')
    qloop.run_until_complete(editor.check())  # as the person types: the mistake at its place
    assert (editor.error["line"], editor.error["column"]) == (2, 28)

    editor.text.setPlainText('{\n  "read": "doc.published == true",\n  "write": false\n}')
    qloop.run_until_complete(editor.apply())  # still refused: get() alone proves nothing about published
    assert dialog.answer["outcome"] == "denied" and "add published: true" in dialog.after.why.text()

    editor.text.setPlainText('{\n  "read": true,\n  "write": false\n}')
    qloop.run_until_complete(editor.apply())
    assert dialog.answer["outcome"] == "ok"
    assert dialog.after.who.text() == "学生A, under the edited rules (not saved)"
    assert [d["_id"] for d in json.loads(dialog.after.answer.toPlainText())["list"]] == [
        "notice-1", "notice-2", "notice-3"]
    assert dialog.before.outcome.text() == "Denied -502003"
    assert editor.message.text() == "Re-run under these rules; nothing was saved."
    assert demo_workspace.state.db_rules("notices") == NOTICE_RULES


def test_what_if_for_a_simple_mode_starts_from_its_rules(qtbot, qloop, demo):
    console = ClientConsolePane(demo)
    qtbot.addWidget(console)
    run_as(qloop, console, demo, "学生B", f"{TODOS_TAGGED_DB}.get()")
    console.explainer.findChildren(type(console.run_button))[1].click()
    editor = console.rerun_dialog.rules_editor
    qloop.run_until_complete(eventually(lambda: editor.text.toPlainText() != ""))
    assert json.loads(editor.text.toPlainText()) == {"read": "doc._openid == auth.openid",
                                                     "write": "doc._openid == auth.openid"}
    editor.text.setPlainText('{"read": true, "write": false}')
    qloop.run_until_complete(editor.apply())
    assert [d["_id"] for d in json.loads(console.rerun_dialog.after.answer.toPlainText())["list"]] == ["todo-a2"]
