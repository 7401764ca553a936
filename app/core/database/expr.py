"""``$expr`` in a query: an aggregation expression over the document, true when truthy.

The expression language is the aggregation pipeline's (``aggregate/expressions.py``), so a
query may use every ``db.command.aggregate`` operator. Its variables are those in scope: none
in a plain query, the ``let`` of a ``$lookup`` when the query is a ``$match`` in its pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Expression = Callable[[Any], Any]


def compile_expression(spec: Any) -> Expression:
    """Compile an expression; the result maps a document to a value (MISSING if absent)."""
    # Imported here: the whole operator library costs ~30 ms to load, which a query without
    # $expr (and the app's start-up) should not pay.
    from app.core.database.aggregate.core import current_variables
    from app.core.database.aggregate.expressions import compile_expression as compile_aggregate_expression

    expression = compile_aggregate_expression(spec)
    return lambda doc: expression(doc, current_variables())
