"""Type operators: ``$type``, ``$isNumber``, ``$convert`` and its ``$toBool`` … ``$toString`` forms.

Not in the SDK's ``$`` list, but MongoDB has them and a raw ``{$type: '$a'}`` reaches the
backend. wxsim has no Decimal128: ``decimal`` converts to a double. ObjectIds are not made.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from app.core.database.aggregate.core import (
    INT64_MAX,
    INT64_MIN,
    Builder,
    Compile,
    Expr,
    exactly,
    fail,
    nullish,
    options,
)
from app.core.database.aggregate.datetext import ISO_Z, DateParseError, check_format, format_date, parse_date_string
from app.core.database.aggregate.expression_reasons import conversion_overflow, date_parse_error
from app.core.database.values import as_utc, is_number, type_name
from app.core.errors import CloudError
from app.core.reasons import Reason

_CODES = {1: "double", 2: "string", 7: "objectId", 8: "bool", 9: "date", 16: "int", 18: "long", 19: "decimal"}
_TARGETS = set(_CODES.values())
_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class _Unsupported(Exception):
    """A conversion MongoDB refuses (from one type to another), reported with the pair."""


def _type(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))
    return lambda doc, v: type_name(part(doc, v))


def _is_number(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))
    return lambda doc, v: is_number(part(doc, v))


def convert(value: Any, target: str) -> Any:
    """``value`` as the ``target`` type; _Unsupported or CloudError when it cannot be."""
    if target == "bool":
        if type(value) is bool:
            return value
        return value != 0 if is_number(value) else True  # strings, dates, objects: true (Mongo)
    if target == "string":
        return _to_string(value)
    if target == "date":
        return _to_date(value)
    if target in ("double", "decimal"):
        return _to_double(value)
    if target in ("int", "long"):
        return _to_integer(value, target)
    raise _Unsupported()


def _to_string(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value) if math.isfinite(value) else ("NaN" if value != value else
                                                        ("Infinity" if value > 0 else "-Infinity"))
    if isinstance(value, datetime):
        return format_date(as_utc(value), check_format(ISO_Z))
    raise _Unsupported()


def _to_date(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if is_number(value):
        if not math.isfinite(value):
            raise fail(conversion_overflow())
        try:
            return _EPOCH + timedelta(milliseconds=int(value))
        except OverflowError:
            raise fail(conversion_overflow()) from None
    if type(value) is str:
        try:
            return parse_date_string(value, None, None)
        except DateParseError:
            raise fail(date_parse_error(value)) from None
    raise _Unsupported()


def _to_double(value: Any) -> float:
    if type(value) is bool or is_number(value):
        return float(value)
    if isinstance(value, datetime):
        return float((as_utc(value) - _EPOCH) // timedelta(milliseconds=1))
    if type(value) is str:
        try:
            return float(value)
        except ValueError:
            raise fail(_unparsable_number(value)) from None
    raise _Unsupported()


def _unparsable_number(value: str) -> Reason:
    return Reason("expr.convert_parse_number", "Failed to parse number '{value}' in $convert with no onError "
                  "value: Did not consume whole string.", value=value)


def _to_integer(value: Any, target: str) -> int:
    low, high = (-(2**31), 2**31 - 1) if target == "int" else (INT64_MIN, INT64_MAX)
    if type(value) is bool:
        return int(value)
    if type(value) is str:
        if not _INTEGER_TEXT.match(value):
            raise fail(_unparsable_number(value))
        number = int(value)
    elif is_number(value):
        if not math.isfinite(value):
            raise fail(Reason("expr.convert_not_finite", "Attempt to convert {value} value to integer type in "
                              "$convert with no onError value", value="NaN" if value != value else "infinity"))
        number = int(value)
    elif isinstance(value, datetime) and target == "long":
        number = (as_utc(value) - _EPOCH) // timedelta(milliseconds=1)
    else:
        raise _Unsupported()
    if not low <= number <= high:
        raise fail(conversion_overflow())
    return number


def _target(name: str, value: Any) -> str:
    if is_number(value) and value in _CODES:
        return _CODES[int(value)]
    if type(value) is str and value in _TARGETS:
        return value
    if type(value) is str:
        raise fail(Reason("expr.convert_unknown_type", "Unknown type name: {value}", value=value))
    raise fail(Reason("expr.convert_bad_type", "In {name} using argument 'to', {value} is not a valid type",
                      name=name, value=repr(value)))


def _converter(target: str | None) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        if target is None:
            spec = options(name, argument, ("input", "to"), ("onError", "onNull"))
            input_of, to_of = compile(spec["input"]), compile(spec["to"])
            on_error = compile(spec["onError"]) if "onError" in spec else None
            on_null = compile(spec["onNull"]) if "onNull" in spec else None
        else:
            (input_of,) = (compile(spec) for spec in exactly(name, argument, 1))
            to_of, on_error, on_null = None, None, None

        def run(doc: Any, v: dict) -> Any:
            goal = target or _target(name, to_of(doc, v))
            value = input_of(doc, v)
            if nullish(value):
                return on_null(doc, v) if on_null is not None else None
            try:
                return convert(value, goal)
            except _Unsupported:
                if on_error is not None:
                    return on_error(doc, v)
                raise fail(Reason("expr.convert_unsupported", "Unsupported conversion from {type} to {goal} in "
                                  "$convert with no onError value", type=type_name(value), goal=goal)) from None
            except CloudError:
                if on_error is not None:
                    return on_error(doc, v)
                raise

        return run

    return build


OPERATORS: dict[str, Builder] = {
    "$type": _type,
    "$isNumber": _is_number,
    "$convert": _converter(None),
    "$toBool": _converter("bool"),
    "$toString": _converter("string"),
    "$toDate": _converter("date"),
    "$toDouble": _converter("double"),
    "$toDecimal": _converter("decimal"),
    "$toInt": _converter("int"),
    "$toLong": _converter("long"),
}
