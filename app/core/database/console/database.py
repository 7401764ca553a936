"""``db``, collections, queries and document references, ending in a ``ConsoleStatement``.

Each chain call checks its arguments as the SDK does (spec §3.1) and returns a new
immutable reference; ``get()``/``count()``/``update()``/``remove()``/``add()``/``set()``
end the chain with the statement the console then runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from app.core.database.console.encode import (
    check_data, encode_document, encode_projection, encode_update, encode_where,
)
from app.core.database.console.lexer import Pos, fail
from app.core.database.console.runtime import (
    UNDEFINED, CallArgs, HostFunction, HostObject, is_number, js_type,
)

Method = Literal["get", "count", "update", "remove", "add", "set", "createCollection"]
DIRECTION_ERROR = "排序字符不合法"
REMOVE_WARNING = (
    "`offset`, `limit`, `projection`, `orderBy` are not supported in remove() operation"
)
UNSUPPORTED = {
    "aggregate": "aggregate() is not supported in the console script",
    "watch": "watch() only works in a mini program, not in the console",
    "runTransaction": "transactions are not supported in the console script",
    "startTransaction": "transactions are not supported in the console script",
}


@dataclass(frozen=True)
class ConsoleStatement:
    """One database call of a console script, with everything serialized as the SDK sends it.

    ``data`` is the update operator document for ``update``, the plain document (or, for a
    server-side ``add``, a list of documents) for ``add``/``set``, and None otherwise.
    """

    collection: str
    method: Method
    doc_id: str | int | float | None = None
    where: dict | None = None
    order: list[tuple[str, int]] = field(default_factory=list)
    skip: int = 0
    limit: int | None = None
    projection: dict | None = None
    data: Any = None
    multi: bool = True
    warnings: tuple[str, ...] = ()


def integer(value: Any, name: str) -> int:
    """The SDK's ``Number.isInteger`` check, with its message (``limitmust be integer``)."""
    if is_number(value) and value == value and abs(value) != float("inf") and value == int(value):
        return int(value)
    raise ValueError(f"{name}must be integer")


def add_order(order: list[tuple[str, int]], path: str, direction: int) -> list[tuple[str, int]]:
    """A repeated field keeps its first position and takes the last direction (Object.assign)."""
    if any(existing == path for existing, _ in order):
        return [(p, direction if p == path else d) for p, d in order]
    return [*order, (path, direction)]


def order_by(order: list[tuple[str, int]], args: CallArgs) -> list[tuple[str, int]]:
    """``.orderBy(path, 'asc'|'desc')`` checked as the SDK checks it, added to ``order``."""
    args.count(2)
    path, direction = args.values
    if type(path) is not str or not path:
        raise args.fail("orderBy() needs a field path string such as 'progress'", 0)
    if direction not in ("asc", "desc"):
        raise args.fail(f"{DIRECTION_ERROR} (the direction must be 'asc' or 'desc')", 1)
    return add_order(order, path, 1 if direction == "asc" else -1)


@dataclass(frozen=True)
class _State:
    collection: str
    where: dict | None = None
    order: list[tuple[str, int]] = field(default_factory=list)
    skip: int = 0
    limit: int | None = None
    projection: dict | None = None


def _options(args: CallArgs, *, data: bool) -> dict:
    """The single ``{data, multi}`` options object of update()/set()/add()/remove()."""
    if not data and not len(args):
        return {}
    args.count(1)
    options = args.get(0)
    if type(options) is not dict:
        wanted = "{data: {...}}" if data else "{multi: true}"
        raise args.fail(f"{args.name}() takes an options object such as {wanted}, "
                        f"not {js_type(options)}", 0)
    if data and options.get("data", UNDEFINED) is UNDEFINED:
        raise args.fail(f'{args.name}() needs {{data: {{...}}}}: "data" is missing', 0)
    return options


def _multi(args: CallArgs, options: dict) -> bool:
    multi = options.get("multi", UNDEFINED)
    if multi is UNDEFINED:
        return True
    if type(multi) is not bool:
        raise args.fail('"multi" must be true or false', 0)
    return multi


class _Query(HostObject):
    """A collection or a filtered query: everything but doc()/add() works on both."""

    member_kind = "method"

    def __init__(self, state: _State, *, is_collection: bool) -> None:
        self.state = state
        self.is_collection = is_collection
        self.label = f"db.collection('{state.collection}')" + ("" if is_collection else "…")

    def members(self) -> Mapping[str, Any]:
        names: dict[str, Callable[[CallArgs], Any]] = {
            "where": self._where, "orderBy": self._order_by, "skip": self._skip,
            "limit": self._limit, "field": self._field, "get": self._get, "count": self._count,
            "update": self._update, "remove": self._remove,
        }
        if self.is_collection:
            names.update(doc=self._doc, add=self._add)
        return {name: HostFunction(name, impl) for name, impl in names.items()}

    def member(self, name: str, at: Pos) -> Any:
        if name in UNSUPPORTED:
            raise fail(at, UNSUPPORTED[name])
        return super().member(name, at)

    def _next(self, **changes: Any) -> _Query:
        return _Query(replace(self.state, **changes), is_collection=False)

    def _where(self, args: CallArgs) -> _Query:
        args.count(1)
        return self._next(where=encode_where(args.get(0), args.pos(0)))

    def _order_by(self, args: CallArgs) -> _Query:
        return self._next(order=order_by(self.state.order, args))

    def _skip(self, args: CallArgs) -> _Query:
        return self._next(skip=self._integer(args, "offset"))

    def _limit(self, args: CallArgs) -> _Query:
        return self._next(limit=self._integer(args, "limit"))

    @staticmethod
    def _integer(args: CallArgs, name: str) -> int:
        args.count(1)
        try:
            return integer(args.get(0), name)
        except ValueError as error:
            raise args.fail(str(error), 0) from None

    def _field(self, args: CallArgs) -> _Query:
        args.count(1)
        return self._next(projection=encode_projection(args.get(0), args.pos(0)))

    def _statement(self, method: Method, **values: Any) -> ConsoleStatement:
        return ConsoleStatement(self.state.collection, method, where=self.state.where, **values)

    def _get(self, args: CallArgs) -> ConsoleStatement:
        args.count(0)
        state = self.state
        return self._statement("get", order=state.order, skip=state.skip, limit=state.limit,
                               projection=state.projection)

    def _count(self, args: CallArgs) -> ConsoleStatement:
        args.count(0)  # the SDK sends only the filter for count()
        return self._statement("count")

    def _update(self, args: CallArgs) -> ConsoleStatement:
        options = _options(args, data=True)
        data = encode_update(options["data"], args.pos(0))
        return self._statement("update", data=data, multi=_multi(args, options))

    def _remove(self, args: CallArgs) -> ConsoleStatement:
        options = _options(args, data=False)
        state = self.state
        ignored = state.order or state.skip or state.limit is not None or state.projection
        return self._statement("remove", multi=_multi(args, options),
                               warnings=(REMOVE_WARNING,) if ignored else ())

    def _doc(self, args: CallArgs) -> _Document:
        args.count(1)
        doc_id = args.get(0)
        if type(doc_id) is not str and not is_number(doc_id):
            raise args.fail("docId必须为字符串或数字 (doc() takes a string or number id)", 0)
        return _Document(self.state.collection, doc_id, None)

    def _add(self, args: CallArgs) -> ConsoleStatement:
        data = _options(args, data=True)["data"]
        if type(data) is list:  # a cloud function may add several documents at once
            documents: Any = [encode_document(item, args.pos(0), context="add()") for item in data]
        else:
            documents = encode_document(data, args.pos(0), context="add()")
        return ConsoleStatement(self.state.collection, "add", data=documents, multi=False)


class _Document(HostObject):
    """``db.collection(name).doc(id)``."""

    member_kind = "method"

    def __init__(self, collection: str, doc_id: Any, projection: dict | None) -> None:
        self.collection, self.doc_id, self.projection = collection, doc_id, projection
        self.label = f"db.collection('{collection}').doc({doc_id!r})"

    def members(self) -> Mapping[str, Any]:
        names = {"get": self._get, "update": self._update, "set": self._set,
                 "remove": self._remove, "field": self._field}
        return {name: HostFunction(name, impl) for name, impl in names.items()}

    def member(self, name: str, at: Pos) -> Any:
        if name in UNSUPPORTED:
            raise fail(at, UNSUPPORTED[name])
        return super().member(name, at)

    def _statement(self, method: Method, **values: Any) -> ConsoleStatement:
        return ConsoleStatement(self.collection, method, doc_id=self.doc_id, multi=False, **values)

    def _field(self, args: CallArgs) -> _Document:
        args.count(1)
        projection = encode_projection(args.get(0), args.pos(0))
        return _Document(self.collection, self.doc_id, projection)

    def _get(self, args: CallArgs) -> ConsoleStatement:
        args.count(0)
        return self._statement("get", projection=self.projection)

    def _update(self, args: CallArgs) -> ConsoleStatement:
        data = _options(args, data=True)["data"]
        return self._statement("update", data=encode_update(data, args.pos(0)))

    def _set(self, args: CallArgs) -> ConsoleStatement:
        data = _options(args, data=True)["data"]
        check_data(data, args.pos(0), method="set")
        return self._statement("set", data=encode_document(data, args.pos(0), context="set()"))

    def _remove(self, args: CallArgs) -> ConsoleStatement:
        args.count(0)
        return self._statement("remove")


def collection(args: CallArgs) -> _Query:
    """``db.collection(name)``."""
    args.count(1)
    name = args.get(0)
    if type(name) is not str or not name:
        raise args.fail("db.collection() takes the collection's name as a string", 0)
    return _Query(_State(name), is_collection=True)
