"""Storage's and the security-rules language's reasons and errors, said in Chinese in the Chinese
UI, while core's English (CLI, errMsg, events.jsonl) stays word for word what it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.api import CloudError, InputError
from app.core.requests import Caller
from app.core.rules.evaluate import Scope, evaluate
from app.core.rules.parser import parse
from app.core.rules.ruleset import database_rules, storage_rules
from app.core.rules.subset import prove
from app.core.storage.cloudpaths import FileIds, normalize_cloud_path
from app.core.storage.permissions import PRIVATE, READONLY, StorageDenied, decide
from app.core.storage.rules import checked_rules, decide_by_rules
from app.core.storage.service import missing
from app.core.storage.tempurl import BadMaxAge, check_max_age
from app.ui.panes.storage.models import FilesModel
from app.ui.panes.storage.pane import item_error
from app.ui.reason_texts import error_text, say
from tests.ui.conftest import eventually
from tests.ui.test_storage_pane import cells, open_pane, select

A = Caller.client("oA-openid", "wxabc", persona="学生A")
B = Caller.client("oB-openid", "wxabc", persona="学生B")
VISITOR = Caller.client(None, "wxabc")


def english(thunk) -> BaseException:
    with pytest.raises(Exception) as caught:
        thunk()
    return caught.value


# -- simple storage modes ----------------------------------------------------------------------

def test_a_mode_decision_keeps_its_english_and_is_said_in_chinese(zh):
    refused = decide(READONLY, B, "write", "a/x.png", A.openid, exists=True)
    assert refused.reason == ("storage is READONLY (所有用户可读，仅创建者可读写): only the uploader of a/x.png may "
                              "overwrite or delete it (uploaded by oA-openid), not 学生B")
    assert say(refused.why) == ("存储权限为 READONLY（所有用户可读，仅创建者可读写）：只有 a/x.png 的上传者可以覆盖或"
                                "删除它（由 oA-openid 上传），学生B 不行")
    visitor = decide(PRIVATE, VISITOR, "read", "a/x.png", A.openid, exists=True)
    assert visitor.reason.endswith(": a signed-out visitor owns no files to read")
    assert say(visitor.why).endswith("：未登录的访客没有可读取的文件")
    admin = decide(PRIVATE, Caller.admin("scf"), "read", "a/x.png", None, exists=True)
    assert say(admin.why) == "scf 以管理员身份运行：不受存储权限限制"


def test_a_storage_denial_says_the_code_once_then_the_reason(zh):
    error = StorageDenied(decide(READONLY, B, "write", "a/x.png", None, exists=True))
    assert str(error) == ("storage permission denied. storage is READONLY (所有用户可读，仅创建者可读写): only the "
                          "uploader of a/x.png may overwrite or delete it (uploaded by an admin or added by hand, so "
                          "no user owns it), not 学生B")
    said = error_text(error)
    assert said.startswith("存储权限不足（-503002）：存储权限为 READONLY")
    assert said.endswith("（由管理员上传或手动添加，不属于任何用户），学生B 不行")
    assert "permission denied" not in said


# -- storage security rules --------------------------------------------------------------------

def test_a_rules_decision_with_an_evaluation_error(zh):
    rules = {"read": True, "write": "resource.openid == auth.openid"}
    refused = decide_by_rules(rules, VISITOR, "write", "a/x.png", A.openid, exists=True)
    assert refused.reason == ("storage has security rules: the write rule (resource.openid == auth.openid) is false "
                              "for a signed-out visitor on a/x.png: auth is null (the caller is signed out), so "
                              "auth.openid cannot be read")
    assert say(refused.why) == ("存储设置了安全规则：write 规则（resource.openid == auth.openid）对 未登录的访客 在 "
                                "a/x.png 上不成立：auth 为 null（调用者未登录），所以无法读取 auth.openid")
    no_rule = decide_by_rules({"read": True}, B, "write", "a/x.png", None, exists=False)
    assert no_rule.reason == ("storage has security rules but no write rule, so mini program users cannot upload, "
                              "overwrite or delete files")
    assert say(no_rule.why) == "存储设置了安全规则，但没有 write 规则，所以小程序用户不能上传、覆盖或删除文件"


def test_storage_rules_validation_errors(zh):
    error = english(lambda: checked_rules("READONLY", {"read": True}, None))
    assert str(error) == "Storage security rules go with the mode CUSTOM, not READONLY."
    assert error_text(error) == "存储安全规则只能配合 CUSTOM 模式使用，而不是 READONLY。"
    error = english(lambda: checked_rules("CUSTOM", None, None))
    assert str(error) == 'CUSTOM needs the storage security rules, e.g. {"read": true, "write": "resource.openid == auth.openid"}.'
    assert error_text(error) == 'CUSTOM 需要存储安全规则，例如 {"read": true, "write": "resource.openid == auth.openid"}。'


# -- the rules language ------------------------------------------------------------------------

def test_a_syntax_error_keeps_line_column_and_caret(zh):
    error = english(lambda: database_rules({"read": "auth != null &&\n  doc.x === 1"}))
    assert str(error) == ('The "read" rule, line 2, column 9: ===: use == (rules compare with == and !=)\n'
                          "      doc.x === 1\n"
                          "            ^")
    assert error_text(error) == ("“read”规则，第 2 行，第 9 列：===：请用 ==（规则用 == 和 != 比较）\n"
                                 "      doc.x === 1\n"
                                 "            ^")
    bare = english(lambda: parse("auth.openid == "))
    assert str(bare).startswith("Line 1, column 16: expected a value after '==', found the end of the expression\n")
    assert error_text(bare).startswith("第 1 行，第 16 列：'==' 后面应有一个值，却已到表达式结尾\n")
    found = english(lambda: parse("doc.x 'a'"))
    assert "expected an operator or the end, found a string" in str(found)
    assert "这里应为运算符或表达式结尾，却遇到字符串" in error_text(found)
    unknown = english(lambda: storage_rules({"read": "doc.x == 1"}))
    assert "unknown name 'doc'; a rule here can use auth, resource\n" in str(unknown)
    assert "未知的名称 'doc'；这里的规则可以使用 auth, resource\n" in error_text(unknown)


def test_ruleset_validation(zh):
    error = english(lambda: storage_rules({"read": True, "list": True}))
    assert str(error) == 'Unknown key "list" in the storage security rules; the keys are read, write.'
    assert error_text(error) == "存储安全规则中有未知的键“list”；可用的键是 read, write。"
    error = english(lambda: database_rules({"read": 1}))
    assert str(error) == 'The "read" rule must be true, false or an expression string, not a number.'
    assert error_text(error) == "“read”规则必须是 true、false 或表达式字符串，而不是数字。"
    error = english(lambda: database_rules([]))
    assert str(error).endswith(", not a list.")
    assert error_text(error).startswith("安全规则必须是 JSON 对象，例如 {")
    assert isinstance(error, InputError)


def test_evaluation_errors(zh):
    outcome = evaluate(parse("doc.tags.x in 3"), Scope(auth={"openid": "o"}, doc={"tags": None}))
    assert outcome.error == "doc.tags is null, so it has no field 'x'"
    assert say(outcome.why) == "doc.tags 为 null，没有字段 'x'"
    outcome = evaluate(parse("'a' in 3"), Scope(auth=None))
    assert outcome.error == "'in' needs a list on its right, not a number"
    assert say(outcome.why) == "'in' 右边需要列表，而不是数字"


def test_a_query_proof_says_what_to_add(zh):
    proof = prove(parse("doc._openid == auth.openid"), {}, Scope(auth={"openid": "oA"}), "oA")
    assert proof.reason == ("the rule needs doc._openid == auth.openid; your query has no condition on _openid; "
                            "add _openid: '{openid}'")
    assert say(proof.why) == ("规则要求 doc._openid == auth.openid；你的查询没有 _openid 的条件；"
                              "请加上 _openid: '{openid}'")
    either = prove(parse("doc.a == 1 || doc.b == 2"), {}, Scope(auth=None), None)
    assert either.reason.startswith("the rule needs doc.a == 1 || doc.b == 2; neither side holds for your query: ")
    assert say(either.why).startswith("规则要求 doc.a == 1 || doc.b == 2；对你的查询两边都不成立：")


# -- paths, files and parameters ---------------------------------------------------------------

def test_cloud_path_and_file_id_errors(zh):
    error = english(lambda: normalize_cloud_path("/a.png"))
    assert str(error) == "invalid parameters. cloudPath must not start with '/': write 'a.png', not '/a.png'"
    assert error_text(error) == "参数无效（-501007）：cloudPath 不能以 '/' 开头：请写 'a.png'，而不是 '/a.png'"
    error = english(lambda: normalize_cloud_path("a\u200bb"))
    assert "contains the invisible character U+200B (ZERO WIDTH SPACE) at position 1" in str(error)
    assert "在位置 1 包含不可见字符 U+200B（ZERO WIDTH SPACE）" in error_text(error)
    ids = FileIds("test-x1dzi", "1257000000")
    error = english(lambda: ids.path_of("cloud://test-x1dzi.7465-test-x1dzi-1257000000/a/../b"))
    assert str(error).endswith("the cloudPath of 'cloud://test-x1dzi.7465-test-x1dzi-1257000000/a/../b' must not "
                               "contain a '..' folder")
    assert error_text(error).endswith("'cloud://test-x1dzi.7465-test-x1dzi-1257000000/a/../b' 的 cloudPath 不能包含 "
                                      "'..' 文件夹")


def test_service_and_parameter_errors(zh):
    error = CloudError(-503003, missing("a/b.txt"))
    assert str(error) == "storage file not exists. a/b.txt does not exist"
    assert error_text(error) == "文件不存在（-503003）：a/b.txt 不存在"
    bad = english(lambda: check_max_age(0, "file_list[0].max_age"))
    assert isinstance(bad, BadMaxAge) and isinstance(bad, ValueError)
    assert str(bad) == "file_list[0].max_age must be between 1 and 315360000 seconds, not 0"
    assert say(bad.reason) == "file_list[0].max_age 必须在 1 到 315360000 秒之间，而不是 0"


def test_a_batch_item_error_loses_the_doubled_code_words(zh):
    why = decide(READONLY, B, "write", "a/x.png", None, exists=True).why
    refused = item_error({"code": "STORAGE_EXCEED_AUTHORITY", "message": str(StorageDenied(
        decide(READONLY, B, "write", "a/x.png", None, exists=True)))}, _Row("a/x.png"), why.to_dict())
    assert refused.detail == why.text  # once: "storage permission denied. <reason>", never twice
    assert error_text(refused).startswith("存储权限不足（-503002）：存储权限为 READONLY")
    gone = item_error({"code": "STORAGE_FILE_NONEXIST", "message": "storage file not exists. a/x.png does not exist"},
                      _Row("a/x.png"), why.to_dict())
    assert str(gone) == "storage file not exists. a/x.png does not exist"
    assert error_text(gone) == "文件不存在（-503003）：a/x.png 不存在"
    other = item_error({"code": "STORAGE_EXCEED_AUTHORITY", "message": "storage permission denied. changed"},
                       _Row("a/x.png"), why.to_dict())
    assert error_text(other) == "存储权限不足（-503002）：changed"  # not the listing's reason: core's words


class _Row:
    def __init__(self, path: str) -> None:
        self.path = path


# -- the storage pane --------------------------------------------------------------------------

def test_the_pane_says_refusals_and_rights_in_chinese(qtbot, qloop, demo, demo_workspace, zh):
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, qloop, demo)
    tip = pane.files.index(cells(pane, FilesModel.NAME).index("campus.jpg"), FilesModel.WRITE).data(
        Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("存储权限为 READONLY（所有用户可读，仅创建者可读写）：只有 images/campus.jpg 的上传者")
    select(pane, "campus.jpg")
    qloop.run_until_complete(pane.delete())
    said = pane.message.text()
    assert "存储权限不足（-503002）：存储权限为 READONLY" in said and "permission denied" not in said
    assert said.count("-503002") == 1


def test_the_preview_says_why_it_cannot_show_a_file(qtbot, qloop, demo, zh):
    qloop.run_until_complete(demo.request("storage.setPermission", {"mode": "PRIVATE"}))
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, qloop, demo)
    select(pane, "campus.jpg")
    qloop.run_until_complete(eventually(lambda: "存储权限不足" in pane.preview_none.text()))
    assert "只有 images/campus.jpg 的上传者可以读取它" in pane.preview_none.text()
    assert "permission denied" not in pane.preview_none.text()
