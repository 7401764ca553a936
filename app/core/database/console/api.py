"""What the database pane's boxes and the console script box call: text in, engine values out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from app.core.database.console.database import (
    DIRECTION_ERROR, ConsoleStatement, add_order, integer, order_by,
)
from app.core.database.console.encode import (
    encode_document, encode_projection, encode_update, encode_where,
)
from app.core.database.console.lexer import Pos, fail, position_of
from app.core.database.console.parser import Reader
from app.core.database.console.runtime import CallArgs, HostFunction, HostObject
from app.core.database.console.script import ScriptReader
from app.core.errors import InputError

_PIECE = re.compile(
    r"(?P<comma>,)|(?P<line>\n)|(?P<word>'[^'\n]*'|\"[^\"\n]*\"|[^\s,'\"]+)|(?P<bad>['\"])"
)
_DIRECTIONS = {"asc": 1, "desc": -1, "1": 1, "-1": -1}


@dataclass(frozen=True)
class ConsoleQuery:
    """The query bar's boxes, serialized: the arguments of a ``get()`` on ``collection``."""

    collection: str | None = None
    where: dict | None = None
    order: list[tuple[str, int]] = dataclass_field(default_factory=list)
    skip: int = 0
    limit: int | None = None
    projection: dict | None = None


def _read(text: str) -> tuple[Any, Pos] | None:
    reader = Reader(text)
    return None if reader.is_blank() else reader.expression_only()


def parse_where(text: str) -> dict | None:
    """``{done: false, progress: _.gt(10)}`` → ``{"done": False, "progress": {"$gt": 10}}``."""
    parsed = _read(text)
    return None if parsed is None else encode_where(*parsed)


def parse_projection(text: str) -> dict | None:
    """``{title: true, tags: _.project.slice(2)}`` → ``{"title": 1, "tags": {"$slice": 2}}``."""
    parsed = _read(text)
    return None if parsed is None else encode_projection(*parsed)


def parse_update(text: str) -> dict:
    """Update data → the operator document (``{"$set": …, "$inc": …}``) the SDK sends."""
    parsed = _read(text)
    if parsed is None:
        raise InputError("Type the changes to make, e.g. {done: true} or {progress: _.inc(10)}")
    return encode_update(*parsed)


def parse_document(text: str) -> dict:
    """Plain data for add()/set(): commands are refused, ``db.serverDate()`` is allowed."""
    parsed = _read(text)
    if parsed is None:
        raise InputError("Type the document, e.g. {title: 'Learn cloud', done: false}")
    return encode_document(*parsed, context="a document")


def parse_skip(text: str) -> int:
    """The skip box: an integer, 0 when empty (``offsetmust be integer`` otherwise)."""
    value = _integer_box(text, "offset")
    return 0 if value is None else value


def parse_limit(text: str) -> int | None:
    """The limit box: an integer, or None when empty (``limitmust be integer`` otherwise)."""
    return _integer_box(text, "limit")


def _integer_box(text: str, name: str) -> int | None:
    try:
        parsed = _read(text)
        if parsed is None:
            return None
        return integer(parsed[0], name)
    except (InputError, ValueError):
        raise InputError(f"{name}must be integer (got {text.strip()!r})") from None


class _OrderChain(HostObject):
    """``orderBy(…).orderBy(…)`` typed on its own in the order box."""

    label = "orderBy(…)"
    member_kind = "method"

    def __init__(self, order: list[tuple[str, int]]) -> None:
        self.order = order

    def members(self) -> Mapping[str, Any]:
        return {"orderBy": HostFunction("orderBy", self.then)}

    def then(self, args: CallArgs) -> _OrderChain:
        return _OrderChain(order_by(self.order, args))


def parse_order(text: str) -> list[tuple[str, int]]:
    """``orderBy('progress', 'desc').orderBy('title', 'asc')`` or ``progress desc, title``."""
    stripped = text.lstrip()
    if not stripped:
        return []
    if re.match(r"\.?orderBy\s*\(", stripped):
        # Keep offsets (and so columns) by blanking a leading "." rather than cutting it.
        source = text.replace(".", " ", 1) if stripped.startswith(".") else text
        reader = Reader(source, {"orderBy": _OrderChain([]).members()["orderBy"]})
        chain, at = reader.expression_only()
        if not isinstance(chain, _OrderChain):
            raise fail(at, "expected orderBy('field', 'asc' or 'desc')")
        return chain.order
    return _order_shorthand(text)


def _order_shorthand(text: str) -> list[tuple[str, int]]:
    """``progress desc, style.color``: fields split by commas or lines, each maybe asc/desc."""
    items: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    words_since_comma = False
    for match in _PIECE.finditer(text):
        kind = match.lastgroup
        if kind == "bad":
            raise fail(position_of(text, match.start()), "unterminated quote in the field name")
        if kind == "word":
            current.append((match.group(), match.start()))
            words_since_comma = True
            continue
        if current:
            items.append(current)
            current = []
        if kind == "comma":
            if not words_since_comma:
                raise fail(position_of(text, match.start()), 'expected a field name before ","')
            words_since_comma = False
    if current:
        items.append(current)
    order: list[tuple[str, int]] = []
    for (word, at), *rest in items:
        path = word[1:-1] if word[0] in "'\"" else word
        if not path:
            raise fail(position_of(text, at), "expected a field name, not an empty string")
        order = add_order(order, path, _direction(text, path, rest))
    return order


def _direction(text: str, path: str, rest: list[tuple[str, int]]) -> int:
    if len(rest) > 1:
        word, at = rest[1]
        raise fail(position_of(text, at), f'expected "," between sort fields but found {word!r}')
    if not rest:
        return 1
    word, at = rest[0]
    if word.lower() not in _DIRECTIONS:
        raise fail(position_of(text, at),
                   f"{DIRECTION_ERROR} (expected asc or desc after {path} but found {word!r})")
    return _DIRECTIONS[word.lower()]


def parse_query(
    collection: str | None = None,
    *,
    where: str = "",
    order: str = "",
    skip: str = "",
    limit: str = "",
    field: str = "",
) -> ConsoleQuery:
    """All the query bar's boxes at once; an error names its box (``where: Line 1, …``)."""
    steps = (("where", parse_where, where), ("orderBy", parse_order, order),
             ("skip", parse_skip, skip), ("limit", parse_limit, limit),
             ("field", parse_projection, field))
    values = {}
    for box, parse, text in steps:
        try:
            values[box] = parse(text)
        except InputError as error:
            raise InputError(f"{box}: {error}") from None
    return ConsoleQuery(collection, values["where"], values["orderBy"], values["skip"],
                        values["limit"], values["field"])


def parse_statement(text: str) -> ConsoleStatement:
    """A whole 高级操作 script, e.g. ``db.collection('todos').where({done: false}).get()``."""
    reader = ScriptReader(text)
    if reader.is_blank():
        raise InputError("The script is empty: type a call such as db.collection('todos').get()")
    value, at = reader.program()
    if isinstance(value, ConsoleStatement):
        return value
    if isinstance(value, HostObject) and "get" in value.members():
        raise fail(at, "this statement runs nothing: end it with .get(), .count(), "
                       ".update({data: …}), .remove() or another database call")
    raise fail(at, "a script must end with a database call such as db.collection('todos').get()")
