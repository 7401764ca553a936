"""The in-memory Mongo-semantics document engine behind the database service (spec §3).

Pure functions over plain values: ``None``, ``bool``, ``int``, ``float``, ``str``,
``list``, ``dict`` and aware UTC ``datetime`` (BSON Date). Queries, updates, orders and
projections are the decoded Mongo documents of tcb-wire §5.
"""

from app.core.database.find import count, find
from app.core.database.ordering import normalize_order, sort_documents, sort_key
from app.core.database.projection import apply_projection, compile_projection
from app.core.database.query import compile_query
from app.core.database.update import UpdateResult, apply_update, parse_update
from app.core.database.values import MISSING, compare_values, value_key, values_equal

__all__ = [
    "MISSING",
    "UpdateResult",
    "apply_projection",
    "apply_update",
    "compare_values",
    "compile_projection",
    "compile_query",
    "count",
    "find",
    "normalize_order",
    "parse_update",
    "sort_documents",
    "sort_key",
    "value_key",
    "values_equal",
]
