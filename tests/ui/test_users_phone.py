"""The Users pane's phone numbers (openapi.md §7.4): each persona's number shown, edited with
validation (errors in Chinese under the row), kept in the workspace; the getPhoneNumber policy."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from app.core.requests import Caller, Request
from app.ui.panes.users_pane import UsersPane
from tests.ui.conftest import eventually


def make_pane(qtbot, bridge) -> UsersPane:
    pane = UsersPane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    return pane


def saved(workspace, name: str) -> dict:
    listed = workspace.handle(Request("opendata.personas", {}, Caller.console()))["personas"]
    return next(p for p in listed if p["name"] == name)


def select(qloop, pane: UsersPane, workspace, name: str) -> None:
    """Select ``name`` in the roster and wait until the row below shows what the workspace has."""
    row = next(r for r in range(pane.personas_model.rowCount()) if pane.personas_model.index(r, 0).data() == name)
    pane.roster.selectRow(row)
    expected = saved(workspace, name)

    async def loaded():
        await eventually(lambda: (pane.phone_edit.text(), pane.phone_policy.currentData())
                         == (expected["phoneNumber"], expected["phonePolicy"]))

    qloop.run_until_complete(loaded())


def test_the_selected_personas_number_is_shown_and_a_valid_edit_is_kept(qtbot, qloop, bridge, workspace):
    pane = make_pane(qtbot, bridge)
    select(qloop, pane, workspace, "学生B")
    assert re.fullmatch(r"1[3-9]\d{9}", pane.phone_edit.text())
    pane.phone_edit.setText("+86 139 0000 1234")

    async def scenario():
        qtbot.mouseClick(pane.phone_save, Qt.MouseButton.LeftButton)
        await eventually(lambda: pane.phone_edit.text() == "13900001234")

    qloop.run_until_complete(scenario())
    assert pane.phone_message.isVisible() and "13900001234" in pane.phone_message.text()
    assert (saved(workspace, "学生B")["phoneNumber"], saved(workspace, "学生B")["edited"]) == ("13900001234", True)
    select(qloop, pane, workspace, "学生A")
    assert pane.phone_edit.text() != "13900001234"


def test_an_invalid_number_is_refused_in_chinese_where_it_was_typed(qtbot, qloop, bridge, workspace, zh):
    pane = make_pane(qtbot, bridge)
    select(qloop, pane, workspace, "学生A")
    before = saved(workspace, "学生A")["phoneNumber"]
    pane.phone_edit.setText("12345")

    async def scenario():
        qtbot.keyClick(pane.phone_edit, Qt.Key.Key_Return)
        await eventually(pane.phone_message.isVisible)

    qloop.run_until_complete(scenario())
    assert "不是中国大陆手机号" in pane.phone_message.text() and "12345" in pane.phone_message.text()
    assert saved(workspace, "学生A")["phoneNumber"] == before


def test_the_button_policy_is_saved_per_persona(qtbot, qloop, bridge, workspace):
    pane = make_pane(qtbot, bridge)
    select(qloop, pane, workspace, "学生A")
    deny = pane.phone_policy.findData("deny")

    async def scenario():
        pane.phone_policy.setCurrentIndex(deny)
        pane.phone_policy.activated.emit(deny)  # what choosing it in the list sends
        await eventually(lambda: saved(workspace, "学生A")["phonePolicy"] == "deny")

    qloop.run_until_complete(scenario())
    assert saved(workspace, "学生B")["phonePolicy"] == "allow"
    select(qloop, pane, workspace, "学生B")
    select(qloop, pane, workspace, "学生A")  # back to A: deny again, from the workspace


def test_renaming_the_selected_persona_keeps_it_chosen_with_its_number(qtbot, qloop, bridge, workspace):
    """The roster is rebuilt when a persona changes: the same persona stays chosen, its number shown."""
    pane = make_pane(qtbot, bridge)
    select(qloop, pane, workspace, "学生B")
    number = pane.phone_edit.text()

    async def rename():
        await pane.change_persona("personas.rename", {"name": "学生B", "newName": "学生乙"})
        await eventually(lambda: pane._current() is not None and pane._current().name == "学生乙")

    qloop.run_until_complete(rename())
    assert pane.phone_edit.text() == number == saved(workspace, "学生乙")["phoneNumber"]
