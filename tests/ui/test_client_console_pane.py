"""The client console: mini program code run as the acting persona."""

from __future__ import annotations

import json


from app.ui.panes.client_console_pane import EXAMPLE, ClientConsolePane


def test_same_code_as_two_personas(qtbot, qloop, demo):
    """The trainer's demo: todos is PRIVATE, so 学生A and 学生B get their own documents."""
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    demo.set_acting_as("学生A")
    assert pane.run_button.text() == "Run as 学生A"
    qloop.run_until_complete(pane.run())
    mine = json.loads(pane.output.toPlainText())
    assert mine["errMsg"] == "collection.get:ok" and [d["_id"] for d in mine["data"]] == ["todo-a2", "todo-a3"]
    demo.set_acting_as("学生B")
    qloop.run_until_complete(pane.run())
    assert [d["_id"] for d in json.loads(pane.output.toPlainText())["data"]] == ["todo-b1"]
    assert pane.history.count() == 2 and "学生B" in pane.history.item(0).text()
    pane.history.itemClicked.emit(pane.history.item(1))
    assert pane.editor.toPlainText() == EXAMPLE
    assert demo.workspace.events.recent()[-1].persona == "学生B"


def test_statements_logs_and_rejections(qtbot, qloop, demo):
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    pane.editor.setPlainText("const r = await wx.cloud.callFunction({name: 'login'})\nconsole.log('hi')\nreturn r.result")
    qloop.run_until_complete(pane.run())
    assert pane.output.toPlainText().startswith("[log] hi")
    pane.editor.setPlainText("await wx.cloud.database().collection('grades').get()")
    qloop.run_until_complete(pane.run())
    assert "-502003 database permission denied" in pane.message.text()
