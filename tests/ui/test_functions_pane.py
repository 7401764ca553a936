"""The functions pane over a real workspace and real JS workers."""

from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from app.core.api import WorkspaceApi
from app.core.workspace import Workspace
from app.ui.bridge import ADMIN, WorkspaceBridge
from app.ui.panes.functions.pane import FunctionsPane
from tests.core.functions.test_runner import make_project
from tests.ui.conftest import eventually


def open_pane(qtbot, qloop, bridge, name="login") -> FunctionsPane:
    """Show the pane, wait for its list, select ``name`` and wait for its history."""
    pane = FunctionsPane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    qloop.run_until_complete(settle(bridge))  # the list is read on show and on activation
    pane.function_view.selectRow(pane.functions.row_of(name))
    qloop.run_until_complete(settle(bridge))
    return pane


async def settle(bridge, quiet: float = 0.3) -> None:
    """Until no request has been logged for ``quiet`` seconds (the pane's reads are requests).

    Tests leave the loop only when the pane is idle: qasync runs what is still in flight
    outside the loop once ``run_until_complete`` returns, where no request can start."""
    count = -1
    while count != len(bridge.recent_events()):
        count = len(bridge.recent_events())
        await asyncio.sleep(quiet)


def test_lists_the_project_functions(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    names = [pane.functions.function_at(r).name for r in range(pane.functions.rowCount())]
    assert names == ["callLogin", "checkText", "classReminder", "dailyReport", "login", "makePoster", "todos", "uploadNote"]
    row = pane.functions.row_of("dailyReport")
    assert pane.functions.index(row, 2).data() == "0 * * * * * *"
    assert pane.functions.index(pane.functions.row_of("todos"), 1).data() == "5 s"


def test_seed_login_returns_the_persona_openid(qtbot, qloop, demo, demo_workspace):
    """The seed's login function, unmodified, answers with the caller's openid."""
    pane = open_pane(qtbot, qloop, demo)
    pane.caller_box.setCurrentIndex(pane.caller_box.findData("学生B"))
    pane.payload.setPlainText("{}")
    qloop.run_until_complete(pane.run())
    assert json.loads(pane.result.toPlainText())["result"] == {"openid": demo_workspace.identity.persona("学生B").openid}
    assert "userInfo" in pane.logs.toPlainText()  # console.log(event) was captured
    assert "wx_client" in pane.summary.text() and pane.history.rowCount() == 1


def test_the_demo_login_works_for_every_caller_the_pane_offers(qtbot, qloop, demo, demo_workspace):
    """The default console test used to fail with "Cannot read properties of undefined
    (reading 'openId')": the demo's first click must work, whoever runs it."""
    pane = open_pane(qtbot, qloop, demo)
    pane.payload.setPlainText("{}")
    answers = {}
    for index in range(pane.caller_box.count()):
        pane.caller_box.setCurrentIndex(index)
        qloop.run_until_complete(pane.run())
        value = json.loads(pane.result.toPlainText())
        assert value["errMsg"] == "cloud.callFunction:ok", (pane.caller_box.itemText(index), value)
        answers[pane.caller_box.itemText(index)] = value["result"]["openid"]
    assert answers["Console test (no user)"] is None and answers["Signed out"] is None
    assert answers["学生B"] == demo_workspace.identity.persona("学生B").openid
    assert answers["Follow toolbar (学生A)"] == demo_workspace.identity.persona("学生A").openid
    pane.caller_box.select(ADMIN)
    qloop.run_until_complete(pane.run())
    assert "wx_devtools" in pane.summary.text() and not pane.error_location.isVisible()


def test_run_as_follows_the_toolbar_unless_overridden(qtbot, qloop, demo, demo_workspace):
    demo.set_acting_as("老师")
    pane = open_pane(qtbot, qloop, demo)
    pane.payload.setPlainText("{}")
    assert pane.caller_box.currentText() == "Follow toolbar (老师)"
    qloop.run_until_complete(pane.run())
    assert json.loads(pane.result.toPlainText())["result"]["openid"] == demo_workspace.identity.persona("老师").openid
    demo.set_acting_as("学生B")
    assert pane.caller_box.currentText() == "Follow toolbar (学生B)"
    qloop.run_until_complete(pane.run())
    assert json.loads(pane.result.toPlainText())["result"]["openid"] == demo_workspace.identity.persona("学生B").openid
    pane.caller_box.select("学生A")  # the pane's own choice wins over the toolbar
    demo.set_acting_as("老师")
    qloop.run_until_complete(pane.run())
    assert json.loads(pane.result.toPlainText())["result"]["openid"] == demo_workspace.identity.persona("学生A").openid


def test_errors_name_the_real_file_and_line_as_a_link(qtbot, qloop, tmp_path, qapp, monkeypatch):
    """"SyntaxError: Unexpected token 'const'" used to come with no file or line (the history
    said /var/user/index.js:3): the pane names the file on this computer and opens it."""
    project = make_project(tmp_path / "p", {
        "bad": "exports.main = async () => {\n  let x = 1\n  x++ const y = 2\n}\n",
        "throws": "const helper = require('./helper')\nexports.main = async () => helper()\n"})
    (project / "cloudfunctions" / "throws" / "helper.js").write_text("module.exports = () => {\n  return null.x\n}\n")
    ws = Workspace.open(tmp_path / "d", project)
    bridge = WorkspaceBridge(WorkspaceApi(ws))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    try:
        pane = open_pane(qtbot, qloop, bridge, "bad")
        qloop.run_until_complete(pane.run())
        index_js = (project / "cloudfunctions" / "bad" / "index.js").resolve()
        assert "SyntaxError: Unexpected token 'const'" in pane.summary.text()
        assert pane.error_location.isVisible()
        assert f"At {index_js}, line 3" in pane.error_location.text()
        assert f'href="{QUrl.fromLocalFile(str(index_js)).toString()}"' in pane.error_location.text()
        pane.error_location.linkActivated.emit(QUrl.fromLocalFile(str(index_js)).toString())
        assert [url.toLocalFile() for url in opened] == [str(index_js)]

        pane.function_view.selectRow(pane.functions.row_of("throws"))
        qloop.run_until_complete(pane.run())
        helper = (project / "cloudfunctions" / "throws" / "helper.js").resolve()
        assert "TypeError" in pane.summary.text() and f"At {helper}, line 2" in pane.error_location.text()
        pane.history_view.selectRow(0)  # the history row says where, too
        assert f"At {helper}, line 2" in pane.error_location.text()
        qloop.run_until_complete(settle(bridge))
    finally:
        bridge.close()
        ws.close()


def test_bad_payload_is_refused_inline(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    pane.payload.setPlainText("{x: ")
    qloop.run_until_complete(pane.run())
    assert "not valid JSON" in pane.message.text() and pane.history.rowCount() == 0


def test_payload_with_nan_is_refused_inline(qtbot, qloop, demo):
    """NaN used to reach the function and hang it to its timeout."""
    pane = open_pane(qtbot, qloop, demo)
    pane.payload.setPlainText('{"a": NaN}')
    qloop.run_until_complete(pane.run())
    assert "NaN is not a JSON number" in pane.message.text() and pane.history.rowCount() == 0


def test_presets_are_saved_per_function(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    pane.payload.setPlainText('{"action": "stats"}')
    qloop.run_until_complete(pane.save_preset("统计"))
    assert demo_workspace.state.function_presets("login") == {"统计": '{"action": "stats"}'}
    assert pane.preset_box.currentText() == "统计"
    pane.payload.setPlainText("{bad")
    qloop.run_until_complete(pane.save_preset("broken"))
    assert "not valid JSON" in pane.message.text() and "broken" not in demo_workspace.state.function_presets("login")
    pane.function_view.selectRow(pane.functions.row_of("todos"))  # presets are per function
    assert [pane.preset_box.itemText(i) for i in range(pane.preset_box.count())] == ["Hello World"]
    pane.function_view.selectRow(pane.functions.row_of("login"))
    qloop.run_until_complete(pane.delete_preset("统计"))
    qloop.run_until_complete(settle(demo))
    assert demo_workspace.state.function_presets("login") == {} and pane.preset_box.count() == 1


def test_run_trigger_now(qtbot, qloop, tmp_path, qapp):
    project = make_project(tmp_path / "p", {"tick": "exports.main = async () => process.env.TCB_SOURCE"},
                           {"tick": {"triggers": [{"name": "t", "type": "timer", "config": "0 0 3 * * * *"}]}})
    ws = Workspace.open(tmp_path / "d", project)
    bridge = WorkspaceBridge(WorkspaceApi(ws))
    try:
        pane = open_pane(qtbot, qloop, bridge, "tick")
        assert pane.trigger_button.isEnabled()
        qloop.run_until_complete(pane.run_trigger())
        assert pane.history.rowCount() == 1 and pane.history.invocation_at(0).source == "wx_trigger"
        assert pane.result.toPlainText().strip() == '"wx_trigger"'
    finally:
        bridge.close()
        ws.close()


def test_new_function_on_disk_appears(qtbot, qloop, tmp_path, qapp):
    project = make_project(tmp_path / "p", {"a": "exports.main = async () => 1"})
    ws = Workspace.open(tmp_path / "d", project)
    bridge = WorkspaceBridge(WorkspaceApi(ws))
    try:
        pane = open_pane(qtbot, qloop, bridge, "a")
        (project / "cloudfunctions" / "b").mkdir()
        (project / "cloudfunctions" / "b" / "index.js").write_text("exports.main = async () => 2")
        qloop.run_until_complete(pane.refresh_functions())
        assert pane.functions.row_of("b") == 1
    finally:
        bridge.close()
        ws.close()


def test_node_runtime_without_npm_install_says_so_and_offers_the_embedded_one(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo, "todos")
    qloop.run_until_complete(pane.set_runtime("node"))
    assert demo_workspace.state.function_runtime("todos") == "node"
    assert "wx-server-sdk is not installed" in pane.message.text() or "Node.js was not found" in pane.message.text()
    assert pane.embedded_button.isVisible()
    pane.embedded_button.click()
    qloop.run_until_complete(eventually(lambda: not pane.embedded_button.isVisible()))
    assert demo_workspace.state.function_runtime("todos") == "v8"
    pane.function_view.selectRow(pane.functions.row_of("login"))  # the choice is kept per function
    pane.function_view.selectRow(pane.functions.row_of("todos"))
    assert pane.runtime_box.currentData() == "v8"
    qloop.run_until_complete(settle(demo))  # the histories the selections asked for
