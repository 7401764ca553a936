"""``find`` and ``count``: match, sort, skip/limit and project a sequence of documents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sized
from itertools import islice
from typing import Any

from app.core.database.compiled import compile_simple
from app.core.database.failures import invalid_param
from app.core.database.ordering import Order, sort_documents
from app.core.database.projection import compile_projection
from app.core.database.query import compile_query


def find(
    docs: Iterable[dict],
    query: Mapping[str, Any] | None = None,
    order: Order | None = None,
    skip: int = 0,
    limit: int | None = None,
    projection: Mapping[str, Any] | None = None,
) -> list[dict]:
    """The matching documents as new objects, in ``order`` (else nearest first for a geoNear
    query, else input order).

    ``limit`` None or 0 means no limit (Mongo); default and maximum limits are the
    service's business (spec §3.6). The sort is stable, so ties keep input order.
    """
    _check_window(skip, limit)
    match = compile_query(query)
    project = compile_projection(projection)
    stop = skip + limit if limit else None
    near = _near_order(query)  # checked always; an explicit order wins over its order (Mongo)
    if order:
        page = sort_documents((doc for doc in docs if match(doc)), order, stop)[skip:]
    elif near is not None:
        page = sorted((doc for doc in docs if match(doc)), key=near)[skip:stop]
    else:
        # Without a sort, stop scanning as soon as the page is full.
        page = list(islice((doc for doc in docs if match(doc)), skip, stop))
    return [project(doc) for doc in page]


def ordered(hits: list[dict], query: Mapping[str, Any] | None, order: Order | None) -> list[dict]:
    """Matches in ``order``, else nearest first for a geoNear query, else as they are."""
    near = _near_order(query)
    if order:
        return sort_documents(hits, order)
    return sorted(hits, key=near) if near is not None else hits


def count(docs: Iterable[dict], query: Mapping[str, Any] | None = None) -> int:
    """How many documents match (skip and limit never apply to counts, spec Q54).

    Nothing is copied or projected: the documents are only tested.
    """
    if not query and isinstance(docs, Sized):  # a list, or a store's live view
        compile_query(query)  # still refuses a query that is not an object
        return len(docs)
    simple = compile_simple(query)
    if simple is not None:
        return simple.count(docs)
    match = compile_query(query)
    return sum(1 for doc in docs if match(doc))


def _near_order(query: Mapping[str, Any] | None):
    # geo_query (and the geometry under it) loads with the first query, not at start-up.
    from app.core.database.geo_query import near_order

    return near_order(query)


def _check_window(skip: Any, limit: Any) -> None:
    for name, value in (("skip", skip), ("limit", limit)):
        if value is None and name == "limit":
            continue
        if type(value) is not int or value < 0:
            raise invalid_param(f"{name} must be a non-negative integer, not {value!r}")
