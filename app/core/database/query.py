"""Compile a decoded Mongo query into a predicate over documents (spec §3.2-§3.3).

The query is checked and turned into closures once; the predicate then does no
parsing per document. Operators on a field combine with AND, and each is tested on
its own, so ``{a: {$gt: 25, $lt: 15}}`` may be met by different array elements (Q11).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.database.expr import compile_expression
from app.core.database.failures import request_failed
from app.core.database.fastpaths import fast_predicate, fast_range
from app.core.database.operators import (
    COMPARISONS,
    ValueTest,
    compare_test,
    eq_test,
    expanded,
    in_test,
    mod_test,
    regex_test,
    size_test,
    type_test,
    unsupported,
)
from app.core.database.fieldpaths import Parts, split_path, walk_doc
from app.core.database.compiled import compile_simple
from app.core.database.geo_names import GEO_OPERATORS
from app.core.database.regex import compile_regex, regex_literal
from app.core.database.regex_budget import regex_budget
from app.core.database.values import MISSING, truthy
from app.core.reasons import Reason

Predicate = Callable[[dict], bool]

_NEGATED = {"$ne": "$eq", "$nin": "$in"}
_LOGICAL = ("$and", "$or", "$nor")


def _always(doc: dict) -> bool:
    return True


def _never(doc: dict) -> bool:
    return False


def compile_query(query: Mapping[str, Any] | None) -> Predicate:
    """A predicate that is True for the documents the query matches; {} or None match all.

    Its regex tests share one time budget (the caller's, if it opened one with
    ``regex_budget``); past it, the predicate raises a CloudError.
    """
    with regex_budget():
        return _compile_query(query)


def _compile_query(query: Mapping[str, Any] | None) -> Predicate:
    if query is None:
        return _always
    simple = compile_simple(query)  # generated code for the common simple queries
    if simple is not None:
        return simple.match
    if not isinstance(query, Mapping):
        raise request_failed(Reason("query.not_object", "query must be an object, not {type}",
                                    type=type(query).__name__))
    clauses: list[Predicate] = []
    for key, spec in query.items():
        if type(key) is not str:
            raise request_failed(Reason(
                "query.field_name_type", "query field names must be strings"
            ))
        if key.startswith("$"):
            clauses.append(_top_level(key, spec))
        else:
            clauses.extend(_field_predicates(split_path(key), spec))
    return all_of(clauses)


def all_of(predicates: list[Predicate]) -> Predicate:
    """AND of predicates, with no wrapper for the common one- and two-clause cases."""
    predicates = [p for p in predicates if p is not _always]
    if not predicates:
        return _always
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda doc: first(doc) and second(doc)
    chain = tuple(predicates)

    def every(doc: dict) -> bool:
        for predicate in chain:
            if not predicate(doc):
                return False
        return True

    return every


def _any_of(predicates: list[Predicate]) -> Predicate:
    chain = tuple(predicates)

    def some(doc: dict) -> bool:
        for predicate in chain:
            if predicate(doc):
                return True
        return False

    return some


def _negate(predicate: Predicate) -> Predicate:
    return lambda doc: not predicate(doc)


def _combine(op: str, predicates: list[Predicate]) -> Predicate:
    if op == "$and":
        return all_of(predicates)
    if op == "$or":
        return _any_of(predicates)
    return _negate(_any_of(predicates))


def _top_level(op: str, spec: Any) -> Predicate:
    if op in _LOGICAL:
        return _combine(op, [compile_query(item) for item in _clause_list(op, spec, dict)])
    if op == "$expr":
        expression = compile_expression(spec)
        return lambda doc: truthy(expression(doc))
    if op == "$comment":
        return _always
    if op == "$jsonSchema":
        from app.core.database.json_schema import schema_predicate  # rare: loaded when used

        return schema_predicate(spec)
    raise unsupported(op, top_level=True)


def _clause_list(op: str, spec: Any, kind: type | None) -> list:
    if type(spec) is not list or not spec:
        raise request_failed(Reason(
            "query.clauses_nonempty", "{op} must be a nonempty array", op=op
        ))
    if kind is not None and any(type(item) is not kind for item in spec):
        raise request_failed(Reason(
            "query.clauses_objects", "{op} argument's entries must be objects", op=op
        ))
    return spec


def is_operator_object(spec: Any) -> bool:
    """True for ``{"$gt": 1, ...}``; a dict whose first key has no ``$`` is a value."""
    return type(spec) is dict and bool(spec) and str(next(iter(spec))).startswith("$")


def path_predicate(parts: Parts, leaf: ValueTest) -> Predicate:
    """Run ``leaf`` on the values the path reaches; true if any passes."""
    if len(parts) == 1:
        key = parts[0]
        return lambda doc: leaf(doc.get(key, MISSING))
    return lambda doc: walk_doc(doc, parts, leaf)


def _field_predicates(parts: Parts, spec: Any) -> list[Predicate]:
    """The predicates of one field's condition: a value, a regex or an operator object."""
    pattern = regex_literal(spec)
    if pattern is not None:
        return [path_predicate(parts, expanded(regex_test(pattern)))]
    if not is_operator_object(spec):
        fast = fast_predicate(parts, "$eq", spec)
        return [fast or path_predicate(parts, expanded(eq_test(spec)))]
    fast = fast_range(parts, spec)
    if fast is not None:
        return [fast]
    if "$options" in spec and "$regex" not in spec:
        raise request_failed(Reason("query.options_need_regex", "$options needs a $regex"))
    return [
        _operator_predicate(parts, op, arg, spec.get("$options"))
        for op, arg in spec.items()
        if op != "$options"
    ]


def _operator_predicate(parts: Parts, op: str, arg: Any, options: Any) -> Predicate:
    if op in _NEGATED:
        positive = _NEGATED[op]
        if op == "$nin" and type(arg) is not list:
            raise request_failed(Reason("query.nin_array", "$nin needs an array"))
        return _negate(
            fast_predicate(parts, positive, arg) or path_predicate(parts, _leaf(positive, arg))
        )
    if op == "$not":
        return _negate(all_of(_not_operand(parts, arg)))
    if op == "$exists":
        exists = path_predicate(parts, lambda value: value is not MISSING)
        return exists if arg else _negate(exists)
    if op in _LOGICAL:
        branches = [all_of(_field_predicates(parts, item)) for item in _clause_list(op, arg, None)]
        return _combine(op, branches)
    if op == "$all":
        return _all_predicate(parts, arg)
    if op == "$regex":
        return path_predicate(parts, expanded(regex_test(compile_regex(arg, options))))
    return fast_predicate(parts, op, arg) or path_predicate(parts, _leaf(op, arg))


def _leaf(op: str, arg: Any) -> ValueTest:
    """The per-value test of a positive operator, with array expansion where Mongo has it."""
    if op == "$elemMatch":
        return _elem_match_test(arg)
    if op == "$size":
        return size_test(arg)
    return expanded(value_test(op, arg))


def value_test(op: str, arg: Any) -> ValueTest:
    """One value against one positive operator, no array expansion."""
    if op == "$eq":
        # `$eq: /re/` compares with a stored regex, never matches strings (Mongo).
        return eq_test(arg)
    if op in COMPARISONS:
        return compare_test(op, arg)
    if op == "$in":
        return in_test(arg, op)
    if op == "$mod":
        return mod_test(arg)
    if op == "$type":
        return type_test(arg)
    if op == "$size":
        return size_test(arg)
    if op == "$regularExpression":
        return regex_test(regex_literal({op: arg}))
    if op == "$elemMatch":
        return _elem_match_test(arg)
    if op in GEO_OPERATORS:
        from app.core.database.geo_query import geo_test  # spherical geometry loads when first used

        return geo_test(op, arg)
    raise unsupported(op)


def _not_operand(parts: Parts, arg: Any) -> list[Predicate]:
    if regex_literal(arg) is not None:
        return _field_predicates(parts, arg)
    if type(arg) is not dict:
        raise request_failed(Reason("query.not_operand", "$not needs a regex or a document"))
    if not arg:
        raise request_failed(Reason("query.not_empty", "$not cannot be empty"))
    if not is_operator_object(arg):
        raise request_failed(Reason(
            "query.not_operator_object", "$not needs a regex or an operator object"
        ))
    return _field_predicates(parts, arg)


def _all_predicate(parts: Parts, arg: Any) -> Predicate:
    if type(arg) is not list:
        raise request_failed(Reason("query.all_array", "$all needs an array"))
    if not arg:
        return _never
    # Each listed value is its own condition on the path, like an $and of $eq (Mongo).
    tests = []
    for item in arg:
        if is_operator_object(item) and "$elemMatch" in item:
            tests.append(path_predicate(parts, _elem_match_test(item["$elemMatch"])))
        elif regex_literal(item) is not None:
            tests.append(path_predicate(parts, expanded(regex_test(regex_literal(item)))))
        else:
            tests.append(path_predicate(parts, _leaf("$eq", item)))
    return all_of(tests)


def _elem_match_test(arg: Any) -> ValueTest:
    """``$elemMatch``: an array with one element meeting every condition at once."""
    element = element_matcher(arg)
    return lambda value: type(value) is list and any(element(item) for item in value)


def element_matcher(arg: Any) -> ValueTest:
    """The per-element test of ``$elemMatch``: an operator object or a query on objects."""
    if type(arg) is not dict:
        raise request_failed(Reason("query.elem_match_object", "$elemMatch needs an Object"))
    if is_operator_object(arg) and not any(op in arg for op in (*_LOGICAL, "$expr")):
        return element_test(arg)
    query = compile_query(arg)
    return lambda item: type(item) is dict and query(item)


def element_test(spec: dict) -> ValueTest:
    """An operator object applied to one bare value (``$elemMatch``'s value form)."""
    if "$options" in spec and "$regex" not in spec:
        raise request_failed(Reason("query.options_need_regex", "$options needs a $regex"))
    tests: list[ValueTest] = []
    for op, arg in spec.items():
        if op == "$options":
            continue
        if op in _NEGATED:
            positive = in_test(arg, op) if op == "$nin" else value_test("$eq", arg)
            tests.append(lambda value, test=positive: not test(value))
        elif op == "$not":
            pattern = regex_literal(arg)
            if pattern is None and not is_operator_object(arg):
                raise request_failed(Reason(
                    "query.not_operator_object", "$not needs a regex or an operator object"
                ))
            inner = regex_test(pattern) if pattern is not None else element_test(arg)
            tests.append(lambda value, test=inner: not test(value))
        elif op == "$regex":
            tests.append(regex_test(compile_regex(arg, spec.get("$options"))))
        elif op == "$exists":
            tests.append(lambda value, want=bool(arg): (value is not MISSING) == want)
        else:
            tests.append(value_test(op, arg))
    return lambda value: all(test(value) for test in tests)
