"""Value tests behind the query operators: each takes one value (or MISSING) to a bool.

Array expansion ("any element matches") is added by ``expanded``; the path walk in
``query.py`` decides which tests get it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.database.failures import invalid_command, request_failed
from app.core.database.regex import is_pattern, regex_literal
from app.core.database.regex_budget import current_budget, matcher
from app.core.database.values import (
    MISSING,
    RANK_NULL,
    is_number,
    is_whole,
    type_rank,
    value_key,
)
from app.core.reasons import Reason

ValueTest = Callable[[Any], bool]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
}


def expanded(test: ValueTest) -> ValueTest:
    """Also accept an array whose element passes (one level deep, as Mongo does)."""

    def leaf(value: Any) -> bool:
        if test(value):
            return True
        if type(value) is list:
            for item in value:
                if test(item):
                    return True
        return False

    return leaf


def eq_test(target: Any) -> ValueTest:
    """BSON equality with ``target``; a null target also matches MISSING."""
    if target is None:
        return lambda value: value is None or value is MISSING
    if type(target) is str:
        return lambda value: type(value) is str and value == target
    if target is True or target is False:
        return lambda value: value is target
    if is_number(target):
        if target != target:
            return lambda value: type(value) is float and value != value
        return lambda value: (type(value) is int or type(value) is float) and value == target
    key = value_key(target)
    return lambda value: value is not MISSING and value_key(value) == key


def compare_test(op: str, target: Any) -> ValueTest:
    """``$gt``/``$gte``/``$lt``/``$lte``: only values of the target's type class match."""
    compare = COMPARISONS[op]
    inclusive = op in ("$gte", "$lte")
    if target is None or (is_number(target) and target != target):
        # Null and NaN only equal themselves: $gte/$lte act as $eq, $gt/$lt match nothing.
        return eq_test(target) if inclusive else _nothing
    if is_number(target):
        return lambda value: (type(value) is int or type(value) is float) and compare(value, target)
    if type(target) is str:
        return lambda value: type(value) is str and compare(value, target)
    rank = type_rank(target)
    key = value_key(target)
    return lambda value: (
        value is not MISSING and type_rank(value) == rank and compare(value_key(value), key)
    )


def _nothing(value: Any) -> bool:
    return False


def in_test(targets: Any, op: str = "$in") -> ValueTest:
    """``$in``: equal to any listed value, or matching any listed regex."""
    if type(targets) is not list:
        raise request_failed(Reason("query.in_array", "{op} needs an array", op=op))
    literals = [regex_literal(t) for t in targets]
    patterns = [matcher(p) for p in literals if p is not None]
    keys = {value_key(t) for t, p in zip(targets, literals) if p is None}
    wants_null = (RANK_NULL,) in keys
    search = current_budget().search

    def test(value: Any) -> bool:
        if value is MISSING:
            return wants_null
        if value_key(value) in keys:
            return True
        if patterns and type(value) is str:
            return any(search(p, value) for p in patterns)
        return False

    return test


def regex_test(pattern: Any) -> ValueTest:
    """Strings the pattern finds a match in (regexes never match other types).

    Matching spends from the time budget of the query being compiled (see regex_budget).
    """
    twin = matcher(pattern)
    search = current_budget().search
    return lambda value: type(value) is str and search(twin, value)


def mod_test(arg: Any) -> ValueTest:
    """``$mod``: ``[divisor, remainder]``; also ``[[d, r]]`` and a bare ``d`` (remainder 0).

    The bare and nested shapes are what ``_.mod(d, r)`` / ``_.mod([d, r])`` can serialize
    to in @cloudbase/database 1.x, which keeps only its first argument (see report).
    """
    if type(arg) is list and len(arg) == 1 and type(arg[0]) is list:
        arg = arg[0]
    if is_number(arg):
        arg = [arg, 0]
    if type(arg) is not list or len(arg) != 2:
        raise request_failed(Reason(
            "query.mod_shape", "malformed mod, needs to be an array of [divisor, remainder]"
        ))
    if not all(is_number(n) and n == n and abs(n) != float("inf") for n in arg):
        raise request_failed(Reason(
            "query.mod_finite", "malformed mod, divisor and remainder must be finite numbers"
        ))
    divisor, remainder = int(arg[0]), int(arg[1])
    if divisor == 0:
        raise request_failed(Reason("query.mod_zero", "divisor cannot be 0"))

    def test(value: Any) -> bool:
        if not is_number(value) or value != value or abs(value) == float("inf"):
            return False
        dividend = int(value)  # Mongo truncates a double dividend towards zero
        result = abs(dividend) % abs(divisor)
        return (-result if dividend < 0 else result) == remainder

    return test


def size_test(arg: Any) -> ValueTest:
    """``$size``: arrays of exactly that length."""
    if not is_whole(arg):
        raise request_failed(Reason("query.size_whole", "$size needs a whole number"))
    if arg < 0:
        raise request_failed(Reason(
            "query.size_negative", "Failed to parse $size. Expected a non-negative number"
        ))
    size = int(arg)
    return lambda value: type(value) is list and len(value) == size


_TYPE_ALIASES: dict[str, Callable[[Any], bool]] = {
    "double": lambda v: type(v) is float,
    "string": lambda v: type(v) is str,
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "binData": lambda v: type(v) is bytes,
    "bool": lambda v: type(v) is bool,
    "date": lambda v: isinstance(v, datetime),
    "null": lambda v: v is None,
    "regex": is_pattern,
    "int": lambda v: type(v) is int and -(2**31) <= v < 2**31,
    "long": lambda v: type(v) is int and not -(2**31) <= v < 2**31,
    "number": is_number,
}
_TYPE_CODES = {1: "double", 2: "string", 3: "object", 4: "array", 5: "binData", 8: "bool",
               9: "date", 10: "null", 11: "regex", 16: "int", 18: "long"}


def type_test(arg: Any) -> ValueTest:
    """``$type``: by alias (``"string"``) or BSON code (2), or a list of them."""
    wanted = arg if type(arg) is list else [arg]
    checks = []
    for item in wanted:
        name = _TYPE_CODES.get(int(item)) if is_whole(item) else item
        if type(name) is not str or name not in _TYPE_ALIASES:
            raise request_failed(Reason(
                "query.type_alias", "Unknown type name alias: {item}", item=item
            ))
        checks.append(_TYPE_ALIASES[name])
    return lambda value: value is not MISSING and any(check(value) for check in checks)


def unsupported(op: str, *, top_level: bool = False) -> Exception:
    """The error for an operator that Mongo lacks or the simulator does not implement."""
    if op in ("$where", "$text", "$search"):  # $jsonSchema is a top-level operator (json_schema.py)
        return invalid_command(Reason(
            "query.op_unsupported", "{op} is not supported by the simulator", op=op
        ))
    if top_level:
        return invalid_command(Reason(
            "query.unknown_top_operator", "unknown top level operator: {op}", op=op
        ))
    return invalid_command(Reason("query.unknown_operator", "unknown operator: {op}", op=op))

