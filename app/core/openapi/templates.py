"""Message templates (openapi.md §4.1, §8.1): what a template is, the value rule of each keyword
type, and the declarations seeded from the project's code.

A template is ``{title, kind: "once" | "long", keywords: {key: name}}``, e.g. ``{"title": "上课提醒",
"kind": "once", "keywords": {"thing1": "课程名称", "time2": "上课时间"}}``. A keyword's type is
its key without the trailing number (``thing1`` → ``thing``), as WeChat names them, so the
declaration needs only the name the phone shows beside the value. An ``enum`` keyword lists its
allowed values in ``enums: {key: [value, …]}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import InputError
from app.core.reasons import Reason

KINDS = ("once", "long")
MAX_TITLE = 40
# The names the phone shows when a template was seeded from code (editable in the pane).
DEFAULT_NAMES = {
    "thing": "事项", "number": "数量", "letter": "字母", "symbol": "符号", "character_string": "编号",
    "time": "时间", "date": "日期", "amount": "金额", "phone_number": "电话", "car_number": "车牌号",
    "name": "姓名", "phrase": "状态", "enum": "类型", "keyword": "内容",  # keyword: legacy template messages
}
_TYPES = "|".join(sorted(DEFAULT_NAMES, key=len, reverse=True))
KEY = re.compile(rf"({_TYPES})(\d+)")

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_DATE = r"(\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}月\d{1,2}日)"
_CLOCK = r"([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?"
_TIME = re.compile(rf"({_DATE}\s*)?{_CLOCK}(\s*~\s*({_DATE}\s*)?{_CLOCK})?")
_DAY = re.compile(rf"{_DATE}(\s*{_CLOCK})?(\s*~\s*{_DATE}(\s*{_CLOCK})?)?")
# One rule per keyword type (§4.1's table); a value that breaks it is WeChat's 47003.
RULES: dict[str, re.Pattern[str]] = {
    "thing": re.compile(r"(?s).{1,20}"),
    "number": re.compile(r"(?=[\d.]{1,32}$)\d+(\.\d+)?"),
    "letter": re.compile(r"[A-Za-z]{1,32}"),
    "symbol": re.compile(rf"[^\sA-Za-z0-9{_HAN}]{{1,5}}"),
    "character_string": re.compile(r"[\x21-\x7e]{1,32}"),
    "time": _TIME,
    "date": _DAY,
    "amount": re.compile(r"[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?"),
    "phone_number": re.compile(r"[\d+\-() ]{1,17}"),
    "car_number": re.compile(rf"[{_HAN}A-Za-z0-9][A-Za-z0-9]{{0,6}}[{_HAN}A-Za-z0-9]?"),
    "name": re.compile(rf"[{_HAN}·]{{1,10}}|[A-Za-z .·'\-]{{1,20}}"),
    "phrase": re.compile(rf"[{_HAN}]{{1,5}}"),
    "keyword": re.compile(r"(?s).{1,200}"),
}


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    kind: str
    keywords: dict[str, str]  # key (thing1) → the name the phone shows (课程名称)
    enums: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "kind": self.kind, "keywords": dict(self.keywords)}
        if self.enums:
            out["enums"] = {k: list(v) for k, v in self.enums.items()}
        return out

    def listed(self) -> dict[str, Any]:
        return {"templateId": self.id, **self.to_json()}

    def value_ok(self, key: str, value: str) -> bool:
        kind = keyword_type(key)
        if kind == "enum":
            return value in self.enums.get(key, [value])
        rule = RULES.get(kind or "thing")
        return rule is not None and rule.fullmatch(value) is not None


def keyword_type(key: str) -> str | None:
    """``thing1`` → ``thing``; None for a key that names no WeChat keyword type."""
    match = KEY.fullmatch(key)
    return match.group(1) if match else None


def parse_template(template_id: Any, raw: Any) -> Template:
    """A declaration checked as the pane and ``templates.json`` give it; InputError otherwise."""
    if not isinstance(template_id, str) or not template_id.strip() or len(template_id) > 128:
        raise InputError(Reason("openapi.template_id_invalid", "A template id must be 1 to 128 characters."))
    if not isinstance(raw, dict):
        raise InputError(Reason("openapi.template_not_object", "The template {template_id} must be an object.",
                                template_id=template_id))
    title, kind, keywords = raw.get("title"), raw.get("kind", "once"), raw.get("keywords")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise InputError(Reason("openapi.template_title", "The title of {template_id} must be 1 to 40 "
                                "characters.", template_id=template_id))
    if kind not in KINDS:
        raise InputError(Reason("openapi.template_kind", "The kind of {template_id} must be once or long.",
                                template_id=template_id))
    if not isinstance(keywords, dict) or not keywords:
        raise InputError(Reason("openapi.template_no_keywords", "The template {template_id} needs at least one "
                                "keyword.", template_id=template_id))
    for key, name in keywords.items():
        if keyword_type(key) is None:
            raise InputError(Reason(
                "openapi.template_keyword_key", "{key} is not a keyword of WeChat's form <type><n>, "
                "such as thing1, time2 or phrase3.", key=key))
        if not isinstance(name, str) or not name.strip():
            raise InputError(Reason("openapi.template_keyword_name", "The keyword {key} needs a name.", key=key))
    enums = raw.get("enums") or {}
    if not isinstance(enums, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in enums.values()):
        raise InputError(Reason("openapi.template_enums", "enums must map a keyword to a list of texts."))
    return Template(template_id.strip(), title.strip(), kind, {k: v.strip() for k, v in keywords.items()},
                    {k: list(v) for k, v in enums.items()})


# -- seeding from the project's code ------------------------------------------------------------

_ID_LITERAL = re.compile(r"""\b(?:templateId|template_id|tmplId|TEMPLATE_ID)\b\s*[:=]\s*(['"`])([\w\-]{4,128})\1""")
_DATA_KEY = re.compile(rf"""['"]?\b((?:{_TYPES})\d+)\b['"]?\s*:\s*\{{""")
_NEAR = 1200  # characters after a template id in which its data keys are looked for
_COMMENT = re.compile(r"//\s*(.+?)\s*$")
_SKIPPED = {"node_modules", ".git", "miniprogram_npm"}
_MAX_FILE = 512 * 1024


def scan_project(functions_root: Path | None) -> dict[str, Template]:
    """Templates the project's cloud functions send: each ``templateId: '<literal>'`` and the
    ``<type><n>: {`` keys that follow it (up to the next template id). A ``// comment`` ending
    the id's line names the template, one ending a key's line names the keyword, as tutorials
    write them; otherwise generic names. Cheap and conservative: an id built at run time is not
    found, and the pane can declare it by hand."""
    found: dict[str, Template] = {}
    if functions_root is None or not functions_root.is_dir():
        return {}
    for path in sorted(functions_root.rglob("*.js")):
        if _SKIPPED & set(path.relative_to(functions_root).parts):
            continue
        try:
            if path.stat().st_size > _MAX_FILE:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        literals = list(_ID_LITERAL.finditer(text))
        for index, match in enumerate(literals):
            end = literals[index + 1].start() if index + 1 < len(literals) else len(text)
            keywords: dict[str, str] = {}
            for key in _DATA_KEY.finditer(text, match.end(), min(end, match.end() + _NEAR)):
                name = _line_comment(text, key.end(), 20) or DEFAULT_NAMES[keyword_type(key.group(1)) or "thing"]
                keywords.setdefault(key.group(1), name)
            template_id = match.group(2)
            if keywords and template_id not in found:
                title = _line_comment(text, match.end(), MAX_TITLE) or f"订阅消息 {template_id[:8]}"
                found[template_id] = Template(template_id, title, "once", keywords)
    return found


def _line_comment(text: str, at: int, longest: int) -> str | None:
    """The ``// comment`` that ends the line ``at`` is on, if it is short enough to be a name."""
    line_end = text.find("\n", at)
    comment = _COMMENT.search(text[at:line_end if line_end >= 0 else len(text)])
    name = comment.group(1).strip() if comment else ""
    return name if 0 < len(name) <= longest else None
