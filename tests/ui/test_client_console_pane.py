"""The client console: mini program code run as the acting persona."""

from __future__ import annotations

import json


from app.ui.panes.client_console_pane import EXAMPLE, ClientConsolePane
from app.ui.timeline import TimelineView
from tests.ui.conftest import eventually


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
    last = demo.recent_events()[-1]  # the console's run, logged once it finished
    assert last.action == "client.runSnippet" and last.params["persona"] == "学生B"


def test_statements_logs_and_rejections(qtbot, qloop, demo):
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    pane.editor.setPlainText("const r = await wx.cloud.callFunction({name: 'login'})\nconsole.log('hi')\nreturn r.result")
    qloop.run_until_complete(pane.run())
    assert pane.output.toPlainText().startswith("[log] hi")
    pane.editor.setPlainText("await wx.cloud.database().collection('grades').get()")
    qloop.run_until_complete(pane.run())
    assert "-502003 database permission denied" in pane.message.text()


def test_the_run_is_one_console_request_with_the_code_s_requests_nested_under_it(qtbot, qloop, demo):
    """The snippet's own requests carry the runSnippet event as their parent in the timeline."""
    pane = ClientConsolePane(demo)
    timeline = TimelineView(demo)
    qtbot.addWidget(pane)
    qtbot.addWidget(timeline)
    demo.set_acting_as("学生A")
    before = len(demo.recent_events())

    async def scenario():
        await pane.run()
        await eventually(lambda: timeline.model.rowCount() == 3)

    qloop.run_until_complete(scenario())
    events = demo.recent_events()[before:]
    runs = [e for e in events if e.action == "client.runSnippet"]
    assert len(runs) == 1 and runs[0].caller_kind == "console" and runs[0].outcome == "ok"
    inner = [e for e in events if e is not runs[0]]
    assert [e.action for e in inner] == ["auth.initCloud", "database.getDocument"]
    assert all(e.parent_id == runs[0].id for e in inner)
    assert {e.persona for e in inner} == {"学生A"} and all(e.caller_kind == "client" for e in inner)
    shown = [timeline.model.event_at(row) for row in range(3)]  # the run, then what it did, newest first
    assert [e.action for e in shown] == ["client.runSnippet", "database.getDocument", "auth.initCloud"]
    assert [timeline.model.depth(e) for e in shown] == [0, 1, 1]


def test_the_notices_example_shows_the_subset_rule_failing_then_passing(qtbot, qloop, demo):
    """The demo's notices are under security rules: 学生A's get() alone is refused whole (the
    timeline names the missing condition); where({published: true}) gets the published two."""
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    examples = pane.examples_menu.actions()
    assert examples[0].data() == EXAMPLE  # the editor's first text stays the first example
    notices = next(a for a in examples if a.text() == "Notices: the query must match the rule")
    notices.trigger()
    assert "where({published: true})" in pane.editor.toPlainText()
    demo.set_acting_as("学生A")
    before = len(demo.recent_events())
    qloop.run_until_complete(pane.run())
    shown = json.loads(pane.output.toPlainText())
    assert shown["withoutWhere"] == "collection.get:fail -502003 database permission denied | errMsg: Permission denied"
    assert [d["_id"] for d in shown["published"]] == ["notice-1", "notice-2"]
    assert all(d["published"] is True for d in shown["published"])
    gets = [e for e in demo.recent_events()[before:] if e.action == "database.getDocument"]
    assert [e.outcome for e in gets] == ["denied", "ok"]
    assert "your query has no condition on published; add published: true" in gets[0].permission_reason
    assert "✔ 学生A" in pane.history.item(0).text()
