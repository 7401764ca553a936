"""Set operators: ``$setUnion`` … ``$setIsSubset``, ``$allElementsTrue``, ``$anyElementTrue``.

Arrays are sets under BSON equality (1 and 1.0 are one element, true and 1 are two); results
keep first-seen order, which MongoDB leaves unspecified.
"""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate.core import Builder, Compile, Expr, exactly, fail, hash_key, nullish, operands
from app.core.database.aggregate.expression_reasons import argument_not_array, word
from app.core.database.values import truthy, type_name
from app.core.reasons import Reason


def unique(values: list) -> list:
    """The values without BSON-equal repeats, in first-seen order."""
    seen: set = set()
    out = []
    for value in values:
        key = hash_key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _operand_not_array(name: str, value: Any) -> Reason:
    return Reason("expr.set_operand_not_array", "All operands of {name} must be arrays. One argument is of type: "
                  "{type}", name=name, type=type_name(value))


def _both_not_arrays(name: str, which: str, value: Any) -> Reason:
    return Reason("expr.set_both_not_arrays", "both operands of {name} must be arrays. {which} argument is of type: "
                  "{type}", name=name, which=word(which), type=type_name(value))


def _union(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]

    def run(doc: Any, v: dict) -> Any:
        merged: list = []
        for part in parts:
            array = part(doc, v)
            if nullish(array):
                return None
            if type(array) is not list:
                raise fail(_operand_not_array("$setUnion", array))
            merged.extend(array)
        return unique(merged)

    return run


def _intersection(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]

    def run(doc: Any, v: dict) -> Any:
        arrays = [part(doc, v) for part in parts]
        if any(nullish(array) for array in arrays):
            return None
        for array in arrays:
            if type(array) is not list:
                raise fail(_operand_not_array("$setIntersection", array))
        if not arrays:
            return []
        result = unique(arrays[0])
        for array in arrays[1:]:
            keys = {hash_key(item) for item in array}
            result = [item for item in result if hash_key(item) in keys]
        return result

    return run


def _difference(argument: Any, compile: Compile, name: str) -> Expr:
    left_of, right_of = (compile(spec) for spec in exactly(name, argument, 2))

    def run(doc: Any, v: dict) -> Any:
        left, right = left_of(doc, v), right_of(doc, v)
        if nullish(left) or nullish(right):
            return None
        for array, which in ((left, "First"), (right, "Second")):
            if type(array) is not list:
                raise fail(_both_not_arrays("$setDifference", which, array))
        removed = {hash_key(item) for item in right}
        return [item for item in unique(left) if hash_key(item) not in removed]

    return run


def _equals(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]
    if len(parts) < 2:
        raise fail(Reason("expr.set_equals_arguments", "$setEquals needs at least two arguments had: {count}",
                          count=len(parts)))

    def run(doc: Any, v: dict) -> bool:
        sets = []
        for part in parts:
            array = part(doc, v)
            if type(array) is not list:
                raise fail(_operand_not_array("$setEquals", array))
            sets.append({hash_key(item) for item in array})
        return all(s == sets[0] for s in sets[1:])

    return run


def _is_subset(argument: Any, compile: Compile, name: str) -> Expr:
    left_of, right_of = (compile(spec) for spec in exactly(name, argument, 2))

    def run(doc: Any, v: dict) -> bool:
        left, right = left_of(doc, v), right_of(doc, v)
        for array, which in ((left, "First"), (right, "Second")):
            if type(array) is not list:
                raise fail(_both_not_arrays("$setIsSubset", which, array))
        return {hash_key(item) for item in left} <= {hash_key(item) for item in right}

    return run


def _elements(test: Any) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        (part,) = (compile(spec) for spec in exactly(name, argument, 1))

        def run(doc: Any, v: dict) -> bool:
            array = part(doc, v)
            if type(array) is not list:
                raise fail(argument_not_array(name, array))
            return test(truthy(item) for item in array)

        return run

    return build


OPERATORS: dict[str, Builder] = {
    "$setUnion": _union,
    "$setIntersection": _intersection,
    "$setDifference": _difference,
    "$setEquals": _equals,
    "$setIsSubset": _is_subset,
    "$allElementsTrue": _elements(all),
    "$anyElementTrue": _elements(any),
}
