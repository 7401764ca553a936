"""What every expression operator shares: the closure type, argument checks, limits, variables.

An expression compiles to an ``Expr``: ``expr(doc, variables) -> value``, where ``doc`` is the
current document (``$$ROOT`` and ``$$CURRENT``) and ``variables`` maps the names of ``$let``,
``$map``, ``$lookup``'s ``let`` … to their values. A field that is absent evaluates to
``MISSING``; where a value is written out (``$project``, ``$addFields``, an object literal)
MISSING means "leave the field out", as in MongoDB.

Operator modules register builders ``build(argument, compile, name) -> Expr``: ``argument`` is
the raw operand (``{$add: [...]}`` gives the list), ``compile`` compiles a sub-expression.
They import this module (and each other's helpers), never ``expressions``, so the operator
table has no import cycles.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

from app.core.database.failures import request_failed
from app.core.database.values import MISSING, is_number, type_name, value_key
from app.core.errors import CloudError
from app.core.reasons import Reason

Expr = Callable[[Any, dict], Any]
Compile = Callable[[Any], Expr]
Builder = Callable[[Any, Compile, str], Expr]

# Mongo keeps integers in 64 bits and turns an overflowing result into a double; Python's
# ints never overflow, so results are brought back into that range (and kept cheap to hold).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Values an expression may build. MongoDB caps a document at 16 MB and a stage's memory at
# 100 MB; these keep a hostile `$range` or a doubling `$reduce` from exhausting the host.
MAX_ARRAY_ITEMS = 1_000_000
MAX_STRING_CHARS = 16 * 1024 * 1024
# Wall time one aggregation may take (MongoDB's maxTimeMS): checked where work can grow
# faster than the input (per element of $map/$filter/$reduce, per document of a join).
BUDGET_S = 10.0

_USER_VARIABLE = re.compile(r"^[a-z\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*$")
_NO_VARIABLES: dict = {}
_scope: ContextVar[dict] = ContextVar("wxsim_aggregate_variables", default=_NO_VARIABLES)
_deadline: ContextVar[float | None] = ContextVar("wxsim_aggregate_deadline", default=None)


def fail(detail: str | Reason) -> CloudError:
    """A malformed operand or a type clash: Mongo's error, passed on as -502001."""
    return request_failed(detail)


def operands(argument: Any) -> list:
    """Mongo's argument convention: an array is the argument list, anything else one argument."""
    return argument if type(argument) is list else [argument]


def exactly(name: str, argument: Any, count: int) -> list:
    """The operands, refusing any other number of them (Mongo's wording)."""
    args = operands(argument)
    if len(args) != count:
        raise fail(Reason("aggregate.args_exactly", "Expression {name} takes exactly {count} arguments. {passed} "
                          "were passed in.", name=name, count=count, passed=len(args)))
    return args


def between(name: str, argument: Any, low: int, high: int) -> list:
    args = operands(argument)
    if not low <= len(args) <= high:
        raise fail(Reason("aggregate.args_between", "Expression {name} takes at least {low} arguments, and at most "
                          "{high}. {passed} were passed in.", name=name, low=low, high=high, passed=len(args)))
    return args


def options(name: str, argument: Any, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    """The named arguments of an object-form operator (``$map: {input, as, in}``), checked."""
    if type(argument) is not dict:
        raise fail(Reason("aggregate.options_not_object", "{name} only supports an object as its argument", name=name))
    for key in argument:
        if key not in required and key not in optional:
            raise fail(Reason("aggregate.options_unknown", "Unrecognized parameter to {name}: {key}", name=name,
                              key=key))
    for key in required:
        if key not in argument:
            raise fail(Reason("aggregate.options_missing", "Missing '{key}' parameter to {name}", name=name, key=key))
    return argument


def check_variable_name(name: Any) -> str:
    """A user variable's name (``$let``, ``as``, ``$lookup``'s ``let``), checked as Mongo does:
    a lowercase ASCII letter or a non-ASCII character first, then letters, digits and ``_``."""
    if type(name) is not str or not name:
        raise fail(Reason("aggregate.variable_empty", "empty variable names are not allowed"))
    if not _USER_VARIABLE.match(name):
        if not _USER_VARIABLE.match(name[0]):
            raise fail(Reason("aggregate.variable_first_character", "'{name}' starts with an invalid character for a "
                              "user variable name", name=name))
        bad = next(c for c in name if not _USER_VARIABLE.match("a" + c))
        raise fail(Reason("aggregate.variable_character", "'{name}' contains an invalid character for a variable "
                          "name: '{bad}'", name=name, bad=bad))
    return name


def constant(value: Any) -> Expr:
    """An expression that always gives ``value``; ``is_constant`` recognises it."""

    def const(doc: Any, variables: dict) -> Any:
        return value

    const.constant = value  # type: ignore[attr-defined]
    return const


def is_constant(expr: Expr) -> bool:
    return hasattr(expr, "constant")


def hash_key(value: Any) -> Any:
    """A dict key equal for exactly the BSON-equal values: 1 and 1.0 share one, true and 1 not.

    Strings and numbers are their own key (the common, cheap case); everything else uses the
    type-tagged ``value_key`` tuple, which never equals a string or a number.
    """
    kind = type(value)
    if kind is str or ((kind is int or kind is float) and value == value):
        return value
    return value_key(value)


def nullish(value: Any) -> bool:
    """null or missing: what most operators turn into a null result."""
    return value is None or value is MISSING


def whole(value: Any) -> bool:
    """A number with no fraction (any numeric type), never a bool."""
    return is_number(value) and value == value and value not in (float("inf"), float("-inf")) \
        and value == int(value)


def as_int32(name: str, value: Any, what: str | Reason) -> int:
    """An index-like operand: numeric, whole and within 32 bits (Mongo's checks); ``what`` names
    it (a Reason when it is words, so the UI can say it in its language)."""
    if not is_number(value):
        raise fail(Reason("aggregate.int32_not_number", "{name}'s {what} must be a numeric value, but is {type}",
                          name=name, what=what, type=type_name(value)))
    if not whole(value) or not -(2**31) <= value < 2**31:
        raise fail(Reason("aggregate.int32_range", "{name}'s {what} must be representable as a 32-bit integer: "
                          "{value}", name=name, what=what, value=value))
    return int(value)


def fit_int(value: Any) -> Any:
    """An int result past 64 bits becomes a double, as Mongo's long arithmetic overflows."""
    if type(value) is int and not INT64_MIN <= value <= INT64_MAX:
        return float(value)
    return value


def checked_array(name: str, items: list) -> list:
    if len(items) > MAX_ARRAY_ITEMS:
        raise fail(Reason("aggregate.array_too_long", "{name} would build an array of {count} elements, more than "
                          "the {limit} wxsim allows (MongoDB's memory limit)", name=name, count=len(items),
                          limit=MAX_ARRAY_ITEMS))
    return items


def checked_string(name: str, text: str) -> str:
    if len(text) > MAX_STRING_CHARS:
        raise fail(Reason("aggregate.string_too_long", "{name} would build a string of {count} characters, more "
                          "than the {limit} wxsim allows (MongoDB's 16 MB limit)", name=name, count=len(text),
                          limit=MAX_STRING_CHARS))
    return text


# -- variables and the time budget, per thread or task ----------------------------------------


def current_variables() -> dict:
    """The variables in scope for a query's ``$expr`` (a ``$lookup`` pipeline's ``let``)."""
    return _scope.get()


@contextmanager
def variables_in_scope(variables: dict) -> Iterator[None]:
    """Make ``variables`` visible to ``$expr`` in ``$match`` stages run inside the block."""
    token = _scope.set(variables)
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """One aggregation's deadline (``BUDGET_S`` unless given); nested blocks keep the outermost."""
    if _deadline.get() is not None:
        yield
        return
    token = _deadline.set(time.monotonic() + (BUDGET_S if seconds is None else seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_budget() -> None:
    """Fail once the aggregation has run past its deadline (MongoDB's MaxTimeMSExpired)."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise fail(Reason("aggregate.time_limit", "operation exceeded time limit (MaxTimeMSExpired): the "
                          "aggregation ran longer than the {seconds:g} s wxsim allows one pipeline",
                          seconds=BUDGET_S))


def now(variables: dict) -> datetime:
    """``$$NOW``: one instant for the whole pipeline, else the current time."""
    moment = variables.get("NOW")
    return datetime.now(timezone.utc) if moment is None else moment
