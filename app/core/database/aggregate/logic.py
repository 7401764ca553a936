"""Comparison, boolean and conditional operators: ``$eq`` … ``$cmp``, ``$and``/``$or``/``$not``,
``$cond``, ``$ifNull``, ``$switch``.

Comparisons use the full BSON order with no type brackets: ``$gt: ['a', 1]`` is true because
strings sort above numbers, and a missing field sorts below null, so ``$eq: ['$nope', null]``
is false (MongoDB's well-known ``$expr`` difference from ``find``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.database.aggregate.core import Builder, Compile, Expr, exactly, fail, options, operands
from app.core.database.values import MISSING, compare_values, truthy, values_equal
from app.core.reasons import Reason


def _comparison(test: Callable[[int], Any]) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        left, right = (compile(spec) for spec in exactly(name, argument, 2))
        return lambda doc, v: test(compare_values(left(doc, v), right(doc, v)))

    return build


def _eq(argument: Any, compile: Compile, name: str) -> Expr:
    left, right = (compile(spec) for spec in exactly(name, argument, 2))
    return lambda doc, v: values_equal(left(doc, v), right(doc, v))


def _ne(argument: Any, compile: Compile, name: str) -> Expr:
    left, right = (compile(spec) for spec in exactly(name, argument, 2))
    return lambda doc, v: not values_equal(left(doc, v), right(doc, v))


def _and(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]
    return lambda doc, v: all(truthy(part(doc, v)) for part in parts)


def _or(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]
    return lambda doc, v: any(truthy(part(doc, v)) for part in parts)


def _not(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))
    return lambda doc, v: not truthy(part(doc, v))


def _cond(argument: Any, compile: Compile, name: str) -> Expr:
    if type(argument) is dict:
        spec = options(name, argument, ("if", "then", "else"))
        test, then, otherwise = compile(spec["if"]), compile(spec["then"]), compile(spec["else"])
    else:
        test, then, otherwise = (compile(spec) for spec in exactly(name, argument, 3))
    return lambda doc, v: then(doc, v) if truthy(test(doc, v)) else otherwise(doc, v)


def _if_null(argument: Any, compile: Compile, name: str) -> Expr:
    # Two operands in MongoDB 4.x; 5.0 takes several and returns the first that is not null.
    args = [compile(spec) for spec in operands(argument)]
    if len(args) < 2:
        raise fail(Reason("expr.if_null_arguments", "{name} needs at least two arguments, had: {count}",
                          name=name, count=len(args)))
    *candidates, fallback = args

    def run(doc: Any, v: dict) -> Any:
        for candidate in candidates:
            value = candidate(doc, v)
            if value is not None and value is not MISSING:
                return value
        return fallback(doc, v)

    return run


def _switch(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("branches",), ("default",))
    if type(spec["branches"]) is not list:
        raise fail(Reason("expr.switch_branches_not_array", "$switch expected an array for 'branches', found: "
                          "{type}", type=type(spec["branches"]).__name__))
    branches = []
    for branch in spec["branches"]:
        if type(branch) is not dict:
            raise fail(Reason("expr.switch_branch_not_object", "$switch expected each branch to be an object"))
        for key in branch:
            if key not in ("case", "then"):
                raise fail(Reason("expr.switch_branch_unknown", "$switch found an unknown argument to a branch: {key}",
                                  key=key))
        if "case" not in branch:
            raise fail(Reason("expr.switch_no_case", "$switch requires each branch have a 'case' expression"))
        if "then" not in branch:
            raise fail(Reason("expr.switch_no_then", "$switch requires each branch have a 'then' expression."))
        branches.append((compile(branch["case"]), compile(branch["then"])))
    if not branches:
        raise fail(Reason("expr.switch_no_branches", "$switch requires at least one branch."))
    default = compile(spec["default"]) if "default" in spec else None

    def run(doc: Any, v: dict) -> Any:
        for case, then in branches:
            if truthy(case(doc, v)):
                return then(doc, v)
        if default is None:
            raise fail(Reason("expr.switch_no_match", "$switch could not find a matching branch for an input, and no "
                              "default was specified."))
        return default(doc, v)

    return run


OPERATORS: dict[str, Builder] = {
    "$eq": _eq,
    "$ne": _ne,
    "$gt": _comparison(lambda c: c > 0),
    "$gte": _comparison(lambda c: c >= 0),
    "$lt": _comparison(lambda c: c < 0),
    "$lte": _comparison(lambda c: c <= 0),
    "$cmp": _comparison(lambda c: c),
    "$and": _and,
    "$or": _or,
    "$not": _not,
    "$cond": _cond,
    "$ifNull": _if_null,
    "$switch": _switch,
}
