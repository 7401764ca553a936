"""Group accumulators (``$sum`` … ``$stdDevSamp``, ``$mergeObjects``) and their expression forms.

In ``$group``/``$bucket`` an accumulator sees one value per document: ``$sum``/``$avg`` and the
standard deviations take numbers only (others are skipped, so ``$sum`` ignores null), ``$max``/
``$min`` skip null and missing and compare in BSON order, ``$push``/``$addToSet`` skip missing.
As expressions (``$project: {t: $.sum('$scores')}``) one array operand is read element-wise and
several operands are the values.

Each accumulator is a reducer over the list of a group's values: ``$group`` only appends to a
list per group (a C call), and reduces once at the end. Sums of doubles are exact then rounded
(``math.fsum``), as close as it gets to MongoDB's double-double summation; integer sums stay
exact integers while they fit in 64 bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from app.core.database.aggregate.core import Builder, Compile, Expr, fail, fit_int, hash_key, operands
from app.core.database.aggregate.objects import merge_into
from app.core.database.values import MISSING, value_key
from app.core.reasons import Reason

# reduce(values, memo): ``memo`` is shared by the reducers of one group, which may then share
# work on the same list (``$sum`` and ``$avg`` of one operand).
Reducer = Callable[[list, dict], Any]


def _numbers(values: list) -> tuple[list, list]:
    """The ints and the floats among the values (bools, null, strings … are not numbers)."""
    kinds = set(map(type, values))  # one pass in C: most groups hold one kind of value
    if kinds == {float}:
        return [], values
    if kinds == {int}:
        return values, []
    return [v for v in values if type(v) is int], [v for v in values if type(v) is float]


def _total(whole: list, floats: list) -> Any:
    exact = sum(whole)
    if not floats:
        return fit_int(exact)
    try:
        return math.fsum(floats) if not whole else math.fsum([*floats, exact])
    except (OverflowError, ValueError):
        # Past the double range (a huge sum, or an integer too large), or inf + -inf, which
        # fsum refuses: plain addition gives what MongoDB gives, ±inf or NaN.
        total = sum(floats)
        try:
            return total + exact
        except OverflowError:
            return math.copysign(math.inf, exact)


class _Summary:
    """The numbers among one list of values and their sum, worked out once: ``$sum`` and
    ``$avg`` of the same operand share a list in ``$group``, and so this."""

    __slots__ = ("values", "count", "total")

    def __init__(self, values: list) -> None:
        whole, floats = _numbers(values)
        self.values, self.count, self.total = values, len(whole) + len(floats), _total(whole, floats)


def _summary(values: list, memo: dict) -> _Summary:
    summary = memo.get(id(values))
    if summary is None or summary.values is not values:
        summary = memo[id(values)] = _Summary(values)
    return summary


def reduce_sum(values: list, memo: dict) -> Any:
    return _summary(values, memo).total


def reduce_avg(values: list, memo: dict) -> Any:
    summary = _summary(values, memo)
    return float(summary.total) / summary.count if summary.count else None


def reduce_first(values: list, memo: dict) -> Any:
    return None if not values or values[0] is MISSING else values[0]


def reduce_last(values: list, memo: dict) -> Any:
    return None if not values or values[-1] is MISSING else values[-1]


def _extreme(pick: Callable) -> Reducer:
    def reduce(values: list, memo: dict) -> Any:
        present = [v for v in values if v is not None and v is not MISSING]
        if not present:
            return None
        # Numbers alone, or strings alone, compare natively; mixes need the BSON type order.
        if all(type(v) is int or (type(v) is float and v == v) for v in present) or \
                all(type(v) is str for v in present):
            return pick(present)
        return pick(present, key=value_key)

    return reduce


def reduce_push(values: list, memo: dict) -> list:
    return [v for v in values if v is not MISSING]


def reduce_add_to_set(values: list, memo: dict) -> list:
    seen: set = set()
    out = []
    for value in values:
        if value is not MISSING:
            key = hash_key(value)
            if key not in seen:
                seen.add(key)
                out.append(value)
    return out


def _deviation(sample: bool) -> Reducer:
    def reduce(values: list, memo: dict) -> Any:
        whole, floats = _numbers(values)
        numbers = [*whole, *floats]
        size = len(numbers) - 1 if sample else len(numbers)
        if size <= 0:
            return None
        mean = math.fsum(numbers) / len(numbers)
        if not math.isfinite(mean):
            return float("nan")
        return math.sqrt(math.fsum((x - mean) ** 2 for x in numbers) / size)

    return reduce


def reduce_merge_objects(values: list, memo: dict) -> dict:
    merged: dict = {}
    for value in values:
        merge_into(merged, value)
    return merged


ACCUMULATORS: dict[str, Reducer] = {
    "$sum": reduce_sum,
    "$avg": reduce_avg,
    "$first": reduce_first,
    "$last": reduce_last,
    "$max": _extreme(max),
    "$min": _extreme(min),
    "$push": reduce_push,
    "$addToSet": reduce_add_to_set,
    "$stdDevPop": _deviation(sample=False),
    "$stdDevSamp": _deviation(sample=True),
    "$mergeObjects": reduce_merge_objects,
}
# Accumulators of MongoDB that wxsim does not run (JavaScript, or newer than the cloud's Mongo).
UNSUPPORTED = {"$accumulator", "$function", "$count", "$top", "$bottom", "$topN", "$bottomN",
               "$firstN", "$lastN", "$maxN", "$minN"}


def _as_expression(reduce: Reducer) -> Builder:
    """``$sum: '$scores'`` over an array's elements; ``$sum: ['$a', '$b']`` over the operands."""

    def build(argument: Any, compile: Compile, name: str) -> Expr:
        parts = [compile(spec) for spec in operands(argument)]
        if len(parts) == 1:
            (part,) = parts

            def one(doc: Any, v: dict) -> Any:
                value = part(doc, v)
                return reduce(value if type(value) is list else [value], {})

            return one
        return lambda doc, v: reduce([part(doc, v) for part in parts], {})

    return build


EXPRESSIONS: dict[str, Builder] = {
    name: _as_expression(ACCUMULATORS[name])
    for name in ("$sum", "$avg", "$max", "$min", "$stdDevPop", "$stdDevSamp")
}


def accumulator_spec(field: str, spec: Any) -> tuple[str, Any]:
    """The ``(operator, operand)`` of an output field of ``$group``/``$bucket``, checked."""
    if "." in field:
        raise fail(Reason("aggregate.accumulator_field_dot", "The field name '{field}' cannot contain '.'",
                          field=field))
    if type(spec) is not dict or len(spec) != 1:
        raise fail(Reason("aggregate.accumulator_not_object", "The field '{field}' must be an accumulator object",
                          field=field))
    ((operator, operand),) = spec.items()
    if operator in UNSUPPORTED:
        raise fail(Reason("aggregate.accumulator_unsupported", "the {operator} accumulator is not supported by "
                          "wxsim", operator=operator))
    if operator not in ACCUMULATORS:
        raise fail(Reason("aggregate.accumulator_unknown", "unknown group operator '{operator}'",
                          operator=operator))
    if type(operand) is list:
        raise fail(Reason("aggregate.accumulator_unary", "The {operator} accumulator is a unary operator",
                          operator=operator))
    return operator, operand
