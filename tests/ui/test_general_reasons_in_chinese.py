"""Core's persona, JSON text, project, workspace, functions and client console messages are said in
Chinese in the Chinese UI, while core's English (the CLI's, the gateway's) stays word for word."""

from __future__ import annotations

import json

from app.core import jsontext
from app.core.api import CloudError, InputError, ProjectError, WorkspaceApi
from app.core.event_export import export_events
from app.core.functions.catalog import read_function
from app.core.functions.runner import not_found
from app.core.functions.runtime.node import sdk_problem, sdk_reason
from app.core.functions.runtime.slots import WorkerSlots
from app.core.project import Project
from app.core.workspace import Workspace
from app.ui.panes.client_console_pane import ClientConsolePane
from app.ui.panes.functions.models import FunctionRow
from app.ui.reason_texts import error_text, say
from tests.ui.conftest import chinese, raised


def test_persona_errors(qapp, tmp_path):
    workspace = Workspace.open(tmp_path / "data", seed="s")
    try:
        api = WorkspaceApi(workspace)
        api.request("personas.add", {"name": "助教"})
        taken = raised(lambda: api.request("personas.add", {"name": "助教"}))
        colour = raised(lambda: api.request("personas.recolor", {"name": "助教", "color": "red"}))
        unknown = raised(lambda: api.client_caller("无名氏"))
        login = raised(lambda: api.request("auth.wxLogin", caller=api.client_caller(None)))
        assert str(taken) == "There is already a persona called “助教”."  # the CLI's words, unchanged
        assert str(colour) == "“red” is not a colour; use the #RRGGBB form, e.g. #07C160."
        with chinese():
            assert error_text(taken) == "已经有名为“助教”的角色。"
            assert error_text(colour) == "“red”不是颜色；请用 #RRGGBB 形式，例如 #07C160。"
            assert error_text(unknown) == "没有名为“无名氏”的角色。"
            assert error_text(login).startswith("wx.login 需要已登录的角色")
        assert error_text(taken) == str(taken)
    finally:
        workspace.close()


def test_json_text_errors_name_what_and_where(qapp):
    broken = raised(lambda: jsontext.loads('{"a": }'))
    assert str(broken) == "The JSON text: not valid JSON (Expecting value) (column 7)"
    deep = raised(lambda: jsontext.loads('{"a":\n NaN}', what="--data"))
    assert str(deep) == "--data: NaN is not a JSON number; use null or a finite number (line 2, column 2)"
    value = raised(lambda: jsontext.check_value({"a": {"b": float("inf")}}))
    assert str(value) == "The value: inf is not a JSON number; use null or a finite number (at a.b)"
    big = raised(lambda: jsontext.loads(b"[" + b"1," * 10 + b"1]", max_bytes=8))
    assert str(big) == "The JSON text: the text is 23 bytes; at most 8 are accepted"
    assert isinstance(broken, InputError) and broken.problem == "not valid JSON (Expecting value)"
    with chinese():
        assert error_text(broken) == "JSON 文本：不是有效的 JSON（此处应为一个值）（第 7 列）"
        assert error_text(deep) == "--data：NaN 不是 JSON 数字；请用 null 或有限的数字（第 2 行，第 2 列）"
        assert error_text(value) == "该值：inf 不是 JSON 数字；请用 null 或有限的数字（位于 a.b）"
        assert error_text(big) == "JSON 文本：文本有 23 字节；最多接受 8 字节"


def test_project_and_workspace_errors(qapp, tmp_path):
    missing = raised(lambda: Project.load(tmp_path / "nowhere"))
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "project.config.json").write_text("[1]", encoding="utf-8")
    not_object = raised(lambda: Project.load(tmp_path / "p"))
    (tmp_path / "file").write_text("x", encoding="utf-8")
    data_file = raised(lambda: Workspace.open(tmp_path / "file"))
    export = raised(lambda: export_events([], tmp_path / "file" / "out.jsonl", "jsonl"))
    assert isinstance(missing, ProjectError)
    assert str(missing) == f"The project folder {tmp_path / 'nowhere'} does not exist."
    with chinese():
        assert error_text(missing) == f"项目文件夹 {tmp_path / 'nowhere'} 不存在。"
        assert error_text(not_object) == f"{tmp_path / 'p' / 'project.config.json'} 必须是一个 JSON 对象。"
        assert error_text(data_file) == f"数据文件夹 {tmp_path / 'file'} 是一个文件，而不是文件夹。"
        assert error_text(export).startswith(f"无法在 {tmp_path / 'file'} 中写入：")


def test_function_errors_and_problems(qapp, tmp_path):
    folder = tmp_path / "cloudfunctions" / "f"
    folder.mkdir(parents=True)
    (folder / "index.js").write_text("exports.main = async () => 1", encoding="utf-8")
    (folder / "config.json").write_text('{"triggers": [{"type": "timer", "config": "1 2 3"}]}', encoding="utf-8")
    info = read_function(folder)
    assert info.problem == ("config.json: “1 2 3” has 3 fields; a timer trigger needs 7: second minute hour day "
                            "month week year, e.g. 0 0 2 1 * * *")
    assert sdk_problem(folder) == str(sdk_reason(folder))
    refusal = WorkerSlots(2).wait_refusal(1.5)
    assert str(refusal).endswith("within 1.50 seconds: all 2 the simulator runs at once (its worker process cap) "
                                 "stayed busy. Try again later, or raise the cap (max_workers).")
    answer = {"name": "f", "folder": str(folder), "timeoutSeconds": 3, "trigger": None, "modified": 0,
              "problem": info.problem, "problemWhy": info.problem_why.to_dict(), "runtime": "node",
              "nodeProblem": sdk_problem(folder), "nodeProblemWhy": sdk_reason(folder).to_dict()}
    with chinese():
        assert say(info.problem_why) == "config.json：“1 2 3”有 3 个字段；定时触发器需要 7 个：second minute hour day " \
                                        "month week year，例如 0 0 2 1 * * *"
        row = FunctionRow.from_answer(json.loads(json.dumps(answer)))  # as the remote link carries it
        assert row.problem.startswith("config.json：“1 2 3”有 3 个字段")
        assert row.node_problem == ("云函数 f 无法在 Node.js 上运行：它的文件夹中没有安装 wx-server-sdk。"
                                    "请在 cloudfunctions/f 中运行 `npm install`，或使用内置运行环境。")
        assert error_text(refusal).startswith("超过并发请求限制（-501004）：1.50 秒内没有空闲的云函数实例：模拟器同时运行的 "
                                              "2 个实例（工作进程上限）一直在忙。")
        assert error_text(CloudError(-501000, not_found())).endswith("（-501000）：找不到该云函数。")
    assert FunctionRow.from_answer(answer).problem == info.problem  # English: core's words


def test_a_function_that_is_missing_and_a_bad_event(qapp, tmp_path):
    workspace = Workspace.open(tmp_path / "data", seed="s")
    try:
        api = WorkspaceApi(workspace)
        missing = raised(lambda: api.request("functions.invokeFunction", {"function_name": "nope"}))
        bad = raised(lambda: api.request("functions.invokeFunction",
                                         {"function_name": "nope", "request_data": '{"a": NaN}'}))
        assert missing.detail == "FunctionName parameter could not be found."
        assert bad.detail == "request_data: NaN is not a JSON number; use null or a finite number (column 7)"
        with chinese():
            assert error_text(missing).endswith("：找不到该云函数。")
            assert error_text(bad).endswith("：request_data：NaN 不是 JSON 数字；请用 null 或有限的数字（第 7 列）")
    finally:
        workspace.close()


def test_client_console_says_core_s_reason_and_keeps_the_errmsg(qtbot, qloop, demo):
    """Signed out, wx.login is refused: the message says why in Chinese, the output keeps the errMsg."""
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    demo.set_acting_as(None)
    pane.editor.setPlainText("await wx.login()")
    with chinese():
        qloop.run_until_complete(pane.run())
        assert pane.message.text() == "wx.login 需要已登录的角色：请先在工具栏中选择一个角色。"
    assert "wx.login needs a signed-in persona" in pane.output.toPlainText()
    pane.editor.setPlainText("await wx.cloud.database().collection('grades').get()")
    demo.set_acting_as("学生A")
    with chinese():
        qloop.run_until_complete(pane.run())
        assert pane.message.text().startswith("数据库权限不足（-502003）")
    assert "-502003 database permission denied" in pane.output.toPlainText()
    qloop.run_until_complete(pane.run())
    assert "-502003 database permission denied" in pane.message.text()  # English: the errMsg as it is


def test_the_functions_pane_says_a_bad_event_and_a_failed_run(qapp):
    from app.core.api import Invocation
    from app.core.functions.runner import run_failed
    from app.core.functions.runtime.pool import timed_out
    from app.ui.panes.functions.pane import _payload

    english = raised(lambda: _payload('{"a": }'))
    assert str(english) == "The event is not valid JSON: Expecting value: line 1 column 7 (char 6)"
    run = Invocation("r1", "f", "wx_client", None, None, 0.0, 3000.0, {}, error=str(timed_out(3)),
                     timed_out=True, error_why=timed_out(3).to_dict())
    assert str(run_failed("r1", run)) == "requestID r1, Task timed out after 3.00 seconds"
    with chinese():
        said = error_text(raised(lambda: _payload('{"a": }')))
        assert said.endswith("此处应为一个值（第 7 列）") and "{error}" not in said
        assert say(run.error_why) == "运行超时：超过 3.00 秒"
        assert error_text(CloudError(-504002, run_failed("r1", run))).endswith("：requestID r1，运行超时：超过 3.00 秒")
