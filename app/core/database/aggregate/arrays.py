"""Array operators: ``$arrayElemAt`` … ``$slice``, plus ``$first``/``$last`` on arrays (Mongo 4.4).
The ones that iterate with variables (``$map``, ``$filter``, ``$reduce``) and ``$zip`` are in
``iterating``.

A null or missing array gives null (except ``$size``, ``$isArray`` and ``$in``, which need an
array or test for one); any other non-array is an error naming the operator.
"""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate.core import (
    MAX_ARRAY_ITEMS,
    Builder,
    Compile,
    Expr,
    as_int32,
    between,
    checked_array,
    exactly,
    fail,
    nullish,
    whole,
)
from app.core.database.aggregate.expression_reasons import argument_not_array, index_negative, index_not_integral, word
from app.core.database.values import MISSING, is_number, type_name, values_equal
from app.core.reasons import Reason


def _array_elem_at(argument: Any, compile: Compile, name: str) -> Expr:
    array_of, index_of = (compile(spec) for spec in exactly(name, argument, 2))

    def run(doc: Any, v: dict) -> Any:
        array, index = array_of(doc, v), index_of(doc, v)
        if nullish(array) or nullish(index):
            return None
        if type(array) is not list:
            raise fail(Reason("expr.array_elem_at_not_array", "$arrayElemAt's first argument must be an array, but "
                              "is {type}", type=type_name(array)))
        position = as_int32(name, index, word("second argument"))
        if position < 0:
            position += len(array)
        return array[position] if 0 <= position < len(array) else MISSING

    return run


def _end(last: bool) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        (array_of,) = (compile(spec) for spec in exactly(name, argument, 1))

        def run(doc: Any, v: dict) -> Any:
            array = array_of(doc, v)
            if nullish(array):
                return None
            if type(array) is not list:
                raise fail(argument_not_array(name, array))
            if not array:
                return MISSING
            return array[-1] if last else array[0]

        return run

    return build


def _concat_arrays(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in (argument if type(argument) is list else [argument])]

    def run(doc: Any, v: dict) -> Any:
        out: list = []
        for part in parts:
            array = part(doc, v)
            if nullish(array):
                return None
            if type(array) is not list:
                raise fail(Reason("expr.concat_arrays_not_array", "$concatArrays only supports arrays, not {type}",
                                  type=type_name(array)))
            out.extend(array)
        return checked_array(name, out)

    return run


def _in(argument: Any, compile: Compile, name: str) -> Expr:
    needle_of, array_of = (compile(spec) for spec in exactly(name, argument, 2))

    def run(doc: Any, v: dict) -> bool:
        needle, array = needle_of(doc, v), array_of(doc, v)
        if type(array) is not list:
            raise fail(Reason("expr.in_not_array", "$in requires an array as a second argument, found: {type}",
                              type=type_name(array)))
        return any(values_equal(needle, item) for item in array)

    return run


def _index_of_array(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in between(name, argument, 2, 4)]

    def run(doc: Any, v: dict) -> Any:
        array, needle, *bounds = (part(doc, v) for part in parts)
        if nullish(array):
            return None
        if type(array) is not list:
            raise fail(Reason("expr.index_of_array_not_array", "$indexOfArray requires an array as a first argument, "
                              "found: {type}", type=type_name(array)))
        start, end = _bounds(name, bounds, len(array))
        for i in range(start, min(end, len(array))):
            if values_equal(array[i], needle):
                return i
        return -1

    return run


def _bounds(name: str, bounds: list, length: int) -> tuple[int, int]:
    """Optional start and end indexes of the ``$indexOf…`` family: whole and non-negative."""
    limits = [0, length]
    for slot, (value, which) in enumerate(zip(bounds, ("starting", "ending"))):
        if not is_number(value) or value != int(value):
            raise fail(index_not_integral(name, which, value))
        if value < 0:
            raise fail(index_negative(name, which, value))
        limits[slot] = int(value)
    return limits[0], limits[1]


def _is_array(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))
    return lambda doc, v: type(part(doc, v)) is list


def _range(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in between(name, argument, 2, 3)]

    def run(doc: Any, v: dict) -> list:
        values = [part(doc, v) for part in parts]
        start = _range_int(values[0], word("starting value"))
        end = _range_int(values[1], word("ending value"))
        step = _range_int(values[2], word("step value")) if len(values) == 3 else 1
        if step == 0:
            raise fail(Reason("expr.range_zero_step", "$range requires a non-zero step value"))
        numbers = range(start, end, step)
        if len(numbers) > MAX_ARRAY_ITEMS:
            checked_array(name, [None] * (MAX_ARRAY_ITEMS + 1))  # the error, without building it all
        return list(numbers)

    return run


def _range_int(value: Any, what: Reason) -> int:
    if not is_number(value):
        raise fail(Reason("expr.range_not_number", "$range requires a numeric {what}, found value of type: {type}",
                          what=what, type=type_name(value)))
    if not whole(value) or not -(2**31) <= value < 2**31:
        raise fail(Reason("expr.range_not_int32", "$range requires a {what} that can be represented as a 32-bit "
                          "integer, found value: {value}", what=what, value=value))
    return int(value)


def _reverse_array(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))

    def run(doc: Any, v: dict) -> Any:
        array = part(doc, v)
        if nullish(array):
            return None
        if type(array) is not list:
            raise fail(Reason("expr.reverse_array_not_array", "The argument to $reverseArray must be an array, but was "
                              "of type: {type}", type=type_name(array)))
        return array[::-1]

    return run


def _size(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))

    def run(doc: Any, v: dict) -> int:
        array = part(doc, v)
        if type(array) is not list:
            raise fail(Reason("expr.size_not_array", "The argument to $size must be an array. Type of argument is "
                              "{type}",
                              type=type_name(array)))
        return len(array)

    return run


def _slice(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in between(name, argument, 2, 3)]

    def run(doc: Any, v: dict) -> Any:
        values = [part(doc, v) for part in parts]
        if any(nullish(value) for value in values):
            return None
        array = values[0]
        if type(array) is not list:
            raise fail(Reason("expr.slice_not_array", "First argument to $slice must be an array, but is of type: "
                              "{type}",
                              type=type_name(array)))
        if len(values) == 2:
            count = _slice_int(values[1], "Second")
            return array[:count] if count >= 0 else array[max(0, len(array) + count):]
        position = _slice_int(values[1], "Second")
        count = _slice_int(values[2], "Third")
        if count <= 0:
            raise fail(Reason("expr.slice_count_not_positive", "Third argument to $slice must be positive: {count}",
                              count=count))
        start = position if position >= 0 else max(0, len(array) + position)
        return array[start:start + count]

    return run


def _slice_int(value: Any, which: str) -> int:
    if not is_number(value):
        raise fail(Reason("expr.slice_not_number", "{which} argument to $slice must be a numeric value, but is of "
                          "type: {type}", which=word(which), type=type_name(value)))
    if not whole(value) or not -(2**31) <= value < 2**31:
        raise fail(Reason("expr.slice_not_int32", "{which} argument to $slice can't be represented as a 32-bit "
                          "integer: {value}", which=word(which), value=value))
    return int(value)


OPERATORS: dict[str, Builder] = {
    "$arrayElemAt": _array_elem_at,
    "$first": _end(last=False),
    "$last": _end(last=True),
    "$concatArrays": _concat_arrays,
    "$in": _in,
    "$indexOfArray": _index_of_array,
    "$isArray": _is_array,
    "$range": _range,
    "$reverseArray": _reverse_array,
    "$size": _size,
    "$slice": _slice,
}
