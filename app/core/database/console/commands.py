"""``db.command`` (``_``): the SDK's query, logic, update and projection commands.

A command records what the script asked for and where; ``encode`` turns it into the
Mongo operator the SDK would send (spec §3.3, §3.4; tcb-wire §5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.database.console.lexer import Pos
from app.core.database.console.runtime import (
    UNDEFINED, CallArgs, GeoShape, HostFunction, HostObject, is_number, js_type,
)

QUERY, LOGIC, UPDATE, PROJECTION = "query", "logic", "update", "projection"
_CHAINED = ("eq", "neq", "gt", "gte", "lt", "lte", "in", "nin")


@dataclass(frozen=True, eq=False)
class Command(HostObject):
    """One ``_.name(...)`` call (or a chained ``.and()``/``.or()``)."""

    kind: str  # QUERY, LOGIC, UPDATE or PROJECTION
    name: str  # as typed after "_.": "gt", "and", "inc", "project.slice"
    operands: tuple
    at: Pos
    mongo: str = ""  # the operator it becomes: "$ne" for neq, "$pop" for shift…

    is_value = True
    member_kind = "method"

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"_.{self.name}()"

    @property
    def operand(self) -> Any:
        return self.operands[0]

    def members(self) -> Mapping[str, Any]:
        if self.kind == QUERY:
            names: tuple[str, ...] = ("and", "or") + _CHAINED
        elif self.kind == LOGIC:
            names = ("and", "or")
        else:
            return {}
        return {name: HostFunction(f"{self.label}.{name}", self._chain(name)) for name in names}

    def _chain(self, name: str) -> Callable[[CallArgs], Command]:
        def chained(args: CallArgs) -> Command:
            if name in ("and", "or"):
                return Command(LOGIC, name, (self, *_expressions(args)), args.at, f"${name}")
            return Command(LOGIC, "and", (self, _QUERY_BUILDERS[name](args)), args.at, "$and")

        return chained


def _expressions(args: CallArgs) -> list:
    """``and(a, b)`` or ``and([a, b])``, as the SDK accepts both."""
    return list(args.get(0)) if len(args) and type(args.get(0)) is list else list(args.values)


def _compare(name: str) -> Callable[[CallArgs], Command]:
    def build(args: CallArgs) -> Command:
        args.count(1)
        return Command(QUERY, name, (args.get(0),), args.at, "$ne" if name == "neq" else f"${name}")

    return build


def _listed(name: str) -> Callable[[CallArgs], Command]:
    def build(args: CallArgs) -> Command:
        args.count(1)
        if type(args.get(0)) is not list:
            raise args.fail(f"_.{name}() takes an array, e.g. _.{name}([1, 2]), not "
                            f"{js_type(args.get(0))}", 0)
        return Command(QUERY, name, (args.get(0),), args.at, f"${name}")

    return build


def _elem_match(args: CallArgs) -> Command:
    args.count(1)
    value = args.get(0)
    is_condition = isinstance(value, Command) and value.kind in (QUERY, LOGIC)
    if type(value) is not dict and not is_condition:
        raise args.fail("_.elemMatch() takes a query object such as {score: _.gt(80)} "
                        "or a command such as _.gt(2)", 0)
    return Command(QUERY, "elemMatch", (value,), args.at, "$elemMatch")


def _mod(args: CallArgs) -> Command:
    args.count(1, 2)
    value = list(args.values) if len(args) == 2 else args.get(0)
    if type(value) is not list or len(value) != 2:
        raise args.fail("_.mod() takes (divisor, remainder) or [divisor, remainder]", 0)
    return Command(QUERY, "mod", (value,), args.at, "$mod")


def _geo(name: str, mongo: str, shapes: tuple[str, ...]) -> Callable[[CallArgs], Command]:
    def build(args: CallArgs) -> Command:
        args.count(1)
        options = args.get(0)
        if type(options) is not dict:
            raise args.fail(f"_.{name}() takes an options object such as {{geometry: …}}", 0)
        geometry = options.get("geometry", UNDEFINED)
        if name == "geoWithin" and geometry is UNDEFINED and "centerSphere" in options:
            operand = {"$centerSphere": options["centerSphere"]}
        elif not isinstance(geometry, GeoShape) or geometry.kind not in shapes:
            raise args.fail(f'"geometry" of _.{name}() must be a db.Geo {" or ".join(shapes)}', 0)
        else:
            operand = {"$geometry": geometry}
            for key in ("maxDistance", "minDistance") if name == "geoNear" else ():
                if options.get(key, UNDEFINED) is not UNDEFINED:
                    if not is_number(options[key]):
                        raise args.fail(f'"{key}" must be a number', 0)
                    operand[f"${key}"] = options[key]
        return Command(QUERY, name, (operand,), args.at, mongo)

    return build


def _logic(name: str) -> Callable[[CallArgs], Command]:
    def build(args: CallArgs) -> Command:
        return Command(LOGIC, name, tuple(_expressions(args)), args.at, f"${name}")

    return build


def _not(args: CallArgs) -> Command:
    args.count(1)
    return Command(LOGIC, "not", (args.get(0),), args.at, "$not")


def _wrap(key: str) -> Callable[[CallArgs], dict]:
    def build(args: CallArgs) -> dict:  # _.expr and _.jsonSchema are plain objects in the SDK
        args.count(1)
        return {key: args.get(0)}

    return build


def _text(args: CallArgs) -> None:
    raise args.fail("_.text() (full-text search) is not supported by the simulator")


def _update(name: str, mongo: str, arity: int = 1, fixed: Any = UNDEFINED) -> Callable:
    def build(args: CallArgs) -> Command:
        args.count(arity)
        operand = fixed if arity == 0 else args.get(0)
        return Command(UPDATE, name, (operand,), args.at, mongo)

    return build


def _push(args: CallArgs) -> Command:
    first = args.get(0)
    if type(first) is dict and "each" in first:
        # push({each, position, sort, slice}): the SDK renames the keys to Mongo's modifiers.
        keys = ("each", "position", "sort", "slice")
        given = [key for key in keys if first.get(key, UNDEFINED) is not UNDEFINED]
        operand = {f"${key}": first[key] for key in given}
    else:
        operand = {"$each": list(first) if type(first) is list else list(args.values)}
    return Command(UPDATE, "push", (operand,), args.at, "$push")


def _unshift(args: CallArgs) -> Command:
    values = _expressions(args)
    return Command(UPDATE, "unshift", ({"$each": values, "$position": 0},), args.at, "$push")


def _projection(name: str) -> Callable[[CallArgs], Command]:
    def build(args: CallArgs) -> Command:
        args.count(1)
        return Command(PROJECTION, f"project.{name}", (args.get(0),), args.at, f"${name}")

    return build


_QUERY_BUILDERS: dict[str, Callable[[CallArgs], Any]] = {
    **{name: _compare(name) for name in ("eq", "neq", "lt", "lte", "gt", "gte", "exists", "size")},
    **{name: _listed(name) for name in ("in", "nin", "all")},
    "elemMatch": _elem_match,
    "mod": _mod,
    "geoNear": _geo("geoNear", "$nearSphere", ("Point",)),
    "geoWithin": _geo("geoWithin", "$geoWithin", ("Polygon", "MultiPolygon")),
    "geoIntersects": _geo("geoIntersects", "$geoIntersects", (
        "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")),
}

_BUILDERS: dict[str, Callable[[CallArgs], Any]] = {
    **_QUERY_BUILDERS,
    **{name: _logic(name) for name in ("and", "or", "nor")},
    "not": _not,
    "expr": _wrap("$expr"),
    "jsonSchema": _wrap("$jsonSchema"),
    "text": _text,
    **{name: _update(name, f"${name}") for name in
       ("set", "inc", "mul", "min", "max", "rename", "bit", "pull", "pullAll", "addToSet")},
    "remove": _update("remove", "$unset", 0, ""),
    "pop": _update("pop", "$pop", 0, 1),
    "shift": _update("shift", "$pop", 0, -1),
    "push": _push,
    "unshift": _unshift,
}

# The SDK's aggregation operators (db.command.aggregate), for _.expr(): each is {$name: arg}.
_AGGREGATE = """abs add ceil divide exp floor ln log log10 mod multiply pow sqrt subtract trunc
arrayElemAt arrayToObject concatArrays filter in indexOfArray isArray map objectToArray range
reduce reverseArray size slice zip and not or cmp eq gt gte lt lte neq cond ifNull switch
dateFromParts dateFromString dayOfMonth dayOfWeek dayOfYear isoDayOfWeek isoWeek isoWeekYear
millisecond minute month second hour week year dateToString literal mergeObjects
allElementsTrue anyElementTrue setDifference setEquals setIntersection setIsSubset setUnion
concat indexOfBytes indexOfCP split strLenBytes strLenCP strcasecmp substr substrBytes substrCP
toLower toUpper meta addToSet avg first last max min push stdDevPop stdDevSamp sum let""".split()


class _Namespace(HostObject):
    def __init__(self, label: str, kind: str, functions: dict[str, Callable], **extra: Any) -> None:
        self.label = label
        self.member_kind = kind
        self._members: dict[str, Any] = {
            name: HostFunction(f"{label}.{name}", build) for name, build in functions.items()
        }
        self._members.update(extra)

    def members(self) -> Mapping[str, Any]:
        return self._members


def _aggregate_operator(name: str) -> Callable[[CallArgs], dict]:
    def build(args: CallArgs) -> dict:
        args.count(1)
        return {"$ne" if name == "neq" else f"${name}": args.get(0)}

    return build


COMMAND = _Namespace(
    "db.command", "command", _BUILDERS,
    project=_Namespace("db.command.project", "projection command",
                       {"slice": _projection("slice"), "elemMatch": _projection("elemMatch")}),
    aggregate=_Namespace("db.command.aggregate", "aggregation operator",
                         {name: _aggregate_operator(name) for name in _AGGREGATE}),
)
