"""The Messages pane over the real demo workspace: 学生A's inbox fills live when the demo's
classReminder sends, the policy and sends left are edited in place, templates are declared in
the pane, and "学生A sends a customer-service message" opens the reply window."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt

from app.core.api import Caller, Request
from app.ui.panes.messages.pane import MessagesPane
from tests.ui.conftest import chinese, eventually, settle

TEMPLATE = "Kq3oXmZ1CLsJ0m7XbR2k9VqT4fWnYp8dHa3eG6uZ1iK"
SUBSCRIBE_AND_SEND = (f"await wx.requestSubscribeMessage({{tmplIds: ['{TEMPLATE}']}})\n"
                      "return (await wx.cloud.callFunction({name: 'classReminder', data: {course: '大学英语'}})).result")


def make_pane(qtbot, bridge) -> MessagesPane:
    pane = MessagesPane(bridge)
    qtbot.addWidget(pane)
    pane.resize(900, 600)
    pane.show()
    return pane


def as_student_a(workspace, code: str) -> dict:
    """Mini program code run as 学生A, off the GUI thread as any request from outside the pane."""
    return workspace.handle(Request("client.runSnippet", {"code": code, "persona": "学生A"}, Caller.console()))


def subscription(workspace, persona: str = "学生A") -> dict:
    answer = workspace.handle(Request("openapi.subscriptions", {"persona": persona}, Caller.console()))
    return {**next(s for s in answer["subscriptions"] if s["templateId"] == TEMPLATE), "session": answer["session"]}


def test_a_message_the_demo_function_sends_appears_live(qtbot, qloop, demo, demo_workspace):
    pane = make_pane(qtbot, demo)
    settle(qloop, demo)
    assert pane.persona() == "学生A" and pane.inbox.cards == {} and pane.inbox.empty.isVisible()

    async def scenario():
        sent = await asyncio.to_thread(as_student_a, demo_workspace, SUBSCRIBE_AND_SEND)
        assert sent["value"]["errCode"] == 0, sent
        await eventually(lambda: len(pane.inbox.cards) == 1)
        return sent["value"]["msgid"]

    msgid = qloop.run_until_complete(scenario())
    card = pane.inbox.cards[msgid]
    assert card.title.text() == "上课提醒" and not pane.inbox.empty.isVisible()
    assert [(name.text(), value.text()) for name, value in card.fields] == [
        ("课程名称", "大学英语"), ("上课时间", "2024年9月2日 08:00"), ("上课地点", "教学楼 A201"),
        ("温馨提示", "请提前 10 分钟到教室")]
    assert "pages/index/index" in card.opens.text() and "classReminder" in card.sender_link.text()
    assert pane.subscriptions.rows == [TEMPLATE]
    assert pane.subscriptions.table.cellWidget(0, 3).value() == 0  # the accept was spent

    qloop.run_until_complete(asyncio.to_thread(as_student_a, demo_workspace, SUBSCRIBE_AND_SEND))
    qloop.run_until_complete(eventually(lambda: len(pane.inbox.cards) == 2))
    assert pane.inbox.cards[msgid] is card  # the first card stays; the new one goes on top
    assert pane.inbox.newest_first()[1] is card


def test_each_persona_has_its_own_inbox(qtbot, qloop, demo, demo_workspace):
    as_student_a(demo_workspace, SUBSCRIBE_AND_SEND)
    pane = make_pane(qtbot, demo)
    qloop.run_until_complete(eventually(lambda: len(pane.inbox.cards) == 1))
    pane.persona_box.setCurrentIndex(pane.persona_box.findData("学生B"))
    qloop.run_until_complete(eventually(lambda: pane.inbox.cards == {} and pane.inbox.empty.isVisible()))
    assert pane.customer_button.text().startswith("学生B")


def test_the_policy_and_the_sends_left_are_edited_in_place(qtbot, qloop, demo, demo_workspace):
    pane = make_pane(qtbot, demo)
    qloop.run_until_complete(eventually(lambda: pane.subscriptions.rows == [TEMPLATE]))
    policy, keep, count = pane.subscriptions._controls(0)
    policy.setCurrentIndex(policy.findData("reject"))
    qloop.run_until_complete(eventually(lambda: subscription(demo_workspace)["policy"] == "reject"))
    keep.setChecked(True)
    count.setValue(2)
    count.editingFinished.emit()
    qloop.run_until_complete(eventually(lambda: subscription(demo_workspace)["count"] == 2))
    assert subscription(demo_workspace)["keep"] is True
    answer = as_student_a(demo_workspace, f"await wx.requestSubscribeMessage({{tmplIds: ['{TEMPLATE}']}})")
    assert answer["value"] == {"errMsg": "requestSubscribeMessage:ok", TEMPLATE: "reject"}
    settle(qloop, demo)
    assert pane.subscriptions._controls(0)[0] is policy and policy.currentData() == "reject"  # the same widgets
    assert count.value() == 2


def test_templates_are_declared_in_the_pane_and_mistakes_said_in_chinese(qtbot, qloop, demo, demo_workspace, zh):
    pane = make_pane(qtbot, demo)
    qloop.run_until_complete(eventually(lambda: pane.templates.table.rowCount() == 1))
    editor = pane.templates
    editor.new_button.click()
    editor.id_edit.setText("pickup-T1")
    editor.title_edit.setText("取件提醒")
    editor.keywords_edit.setPlainText("thing1 = 物品名称\ncolour2 = 颜色")
    editor.save_button.click()
    qloop.run_until_complete(eventually(pane.message.isVisible))
    assert "colour2 不是微信的关键词格式" in pane.message.text()
    editor.keywords_edit.setPlainText("thing1 = 物品名称\ntime2＝送达时间")
    editor.save_button.click()
    qloop.run_until_complete(eventually(lambda: editor.table.rowCount() == 2))
    assert editor.table.item(1, 0).text() == "pickup-T1" and "time2 送达时间" in editor.table.item(1, 3).text()
    assert pane.subscriptions.rows == [TEMPLATE, "pickup-T1"]
    editor.table.selectRow(1)
    editor.title_edit.setText("快递取件提醒")
    editor.save_button.click()
    qloop.run_until_complete(eventually(lambda: editor.table.item(1, 1).text() == "快递取件提醒"))
    assert editor.table.currentRow() == 1  # the refresh kept the selection
    editor.remove_button.click()
    qloop.run_until_complete(eventually(lambda: editor.table.rowCount() == 1))


def test_the_customer_service_button_opens_the_reply_window(qtbot, qloop, demo, demo_workspace, zh):
    pane = make_pane(qtbot, demo)
    settle(qloop, demo)
    assert subscription(demo_workspace)["session"] is None
    qtbot.mouseClick(pane.customer_button, Qt.MouseButton.LeftButton)
    qloop.run_until_complete(eventually(lambda: subscription(demo_workspace)["session"] is not None))
    assert subscription(demo_workspace)["session"]["left"] == 5
    settle(qloop, demo)
    (event,) = [e for e in demo_workspace.events.recent() if e.action == "openapi.customerMessage"]
    assert event.target == "学生A" and event.outcome == "ok"


def test_a_cards_sender_link_selects_its_row_in_the_timeline(start, qloop):
    with chinese():
        session = start()
    window = session.window
    pane = next(p for p in window.panes if isinstance(p, MessagesPane))
    window.show_pane("MessagesPane")
    settle(qloop, session.bridge)
    window.timeline.outcome_filter.setCurrentIndex(window.timeline.outcome_filter.findData("denied"))
    qloop.run_until_complete(session.bridge.request("client.runSnippet", {"code": SUBSCRIBE_AND_SEND,
                                                                          "persona": "学生A"}))
    qloop.run_until_complete(eventually(lambda: len(pane.inbox.cards) == 1))
    (card,) = pane.inbox.cards.values()
    card.sender_link.linkActivated.emit("#")
    selected = window.timeline.selected_event()
    assert selected is not None and selected.id == card.message["eventId"]
    assert selected.action == "wx.openApi" and selected.target == "subscribeMessage.send → 学生A"


def test_showing_the_pane_again_reads_only_what_changed_while_hidden(qtbot, qloop, demo, demo_workspace):
    """Each read is a timeline row: switching back to an unchanged pane sends none."""
    def reads() -> int:
        return sum(1 for e in demo_workspace.events.recent() if e.action == "openapi.mailbox")

    pane = make_pane(qtbot, demo)
    qloop.run_until_complete(eventually(lambda: reads() == 1))
    settle(qloop, demo)
    pane.hide()
    pane.show()
    assert not pane._refresh.isActive()  # nothing changed: no read is due
    pane.hide()
    qloop.run_until_complete(asyncio.to_thread(as_student_a, demo_workspace, SUBSCRIBE_AND_SEND))
    qloop.run_until_complete(eventually(lambda: pane._stale and not pane._refresh.isActive()))
    assert reads() == 1  # hidden: the change is noted, nothing read yet
    pane.show()
    qloop.run_until_complete(eventually(lambda: len(pane.inbox.cards) == 1))
    assert reads() == 2
