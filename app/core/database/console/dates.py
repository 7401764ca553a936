"""``new Date(...)`` as JavaScript reads it, giving aware UTC datetimes at millisecond precision."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from app.core.database.console.runtime import CallArgs, is_number, js_type

# JavaScript dates span ±8.64e15 ms around 1970; Python's span years 1..9999.
_MAX_MS = 8.64e15
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ISO = re.compile(
    r"(?P<y>[+-]\d{6}|\d{4})(?:-(?P<mo>\d\d)(?:-(?P<d>\d\d))?)?"
    r"(?:[T ](?P<h>\d\d):(?P<mi>\d\d)(?::(?P<s>\d\d)(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>Z|z|[+-]\d\d:?\d\d)?"
)
_SLASHED = re.compile(
    r"(?P<y>\d{4})/(?P<mo>\d{1,2})/(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<h>\d{1,2}):(?P<mi>\d\d)(?::(?P<s>\d\d)(?:\.(?P<f>\d{1,9}))?)?)?"
)
_HELP = "write an ISO date such as '2024-01-31' or '2024-01-31T08:00:00Z', or milliseconds"


def new_date(args: CallArgs) -> datetime:
    """``new Date()``, ``new Date(ms)``, ``new Date('2024-01-01')``, ``new Date(y, m, d, …)``."""
    if not len(args):
        return _ms(datetime.now(timezone.utc))
    if len(args) == 1:
        value = args.get(0)
        if type(value) is datetime:
            return value
        if is_number(value):
            return _from_ms(value, args)
        if type(value) is str:
            return _from_string(value, args)
        raise args.fail(f"new Date() cannot take {js_type(value)}: {_HELP}", 0)
    return _from_parts(args)


def _from_ms(value: float, args: CallArgs) -> datetime:
    if value != value or abs(value) > _MAX_MS:
        raise args.fail(f"new Date({value}) is an Invalid Date", 0)
    try:
        return _EPOCH + timedelta(milliseconds=math.trunc(value))
    except OverflowError:
        raise args.fail(f"new Date({value}) is outside the years 1 to 9999", 0) from None


def _from_string(text: str, args: CallArgs) -> datetime:
    stripped = text.strip()
    match = _ISO.fullmatch(stripped) or _SLASHED.fullmatch(stripped)
    try:
        if match:
            return _from_match(match)
        moment = parsedate_to_datetime(stripped)  # RFC 2822: 'Mon, 01 Jan 2024 00:00:00 GMT'
        return _ms(moment if moment.tzinfo else _local(moment))
    except (ValueError, TypeError, OverflowError, IndexError):
        raise args.fail(f"new Date({text!r}) is an Invalid Date: {_HELP}", 0) from None


def _from_match(match: re.Match) -> datetime:
    part = match.groupdict()
    year = int(part["y"])
    if part["y"] == "-000000" or not 1 <= year <= 9999:
        raise ValueError("year out of range")
    hour = int(part["h"] or 0)
    fraction = (part["f"] or "0")[:3].ljust(3, "0")
    midnight_24 = hour == 24 and not int(part["mi"] or 0) and not int(part["s"] or 0)
    naive = datetime(year, int(part["mo"] or 1), int(part["d"] or 1), 0 if midnight_24 else hour,
                     int(part["mi"] or 0), int(part["s"] or 0), int(fraction) * 1000)
    if midnight_24:
        naive += timedelta(days=1)
    tz = part["tz"]
    if tz:
        if tz in "Zz":
            return naive.replace(tzinfo=timezone.utc)
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return naive.replace(tzinfo=timezone(sign * offset)).astimezone(timezone.utc)
    # JavaScript reads a date-only ISO string as UTC, and a date-time without offset as local.
    if part["h"] is None and match.re is _ISO:
        return naive.replace(tzinfo=timezone.utc)
    return _local(naive)


def _from_parts(args: CallArgs) -> datetime:
    args.count(2, 7)
    numbers = []
    for index, value in enumerate(args.values):
        if not is_number(value) or value != value or abs(value) == float("inf"):
            raise args.fail(f"new Date(year, month, …) takes numbers, not {js_type(value)}", index)
        numbers.append(math.trunc(value))
    year, month, day, hour, minute, second, milli = numbers + [1, 0, 0, 0, 0][len(numbers) - 2:]
    if 0 <= year <= 99:
        year += 1900  # JavaScript's two-digit years
    year += month // 12
    try:
        naive = datetime(year, month % 12 + 1, 1) + timedelta(
            days=day - 1, hours=hour, minutes=minute, seconds=second, milliseconds=milli
        )
    except (ValueError, OverflowError):
        raise args.fail("new Date(year, month, …) is outside the years 1 to 9999") from None
    return _local(naive)


def _local(naive: datetime) -> datetime:
    """A wall-clock time in this computer's time zone, as UTC (what JavaScript does)."""
    try:
        aware = naive.astimezone()
    except (OSError, OverflowError, ValueError):
        # Windows cannot look up zone rules before 1970; use today's offset instead.
        aware = naive.replace(tzinfo=datetime.now().astimezone().tzinfo)
    return _ms(aware.astimezone(timezone.utc))


def _ms(moment: datetime) -> datetime:
    """BSON dates hold milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def date_call(args: CallArgs) -> None:
    raise args.fail("Date() without new gives a string in JavaScript; write new Date(...)")

