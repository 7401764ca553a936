"""The one strict reader for JSON text from outside wxsim, and a checker for values from code.

Text arrives from import files, command-line arguments, HTTP bodies, the panes' editors and
the function workers. Python's ``json`` takes things the rest of the system cannot carry:
``NaN``/``Infinity`` (and ``1e999``, which becomes infinity) are not JSON, so the store would
write files that JS and the SDK fail to parse; a lone UTF-16 surrogate (``"\\ud800"``) cannot
be encoded as UTF-8, so the first write of it raises; and deep nesting makes the C parser
raise RecursionError. :func:`loads` refuses each of these, and text over a size limit, with
one :class:`JsonTextError` that names what was read and where (line and column), and never
raises anything else. :func:`check_value` applies the same rules to values built by code.

Cost: on the common path (no ``\\u`` escapes, fewer brackets than the depth limit, no floats)
the extra work is a handful of C-speed ``str`` scans over the text, so an import of 100k
JSON Lines stays within its budget (DESIGN §6).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from itertools import accumulate, repeat
from operator import sub
from typing import Any

from app.core.errors import InputError
from app.core.reasons import Reason

# A document may be nested at most 100 levels deep, each object or array one level. The spec
# gives no depth limit of its own; the backend is MongoDB (wxcloud-api.md §3.11, "[MONGO]"),
# whose documented limit is "no more than 100 levels of nesting for BSON documents" (MongoDB
# manual, Limits and Thresholds: Nested Depth for BSON Documents).
MAX_DEPTH = 100
# Wire formats wrap a document: a request body or worker message holds it a level or two down,
# and Extended JSON spends up to two levels on one value (``{"$date": {"$numberLong": …}}``).
# Readers of such text allow this much more; the store enforces the document's own limit.
WRAPPER_LEVELS = 4
# The largest text read in one piece: the gateway's body limit (gateway/server.py MAX_BODY).
# Documents themselves are held to 16 MB by the store (database/limits.py).
MAX_TEXT_BYTES = 64 << 20
# A float beyond this is infinity; an integer beyond it cannot be a JS number (DESIGN: Number
# is a double) and would read back as Infinity in the function's JS.
_MAX_MAGNITUDE = 2**1024

# One JSON string (so brackets and escapes inside it are skipped), or something we look for.
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_CONSTANT = re.compile(_STRING + r"|(-?Infinity|NaN)", re.S)
_NUMBER = re.compile(_STRING + r"|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)", re.S)
_STRINGS = re.compile(_STRING, re.S)
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)
_LONG_DIGITS = re.compile(r"[0-9]{309}")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEPS = bytes.maketrans(b"{[]}", b"\x02\x02\x00\x00")


class JsonTextError(InputError, ValueError):
    """JSON text (or a value) wxsim will not take: not JSON, or JSON it cannot carry.

    A ValueError too, as ``json.JSONDecodeError`` is, so code that already guards a parse
    with ``except ValueError`` keeps working. ``problem`` is the reason alone, ``where`` the
    position; ``decode_error`` is json's own error when the text is simply not JSON (some
    readers word that themselves, or keep such text as plain text). Each part may be given as a
    Reason: ``what``/``problem``/``where`` are then its English text, ``problem_why`` and
    ``where_why`` the Reasons, and ``reason`` the whole message for the app to say.
    """

    def __init__(
        self, what: str | Reason, problem: str | Reason, where: str | Reason = "", *,
        decode_error: json.JSONDecodeError | None = None,
    ) -> None:
        self.what = str(what)
        self.problem = str(problem)
        self.where = str(where)
        self.problem_why = problem if isinstance(problem, Reason) else None
        self.where_why = where if isinstance(where, Reason) else None
        self.decode_error = decode_error
        super().__init__(_message(what, problem, where))


def _message(what: str | Reason, problem: str | Reason, where: str | Reason) -> Reason:
    """The whole message: ``<what>: <problem> (<where>)``, each part only when there is one."""
    if what and where:
        return Reason("json.what_problem_where", "{what}: {problem} ({where})", what=what, problem=problem,
                      where=where)
    if what:
        return Reason("json.what_problem", "{what}: {problem}", what=what, problem=problem)
    if where:
        return Reason("json.problem_where", "{problem} ({where})", problem=problem, where=where)
    return Reason("json.problem", "{problem}", problem=problem)


class _Refused(Exception):
    """Raised from inside ``json.loads`` hooks; turned into a JsonTextError with a position."""

    def __init__(self, token: str, pattern: re.Pattern, problem: Reason) -> None:
        self.token, self.pattern, self.problem = token, pattern, problem


def loads(
    text: str | bytes,
    *,
    what: str | Reason | None = None,
    max_depth: int = MAX_DEPTH,
    max_bytes: int = MAX_TEXT_BYTES,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
    scan: bool = True,
) -> Any:
    """Parse ``text`` strictly; raises JsonTextError (never anything else) if it is refused.

    ``what`` starts the message, e.g. ``"--data"`` or ``"Line 7"`` (a Reason when it is words;
    "The JSON text" when None, nothing when ""). Bytes must be UTF-8.
    Exceptions of the caller's own ``object_pairs_hook`` pass through, except the usual
    ValueError/TypeError/KeyError/OverflowError of a decoding hook, which become JsonTextError.

    ``scan=False`` is for text wxsim's own encoder just made from a value (a multi-MB import
    batch): it skips the two whole-text scans, for depth and for 309-digit numbers, which
    cost more than the parse itself there. NaN, Infinity and lone surrogates are still
    refused, and a depth past the parser's stack still ends as JsonTextError.
    """
    if what is None:
        what = Reason("json.the_text", "The JSON text")
    if isinstance(text, (bytes, bytearray)):
        if len(text) > max_bytes:
            raise JsonTextError(what, _too_long(len(text), max_bytes))
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonTextError(what, Reason("json.not_utf8", "not UTF-8 text (bad byte at offset {offset})",
                                               offset=exc.start)) from None
    elif not text.isascii():
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:  # a raw lone surrogate, e.g. from a console's argv
            raise JsonTextError(what, _surrogate_problem(), _where(text, exc.start)) from None
        if size > max_bytes:
            raise JsonTextError(what, _too_long(size, max_bytes))
    elif len(text) > max_bytes:
        raise JsonTextError(what, _too_long(len(text), max_bytes))
    # The parser recurses once per level: measure the depth before it can overflow the stack.
    # A text with fewer brackets than the limit cannot be deeper, so most texts skip the scan.
    if scan and text.count("{") + text.count("[") > max_depth:
        depth, at = nesting(text, max_depth)
        if depth > max_depth:
            raise JsonTextError(what, _too_deep(max_depth), _where(text, at))
    try:
        value = _decoder(object_pairs_hook).decode(text)
    except json.JSONDecodeError as exc:
        where = _where(text, exc.pos)
        problem = Reason("json.not_json", "not valid JSON ({detail})", detail=_decode_message(exc.msg))
        raise JsonTextError(what, problem, where, decode_error=exc) from None
    except _Refused as exc:
        raise JsonTextError(what, exc.problem, _find(text, exc.pattern, exc.token)) from None
    except JsonTextError:
        raise  # from a hook that checks its own values (ejson)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        # int() refuses more than 4300 digits; a hook (bson's EJSON) refuses a bad wrapper.
        digits = "digits" in str(exc)
        raise JsonTextError(what, Reason("json.too_many_digits", "a number has too many digits") if digits
                            else Reason("json.unreadable_value", "cannot read a value ({detail})",
                                        detail=str(exc))) from None
    except RecursionError:  # unreachable after the depth scan; kept so no traceback escapes
        raise JsonTextError(what, _too_deep(max_depth)) from None
    if "\\u" in text and _ESCAPED_SURROGATE.search(text):
        at = _lone_surrogate_escape(text)
        if at is not None:
            raise JsonTextError(what, _surrogate_problem(), _where(text, at))
    # Only a number of 309 digits or more can be too large for a double.
    if scan and len(text) > 308 and _LONG_DIGITS.search(text):
        problem = _value_problem(value, max_depth, "")
        if problem:
            raise JsonTextError(what, *problem)
    return value


def check_value(value: Any, *, what: str | Reason | None = None, max_depth: int = MAX_DEPTH) -> None:
    """The same rules for a value built by code: finite numbers, whole text, bounded depth.

    Walks at most ``max_depth`` + 1 levels, so a value of any depth is refused, not recursed
    into. Raises JsonTextError naming the path of the first bad part (``a.b[2]``).
    """
    problem = _value_problem(value, max_depth, "")
    if problem:
        raise JsonTextError(Reason("json.the_value", "The value") if what is None else what, *problem)


def nesting(text: str, limit: int | None = None) -> tuple[int, int]:
    """The deepest nesting of ``text``'s objects and arrays (brackets in strings do not count),
    and the position of the first bracket past ``limit`` (else of the deepest one)."""
    brackets = _NOT_BRACKET.sub("", _STRINGS.sub("", text)).encode("ascii").translate(_STEPS)
    if not brackets:
        return 0, 0
    # Opening brackets are 2 and closing ones 0, so the running sum of (b - 1) is the depth:
    # every step runs in C, which keeps a 20 MB text well under a second.
    depths = list(accumulate(map(sub, brackets, repeat(1))))
    deepest = max(depths)
    target = limit + 1 if limit is not None and deepest > limit else deepest
    return deepest, _bracket_position(text, depths.index(target))


# -- messages and positions --------------------------------------------------------------------

def _surrogate_problem() -> Reason:
    return Reason("json.lone_surrogate", "a string holds half of a UTF-16 surrogate pair (like \\ud800), "
                  "which is not text and cannot be stored")


def _too_deep(limit: int) -> Reason:
    return Reason("json.too_deep", "nested more than {limit} levels deep (a document may have at most {most})",
                  limit=limit, most=MAX_DEPTH)


def _too_long(size: int, limit: int) -> Reason:
    return Reason("json.too_long", "the text is {size:,} bytes; at most {limit:,} are accepted",
                  size=size, limit=limit)


def _decode_message(msg: str) -> str | Reason:
    """Python's json error (``Expecting value``) as a Reason, so the app can say it too."""
    return {
        "Expecting value": Reason("json.expecting_value", "Expecting value"),
        "Expecting ',' delimiter": Reason("json.expecting_comma", "Expecting ',' delimiter"),
        "Expecting ':' delimiter": Reason("json.expecting_colon", "Expecting ':' delimiter"),
        "Expecting property name enclosed in double quotes": Reason(
            "json.expecting_name", "Expecting property name enclosed in double quotes"),
        "Extra data": Reason("json.extra_data", "Extra data"),
        "Unterminated string starting at": Reason("json.unterminated_string", "Unterminated string starting at"),
        "Invalid control character at": Reason("json.control_character", "Invalid control character at"),
        "Invalid \\escape": Reason("json.bad_escape", "Invalid \\escape"),
        "Invalid \\uXXXX escape": Reason("json.bad_unicode_escape", "Invalid \\uXXXX escape"),
    }.get(msg, msg)


def _where(text: str, pos: int) -> Reason:
    """``line L, column C`` (1-based); just the column for one line, e.g. a JSON Lines line."""
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    one_line = "\n" not in text.rstrip("\r\n")
    if one_line:
        return Reason("json.at_column", "column {column}", column=column)
    return Reason("json.at_line_column", "line {line}, column {column}", line=line, column=column)


def _find(text: str, pattern: re.Pattern, token: str) -> str | Reason:
    """Where ``token`` first appears outside a string (an error path: may scan the text)."""
    for match in pattern.finditer(text):
        if match.group(1) == token:
            return _where(text, match.start(1))
    return ""


def _bracket_position(text: str, index: int) -> int:
    seen = -1
    for match in re.finditer(_STRING + r"|[\[\]{}]", text, re.S):
        if match.group()[0] != '"':
            seen += 1
            if seen == index:
                return match.start()
    return 0


def _lone_surrogate_escape(text: str) -> int | None:
    """Where the first ``\\uD800``–``\\uDFFF`` escape without its partner is, if any."""
    pending = None  # (position, end) of a high surrogate waiting for its low half
    for match in _ESCAPE.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else None
        is_low = code is not None and 0xDC00 <= code <= 0xDFFF
        if pending is not None:
            if is_low and match.start() == pending[1]:
                pending = None
                continue
            return pending[0]
        if code is not None and 0xD800 <= code <= 0xDBFF:
            pending = (match.start(), match.end())
        elif is_low:
            return match.start()
    return pending[0] if pending is not None else None


# -- the decoder and its hooks -----------------------------------------------------------------

_DECODERS: dict[Any, json.JSONDecoder] = {}


def _decoder(object_pairs_hook: Callable | None) -> json.JSONDecoder:
    # json.loads builds a new decoder on every call that passes options; reusing one per hook
    # keeps the strict reader as fast as the default one on short lines.
    decoder = _DECODERS.get(object_pairs_hook)
    if decoder is None:
        decoder = json.JSONDecoder(
            object_pairs_hook=object_pairs_hook, parse_constant=_constant, parse_float=_float
        )
        if len(_DECODERS) < 64:  # hooks are module functions; this only guards against misuse
            _DECODERS[object_pairs_hook] = decoder
    return decoder


def _constant(token: str) -> Any:
    raise _Refused(token, _CONSTANT, _not_a_number(token))


def _float(token: str) -> float:
    value = float(token)
    if value - value != 0.0:  # inf - inf is nan; a finite float gives 0.0
        raise _Refused(token, _NUMBER, Reason("json.number_too_large", "{number} is too large for a number "
                                              "(it would be Infinity)", number=token))
    return value


# -- values ------------------------------------------------------------------------------------


def _not_a_number(value: Any) -> Reason:
    return Reason("json.not_a_number", "{value} is not a JSON number; use null or a finite number", value=str(value))


def _value_problem(value: Any, limit: int, path: str, depth: int = 1) -> tuple[Reason, Reason] | None:
    """(problem, where) for the first part of ``value`` wxsim cannot carry, else None.

    ``depth`` is the level ``value`` would be at if it is an object or array; the walk stops
    there once it passes ``limit``, so its own recursion is bounded too.
    """
    kind = type(value)
    shown = _shown(path)
    where = Reason("json.at_path", "at {path}", path=shown) if shown else Reason("json.at_top", "at the top")
    if kind is dict or kind is list:
        if depth > limit:
            return _too_deep(limit), where
        if kind is list:
            for index, item in enumerate(value):
                problem = _value_problem(item, limit, f"{path}[{index}]", depth + 1)
                if problem:
                    return problem
            return None
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if type(key) is str and not _whole(key):
                return _surrogate_problem(), Reason("json.in_name_of", "in the name of {path}", path=_shown(here))
            problem = _value_problem(item, limit, here, depth + 1)
            if problem:
                return problem
        return None
    if kind is float and not math.isfinite(value):
        return _not_a_number(value), where
    if kind is int and abs(value) >= _MAX_MAGNITUDE:
        return Reason("json.integer_too_large", "an integer is too large for a number (it would be Infinity)"), where
    if kind is str and not _whole(value):
        return _surrogate_problem(), where
    return None


def _shown(path: str) -> str:
    """A path fit for a message: escaped where it is not text, shortened when very deep."""
    if not _whole(path):
        path = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return path if len(path) <= 80 else f"{path[:40]}…{path[-30:]}"


def _whole(text: str) -> bool:
    """Whether ``text`` is real text: no lone surrogate, so it can be written as UTF-8."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
