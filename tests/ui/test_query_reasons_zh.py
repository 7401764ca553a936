"""Query, update and projection operator errors (what a trainer sees after typing a wrong operator
in the query bar or in client code) and storage refusals naming the uploader by persona are said in
Chinese in the Chinese UI, while core's English (the CLI's, the gateway's errMsg) stays word for word."""

from __future__ import annotations

import regex

from app.core.api import CloudError
from app.core.database.projection import compile_projection
from app.core.database.query import compile_query
from app.core.database.regex_budget import timed_out
from app.core.database.update import apply_update
from app.core.storage.permissions import StorageDenied
from app.ui.reason_texts import error_text, say
from tests.ui.conftest import chinese, raised


def test_query_operator_errors(qapp):
    unknown = raised(lambda: compile_query({"score": {"$gte ": 60}}))
    top = raised(lambda: compile_query({"$nor ": []}))
    nin = raised(lambda: compile_query({"tags": {"$nin": "a"}}))
    bad_regex = raised(lambda: compile_query({"name": {"$regex": "("}}))
    assert isinstance(unknown, CloudError) and unknown.code == -502002
    assert unknown.detail == "unknown operator: $gte "
    assert top.detail == "unknown top level operator: $nor "
    assert nin.detail == "$nin needs an array"
    assert bad_regex.detail.startswith("Regular expression is invalid: missing ), unterminated subpattern")
    with chinese():
        assert say(unknown.reason) == "未知的操作符：$gte "
        assert error_text(unknown).endswith("：未知的操作符：$gte ")
        assert say(top.reason) == "未知的顶层操作符：$nor "
        assert error_text(nin).endswith("：$nin 需要一个数组")
        assert say(bad_regex.reason).startswith("正则表达式无效：missing )")


def test_regex_time_limit_keeps_its_format_spec(qapp):
    error = timed_out(regex.compile("(a|a)+$"), 0.5)
    assert "took more than the 0.5 s a query may spend" in error.detail
    with chinese():
        assert say(error.reason) == ("操作超时（MaxTimeMSExpired）：匹配正则表达式 /(a|a)+$/ 超过了一次查询可用于正则表达式的 "
                                     "0.5 秒；(a|a)+ 这类嵌套重复的模式会指数级回溯")


def test_update_operator_errors(qapp):
    doc = {"_id": "t1", "n": 1, "tags": "x"}
    inc = raised(lambda: apply_update(doc, {"$inc": {"n": "2"}}))
    push = raised(lambda: apply_update(doc, {"$push": {"tags": "y"}}))
    unknown = raised(lambda: apply_update(doc, {"$incr": {"n": 1}}))
    conflict = raised(lambda: apply_update(doc, {"$set": {"a": 1, "a.b": 2}}))
    id_change = raised(lambda: apply_update(doc, {"$set": {"_id": "t2"}}))
    assert inc.detail == "Cannot increment with non-numeric argument: {n: '2'}"
    assert push.detail == "The field 'tags' must be an array but is of type string in document {_id: 't1'} ($push)"
    assert unknown.detail == "Unknown modifier: $incr" and unknown.code == -502002
    assert conflict.detail == "Updating the path 'a.b' would create a conflict at 'a'"
    assert id_change.detail == "不能更新_id的值" and id_change.code == -501007
    with chinese():
        assert say(inc.reason) == "不能用非数字参数做 $inc：{n: '2'}"
        assert say(push.reason) == "记录 {_id: 't1'} 的字段 'tags' 必须是数组，但它的类型是 string（$push）"
        assert say(unknown.reason) == "未知的更新操作符：$incr"
        assert say(conflict.reason) == "更新路径 'a.b' 会与 'a' 冲突"
        assert say(id_change.reason) == "不能更新_id的值"


def test_projection_errors(qapp):
    mixed = raised(lambda: compile_projection({"name": 1, "score": 0}))
    unknown = raised(lambda: compile_projection({"tags": {"$first": 1}}))
    assert mixed.detail == "Cannot do exclusion on field score in inclusion projection"
    assert unknown.detail == "Unknown projection operator $first"
    with chinese():
        assert say(mixed.reason) == "包含式投影中不能排除字段 score"
        assert error_text(unknown).endswith("：未知的投影操作符 $first")


def test_storage_refusal_names_the_uploader_by_persona(qapp, demo_workspace):
    teacher = demo_workspace.identity.persona("老师").openid
    student = demo_workspace.client_caller("学生B")
    denied = raised(lambda: demo_workspace.storage.check(student, "write", "images/campus.jpg"))
    assert isinstance(denied, StorageDenied) and denied.code == -503002
    assert denied.detail == (
        "storage is READONLY (所有用户可读，仅创建者可读写): only the uploader of images/campus.jpg may "
        f"overwrite or delete it (uploaded by 老师 ({teacher})), not 学生B")
    with chinese():
        assert say(denied.reason) == (
            f"存储权限为 READONLY（所有用户可读，仅创建者可读写）：只有 images/campus.jpg 的上传者可以覆盖或删除它"
            f"（由 老师（{teacher}）上传），学生B 不行")
