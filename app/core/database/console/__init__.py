"""The database pane's query bar and the console's 高级操作 script box: a safe JS-subset reader.

What a developer types in a mini program (``{progress: _.gt(10)}``, ``orderBy('a', 'desc')``,
``db.collection('todos').where({…}).get()``) is tokenized, read by a recursive-descent
parser that never calls ``eval``, and serialized as the real SDK serializes it (tcb-wire §5,
spec §3.1–§3.4) into engine values. Every mistake raises ``InputError`` with a line and column.
"""

from app.core.database.console.api import (
    ConsoleQuery,
    parse_document,
    parse_limit,
    parse_order,
    parse_projection,
    parse_query,
    parse_skip,
    parse_statement,
    parse_update,
    parse_where,
)
from app.core.database.console.database import REMOVE_WARNING, ConsoleStatement

__all__ = [
    "REMOVE_WARNING",
    "ConsoleQuery",
    "ConsoleStatement",
    "parse_document",
    "parse_limit",
    "parse_order",
    "parse_projection",
    "parse_query",
    "parse_skip",
    "parse_statement",
    "parse_update",
    "parse_where",
]
