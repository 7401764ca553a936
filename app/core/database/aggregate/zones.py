"""Time zones of the date operators' ``timezone`` operand, and reading a value as a date."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.database.aggregate.core import fail
from app.core.database.aggregate.expression_reasons import cannot_convert
from app.core.database.values import as_utc, type_name
from app.core.reasons import Reason

_OFFSET = re.compile(r"^([+-])(\d{2})(?::?(\d{2}))?$")


def zone(name: Any) -> tzinfo:
    """The time zone a ``timezone`` operand names; CloudError for a name Mongo would refuse."""
    if type(name) is not str:
        raise fail(Reason("expr.timezone_not_string", "timezone must evaluate to a string, found {type}",
                          type=type_name(name)))
    return _zone(name)


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    offset = _OFFSET.match(name)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-delta if sign == "-" else delta)
    if name in ("UTC", "GMT", "Z"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise fail(Reason("expr.timezone_unknown", 'unrecognized time zone identifier: "{name}"', name=name)) from None


def is_utc(tz: tzinfo) -> bool:
    """UTC itself or a zero offset (Mongo then prints dates with a trailing Z by default)."""
    return isinstance(tz, timezone) and tz.utcoffset(None) == timedelta(0)


def local(moment: datetime, tz: tzinfo) -> datetime:
    """The instant as wall-clock time in ``tz``."""
    try:
        return as_utc(moment).astimezone(tz)
    except (OverflowError, ValueError):
        raise fail(Reason("expr.timezone_out_of_range", "the date is outside the range wxsim can show in that time "
                          "zone")) from None


def as_date(name: str, value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if type(value).__name__ == "ObjectId" and hasattr(value, "generation_time"):
        return value.generation_time  # an ObjectId holds its creation second, as in Mongo
    raise fail(cannot_convert(name, value, "Date"))


