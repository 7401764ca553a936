"""Core's database reasons and errors are said in Chinese in the Chinese UI (permission modes,
security rules, refusals, parameter errors, import and export, the console's boxes, aggregation),
while core's English (the CLI's, the gateway's errMsg) stays word for word."""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import Qt

from app.core.api import CloudError, InputError
from app.core.database import files as database_files
from app.core.database.permissions import ADMINONLY, PRIVATE, decide
from app.core.database.rules_guard import custom_rules
from app.core.database.transfer import LineError, parse_field_list, parse_import
from app.core.requests import Caller, Request
from app.ui.bridge import ADMIN
from app.ui.panes.database.transfer import TransferBar
from app.ui.reason_texts import error_text, say
from tests.ui.conftest import chinese, eventually, raised
from tests.ui.test_database_aggregate import aggregate, switch_to_aggregate
from tests.ui.test_database_pane import open_pane, run, settle

OWNER_RULES = {"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}


def console(workspace, action: str, **params) -> dict:
    return workspace.handle(Request(action, params, Caller.console()))


def test_permission_mode_reasons(qapp):
    student = Caller.client("oA", "wxapp", persona="学生A")
    private = decide(PRIVATE, student, "read", "todos")
    assert private.reason == "todos is PRIVATE (仅创建者及管理员可读写): 学生A sees only the documents they created"
    refused = decide(ADMINONLY, Caller.client(None, "wxapp"), "read", "grades")
    with chinese():
        assert say(private.why) == "集合 todos 的权限是 PRIVATE（仅创建者及管理员可读写）：学生A 只能看到自己创建的记录"
        assert say(refused.why) == "集合 grades 的权限是 ADMINONLY（仅管理员可读写）：小程序用户既不能读也不能写"
        signed_out = decide(PRIVATE, Caller.client(None, "wxapp"), "create", "todos")
        assert say(signed_out.why).endswith("未登录的访客没有 openid，不能拥有记录")


def test_security_rule_reasons_and_the_view_as_tooltips(qapp, demo_workspace):
    console(demo_workspace, "database.setPermission", collectionName="todos", mode="CUSTOM", rules=OWNER_RULES)
    result = console(demo_workspace, "database.runQuery", collectionName="todos", viewer={"persona": "学生A"})
    hidden = dict(zip([d["_id"] for d in result["documents"]], result["hiddenReasons"]))
    english = dict(zip([d["_id"] for d in result["documents"]], result["hidden"]))
    assert "is false for 学生A on document 'todo-b1'" in english["todo-b1"]  # core's words, unchanged
    with chinese():
        said = say(hidden["todo-b1"])
        assert said == "集合 todos 设置了安全规则：read 规则（doc._openid == auth.openid）对 学生A 不成立（记录 'todo-b1'）"
        assert say(result["reason"]).startswith("集合 todos 设置了安全规则：read 规则 必须对查询可能返回的每条记录都成立")
        error = raised(lambda: custom_rules(None, "CUSTOM", None))
        assert str(error).startswith('CUSTOM needs the security rules, e.g. {"read": ')
        assert error_text(error).startswith('CUSTOM 模式需要安全规则，例如 {"read": ')
        assert error_text(raised(lambda: custom_rules(OWNER_RULES, "PRIVATE", None))) == (
            "安全规则只能与 CUSTOM 模式一起设置，不能与 PRIVATE 一起设置。")


def test_service_errors_keep_the_backends_words_and_say_them_in_chinese(qapp, demo_workspace):
    bad_name = raised(lambda: console(demo_workspace, "database.addCollection", collectionName="bad name"))
    assert isinstance(bad_name, CloudError) and bad_name.detail.startswith("invalid collection name 'bad name'")
    exists = raised(lambda: console(demo_workspace, "database.addCollection", collectionName="todos"))
    assert exists.detail == "Table exist: todos"
    missing = raised(lambda: console(demo_workspace, "database.getDocument", collectionName="nosuch"))
    assert missing.detail.endswith("contact us. Db or Table not exist: nosuch")
    no_name = raised(lambda: console(demo_workspace, "database.getDocument"))
    with chinese():
        assert error_text(bad_name) == ("参数无效（-501007）：集合名 'bad name' 无效：请使用字母、数字、- 和 _，"
                                        "以字母或数字开头，最多 32 个字符")
        assert error_text(exists) == "数据库请求失败（-502001）：集合 todos 已存在"
        assert error_text(missing) == "集合不存在（-502005）：[ResourceNotFound] 集合 nosuch 不存在，请检查请求"
        assert error_text(no_name) == "参数无效（-501007）：需要 collectionName（集合名）"


def test_aggregation_errors_name_the_stage_in_chinese(qapp, demo_workspace):
    def pipeline(*stages):
        return lambda: console(demo_workspace, "database.aggregateDocuments", collectionName="todos",
                               stages=[{"stageKey": key, "stageValue": value} for key, value in stages])

    unknown = raised(pipeline(("$match", "{}"), ("$nosuch", "{}")))
    assert unknown.detail == "$nosuch (stage 2): Unrecognized pipeline stage name: '$nosuch'"
    facet = raised(pipeline(("$facet", '{"a": []}')))
    with chinese():
        assert error_text(unknown) == "数据库命令无效（-502002）：$nosuch（第 2 个阶段）：无法识别的流水线阶段名：'$nosuch'"
        assert error_text(facet).endswith("$facet（第 1 个阶段）：$facet 阶段中的子流水线不能为空：a")


def test_import_and_export_errors(qapp, tmp_path):
    parsed = parse_import(io.StringIO('{"a": 1}\n{"a": 1,}\n[1]\n{"_id": true}\n'), "jsonl")
    assert [e.message for e in parsed.errors][1:] == [
        "Line 3: each line must be one JSON object, not an array",
        "Line 4: _id must be a string or a number, not true/false",
    ]
    assert parsed.errors[1] == LineError(3, "Line 3: each line must be one JSON object, not an array")
    array = raised(lambda: parse_import(io.StringIO("[{}]\n"), "jsonl"))
    header = raised(lambda: parse_import(io.StringIO("a,a\n1,2\n"), "csv"))
    empty = raised(lambda: parse_field_list(" "))
    unreadable = raised(lambda: database_files.import_file(
        lambda request: {}, "todos", tmp_path / "nosuch.json", fmt="jsonl", upsert=False, atomic=True,
        source="wxsim_console"))
    with chinese():
        said = [say(e.why) for e in parsed.errors]
        assert said[0].startswith("第 2 行：不是有效的 JSON（第 9 列：")
        assert said[1:] == ["第 3 行：每行必须是一个 JSON 对象，而不是数组", "第 4 行：_id 必须是字符串或数字，而不是true/false"]
        assert error_text(array).startswith("第 1 行：这是一个 JSON 数组文件。")
        assert error_text(header) == "第 1 行（表头）：字段“a”出现了两次"
        assert error_text(empty) == "字段列表为空：请写出字段名，例如 _id,name,age"
        assert error_text(unreadable).startswith(f"无法读取 {tmp_path / 'nosuch.json'}：")


def test_the_import_report_says_each_bad_line_in_chinese(qtbot, qloop, demo, tmp_path):
    pane = open_pane(qtbot, qloop, demo)
    bad = Path(tmp_path / "bad.json")
    bad.write_text('{"title": "ok"}\n{"$x": 1}\n', encoding="utf-8")
    with chinese():
        qloop.run_until_complete(pane.transfer.import_file(bad))
        assert pane.message.text().splitlines()[1:] == ["第 2 行：字段名“$x”以“$”开头，这是操作符专用的"]
    assert isinstance(pane.transfer, TransferBar)
    settle(qloop, pane)


def test_the_answer_line_tooltips_and_box_errors_in_chinese(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo, "todos")
    with chinese():
        run(qloop, pane, where="{done: false}", viewer="学生A")
        struck = next(r for r in range(pane.documents.rowCount())
                      if pane.documents.index(r, 0).data(Qt.ItemDataRole.ToolTipRole))
        assert pane.documents.index(struck, 0).data(Qt.ItemDataRole.ToolTipRole) == (
            "学生A 看不到这条记录：集合 todos 的权限是 PRIVATE（仅创建者及管理员可读写）：学生A 只能看到自己创建的记录")
        run(qloop, pane, "{done: false")
        assert pane.answer.text() == "where：第 1 行，第 13 列：SyntaxError: 输入意外结束"
        pane.query_bar.where_edit.setText("")
        pane.collection_view.selectRow(pane.collections.row_of("grades"))
        qloop.run_until_complete(eventually(lambda: (pane._last_query or {}).get("collectionName") == "grades"))
        run(qloop, pane, viewer="学生B")
        assert pane.answer.text() == ("学生B：数据库权限不足（-502003）：集合 grades 的权限是 ADMINONLY（仅管理员可读写）："
                                      "小程序用户既不能读也不能写")
        assert pane.answer.toolTip().startswith("“collection.get:fail -502003 database permission denied")
        switch_to_aggregate(qloop, demo, pane)
        aggregate(qloop, demo, pane, ".count('n')", viewer="学生B")
        assert pane.answer.text().startswith("学生B：数据库权限不足（-502003）：集合 grades 的权限是 ADMINONLY")
        aggregate(qloop, demo, pane, ".nosuch()", viewer=ADMIN)
        assert pane.answer.text().startswith("pipeline：")
    settle(qloop, pane)


def test_limits_and_transactions(qapp, demo_workspace):
    from app.core.database import limits

    too_large = limits.too_large(17_000_000, update=False)
    assert too_large.detail == "object to insert too large. size in bytes: 17000000, max size: 16777216"
    deep = limits.too_deep(update=True)
    assert deep.detail == "cannot update document because it exceeds 100 levels of nesting"
    unknown = raised(lambda: demo_workspace.handle(Request("database.commitTransaction", {"transactionId": "nope"},
                                                           Caller.admin("scf"))))
    assert unknown.detail.startswith("[ResourceUnavailable.TransactionNotExist] Transaction does not exist")
    with chinese():
        assert error_text(too_large) == "数据库请求失败（-502001）：要插入的记录太大：17000000 字节，最多 16777216 字节"
        assert error_text(deep) == "数据库请求失败（-502001）：无法更新记录：嵌套超过 100 层"
        assert error_text(limits.not_finite()).startswith("参数无效（-501007）：数字是 NaN 或 Infinity")
        assert error_text(unknown) == ("资源系统错误（-501001）：[ResourceUnavailable.TransactionNotExist] 事务不存在："
                                       "事务已提交、已回滚，或超过 30 秒未提交或回滚")


def test_what_an_allowed_request_did_is_said_in_chinese(qapp, demo_workspace):
    """The decision of an allowed read or write ends with what it did ("— 2 条记录")."""
    from app.core.api import WorkspaceApi
    from app.ui.reason_texts import event_why

    api = WorkspaceApi(demo_workspace)
    api.request("client.runSnippet", {"persona": "学生B", "code": "return await wx.cloud.database().collection('todos').get()"})
    read = next(e for e in reversed(api.recent_events()) if e.action == "database.getDocument")
    assert read.permission_reason.endswith(" — 2 document(s)")  # core's English, as the log keeps it
    with chinese():
        assert event_why(read).endswith(" — 2 条记录")
