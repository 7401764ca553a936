"""Array operators that iterate: ``$map``, ``$filter`` and ``$reduce`` (which bind ``$$this``, or
their ``as`` name, and ``$$value``), and ``$zip``.

They are where one document's work can grow far past its size, so they look at the
pipeline's time budget as they go.
"""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate.core import (
    Builder,
    Compile,
    Expr,
    as_int32,
    check_budget,
    check_variable_name,
    fail,
    nullish,
    options,
)
from app.core.database.aggregate.expression_reasons import word as expression_word
from app.core.database.values import MISSING, truthy, type_name
from app.core.reasons import Reason

_CHECK_EVERY = 1024  # elements between two looks at the time budget


def _input(name: str, value: Any, word: str) -> list | None:
    if nullish(value):
        return None
    if type(value) is not list:
        raise fail(Reason("expr.input_not_array", "input to {name} must be an array not {type}", name=word,
                          type=type_name(value)))
    return value


def _map(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("input", "in"), ("as",))
    variable = check_variable_name(spec.get("as", "this"))
    input_of, body = compile(spec["input"]), compile(spec["in"])

    def run(doc: Any, v: dict) -> Any:
        array = _input(name, input_of(doc, v), "$map")
        if array is None:
            return None
        scope = dict(v)
        out = []
        for i, item in enumerate(array):
            if not i % _CHECK_EVERY:
                check_budget()
            scope[variable] = item
            value = body(doc, scope)
            out.append(None if value is MISSING else value)
        return out

    return run


def _filter(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("input", "cond"), ("as", "limit"))
    variable = check_variable_name(spec.get("as", "this"))
    input_of, test = compile(spec["input"]), compile(spec["cond"])
    limit_of = compile(spec["limit"]) if "limit" in spec else None

    def run(doc: Any, v: dict) -> Any:
        array = _input(name, input_of(doc, v), "$filter")
        if array is None:
            return None
        limit = None
        if limit_of is not None:
            limit = limit_of(doc, v)
            if limit is not None:
                limit = as_int32(name, limit, expression_word("limit"))
                if limit < 1:
                    raise fail(Reason("expr.filter_limit", "$filter: limit must be greater than 0: {limit}",
                                      limit=limit))
        scope = dict(v)
        out = []
        for i, item in enumerate(array):
            if not i % _CHECK_EVERY:
                check_budget()
            scope[variable] = item
            if truthy(test(doc, scope)):
                out.append(item)
                if limit is not None and len(out) >= limit:
                    break
        return out

    return run


def _reduce(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("input", "initialValue", "in"))
    input_of, initial, body = compile(spec["input"]), compile(spec["initialValue"]), compile(spec["in"])

    def run(doc: Any, v: dict) -> Any:
        array = input_of(doc, v)
        if nullish(array):
            return None
        if type(array) is not list:
            raise fail(Reason("expr.reduce_not_array", "$reduce requires that 'input' be an array, found: {type}",
                              type=type_name(array)))
        scope = dict(v)
        accumulated = initial(doc, v)
        for i, item in enumerate(array):
            if not i % _CHECK_EVERY:
                check_budget()
            scope["value"], scope["this"] = accumulated, item
            accumulated = body(doc, scope)
        return accumulated

    return run


def _zip(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("inputs",), ("useLongestLength", "defaults"))
    if type(spec["inputs"]) is not list:
        raise fail(Reason("expr.zip_inputs_not_array", "inputs must be an array of expressions, found {type}",
                          type=type_name(spec["inputs"])))
    longest = spec.get("useLongestLength", False)
    if type(longest) is not bool:
        raise fail(Reason("expr.zip_longest_not_bool", "useLongestLength must be a bool, found {type}",
                          type=type_name(longest)))
    inputs = [compile(item) for item in spec["inputs"]]
    defaults = None
    if "defaults" in spec:
        if not longest:
            raise fail(Reason("expr.zip_defaults_without_longest", "cannot specify defaults unless useLongestLength "
                              "is true"))
        if type(spec["defaults"]) is not list:
            raise fail(Reason("expr.zip_defaults_not_array", "defaults must be an array of expressions, found {type}",
                              type=type_name(spec["defaults"])))
        if len(spec["defaults"]) != len(inputs):
            raise fail(Reason("expr.zip_defaults_length", "defaults and inputs must have the same length"))
        defaults = [compile(item) for item in spec["defaults"]]

    def run(doc: Any, v: dict) -> Any:
        arrays = []
        for part in inputs:
            array = part(doc, v)
            if nullish(array):
                return None
            if type(array) is not list:
                raise fail(Reason("expr.zip_input_not_array", "$zip found a non-array expression in input: {value}",
                                  value=repr(array)))
            arrays.append(array)
        if not arrays:
            return []
        fill = [None if (value := d(doc, v)) is MISSING else value for d in defaults] if defaults else \
            [None] * len(arrays)
        length = max(map(len, arrays)) if longest else min(map(len, arrays))
        return [[a[i] if i < len(a) else fill[k] for k, a in enumerate(arrays)] for i in range(length)]

    return run


OPERATORS: dict[str, Builder] = {
    "$filter": _filter,
    "$map": _map,
    "$reduce": _reduce,
    "$zip": _zip,
}
