"""The simple stages: ``$match``, ``$sort``, ``$limit``, ``$skip``, ``$count``, ``$sample``.

A stage compiles to ``run(docs, variables) -> docs``. Stages never change the documents they
are given (they are the store's own): they pass them on or build new ones.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from math import isnan
from operator import itemgetter
from random import Random
from typing import Any

from app.core.database.aggregate.core import fail, variables_in_scope, whole
from app.core.database.failures import invalid_command
from app.core.database.ordering import sort_documents
from app.core.database.query import compile_query
from app.core.database.values import is_number, type_name
from app.core.reasons import Reason

Stage = Callable[[list, dict], list]
# Query operators a $match cannot hold (MongoDB's rules), and why.
_NOT_IN_MATCH = {
    "$where": Reason("stage.match_where", "$where is not allowed inside of a $match aggregation expression"),
    "$near": Reason("stage.match_near", "{operator} is not allowed inside of a $match aggregation expression; "
                    "use the $geoNear stage", operator="$near"),
    "$nearSphere": Reason("stage.match_near", "{operator} is not allowed inside of a $match aggregation "
                          "expression; use the $geoNear stage", operator="$nearSphere"),
}


def match(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("stage.match_not_object", "the match filter must be an expression in an object"))
    _refuse_operators(value)
    if "$text" in value:
        raise invalid_command(Reason("stage.match_text", "$text needs a text index, which wxsim does not have"))
    predicate = compile_query(value)

    def run(docs: list, variables: dict) -> list:
        # `$expr` inside reads the variables of a $lookup pipeline's `let` from the scope.
        with variables_in_scope(variables):
            return [doc for doc in docs if predicate(doc)]

    return run


def _refuse_operators(spec: Any) -> None:
    if type(spec) is dict:
        for key, item in spec.items():
            if key in _NOT_IN_MATCH:
                raise fail(_NOT_IN_MATCH[key])
            _refuse_operators(item)
    elif type(spec) is list:
        for item in spec:
            _refuse_operators(item)


def sort_order(value: Any) -> list[tuple[str, int]]:
    """A ``$sort`` specification as ``[(path, 1|-1)]``, checked."""
    if type(value) is not dict:
        raise fail(Reason("stage.sort_not_object", "the $sort key specification must be an object, not {type}",
                          type=type_name(value)))
    if not value:
        raise fail(Reason("stage.sort_empty", "$sort stage must have at least one sort key"))
    order = []
    for path, direction in value.items():
        if type(direction) is dict:
            raise invalid_command(Reason("stage.sort_meta", "$sort by {{$meta: ...}} needs a text index, which wxsim "
                                         "does not have"))
        if not is_number(direction) or direction not in (1, -1):
            raise fail(Reason("stage.sort_direction", "$sort key ordering must be 1 (for ascending) or -1 (for "
                              "descending)"))
        order.append((path, int(direction)))
    return order


def sort(value: Any, limit: int | None = None) -> Stage:
    """``$sort``; with ``limit`` (a ``$limit`` right after it) only the first that many are kept."""
    order = sort_order(value)
    for path, _ in order:
        if path.startswith("$") or "" in path.split("."):
            raise fail(Reason("stage.sort_path", "FieldPath field names may not start with '$' or be empty: '{path}'",
                              path=path))
    if limit is not None and len(order) == 1 and "." not in order[0][0]:
        field, direction = order[0]

        def top(docs: list, variables: dict) -> list:
            found = _top_numbers(docs, field, direction, limit)
            return found if found is not None else sort_documents(docs, order, limit)

        return top
    return lambda docs, variables: sort_documents(docs, order, limit)


def _top_numbers(docs: list, field: str, direction: int, limit: int) -> list | None:
    """The first ``limit`` documents by a top-level field that holds a number in every one of
    them (the usual "top 20 by score"), or None when BSON's type order matters.

    Among numbers BSON order is numeric order, so the heap can compare the plain values.
    The picks are stable, like the full sort: ties keep their input order.
    """
    try:
        values = list(map(itemgetter(field), docs))
    except KeyError:  # a document without the field sorts as null: type order matters
        return None
    if not set(map(type, values)) <= {int, float} or any(map(isnan, values)):
        return None
    pick = heapq.nlargest if direction < 0 else heapq.nsmallest
    return [docs[i] for i in pick(limit, range(len(values)), key=values.__getitem__)]


def limit_value(value: Any) -> int:
    if not is_number(value):
        raise fail(Reason("stage.limit_not_number", "the limit must be specified as a number, not {type}",
                          type=type_name(value)))
    if not whole(value):
        raise fail(Reason("stage.limit_not_integer", "invalid argument to $limit stage: Expected an integer: $limit: "
                          "{value}", value=value))
    if value <= 0:
        raise fail(Reason("stage.limit_not_positive", "the limit must be positive"))
    return int(value)


def limit(value: Any) -> Stage:
    count = limit_value(value)
    return lambda docs, variables: docs[:count]


def skip_value(value: Any) -> int:
    if not is_number(value):
        raise fail(Reason("stage.skip_not_number", "invalid argument to $skip stage: Expected a number, not {type}",
                          type=type_name(value)))
    if not whole(value):
        raise fail(Reason("stage.skip_not_integer", "invalid argument to $skip stage: Expected an integer: $skip: "
                          "{value}", value=value))
    if value < 0:
        raise fail(Reason("stage.skip_negative", "invalid argument to $skip stage: Expected a non-negative number"))
    return int(value)


def skip(value: Any) -> Stage:
    count = skip_value(value)
    return lambda docs, variables: docs[count:]


def count(value: Any) -> Stage:
    if type(value) is not str:
        raise fail(Reason("stage.count_not_string", "the count field must be a non-empty string, not {type}",
                          type=type_name(value)))
    if not value:
        raise fail(Reason("stage.count_empty", "the count field must be a non-empty string"))
    if value.startswith("$"):
        raise fail(Reason("stage.count_dollar", "the count field cannot be a $-prefixed path"))
    if "." in value:
        raise fail(Reason("stage.count_dot", "the count field cannot contain '.'"))
    def run(docs: Any, variables: dict) -> list:
        # Its input may be streamed (after an $unwind), so count by iterating.
        total = len(docs) if type(docs) is list else sum(1 for _ in docs)
        # An empty input gives no document at all, not {n: 0} (MongoDB; spec A32).
        return [{value: total}] if total else []

    return run


def sample(value: Any, rng: Random) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("stage.sample_not_object", "the $sample stage specification must be an object"))
    for key in value:
        if key != "size":
            raise fail(Reason("stage.sample_option", "unrecognized option to $sample: {key}", key=key))
    if "size" not in value:
        raise fail(Reason("stage.sample_no_size", "$sample stage must specify a size"))
    size = value["size"]
    if not is_number(size):
        raise fail(Reason("stage.sample_size_not_number", "size argument to $sample must be a number, not {type}",
                          type=type_name(size)))
    if size < 0:
        raise fail(Reason("stage.sample_size_negative", "size argument to $sample must not be negative"))
    wanted = int(size)
    return lambda docs, variables: rng.sample(docs, min(wanted, len(docs)))
