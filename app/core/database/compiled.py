"""Compile the common simple queries to one generated Python function (and a counting loop).

A query whose clauses are all ``field: plain value`` or ``field: {$eq|$ne|$gt|$gte|$lt|$lte|
$in|$nin: plain}`` (plain: a string, a number that is not NaN, true, false or null; ``$in``
lists of only strings or only numbers; ``$and`` of such) becomes straight-line code: no
closure per clause, the path walked once per field, the count an inline loop. Semantics are
those of ``query.py`` exactly (``tests/core/database/test_compiled_queries.py`` compares them
over random documents): null also matches a missing field or a path ending in a scalar, arrays
are expanded one level, numbers never equal booleans. A dotted path through an array is
handed to the general walk (``fieldpaths.walk``) with the general test, so the rare cases
keep one implementation. Anything else returns None and takes the general path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.core.database.fieldpaths import walk
from app.core.database.operators import COMPARISONS, compare_test, eq_test, expanded, in_test
from app.core.database.values import MISSING

Predicate = Callable[[dict], bool]
Counter = Callable[[Iterable[dict]], int]

_NEGATED = {"$ne": "$eq", "$nin": "$in"}
_SYMBOL = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_NUMBERS = (int, float)


@dataclass(frozen=True)
class Compiled:
    """A query as generated code: ``match(doc)`` and ``count(docs)``."""

    match: Predicate
    count: Counter


def compile_simple(query: Mapping[str, Any] | None) -> Compiled | None:
    """The generated functions for a simple query (module docstring), or None."""
    if type(query) is not dict or not query:
        return None
    fields: dict[tuple[str, ...], list[tuple[str, Any]]] = {}
    if not _gather(query, fields):
        return None
    return _Builder().build(fields)


def _gather(query: dict, fields: dict) -> bool:
    for key, spec in query.items():
        if type(key) is not str:
            return False
        if key == "$and":
            if type(spec) is not list or not spec or any(type(q) is not dict or not q for q in spec):
                return False
            if not all(_gather(q, fields) for q in spec):
                return False
            continue
        parts = tuple(key.split("."))
        if key.startswith("$") or "" in parts:
            return False
        if type(spec) is dict and spec and str(next(iter(spec))).startswith("$"):
            ops = list(spec.items())
        else:
            ops = [("$eq", spec)]
        for op, arg in ops:
            if not _supported(op, arg):
                return False
        fields.setdefault(parts, []).extend(ops)
    return True


def _plain(value: Any) -> bool:
    t = type(value)
    return t is str or t is bool or value is None or (t in _NUMBERS and value == value)


def _supported(op: str, arg: Any) -> bool:
    if op in ("$eq", "$ne"):
        return _plain(arg)
    if op in COMPARISONS:
        return type(arg) is str or (type(arg) in _NUMBERS and arg == arg)
    if op in ("$in", "$nin"):
        return type(arg) is list and bool(arg) and (
            all(type(t) is str for t in arg) or all(type(t) in _NUMBERS and t == t for t in arg))
    return False


def _general_leaf(op: str, arg: Any) -> Callable[[Any], bool]:
    """The general path's per-value test for a positive operator (``query._leaf``)."""
    if op == "$eq":
        return expanded(eq_test(arg))
    if op == "$in":
        return expanded(in_test(arg))
    return expanded(compare_test(op, arg))


class _Builder:
    """Writes the source of ``match`` and ``count``; constants travel as default arguments."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {"_walk": walk, "_has_num": _has_num, "_has_is": _has_is,
                                          "_any_cmp": _any_cmp, "_any_in": _any_in}

    def const(self, value: Any) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def build(self, fields: dict) -> Compiled:
        blocks = [(parts, [self._condition(op, arg) for op, arg in ops]) for parts, ops in fields.items()]
        match_body: list[str] = []
        count_body: list[str] = []
        for parts, conditions in blocks:
            self._path(match_body, parts, conditions, 1, "return False")
            self._path(count_body, parts, conditions, 2, "continue")
        params = ", ".join(f"{name}={name}" for name in self.constants)
        source = "\n".join([
            f"def match(doc, {params}):", *match_body, "    return True",
            f"def count(docs, {params}):", "    n = 0", "    for doc in docs:", *count_body,
            "        n += 1", "    return n",
        ])
        namespace = dict(self.constants)
        exec(_code(source), namespace)  # noqa: S102 - our own text, constants passed as values
        return Compiled(namespace["match"], namespace["count"])

    def _condition(self, op: str, arg: Any) -> tuple[str, bool, Callable[[Any], bool]]:
        """(expression true when the positive test holds for ``v`` of class ``c``, negated?,
        the general per-value test for array walks and dead ends)."""
        negated = op in _NEGATED
        positive = _NEGATED.get(op, op)
        return self._expression(positive, arg), negated, _general_leaf(positive, arg)

    def _expression(self, op: str, arg: Any) -> str:
        t = self.const(arg)
        if op == "$eq":
            if type(arg) is str:
                return f"(v == {t} or (v.__class__ is list and {t} in v))"  # only a str equals a str
            if type(arg) in _NUMBERS:
                return f"((v == {t} and c is not bool) or (c is list and _has_num(v, {t})))"
            return f"(v is {t} or (c is list and _has_is(v, {t})))"  # true, false, null (also missing)
        if op == "$in":
            kinds = (str,) if type(arg[0]) is str else _NUMBERS
            choices, wanted = self.const(frozenset(arg)), self.const(kinds)
            test = "c is str" if kinds == (str,) else "(c is int or c is float)"
            return f"((v in {choices}) if {test} else (c is list and _any_in(v, {wanted}, {choices})))"
        symbol, compare = _SYMBOL[op], self.const(COMPARISONS[op])
        kinds = (str,) if type(arg) is str else _NUMBERS
        test = "c is str" if kinds == (str,) else "(c is int or c is float)"
        return f"((v {symbol} {t}) if {test} else (c is list and _any_cmp(v, {self.const(kinds)}, {compare}, {t})))"

    def _path(self, out: list[str], parts: tuple, conditions: list, depth: int, fail: str) -> None:
        pad = "    " * depth
        out.append(f"{pad}v = doc.get({self.const(parts[0])})")
        self._level(out, parts, 1, conditions, depth, fail)

    def _level(self, out: list[str], parts: tuple, i: int, conditions: list, depth: int, fail: str) -> None:
        pad = "    " * depth
        if i == len(parts):
            if any("c is" in expression for expression, _, _ in conditions):
                out.append(f"{pad}c = v.__class__")
            for expression, negated, _ in conditions:
                out.append(f"{pad}if {'' if negated else 'not '}{expression}: {fail}")
            return
        # A dict steps down; an array is the general walk's; anything else is a dead end
        # (MISSING), whose answer is known now.
        out.append(f"{pad}c = v.__class__")
        out.append(f"{pad}if c is dict:")
        out.append(f"{pad}    v = v.get({self.const(parts[i])})")
        self._level(out, parts, i + 1, conditions, depth + 1, fail)
        out.append(f"{pad}elif c is list:")
        tail = self.const(parts)
        for _, negated, leaf in conditions:
            out.append(f"{pad}    if {'' if negated else 'not '}_walk(v, {tail}, {i}, {self.const(leaf)}): {fail}")
        dead_end = [negated == leaf(MISSING) for _, negated, leaf in conditions]
        if any(dead_end):
            out.append(f"{pad}else: {fail}")


@lru_cache(maxsize=512)
def _code(source: str):
    """Queries of one shape share their compiled code (the source names no values)."""
    return compile(source, "<wxsim compiled query>", "exec")


def _has_num(items: list, target: Any) -> bool:
    for item in items:
        if item == target and item.__class__ is not bool:  # true == 1 in Python, not in BSON
            return True
    return False


def _has_is(items: list, target: Any) -> bool:
    for item in items:
        if item is target:
            return True
    return False


def _any_cmp(items: list, kinds: tuple, compare: Callable[[Any, Any], bool], bound: Any) -> bool:
    for item in items:
        if item.__class__ in kinds and compare(item, bound):
            return True
    return False


def _any_in(items: list, kinds: tuple, choices: frozenset) -> bool:
    for item in items:
        if item.__class__ in kinds and item in choices:
            return True
    return False
