"""Every reason core can give has a Chinese text with the same placeholders, and the UI says it."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import QLocale

from app.core.api import CloudError, InputError, Reason
from app.core.reasons import placeholders
from app.ui.reason_texts import ZH, error_text, say

ROOT = Path(__file__).resolve().parents[2]


def core_reasons() -> dict[str, tuple[str, str]]:
    """Every ``Reason("id", "template", …)`` written in app/core: id -> (template, where)."""
    found: dict[str, tuple[str, str]] = {}
    for path in (ROOT / "app" / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Reason"
                    and len(node.args) >= 2 and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                rid, template = node.args[0].value, node.args[1].value
                assert found.get(rid, (template,))[0] == template, f"{rid} has two English texts ({where})"
                found[rid] = (template, where)
    return found


def test_core_gives_reasons():
    assert len(core_reasons()) >= 40  # the walk found them (an empty walk would pass the rest)


def test_every_reason_has_a_chinese_text_with_the_same_placeholders():
    missing = {rid: where for rid, (_, where) in core_reasons().items() if rid not in ZH}
    assert missing == {}
    differ = {
        rid: (sorted(placeholders(template)), sorted(placeholders(ZH[rid])))
        for rid, (template, _) in core_reasons().items()
        if placeholders(template) != placeholders(ZH[rid])
    }
    assert differ == {}


def test_no_chinese_text_is_left_without_a_reason():
    assert sorted(ZH.keys() - core_reasons().keys()) == []


def test_a_reason_is_said_in_the_ui_language(qapp, monkeypatch):
    monkeypatch.setitem(ZH, "test.line", "第 {line} 行：{problem}")
    monkeypatch.setitem(ZH, "test.taken", "已经有名为“{name}”的角色。")
    reason = Reason("test.line", "Line {line}: {problem}", line=3,
                    problem=Reason("test.taken", "There is already a persona called “{name}”.", name="学生A"))
    error = InputError(reason)
    assert str(error) == "Line 3: There is already a persona called “学生A”."  # the CLI's words
    previous = QLocale()
    try:
        QLocale.setDefault(QLocale("zh_CN"))
        said = error_text(error)
        assert said == "第 3 行：已经有名为“学生A”的角色。"
        assert error_text(CloudError(-502003, reason)).startswith("数据库权限不足（-502003）：")
        assert say(reason.to_dict()) == said  # as events keep it
        QLocale.setDefault(QLocale("en"))
        assert error_text(error) == str(error)
    finally:
        QLocale.setDefault(previous)


def test_an_error_quoted_in_another_message_is_said_whole_in_chinese(qapp):
    """A listener that lost its permission quotes the refusal: in Chinese, the code's words and
    the refusal's reason are Chinese too; in English the text is exactly the error's."""
    from app.core.database.watch import _permission_lost

    refusal = CloudError(-502003, Reason("database.mode_no_access", "{collection} is {mode} ({mode_zh}): mini "
                                         "program users can neither read nor write it", collection="todos",
                                         mode="ADMINONLY", mode_zh="仅管理员可读写"))
    lost = _permission_lost(refusal)
    assert lost.reason.text == f"realtime listener receive server error msg: {refusal}"
    previous = QLocale()
    try:
        QLocale.setDefault(QLocale("zh_CN"))
        assert say(lost.reason) == ("实时监听收到服务器错误：数据库权限不足：集合 todos 的权限是 ADMINONLY（仅管理员可读写）："
                                    "小程序用户既不能读也不能写")
        assert say(CloudError(-502005).as_reason()) == "集合不存在"
    finally:
        QLocale.setDefault(previous)
