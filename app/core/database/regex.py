"""Regex operands: the accepted shapes, their flags, and JS-to-Python pattern fixes."""

from __future__ import annotations

import re
from typing import Any

from app.core.database.failures import request_failed
from app.core.reasons import Reason

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
# Old SDKs send a JS RegExp's own `flags`, which may carry these; they change nothing here.
_IGNORED_FLAGS = frozenset("guy")
# JS and PCRE write a named group as (?<name>...); Python wants (?P<name>...).
_JS_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")
_PATTERN_TYPE = type(re.compile(""))


def compile_regex(pattern: Any, options: Any = "") -> re.Pattern:
    """Compile a Mongo ``$regex`` / ``$options`` pair, or re-flag a compiled pattern."""
    if options is None:
        options = ""
    if type(options) is not str:
        raise request_failed(Reason("query.options_string", "$options has to be a string"))
    flags = 0
    for letter in options:
        if letter in _FLAGS:
            flags |= _FLAGS[letter]
        elif letter not in _IGNORED_FLAGS:
            raise request_failed(Reason(
                "query.regex_flag", "invalid flag in regex options: {letter}", letter=letter
            ))
    if type(pattern) is _PATTERN_TYPE:
        return re.compile(pattern.pattern, pattern.flags | flags) if flags else pattern
    if type(pattern) is not str:
        raise request_failed(Reason("query.regex_string", "$regex has to be a string"))
    try:
        return re.compile(_JS_NAMED_GROUP.sub("(?P<", pattern), flags)
    except re.error as exc:
        raise request_failed(regex_invalid(exc)) from None


def regex_literal(value: Any) -> re.Pattern | None:
    """The pattern a query value stands for, if it is a regex literal; else None.

    Accepted: a compiled ``re.Pattern``, and canonical EJSON's undecoded
    ``{"$regularExpression": {"pattern": p, "options": o}}`` (tcb-wire §5).
    """
    if type(value) is _PATTERN_TYPE:
        return value
    if type(value) is dict and len(value) == 1 and "$regularExpression" in value:
        body = value["$regularExpression"]
        if type(body) is not dict or "pattern" not in body:
            raise request_failed(Reason(
                "query.regex_pattern_missing", "$regularExpression needs a pattern"
            ))
        return compile_regex(body["pattern"], body.get("options", ""))
    return None


def is_pattern(value: Any) -> bool:
    """True for a compiled regex."""
    return type(value) is _PATTERN_TYPE


def regex_invalid(error: Exception) -> Reason:
    """A pattern that does not compile (-502001); ``error`` the compiler's own words."""
    return Reason("query.regex_invalid", "Regular expression is invalid: {error}", error=str(error))
