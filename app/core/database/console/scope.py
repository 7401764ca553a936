"""The names a console script starts with: ``db``, ``_``, ``Date``, ``RegExp``, ``undefined``…"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.core.database.console.commands import COMMAND
from app.core.database.console.database import UNSUPPORTED, ConsoleStatement, collection
from app.core.database.console.dates import date_call, new_date
from app.core.database.console.geo import GEO
from app.core.database.console.lexer import Pos, fail
from app.core.database.console.runtime import (
    UNDEFINED, CallArgs, HostFunction, HostObject, ServerDate, is_number, make_regex,
)


def _create_collection(args: CallArgs) -> ConsoleStatement:
    args.count(1)
    name = args.get(0)
    if type(name) is not str or not name:
        raise args.fail("db.createCollection() takes the new collection's name as a string", 0)
    return ConsoleStatement(name, "createCollection", multi=False)


def _server_date(args: CallArgs) -> ServerDate:
    args.count(0, 1)
    options = args.get(0)
    if options is UNDEFINED:
        return ServerDate()
    offset = options.get("offset", UNDEFINED) if type(options) is dict else None
    if type(options) is not dict or not (offset is UNDEFINED or is_number(offset)):
        raise args.fail("db.serverDate() takes {offset: milliseconds}", 0)
    return ServerDate(0 if offset is UNDEFINED else offset)


def _regexp(args: CallArgs) -> Any:
    args.count(1)
    options = args.get(0)
    if type(options) is not dict:
        raise args.fail("db.RegExp() takes {regexp: '…', options: 'i'}", 0)
    pattern = options.get("regexp", UNDEFINED)
    if not pattern:
        raise args.fail("regexp must be a string", 0)
    return make_regex(pattern, options.get("options", ""), args.pos(0), "db.RegExp")


class _Db(HostObject):
    label = "db"

    def __init__(self) -> None:
        functions = {"collection": collection, "createCollection": _create_collection,
                     "serverDate": _server_date, "RegExp": _regexp}
        self._members: dict[str, Any] = {
            # db.RegExp and db.Geo.* are classes in the SDK: `new` works too.
            name: HostFunction(f"db.{name}", impl, impl if name == "RegExp" else None)
            for name, impl in functions.items()
        }
        self._members.update(command=COMMAND, Geo=GEO)

    def members(self) -> Mapping[str, Any]:
        return self._members

    def member(self, name: str, at: Pos) -> Any:
        if name in UNSUPPORTED:
            raise fail(at, UNSUPPORTED[name])
        return super().member(name, at)


DB = _Db()


def _regexp_constructor(args: CallArgs) -> Any:
    """JavaScript's own ``RegExp('^a', 'i')`` (with or without ``new``)."""
    args.count(1, 2)
    pattern, flags = args.get(0), args.get(1)
    if isinstance(pattern, re.Pattern):
        if flags is UNDEFINED:
            return pattern
        pattern = pattern.pattern  # new RegExp(/x/, 'i') takes the new flags
    return make_regex(pattern, flags, args.pos(0), "RegExp")


GLOBALS: dict[str, Any] = {
    "db": DB,
    "_": COMMAND,
    "Date": HostFunction("Date", date_call, new_date),
    "RegExp": HostFunction("RegExp", _regexp_constructor, _regexp_constructor),
    "undefined": UNDEFINED,
    "NaN": float("nan"),
    "Infinity": float("inf"),
}
