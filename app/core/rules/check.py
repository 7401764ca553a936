"""``rules.check``: whether a rules editor's text would be taken, and where it goes wrong.

The console's rules editors ask as the person types; nothing is saved. The answer points into
the editor's own text (line and column, both from 1): a JSON error where the JSON breaks, an
unknown key at the key, a bad value at the value, and an expression's error at its character
inside the quoted rule (escapes counted as written), so the editor can put its cursor there.
"""

from __future__ import annotations

import json
import re

from app.core import jsontext
from app.core.dispatcher import Action
from app.core.errors import CloudError, SimulatorError
from app.core.reasons import Reason
from app.core.requests import Request, Trace
from app.core.rules.ruleset import DATABASE_KEYS, STORAGE_KEYS, database_rules, storage_rules
from app.core.rules.syntax import RuleSyntaxError, position

MAX_TEXT = 64 * 1024  # a rules object is a few expressions of at most 1024 characters each
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SPACE = re.compile(r"\s*")
_KINDS = {"database": (database_rules, DATABASE_KEYS), "storage": (storage_rules, STORAGE_KEYS)}


def rules_console_actions() -> dict[str, Action]:
    """The console's rules actions: ``rules.check`` (validate an editor's text, save nothing)."""

    def check(request: Request, trace: Trace) -> dict:
        kind, text = request.params.get("kind"), request.params.get("rules")
        if kind not in _KINDS:
            raise CloudError(-501007, Reason("rules.check_kind_param", "kind must be database or storage, not {kind}",
                                             kind=repr(kind)))
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise CloudError(-501007, Reason("rules.check_text_param", "rules must be the rules' JSON text, at most "
                                             "{limit} characters", limit=MAX_TEXT))
        trace.target = kind
        return check_text(text, kind)

    return {"rules.check": Action(check, console_only=True, counts_as_visit=False)}


def check_text(text: str, kind: str) -> dict:
    """``{"ok": True}``, or ``{"ok": False, "error": {line, column, reason, message}}``."""
    validate, _keys = _KINDS[kind]
    try:
        raw = jsontext.loads(text, what=Reason("rules.the_rules", "The security rules"))
    except jsontext.JsonTextError as exc:
        line, column = _json_position(text, exc)
        return _error(line, column, exc.reason or Reason("rules.check_problem", "{problem}", problem=str(exc)))
    try:
        validate(raw)
    except RuleSyntaxError as exc:
        where = _spans(text).get(exc.key or "")
        offset = _raw_offset(text, where[1], exc.offset) if where else _first(text)
        line, column = position(text, offset)
        return _error(line, column, Reason(
            "rules.check_syntax", 'Line {line}, column {column}, in the "{key}" rule: {problem}',
            line=line, column=column, key=exc.key, problem=exc.problem_why))
    except SimulatorError as exc:
        offset = _offending(text, raw, kind)
        line, column = position(text, offset)
        return _error(line, column, Reason("rules.check_at", "Line {line}, column {column}: {problem}",
                                           line=line, column=column, problem=exc.reason or str(exc)))
    return {"ok": True}


def _error(line: int, column: int, reason: Reason) -> dict:
    return {"ok": False, "error": {"line": line, "column": column, "reason": reason.to_dict(), "message": reason.text}}


def _json_position(text: str, exc: jsontext.JsonTextError) -> tuple[int, int]:
    if exc.decode_error is not None:
        return exc.decode_error.lineno, exc.decode_error.colno
    where = exc.where_why.params if exc.where_why is not None else {}
    line = where.get("line", 1)
    return line, where.get("column", 1)


def _first(text: str) -> int:
    """Where the text's value starts (its first non-space character)."""
    return _SPACE.match(text).end()


def _spans(text: str) -> dict[str, tuple[int, int]]:
    """Each top-level key of a JSON object text: (where its key starts, where its value starts).
    The text is known to be valid JSON; a key given twice counts where JSON's last one wins."""
    spans: dict[str, tuple[int, int]] = {}
    decoder = json.JSONDecoder()
    pos = _first(text)
    if not text.startswith("{", pos):
        return spans
    pos = _SPACE.match(text, pos + 1).end()
    while pos < len(text) and text[pos] == '"':
        key = _STRING.match(text, pos)
        colon = _SPACE.match(text, key.end()).end()
        start = _SPACE.match(text, colon + 1).end()
        spans[json.loads(key.group())] = (pos, start)
        _value, end = decoder.raw_decode(text, start)
        pos = _SPACE.match(text, _SPACE.match(text, end).end() + 1).end()  # past the comma
    return spans


def _raw_offset(text: str, start: int, offset: int) -> int:
    """Where the ``offset``-th character of the string literal at ``start`` is written."""
    if text[start] != '"':
        return start
    pos, seen = start + 1, 0
    while seen < offset and text[pos] != '"':
        if text[pos] != "\\":
            pos += 1
        elif text[pos + 1] != "u":
            pos += 2
        else:
            high = 0xD800 <= int(text[pos + 2:pos + 6], 16) < 0xDC00
            pos += 12 if high and text.startswith("\\u", pos + 6) else 6  # a pair is one character
        seen += 1
    return pos


def _offending(text: str, raw: object, kind: str) -> int:
    """Where a rules object's first wrong key or value is (its start, when it is not an object)."""
    if not isinstance(raw, dict):
        return _first(text)
    spans = _spans(text)
    keys = _KINDS[kind][1]
    for key, value in raw.items():
        if key not in keys:
            return spans[key][0]
        if not isinstance(value, (bool, str)):
            return spans[key][1]
    return _first(text)
