"""Specialised predicates for the common single-field tests, so big scans stay cheap.

Each one is semantically identical to the general path (``query.py``) for its case:
a top-level field (no dots), and a plain string/number/bool/null operand. Anything
else returns None and takes the general path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.database.operators import COMPARISONS
from app.core.database.values import is_number

Predicate = Callable[[dict], bool]

_LOWER = ("$gt", "$gte")
_UPPER = ("$lt", "$lte")


def fast_predicate(parts: tuple[str, ...], op: str, arg: Any) -> Predicate | None:
    """A fast predicate for ``{field: {op: arg}}``, or None if this case has none."""
    if len(parts) != 1:
        return None
    key = parts[0]
    if op == "$eq":
        return _fast_eq(key, arg)
    if op in COMPARISONS:
        return _fast_compare(key, COMPARISONS[op], arg)
    if op == "$in":
        return _fast_in(key, arg)
    return None


def fast_range(parts: tuple[str, ...], spec: dict) -> Predicate | None:
    """One predicate for a two-sided range like ``{$gte: 20, $lt: 50}`` on one field."""
    if len(parts) != 1 or len(spec) != 2:
        return None
    (op1, lo), (op2, hi) = spec.items()
    if op1 in _UPPER:
        (op1, lo), (op2, hi) = (op2, hi), (op1, lo)
    if op1 not in _LOWER or op2 not in _UPPER or not _same_plain_class(lo, hi):
        return None
    key, above, below = parts[0], COMPARISONS[op1], COMPARISONS[op2]
    wanted = (int, float) if is_number(lo) else (str,)

    def pred(doc: dict) -> bool:
        value = doc.get(key)
        kind = value.__class__
        if kind in wanted:
            return above(value, lo) and below(value, hi)
        if kind is list:
            # Each bound may be met by a different element (spec §3.2, Q11).
            return _any(value, wanted, above, lo) and _any(value, wanted, below, hi)
        return False

    return pred


def _same_plain_class(lo: Any, hi: Any) -> bool:
    if is_number(lo) and is_number(hi):
        return lo == lo and hi == hi  # NaN bounds take the general path
    return type(lo) is str and type(hi) is str


def _any(items: list, wanted: tuple, compare: Callable[[Any, Any], bool], bound: Any) -> bool:
    for item in items:
        if item.__class__ in wanted and compare(item, bound):
            return True
    return False


def _fast_eq(key: str, target: Any) -> Predicate | None:
    if type(target) is str:

        def pred(doc: dict) -> bool:
            value = doc.get(key)
            if value == target:  # only a str equals a str
                return True
            return value.__class__ is list and target in value

        return pred
    if is_number(target) and target == target:

        def pred(doc: dict) -> bool:
            value = doc.get(key)
            if value == target:
                return value.__class__ is not bool  # true == 1 in Python, not in BSON
            if value.__class__ is list:
                for item in value:
                    if item == target and item.__class__ is not bool:
                        return True
            return False

        return pred
    if target is True or target is False or target is None:
        # doc.get() gives None for a missing field, which is exactly null's semantics.

        def pred(doc: dict) -> bool:
            value = doc.get(key)
            if value is target:
                return True
            if value.__class__ is list:
                for item in value:
                    if item is target:
                        return True
            return False

        return pred
    return None


def _fast_compare(key: str, compare: Callable[[Any, Any], bool], target: Any) -> Predicate | None:
    if is_number(target) and target == target:
        wanted: tuple = (int, float)
    elif type(target) is str:
        wanted = (str,)
    else:
        return None

    def pred(doc: dict) -> bool:
        value = doc.get(key)
        kind = value.__class__
        if kind in wanted:
            return compare(value, target)
        return kind is list and _any(value, wanted, compare, target)

    return pred


def _fast_in(key: str, targets: Any) -> Predicate | None:
    if type(targets) is not list or not targets:
        return None
    if all(type(t) is str for t in targets):
        wanted: tuple = (str,)
    elif all(is_number(t) and t == t for t in targets):
        wanted = (int, float)  # never bool: True would hash-match 1
    else:
        return None
    choices = frozenset(targets)

    def pred(doc: dict) -> bool:
        value = doc.get(key)
        kind = value.__class__
        if kind in wanted:
            return value in choices
        if kind is list:
            for item in value:
                if item.__class__ in wanted and item in choices:
                    return True
        return False

    return pred
