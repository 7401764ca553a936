"""The Users pane over a real workspace: roster, login walkthrough, user list."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app.ui.panes.users_pane import UsersPane
from tests.ui.conftest import eventually, settle


def make_pane(qtbot, bridge) -> UsersPane:
    pane = UsersPane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    return pane


def test_roster_lists_personas_with_openids(qtbot, bridge):
    pane = make_pane(qtbot, bridge)
    model = pane.personas_model
    rows = [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]
    assert rows == [(p.name, p.openid) for p in bridge.personas()]


def test_login_walkthrough_and_second_exchange_fails(qtbot, qloop, bridge):
    """wx.login fills the code; the first exchange answers the openid, the second 40163."""
    pane = make_pane(qtbot, bridge)
    openid = next(p.openid for p in bridge.personas() if p.name == "学生A")

    async def scenario():
        qtbot.mouseClick(pane.login_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: len(pane.code_edit.text()) == 32)
        qtbot.mouseClick(pane.exchange_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: "session_key" in pane.response.toPlainText())
        assert json.loads(pane.response.toPlainText())["openid"] == openid
        qtbot.mouseClick(pane.exchange_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: "40163" in pane.response.toPlainText())

    qloop.run_until_complete(scenario())
    assert json.loads(pane.response.toPlainText())["errcode"] == 40163
    assert pane.login_message.isVisible() and "code been used" in pane.login_message.text()


def test_garbage_code_shows_40029_where_the_user_acted(qtbot, qloop, bridge):
    pane = make_pane(qtbot, bridge)
    pane.code_edit.setText("garbage")

    async def scenario():
        qtbot.mouseClick(pane.exchange_button, Qt.MouseButton.LeftButton)
        await eventually(pane.login_message.isVisible)

    qloop.run_until_complete(scenario())
    assert "invalid code" in pane.login_message.text()


def test_signed_out_cannot_wx_login(qtbot, qloop, bridge):
    pane = make_pane(qtbot, bridge)
    bridge.set_acting_as(None)

    async def scenario():
        qtbot.mouseClick(pane.login_button, Qt.MouseButton.LeftButton)
        await eventually(pane.login_message.isVisible)

    qloop.run_until_complete(scenario())
    assert "signed-in persona" in pane.login_message.text()
    assert pane.code_edit.text() == ""


def test_init_records_a_visit_in_the_user_list(qtbot, qloop, bridge):
    pane = make_pane(qtbot, bridge)
    bridge.set_acting_as("学生B")

    async def scenario():
        qtbot.mouseClick(pane.init_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: pane.users_model.rowCount() == 1)

    qloop.run_until_complete(scenario())
    assert pane.users_model.index(0, 1).data() == "学生B"
    assert pane.users_model.index(0, 4).data() == 1


def test_add_rename_and_bad_name(qtbot, qloop, bridge):
    """Roster edits go through the workspace; a bad name is shown under the roster."""
    pane = make_pane(qtbot, bridge)

    async def scenario():
        await pane.change_persona("personas.add", {"name": "家长"})
        await pane.change_persona("personas.rename", {"name": "家长", "newName": "妈妈"})
        await pane.change_persona("personas.add", {"name": "妈妈"})

    qloop.run_until_complete(scenario())
    names = [pane.personas_model.index(r, 0).data() for r in range(pane.personas_model.rowCount())]
    assert names == ["学生A", "学生B", "老师", "妈妈"]
    assert "already a persona" in pane.roster_message.text()


def test_delete_asks_first(qtbot, qloop, bridge, monkeypatch):
    """Delete confirms; "No" keeps the persona, "Yes" removes it."""
    pane = make_pane(qtbot, bridge)
    pane.roster.selectRow(2)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))

    async def scenario():
        pane._on_delete_clicked()
        await eventually(lambda: True)
        assert len(bridge.personas()) == 3
        pane._on_delete_clicked()
        await eventually(lambda: len(bridge.personas()) == 2)

    qloop.run_until_complete(scenario())
    assert [p.name for p in bridge.personas()] == ["学生A", "学生B"]


def test_copy_openid(qtbot, qloop, bridge):
    pane = make_pane(qtbot, bridge)
    pane.roster.selectRow(1)
    settle(qloop, bridge)  # selecting a persona loads its phone number
    pane._on_copy_clicked()
    assert QGuiApplication.clipboard().text() == bridge.personas()[1].openid


def test_actions_without_selection_say_so(qtbot, bridge):
    pane = make_pane(qtbot, bridge)
    pane._on_rename_clicked()
    assert "Select a persona" in pane.roster_message.text()
