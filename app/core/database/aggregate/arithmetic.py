"""Arithmetic operators: ``$add`` … ``$trunc`` (and ``$round``), MongoDB's rules.

A null or missing operand makes the result null; any other non-number is an error naming the
operator. Integer results stay integers while they fit in 64 bits, then become doubles, as
Mongo's int/long arithmetic does. ``$add`` and ``$subtract`` also work on dates (milliseconds).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from app.core.database.aggregate.core import (
    Builder,
    Compile,
    Expr,
    between,
    exactly,
    fail,
    fit_int,
    nullish,
    operands,
)
from app.core.database.values import as_utc, is_number, type_name
from app.core.reasons import Reason

_INF = float("inf")


def _numeric(name: str, value: Any, *, dates: bool = False) -> None:
    if not is_number(value) and not (dates and isinstance(value, datetime)):
        if dates:
            raise fail(Reason("expr.not_number_or_date", "{name} only supports numeric or date types, not {type}",
                              name=name, type=type_name(value)))
        raise fail(Reason("expr.not_number", "{name} only supports numeric types, not {type}",
                          name=name, type=type_name(value)))


def _unary(function: Callable[[str, Any], Any]) -> Builder:
    """One numeric operand; null/missing give null."""

    def build(argument: Any, compile: Compile, name: str) -> Expr:
        (operand,) = (compile(spec) for spec in exactly(name, argument, 1))

        def run(doc: Any, v: dict) -> Any:
            value = operand(doc, v)
            if nullish(value):
                return None
            _numeric(name, value)
            return function(name, value)

        return run

    return build


def _variadic(function: Callable[[str, list], Any], count: int | None = None, *, dates: bool = False) -> Builder:
    """Several operands, all evaluated; any null/missing gives null."""

    def build(argument: Any, compile: Compile, name: str) -> Expr:
        specs = exactly(name, argument, count) if count is not None else operands(argument)
        parts = [compile(spec) for spec in specs]

        def run(doc: Any, v: dict) -> Any:
            values = [part(doc, v) for part in parts]
            for value in values:
                if nullish(value):
                    return None
            for value in values:
                _numeric(name, value, dates=dates)
            return function(name, values)

        return run

    return build


def _millis(value: Any) -> int:
    """A number of milliseconds as Mongo adds it to a date (rounded half away from zero)."""
    if type(value) is float:
        if not math.isfinite(value):
            raise fail(Reason("expr.date_millis_not_finite", "the milliseconds added to a date must be finite"))
        return int(math.copysign(math.floor(abs(value) + 0.5), value))
    return value


def _shift(moment: datetime, milliseconds: Any, name: str) -> datetime:
    try:
        return as_utc(moment) + timedelta(milliseconds=_millis(milliseconds))
    except (OverflowError, ValueError):
        raise fail(Reason("expr.date_out_of_range", "{name} result is not a representable date", name=name)) from None


def _add(name: str, values: list) -> Any:
    dates = [value for value in values if isinstance(value, datetime)]
    if len(dates) > 1:
        raise fail(Reason("expr.add_two_dates", "only one date allowed in an $add expression"))
    total = fit_int(sum(value for value in values if not isinstance(value, datetime)))
    return _shift(dates[0], total, name) if dates else total


def _subtract(name: str, values: list) -> Any:
    a, b = values
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (as_utc(a) - as_utc(b)) // timedelta(milliseconds=1)
    if isinstance(a, datetime):
        return _shift(a, -b, name)
    if isinstance(b, datetime):
        raise fail(Reason("expr.subtract_date", "can't $subtract a date from a {type}", type=type_name(a)))
    return fit_int(a - b)


def _multiply(name: str, values: list) -> Any:
    product: Any = 1
    for value in values:
        product = fit_int(product * value)
    return product


def _divide(name: str, values: list) -> float:
    dividend, divisor = values
    if divisor == 0:
        raise fail(Reason("expr.by_zero", "can't {name} by zero", name="$divide"))
    try:
        return dividend / divisor
    except OverflowError:  # two huge ints: the double quotient overflows
        return math.copysign(_INF, dividend) * math.copysign(1, divisor)


def _mod(name: str, values: list) -> Any:
    dividend, divisor = values
    if divisor == 0:
        raise fail(Reason("expr.by_zero", "can't {name} by zero", name="$mod"))
    if type(dividend) is int and type(divisor) is int:
        result = abs(dividend) % abs(divisor)  # the sign follows the dividend, as in C and JS
        return -result if dividend < 0 else result
    return math.fmod(dividend, divisor)


def _ceil(name: str, value: Any) -> Any:
    return value if type(value) is int or not math.isfinite(value) else float(math.ceil(value))


def _floor(name: str, value: Any) -> Any:
    return value if type(value) is int or not math.isfinite(value) else float(math.floor(value))


def _exp(name: str, value: Any) -> float:
    try:
        return math.exp(value)
    except OverflowError:
        return _INF


def _positive(name: str, value: Any) -> None:
    if not value > 0 and value == value:  # NaN passes through, as in Mongo
        raise fail(Reason("expr.not_positive", "{name}'s argument must be a positive number, but {value}",
                          name=name, value=value))


def _ln(name: str, value: Any) -> float:
    _positive(name, value)
    return math.log(value) if value == value else value


def _log10(name: str, value: Any) -> float:
    _positive(name, value)
    return math.log10(value) if value == value else value


def _sqrt(name: str, value: Any) -> float:
    if value < 0:
        raise fail(Reason("expr.negative", "{name}'s argument must be greater than or equal to 0", name=name))
    return math.sqrt(value) if math.isfinite(value) else float(value)


def _log(name: str, values: list) -> float:
    number, base = values
    _positive(name, number)
    if not base > 0 or base == 1:
        raise fail(Reason("expr.log_base", "{name}'s base must be a positive number not equal to 1, but is {base}",
                          name=name, base=base))
    return math.log(number, base)


def _pow(name: str, values: list) -> Any:
    base, exponent = values
    if base == 0 and exponent < 0:
        raise fail(Reason("expr.pow_zero_negative", "$pow cannot take a base of 0 and a negative exponent"))
    if type(base) is int and type(exponent) is int and exponent >= 0:
        # Small enough to compute exactly? Otherwise Mongo's long overflows to a double.
        if abs(base) < 2 or exponent * abs(base).bit_length() <= 64:
            return fit_int(base**exponent)
    try:
        result = float(base) ** float(exponent)
    except OverflowError:
        result = _INF if base > 0 or exponent % 2 == 0 else -_INF
    except ZeroDivisionError:
        result = _INF
    return float("nan") if type(result) is complex else result


def _abs(name: str, value: Any) -> Any:
    return fit_int(abs(value))


def _rounder(mode: str) -> Builder:
    """``$trunc``/``$round``: ``[number, place?]``, place from -20 to 100 (Mongo 4.2+)."""

    def build(argument: Any, compile: Compile, name: str) -> Expr:
        parts = [compile(spec) for spec in between(name, argument, 1, 2)]

        def run(doc: Any, v: dict) -> Any:
            values = [part(doc, v) for part in parts]
            if any(nullish(value) for value in values):
                return None
            number = values[0]
            _numeric(name, number)
            place = values[1] if len(values) == 2 else 0
            if not is_number(place) or place != int(place) or not -20 <= place <= 100:
                raise fail(Reason("expr.round_place", "cannot apply {name} with precision value {place} value "
                                  "must be in [-20, 100]", name=name, place=place))
            return _round_to(number, int(place), mode)

        return run

    return build


def _round_to(number: Any, place: int, mode: str) -> Any:
    if type(number) is float and not math.isfinite(number):
        return number
    if type(number) is int and place >= 0:
        return number
    # Decimal arithmetic on the shortest repr: $round: [2.5] is 2 (half to even), 1.15 to 1 place 1.2.
    exact = Decimal(repr(number)) if type(number) is float else Decimal(number)
    if exact.as_tuple().exponent >= -place:
        return number  # no digits below the place: nothing to cut (and 1e300 needs no quantize)
    quantum = Decimal(1).scaleb(-place)
    try:
        rounded = exact.quantize(quantum, rounding=ROUND_DOWN if mode == "trunc" else ROUND_HALF_EVEN)
    except InvalidOperation:  # more digits than Decimal's precision: already that precise
        return number
    return int(rounded) if type(number) is int else float(rounded)


OPERATORS: dict[str, Builder] = {
    "$add": _variadic(_add, dates=True),
    "$subtract": _variadic(_subtract, 2, dates=True),
    "$multiply": _variadic(_multiply),
    "$divide": _variadic(_divide, 2),
    "$mod": _variadic(_mod, 2),
    "$pow": _variadic(_pow, 2),
    "$log": _variadic(_log, 2),
    "$abs": _unary(_abs),
    "$ceil": _unary(_ceil),
    "$floor": _unary(_floor),
    "$exp": _unary(_exp),
    "$ln": _unary(_ln),
    "$log10": _unary(_log10),
    "$sqrt": _unary(_sqrt),
    "$trunc": _rounder("trunc"),
    "$round": _rounder("round"),
}
