"""The functions pane over a real workspace and real JS workers."""

from __future__ import annotations

import json


from app.core.workspace import Workspace
from app.ui.bridge import ADMIN, WorkspaceBridge
from app.ui.panes.functions.pane import FunctionsPane
from tests.core.functions.test_runner import make_project


def open_pane(qtbot, bridge, name="login") -> FunctionsPane:
    pane = FunctionsPane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    pane.function_view.selectRow(pane.functions.row_of(name))
    return pane


def test_lists_the_project_functions(qtbot, demo):
    pane = open_pane(qtbot, demo)
    names = [pane.functions.function_at(r).name for r in range(pane.functions.rowCount())]
    assert names == ["callLogin", "dailyReport", "login", "todos", "uploadNote"]
    row = pane.functions.row_of("dailyReport")
    assert pane.functions.index(row, 2).data() == "0 * * * * * *"
    assert pane.functions.index(pane.functions.row_of("todos"), 1).data() == "5 s"


def test_seed_login_returns_the_persona_openid(qtbot, qloop, demo):
    """The seed's login function, unmodified, answers with the caller's openid."""
    pane = open_pane(qtbot, demo)
    pane.caller_box.setCurrentIndex(pane.caller_box.findData("学生B"))
    pane.payload.setPlainText("{}")
    qloop.run_until_complete(pane.run())
    assert json.loads(pane.result.toPlainText())["result"] == {"openid": demo.workspace.identity.persona("学生B").openid}
    assert "userInfo" in pane.logs.toPlainText()  # console.log(event) was captured
    assert "wx_client" in pane.summary.text() and pane.history.rowCount() == 1


def test_console_test_run_shows_the_error(qtbot, qloop, demo):
    pane = open_pane(qtbot, demo)
    pane.caller_box.setCurrentIndex(pane.caller_box.findData(ADMIN))
    qloop.run_until_complete(pane.run())
    assert "TypeError" in pane.summary.text() and "wx_devtools" in pane.summary.text()
    assert json.loads(pane.result.toPlainText())["errCode"] == -404011


def test_bad_payload_is_refused_inline(qtbot, qloop, demo):
    pane = open_pane(qtbot, demo)
    pane.payload.setPlainText("{x: ")
    qloop.run_until_complete(pane.run())
    assert "not valid JSON" in pane.message.text() and pane.history.rowCount() == 0


def test_payload_with_nan_is_refused_inline(qtbot, qloop, demo):
    """NaN used to reach the function and hang it to its timeout."""
    pane = open_pane(qtbot, demo)
    pane.payload.setPlainText('{"a": NaN}')
    qloop.run_until_complete(pane.run())
    assert "NaN is not a JSON number" in pane.message.text() and pane.history.rowCount() == 0


def test_presets_are_saved_per_function(qtbot, demo):
    pane = open_pane(qtbot, demo)
    pane.payload.setPlainText('{"action": "stats"}')
    pane.save_preset("统计")
    assert demo.workspace.function_presets("login") == {"统计": '{"action": "stats"}'}
    pane.payload.setPlainText("{bad")
    pane.save_preset("broken")
    assert "not valid JSON" in pane.message.text() and "broken" not in demo.workspace.function_presets("login")


def test_run_trigger_now(qtbot, qloop, tmp_path, qapp):
    project = make_project(tmp_path / "p", {"tick": "exports.main = async () => process.env.TCB_SOURCE"},
                           {"tick": {"triggers": [{"name": "t", "type": "timer", "config": "0 0 3 * * * *"}]}})
    ws = Workspace.open(tmp_path / "d", project)
    bridge = WorkspaceBridge(ws)
    try:
        pane = open_pane(qtbot, bridge, "tick")
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
    bridge = WorkspaceBridge(ws)
    try:
        pane = open_pane(qtbot, bridge, "a")
        (project / "cloudfunctions" / "b").mkdir()
        (project / "cloudfunctions" / "b" / "index.js").write_text("exports.main = async () => 2")
        pane.refresh_functions()
        assert pane.functions.row_of("b") == 1
    finally:
        bridge.close()
        ws.close()


def test_node_runtime_without_npm_install_says_so_and_offers_the_embedded_one(qtbot, demo):
    pane = open_pane(qtbot, demo, "todos")
    pane.set_runtime("node")
    assert demo.workspace.function_runtime("todos") == "node"
    assert "wx-server-sdk is not installed" in pane.message.text() or "Node.js was not found" in pane.message.text()
    assert pane.embedded_button.isVisible()
    pane.embedded_button.click()
    assert demo.workspace.function_runtime("todos") == "v8" and not pane.embedded_button.isVisible()
