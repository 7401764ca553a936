"""When a query's facts on a field imply a comparison, and which condition would make them.

Operators are the rule's, negated (``NEGATED``) when a ``!`` is pushed inward and flipped
(``FLIPPED``) when the value stands on the left: ``'x' in doc.tags`` is ``doc.tags has 'x'``.
"""

from __future__ import annotations

from typing import Any

from app.core.rules.facts import Facts
from app.core.rules.values import EvalError, compare, contains, equal, literal

NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<", "in": "!in"}
# ``value op doc.f`` said the other way round: ``doc.f op' value`` ("has": f is a list holding value).
FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=", "in": "has", "!in": "!has"}
_COMMANDS = {"!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "in": "in", "!in": "nin", "!has": "nin"}


def apply(op: str, a: Any, b: Any) -> bool:
    """``a op b`` for a field value ``a``; an operand of the wrong kind makes it false."""
    try:
        if op == "==":
            return equal(a, b)
        if op == "!=":
            return not equal(a, b)
        if op in ("in", "!in"):
            return contains(b, a) == (op == "in")
        if op in ("has", "!has"):
            held = contains(a, b) if isinstance(a, list) else equal(a, b)
            return held == (op == "has")
        return compare(op, a, b)
    except EvalError:
        return False


def implies(facts: Facts | None, op: str, value: Any) -> bool:
    """Whether every value the facts allow satisfies ``field op value``."""
    if facts is None:
        return False
    if facts.empty:
        return True
    if facts.pinned:
        return apply(op, facts.eq, value)
    if facts.one_of is not None and all(apply(op, v, value) for v in facts.one_of):
        return True
    if op in ("!=", "!has") and any(equal(v, value) for v in facts.not_in):
        return True
    if op == "!in" and isinstance(value, list) and all(any(equal(v, x) for x in facts.not_in) for v in value):
        return True
    bound = facts.low if op in (">", ">=") else facts.high if op in ("<", "<=") else None
    if bound is not None:
        limit, inclusive = bound
        strictly = ">" if op in (">", ">=") else "<"
        return compare(strictly, limit, value) or (equal(limit, value) and (len(op) == 2 or not inclusive))
    return False


def suggestion(path: str, op: str, value: Any, value_text: str, openid: str | None) -> str:
    """The where() condition that would prove ``doc.path op value``, as a student types it;
    ``value_text`` is the rule's words for the value (``auth.openid`` becomes ``'{openid}'``)."""
    if op in ("==", "has"):
        if openid and value == openid and "auth.openid" in value_text:
            return f"{path}: '{{openid}}'"
        return f"{path}: {literal(value)}"
    argument = [value] if op == "!has" else value
    return f"{path}: _.{_COMMANDS[op]}({literal(argument)})"
