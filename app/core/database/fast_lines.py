"""The fast reader of one JSON Lines import line: orjson, then one walk that checks and converts.

It answers the same document as ``transfer._decode`` + ``_document`` would, or None when the
line needs the careful reader: anything it is not sure of (a bad line, a dotted or ``$`` field
name, an EJSON wrapper other than an ISO ``{"$date": "…Z"}``, a number orjson reads
differently, a repeated field name, deep nesting) goes there, so error messages and edge
cases keep one implementation. orjson refuses NaN, Infinity, lone surrogates and numbers past
64 bits, but turns an integer past 64 bits into a float and lets a repeated name win
silently; both are caught here (see ``_repeats``). ``tests/core/database/test_import_fast.py``
compares both readers.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

try:  # a compiled wheel; without it every line takes the careful reader
    import orjson
except ImportError:  # pragma: no cover - the pinned dependency is installed
    orjson = None

_DEPTH = 60  # well under the limit (jsontext.MAX_DEPTH): deeper lines take the careful reader
_BIG = 9.2e18  # a float this large may be an integer orjson could not hold
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3})?Z")


class _Unsure(Exception):
    """The careful reader must decide this line."""


def fast_document(text: str) -> dict | None:
    """The line's document as engine values, or None if the careful reader must read it."""
    if orjson is None or "\\u003" in text:  # an escaped ":" would hide a repeated name
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not dict:
        return None
    counts = [0, 0]  # keys read, ":" inside strings
    try:
        doc = _object(value, 1, counts)
    except (_Unsure, ValueError, OverflowError):
        return None
    if text.count(":") - counts[1] != counts[0]:
        return None  # a name appeared twice: orjson kept the last one
    return doc


def _object(value: dict, depth: int, counts: list) -> Any:
    if depth > _DEPTH:
        raise _Unsure
    counts[0] += len(value)
    for name, item in value.items():
        if not name or name[0] in "$." or "." in name:
            if name == "$date" and len(value) == 1:
                return _date(item, counts)
            raise _Unsure
        if ":" in name:
            counts[1] += name.count(":")
        kind = item.__class__
        if kind is dict:
            value[name] = _object(item, depth + 1, counts)
        elif kind is list:
            _array(item, depth + 1, counts)
        elif kind is str:
            if ":" in item:
                counts[1] += item.count(":")
        elif kind is float and (item >= _BIG or item <= -_BIG):
            raise _Unsure
    return value


def _array(items: list, depth: int, counts: list) -> None:
    if depth > _DEPTH:
        raise _Unsure
    for index, item in enumerate(items):
        kind = item.__class__
        if kind is dict:
            items[index] = _object(item, depth + 1, counts)
        elif kind is list:
            _array(item, depth + 1, counts)
        elif kind is str:
            if ":" in item:
                counts[1] += item.count(":")
        elif kind is float and (item >= _BIG or item <= -_BIG):
            raise _Unsure


def _date(text: Any, counts: list) -> datetime:
    """``{"$date": "2024-01-02T03:04:05.678Z"}`` as bson reads it (aware UTC, milliseconds)."""
    match = _ISO.fullmatch(text) if text.__class__ is str else None
    if match is None:
        raise _Unsure
    counts[1] += 2
    return datetime.fromisoformat(text)  # this shape only (checked above): aware, timezone.utc
