"""``$group``, ``$sortByCount`` and ``$bucket``.

Groups are keyed by BSON equality (1 and 1.0 meet, true and 1 do not; a missing key is null)
and come out in first-seen order, which MongoDB leaves unspecified (spec §10 #20).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.core.database.aggregate.accumulators import ACCUMULATORS, Reducer, accumulator_spec, reduce_sum
from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import Expr, constant, fail, fit_int, hash_key, is_constant
from app.core.database.aggregate.expressions import compile_expression
from app.core.database.values import MISSING, is_number, type_name, type_rank, value_key
from app.core.reasons import Reason

Output = list[tuple[str, Reducer, Expr]]


def outputs_of(spec: dict) -> Output:
    """The accumulated fields; equal operands share one compiled expression (and so, in
    ``grouped``, one evaluation and one list of values: ``$sum`` and ``$avg`` of a field)."""
    outputs = []
    compiled: dict[str, Expr] = {}
    for field, accumulator in spec.items():
        operator, operand = accumulator_spec(field, accumulator)
        expr = compiled.setdefault(repr(operand), compile_expression(operand))
        outputs.append((field, ACCUMULATORS[operator], expr))
    return outputs


def is_expression(spec: Any) -> bool:
    """A ``$``-path or an operator object: what groupBy-like options must be (Mongo)."""
    if type(spec) is str:
        return spec.startswith("$")
    return type(spec) is dict and bool(spec) and next(iter(spec)).startswith("$")


def group(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.group_not_object", "a group's fields must be specified in an object, not "
                          "{type}", type=type_name(value)))
    if "_id" not in value:
        raise fail(Reason("aggregate.group_no_id", "a group specification must include an _id"))
    key_of = compile_expression(value["_id"])
    outputs = outputs_of({k: v for k, v in value.items() if k != "_id"})
    return lambda docs, variables: grouped(docs, variables, key_of, outputs)


def grouped(docs: Iterable, variables: dict, key_of: Expr, outputs: Output) -> list:
    """``[{_id: key, field: accumulated…}]`` of ``docs`` grouped by ``key_of``.

    This loop is most pipelines' hot path, so it does the least per document: a group's entry
    is ``[key, count, append…]``, one bound ``list.append`` per distinct varying operand (a
    top-level field is read inline). A constant operand (``$sum: 1``) is never evaluated: its
    values are the group's count copies of it. Reducers run once per group at the end.
    """
    live: list[Expr] = []
    for _, _, arg in outputs:
        if not is_constant(arg) and all(arg is not seen for seen in live):
            live.append(arg)
    field = getattr(key_of, "field", None)
    if field is not None and not live:
        # Counting by a top-level field (`$sum: 1`, $sortByCount): only the keys are needed.
        keys = [doc.get(field, MISSING) for doc in docs]
        counts = _counted(keys)
        return [_row(key, size, {}, outputs) for key, size in counts]
    count = len(live)
    arg0 = live[0] if live else None
    field0 = getattr(arg0, "field", None) if count == 1 else None
    if field is not None and field0 is not None:
        # By a field, accumulating one field (`$sum: '$score'`, and `$avg` of it): the tightest loop.
        table, originals = _values_by_field(docs, field, field0)
        return [_row(originals.get(hashed, hashed), len(values), {id(arg0): values}, outputs)
                for hashed, values in table.items()]
    table: dict = {}
    for doc in docs:
        key = doc.get(field, MISSING) if field is not None else key_of(doc, variables)
        kind = type(key)
        if kind is str or ((kind is int or kind is float) and key == key):
            hashed = key
        else:
            if key is MISSING:
                key = None
            hashed = value_key(key)
        entry = table.get(hashed)
        if entry is None:
            entry = table[hashed] = [key, 0, *[[].append for _ in live]]
        if field0 is not None:
            entry[2](doc.get(field0, MISSING))
        elif count == 1:
            entry[2](arg0(doc, variables))
        elif not count:
            entry[1] += 1
        else:
            for i, arg in enumerate(live, 2):
                entry[i](arg(doc, variables))
    out = []
    for key, size, *appends in table.values():
        values = {id(arg): append.__self__ for arg, append in zip(live, appends)}  # the lists filled
        if values:
            size = len(next(iter(values.values())))
        out.append(_row(key, size, values, outputs))
    return out


def _values_by_field(docs: Iterable, field: str, field0: str) -> tuple[dict, dict]:
    """``{key: [field0 of each document]}`` grouped by ``field``; keys that are not their own
    dict key (null, objects, NaN …) are stored under ``hash_key`` with the value in ``originals``."""
    table: dict = {}
    originals: dict = {}
    for doc in docs:
        key = doc.get(field, MISSING)
        if type(key) is not str:
            if key is MISSING:
                key = None
            hashed = hash_key(key)
            if hashed is not key:
                originals.setdefault(hashed, key)
            key = hashed
        values = table.get(key)
        if values is None:
            values = table[key] = []
        values.append(doc.get(field0, MISSING))
    return table, originals


def _counted(keys: list) -> Iterable[tuple[Any, int]]:
    """``(key, how many)`` in first-seen order, BSON equality (1 and 1.0 one key, true another)."""
    if set(map(type, keys)) <= {str, int, float}:
        counts = Counter(keys)  # counts in C; Python's equality is BSON's for these types...
        if all(key == key for key in counts):  # ...but for NaN, which BSON counts as one value
            return counts.items()
    table: dict = {}
    for key in keys:
        if key is MISSING:
            key = None
        entry = table.get(hashed := hash_key(key))
        if entry is None:
            table[hashed] = [key, 1]
        else:
            entry[1] += 1
    return table.values()  # type: ignore[return-value]


def _row(key: Any, size: int, values: dict, outputs: Output) -> dict:
    row = {"_id": key}
    memo: dict = {}
    for name, reduce, arg in outputs:
        if not is_constant(arg):
            row[name] = reduce(values[id(arg)], memo)
        elif reduce is reduce_sum and is_number(arg.constant):
            # n copies of c sum to c*n exactly rounded, which is what fsum of them gives.
            row[name] = fit_int(arg.constant * size)
        else:
            row[name] = reduce([arg.constant] * size, memo)
    return row


def sort_by_count(value: Any) -> Stage:
    if not is_expression(value):
        raise fail(Reason("aggregate.sort_by_count_spec", "the sortByCount field must be defined as a $-prefixed "
                          "path or an expression"))
    key_of = compile_expression(value)
    outputs: Output = [("count", reduce_sum, constant(1))]

    def run(docs: list, variables: dict) -> list:
        counted = grouped(docs, variables, key_of, outputs)
        counted.sort(key=lambda row: row["count"], reverse=True)  # stable: ties keep first-seen order
        return counted

    return run


# -- $bucket ----------------------------------------------------------------------------------


def bucket(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.bucket_not_object", "The argument to $bucket must be an object, but found "
                          "type: {type}.", type=type_name(value)))
    for key in value:
        if key not in ("groupBy", "boundaries", "default", "output"):
            raise fail(Reason("aggregate.bucket_option", "Unrecognized option to $bucket: {key}.", key=key))
    if "groupBy" not in value or "boundaries" not in value:
        raise fail(Reason("aggregate.bucket_required", "$bucket requires 'groupBy' and 'boundaries' to be "
                          "specified."))
    if not is_expression(value["groupBy"]):
        raise fail(Reason("aggregate.bucket_group_by", "The $bucket 'groupBy' field must be defined as a "
                          "$-prefixed path or an expression, but found: {found}.", found=repr(value["groupBy"])))
    boundaries = _boundaries(value["boundaries"])
    has_default = "default" in value
    default = value.get("default")
    if has_default and type_rank(default) == type_rank(boundaries[0]):
        if value_key(boundaries[0]) <= value_key(default) < value_key(boundaries[-1]):
            raise fail(Reason("aggregate.bucket_default", "The $bucket 'default' field must be less than the "
                              "lowest boundary or greater than or equal to the highest boundary."))
    output = value.get("output", {"count": {"$sum": 1}})
    if type(output) is not dict:
        raise fail(Reason("aggregate.bucket_output", "The $bucket 'output' field must be an object, but found "
                          "type: {type}.", type=type_name(output)))
    outputs = outputs_of(output)
    group_by = compile_expression(value["groupBy"])
    keys = [value_key(b) for b in boundaries]

    def bucket_of(doc: Any, variables: dict) -> Any:
        found = group_by(doc, variables)
        found_key = value_key(None if found is MISSING else found)
        i = bisect.bisect_right(keys, found_key) - 1
        if 0 <= i < len(boundaries) - 1:
            return boundaries[i]
        if not has_default:
            raise fail(Reason("aggregate.bucket_no_branch", "$bucket could not find a matching branch for an "
                              "input, and no default was specified."))
        return default

    def run(docs: list, variables: dict) -> list:
        rows = grouped(docs, variables, bucket_of, outputs)
        rows.sort(key=lambda row: value_key(row["_id"]))  # $bucket is $group then $sort on _id
        return rows

    return run


def _boundaries(boundaries: Any) -> list:
    if type(boundaries) is not list:
        raise fail(Reason("aggregate.boundaries_not_array", "The $bucket 'boundaries' field must be an array, but "
                          "found type: {type}.", type=type_name(boundaries)))
    if len(boundaries) < 2:
        raise fail(Reason("aggregate.boundaries_too_few", "The $bucket 'boundaries' field must have at least 2 "
                          "values, but found {count} value(s).", count=len(boundaries)))
    for i, (low, high) in enumerate(zip(boundaries, boundaries[1:])):
        if type_rank(low) != type_rank(high):
            raise fail(Reason("aggregate.boundaries_types", "All values in the the 'boundaries' option to $bucket "
                              "must have the same type. Found conflicting types {low} and {high}.",
                              low=type_name(low), high=type_name(high)))
        if not value_key(low) < value_key(high):
            raise fail(Reason("aggregate.boundaries_order", "The 'boundaries' option to $bucket must be sorted in "
                              "ascending order, but elements {i} and {j} are not in ascending order ({low} is not "
                              "less than {high}).", i=i, j=i + 1, low=repr(low), high=repr(high)))
    return boundaries
