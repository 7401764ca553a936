"""Aggregation expressions, compiled to closures over the current document (for ``$expr``).

Only what ``$expr`` needs in spec §3.3/§9: field paths, literals, comparisons, boolean
logic, arithmetic, ``$size``, ``$in``, ``$cond`` and ``$ifNull``. ``OPERATORS`` is a plain
table so the aggregation pipeline can extend it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from app.core.database.failures import invalid_command, request_failed
from app.core.database.values import (
    MISSING,
    as_utc,
    compare_values,
    is_number,
    truthy,
    type_name,
    values_equal,
)

Expression = Callable[[Any], Any]
Builder = Callable[[list[Expression], str], Expression]


def compile_expression(spec: Any) -> Expression:
    """Compile an expression; the result maps a document to a value (MISSING if absent)."""
    if type(spec) is str and spec.startswith("$"):
        return _field_path(spec)
    if type(spec) is list:
        items = [compile_expression(item) for item in spec]
        # A missing field inside an array literal becomes null (Mongo).
        return lambda doc: [None if (v := item(doc)) is MISSING else v for item in items]
    if type(spec) is dict:
        return _compile_object(spec)
    return lambda doc: spec


def _compile_object(spec: dict) -> Expression:
    if any(str(key).startswith("$") for key in spec):
        if len(spec) != 1:
            raise request_failed(
                "an expression specification must contain exactly one field, the name of "
                f"the expression: {sorted(spec)}"
            )
        name, arg = next(iter(spec.items()))
        if name == "$literal":
            return lambda doc: arg
        if name not in OPERATORS:
            raise invalid_command(f"Unrecognized expression '{name}'")
        if name == "$cond" and type(arg) is dict:
            if set(arg) != {"if", "then", "else"}:
                raise request_failed("$cond needs exactly 'if', 'then' and 'else'")
            arg = [arg["if"], arg["then"], arg["else"]]
        args = arg if type(arg) is list else [arg]
        return OPERATORS[name]([compile_expression(item) for item in args], name)
    fields = {key: compile_expression(value) for key, value in spec.items()}

    def build(doc: Any) -> dict:
        out = {}
        for key, field in fields.items():
            value = field(doc)
            if value is not MISSING:
                out[key] = value
        return out

    return build


def _field_path(spec: str) -> Expression:
    if spec.startswith("$$"):
        name, _, rest = spec[2:].partition(".")
        if name in ("ROOT", "CURRENT"):
            parts = tuple(rest.split(".")) if rest else ()
            return lambda doc: _lookup(doc, parts)
        if name == "NOW":
            return lambda doc: datetime.now(timezone.utc)
        if name == "REMOVE":
            return lambda doc: MISSING
        raise request_failed(f"Use of undefined variable: {name}")
    parts = tuple(spec[1:].split("."))
    if "" in parts:
        raise request_failed(f"FieldPath field names may not be empty strings: '{spec}'")
    return lambda doc: _lookup(doc, parts)


def _lookup(node: Any, parts: tuple[str, ...]) -> Any:
    """Aggregation path semantics: an array maps the rest of the path over its elements."""
    for i, part in enumerate(parts):
        if isinstance(node, dict):  # the root may be a dict subclass (TinyDB's Document)
            node = node.get(part, MISSING)
        elif type(node) is list:
            found = (_lookup(item, parts[i:]) for item in node if type(item) in (dict, list))
            return [value for value in found if value is not MISSING]
        else:
            return MISSING
    return node


def _arity(args: list[Expression], name: str, count: int) -> None:
    if len(args) != count:
        raise request_failed(
            f"Expression {name} takes exactly {count} arguments. {len(args)} were passed in."
        )


def _comparison(test: Callable[[int], Any]) -> Builder:
    def build(args: list[Expression], name: str) -> Expression:
        _arity(args, name, 2)
        left, right = args
        # Full BSON order, no type brackets; missing sorts below null here (Mongo).
        return lambda doc: test(compare_values(left(doc), right(doc)))

    return build


def _and(args: list[Expression], name: str) -> Expression:
    return lambda doc: all(truthy(arg(doc)) for arg in args)


def _or(args: list[Expression], name: str) -> Expression:
    return lambda doc: any(truthy(arg(doc)) for arg in args)


def _not(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 1)
    (arg,) = args
    return lambda doc: not truthy(arg(doc))


def _numbers(name: str, values: list) -> list | None:
    """The operands as numbers/dates, or None when any is null or missing (result null)."""
    for value in values:
        if value is None or value is MISSING:
            return None
        if not is_number(value) and not isinstance(value, datetime):
            raise request_failed(
                f"{name} only supports numeric or date types, not {type_name(value)}"
            )
    return values


def _add(args: list[Expression], name: str) -> Expression:
    def run(doc: Any) -> Any:
        values = _numbers(name, [arg(doc) for arg in args])
        if values is None:
            return None
        dates = [v for v in values if isinstance(v, datetime)]
        if len(dates) > 1:
            raise request_failed("only one date allowed in an $add expression")
        total = sum(v for v in values if not isinstance(v, datetime))
        return _shift(dates[0], total, name) if dates else total

    return run


def _shift(moment: datetime, milliseconds: Any, name: str) -> datetime:
    try:
        return as_utc(moment) + timedelta(milliseconds=milliseconds)
    except (OverflowError, ValueError):
        raise request_failed(f"{name} result is not a representable date") from None


def _subtract(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 2)
    left, right = args

    def run(doc: Any) -> Any:
        values = _numbers(name, [left(doc), right(doc)])
        if values is None:
            return None
        a, b = values
        if isinstance(a, datetime) and isinstance(b, datetime):
            return round((as_utc(a) - as_utc(b)) / timedelta(milliseconds=1))
        if isinstance(a, datetime):
            return _shift(a, -b, name)
        if isinstance(b, datetime):
            raise request_failed("can't $subtract a date from a number")
        return a - b

    return run


def _arithmetic(combine: Callable[[list], Any], arity: int | None = None) -> Builder:
    def build(args: list[Expression], name: str) -> Expression:
        if arity is not None:
            _arity(args, name, arity)

        def run(doc: Any) -> Any:
            values = _numbers(name, [arg(doc) for arg in args])
            if values is None:
                return None
            if any(isinstance(v, datetime) for v in values):
                raise request_failed(f"{name} only supports numeric types, not date")
            return combine(values)

        return run

    return build


def _product(values: list) -> Any:
    result: Any = 1
    for value in values:
        result *= value
    return result


def _divide(values: list) -> float:
    if values[1] == 0:
        raise request_failed("can't $divide by zero")
    return values[0] / values[1]


def _modulo(values: list) -> Any:
    dividend, divisor = values
    if divisor == 0:
        raise request_failed("can't $mod by zero")
    result = abs(dividend) % abs(divisor)  # the sign follows the dividend, as in C and JS
    return -result if dividend < 0 else result


def _size(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 1)
    (arg,) = args

    def run(doc: Any) -> int:
        value = arg(doc)
        if type(value) is not list:
            raise request_failed(
                f"The argument to $size must be an array. Type of argument is {type_name(value)}"
            )
        return len(value)

    return run


def _in(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 2)
    needle, haystack = args

    def run(doc: Any) -> bool:
        value, values = needle(doc), haystack(doc)
        if type(values) is not list:
            raise request_failed(
                f"$in requires an array as a second argument, found: {type_name(values)}"
            )
        return any(values_equal(value, item) for item in values)

    return run


def _cond(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 3)
    test, then, otherwise = args
    return lambda doc: then(doc) if truthy(test(doc)) else otherwise(doc)


def _if_null(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 2)
    value, fallback = args

    def run(doc: Any) -> Any:
        result = value(doc)
        return fallback(doc) if result is None or result is MISSING else result

    return run


def _is_array(args: list[Expression], name: str) -> Expression:
    _arity(args, name, 1)
    (arg,) = args
    return lambda doc: type(arg(doc)) is list


OPERATORS: dict[str, Builder] = {
    "$eq": _comparison(lambda c: c == 0),
    "$ne": _comparison(lambda c: c != 0),
    "$gt": _comparison(lambda c: c > 0),
    "$gte": _comparison(lambda c: c >= 0),
    "$lt": _comparison(lambda c: c < 0),
    "$lte": _comparison(lambda c: c <= 0),
    "$cmp": _comparison(lambda c: c),
    "$and": _and,
    "$or": _or,
    "$not": _not,
    "$add": _add,
    "$subtract": _subtract,
    "$multiply": _arithmetic(_product),
    "$divide": _arithmetic(_divide, 2),
    "$mod": _arithmetic(_modulo, 2),
    "$abs": _arithmetic(lambda values: abs(values[0]), 1),
    "$size": _size,
    "$in": _in,
    "$cond": _cond,
    "$ifNull": _if_null,
    "$isArray": _is_array,
}
