"""The cloud console's 导入/导出 file formats, JSON Lines and CSV (wxcloud-api.md §8).

Text in, engine values out (and back); storing them, Insert vs Upsert, is the caller's job.
A bad line is a :class:`LineError` and the rest still parses; a bad file as a whole (a JSON
array, a bad CSV header, not UTF-8) is an :class:`InputError`. Field names must not be
empty, start or end with ``.``, contain ``..`` or start with ``$`` (operators, §3.11).
Dots mean nesting at any depth, so ``{"a.b": 1}`` is stored as ``{"a": {"b": 1}}`` as the
console stores it, and names setting one field twice (``a`` twice, ``a`` with ``a.b``) are
ambiguous: refused in files, headers and export field lists alike. ``_id`` may be a
non-empty string or a finite number. :func:`_cell` says how CSV cells get their types.
JSON is read strictly (``jsontext``): NaN, Infinity, lone surrogates and nesting past 100
levels are bad lines, and a document the store would refuse as over 16 MB is one too.

CSV export guards spreadsheets against formula injection (OWASP "CSV Injection"): a text
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading ``'``, which spreadsheets show as "this is text" and do not evaluate. The import
takes that quote off again (so export → import gives back the same strings), and so does
a text cell starting with ``'`` and one of those characters, which is escaped the same way.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TextIO

from bson.objectid import ObjectId

from app.core import jsontext
from app.core.database import ejson
from app.core.database.fast_lines import fast_document
from app.core.database.journal import document_bytes
from app.core.database.limits import MAX_DOCUMENT_BYTES
from app.core.errors import CloudError, InputError
from app.core.reasons import Reason

Format = Literal["jsonl", "csv"]
Progress = Callable[[int], None] | None

PROGRESS_EVERY = 1000
FIELD_LIST_EXAMPLE = "_id,name,age"
_LITERALS = {"true": True, "false": False, "null": None}
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
# Number is a JS double (§3.5): a longer integer (an ID card number, say) would lose digits.
_MAX_EXACT_INT = 2**53
_ENGINE_TYPES = (dict, list, str, int, float, bool, type(None), datetime, re.Pattern, ObjectId)
_KINDS = {dict: Reason("database.kind_object", "an object"), list: Reason("database.kind_array", "an array"),
          str: Reason("database.kind_string", "a string"), int: Reason("database.kind_number", "a number"),
          float: Reason("database.kind_number", "a number"), datetime: Reason("database.kind_date", "a date"),
          bool: Reason("database.kind_bool", "true/false"), type(None): Reason("database.kind_null", "null")}
_IN_FIELD_LIST = Reason("database.where_field_list", "In the field list")
_MISSING = object()
# Text cells starting with one of these would be a formula (or hide one) in a spreadsheet.
_FORMULA_START = frozenset("=+-@\t\r")
_ESCAPED_START = _FORMULA_START | {"'"}
# Lines or rows this long are measured as the store will measure them, so a partial import
# skips just the too-large documents. Shorter ones practically always fit (UTF-8 spends at
# most 4 bytes a character); one that does not is still refused by the store, import and all.
_MEASURE_FROM = MAX_DOCUMENT_BYTES // 4


@dataclass(frozen=True)
class LineError:
    """One bad line of an import file, shown to the user."""

    line: int  # 1-based; in CSV the header is line 1
    message: str  # 'Line 7: not valid JSON (Expecting "," delimiter at column 18)'
    why: Reason | None = field(default=None, compare=False)  # the message, for the app to say

    @classmethod
    def of(cls, line: int, problem: Reason) -> "LineError":
        why = Reason("database.import_line", "Line {line}: {problem}", line=line, problem=problem)
        return cls(line, why.text, why)


class CheckedDocuments(list):
    """Engine documents this process read strictly from an import file, handed to
    ``database.importDocuments`` as they are (no EJSON text and back). Only code in this
    process can make one: params from a console over loopback are plain JSON lists."""


@dataclass(frozen=True)
class ParsedImport:
    """The documents of an import file, in file order, and its bad lines."""

    documents: list[dict]
    errors: list[LineError]


class _Bad(Exception):
    """What is wrong with one line, in plain words, without the line number."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.text)
        self.reason = reason


def parse_import(
    stream: Iterable[str] | TextIO, fmt: Format, *, progress: Progress = None
) -> ParsedImport:
    """Parse an import file line by line; ``progress(lines_done)`` every 1000 lines and at end."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown import format {fmt!r}")
    lines = _lines(stream, progress)
    return _parse_jsonl(lines) if fmt == "jsonl" else _parse_csv(lines)


def export_documents(
    docs: Iterable[dict], fmt: Format, out: TextIO, *,
    fields: list[str] | None = None, progress: Progress = None,
) -> int:
    """Write ``docs`` to ``out`` in the console's export format; returns how many were written.

    Lines end in ``\\n``: open ``out`` with ``newline=""`` to keep them so on Windows.
    """
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv" and not fields:
        raise InputError(Reason("database.export_csv_fields", "CSV export needs a field list, e.g. {example}",
                                example=FIELD_LIST_EXAMPLE))
    paths = [(name, name.split(".")) for name in fields or ()]
    _check_names([name for name, _ in paths], _IN_FIELD_LIST)
    if fmt == "csv":
        writer = _CsvRows(out)
        writer.writerow([escape_cell(name) for name in fields])
    count = 0
    for count, doc in enumerate(docs, 1):
        if fmt == "csv":
            writer.writerow([_csv_text(_get(doc, parts)) for _, parts in paths])
        else:
            out.write(ejson.encode(_pick(doc, paths) if paths else doc) + "\n")
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress:
        progress(count)
    return count


def parse_field_list(text: str) -> list[str]:
    """``"_id, name,age"`` → ``["_id", "name", "age"]``; a Chinese comma ``，`` works too."""
    names = [name.strip() for name in re.split("[,，]", text)]
    if names == [""]:
        raise InputError(Reason("database.field_list_empty", "The field list is empty: name the fields, e.g. "
                                "{example}", example=FIELD_LIST_EXAMPLE))
    _check_names(names, _IN_FIELD_LIST)
    return names


def _lines(stream: Iterable[str] | TextIO, progress: Progress) -> Iterator[str]:
    """The stream's lines, BOM removed, counted for ``progress``; bad UTF-8 is an InputError."""
    done = 0
    try:
        for line in stream:
            yield line if done else line.removeprefix("\ufeff")
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done)
    except UnicodeDecodeError as exc:
        raise InputError(Reason("database.import_not_utf8", "Line {line}: the file is not UTF-8 text ({error}). "
                                "Save it as UTF-8 and import it again.", line=done + 1, error=exc.reason)) from None
    if progress and done % PROGRESS_EVERY:
        progress(done)


def _parse_jsonl(lines: Iterator[str]) -> ParsedImport:
    documents: list[dict] = []
    errors: list[LineError] = []
    for number, text in enumerate(lines, 1):
        if not text or text.isspace():
            continue
        if not documents and not errors and text.lstrip().startswith("["):
            raise InputError(Reason(
                "database.import_json_array", "Line {line}: this file is a JSON array. The console imports JSON "
                "Lines: one JSON object per line, not wrapped in [ ] and not separated by commas.", line=number,
            ))
        try:
            fast = fast_document(text) if len(text) < _MEASURE_FROM else None  # orjson, when sure
            documents.append(_sized(_document(_decode(text) if fast is None else fast), len(text)))
        except json.JSONDecodeError as exc:
            errors.append(LineError.of(number, _json_problem(exc, text)))
        except _Bad as exc:
            errors.append(LineError.of(number, exc.reason))
    return ParsedImport(documents, errors)


def _parse_csv(lines: Iterator[str]) -> ParsedImport:
    # A cell may hold a whole JSON object, far past csv's default 128 KiB per field.
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    reader = csv.reader(lines)
    documents: list[dict] = []
    errors: list[LineError] = []
    try:
        header = next(reader, None)
        if header == []:
            raise InputError(Reason("database.import_csv_header", "Line 1: the first row must name the fields, e.g. "
                                    "{example}", example=FIELD_LIST_EXAMPLE))
        names = [_unescape(cell.strip()) for cell in header or ()]
        _check_names(names, Reason("database.where_header", "Line 1 (the header)"))
        done = reader.line_num
        for row in reader:
            # A quoted cell may span lines; a row is reported at the line it starts on.
            line, done = done + 1, reader.line_num
            if not any(row):  # a blank line, or a spreadsheet's row of empty cells
                continue
            try:
                if len(row) > len(names):
                    raise _Bad(Reason("database.import_csv_extra", "{n} values but the header names only {fields} "
                                      "fields", n=len(row), fields=len(names)))
                pairs = [(name, _cell(name, text)) for name, text in zip(names, row) if text]
                documents.append(_sized(_document(_nest(pairs)), sum(map(len, row))))
            except _Bad as exc:
                errors.append(LineError.of(line, exc.reason))
    except csv.Error as exc:
        raise InputError(Reason("database.import_not_csv", "Line {line}: not valid CSV ({error})",
                                line=reader.line_num, error=str(exc))) from None
    return ParsedImport(documents, errors)


def _cell(name: str, text: str) -> Any:
    """Type a CSV cell. The console does not document its inference, so this is ours.

    ``_id`` stays text (ids are names, not quantities). Otherwise ``true``/``false``/``null``
    become bool/None; a JSON number becomes int or float, except that an integer beyond 2^53,
    a float that overflows and a leading zero (``007``) stay text; a cell starting with ``{``
    or ``[`` that is valid EJSON becomes that object or array. Everything else, including ISO
    date text, stays a string. An empty cell never gets here: its field is left out.
    A cell our export escaped (``'=1+1``, ``'-5``) is that text without the quote, never a
    number or a formula.
    """
    if text[0] == "'":
        unescaped = _unescape(text)
        if unescaped is not text:
            return unescaped
    if name == "_id":
        return text
    if text in _LITERALS:
        return _LITERALS[text]
    number = _NUMBER.fullmatch(text)
    if number and (number.group(1) or number.group(2)):
        value = float(text)
        return value if math.isfinite(value) else text
    if number:
        return int(text) if abs(int(text)) <= _MAX_EXACT_INT else text
    if text[0] in "{[":
        try:
            return _decode(text)
        except json.JSONDecodeError:
            return text
        except _Bad as exc:
            raise _Bad(Reason("database.import_column", 'column "{name}": {problem}', name=name,
                              problem=exc.reason)) from None
    return text


def _hook(pairs: list[tuple[str, Any]]) -> dict:
    try:
        return _nest(pairs)
    except _Bad:
        if any(name[:1] == "$" for name, _ in pairs):
            return dict(pairs)  # an EJSON wrapper such as {"$date": …}: see _decode
        raise


def _decode(text: str) -> Any:
    """JSON text → engine values, field names checked and nested, EJSON wrappers decoded.

    Raises json.JSONDecodeError for text that is not JSON at all, _Bad for JSON refused.
    """
    # Checking needs the raw pairs (a dict has already dropped a repeated name), so the hook
    # checks in a first parse; a text that may hold "$" names gets a second one, by ejson.
    try:
        value = jsontext.loads(text, what="", object_pairs_hook=_hook)
    except jsontext.JsonTextError as exc:
        if exc.decode_error is not None:
            raise exc.decode_error from None
        problem = getattr(exc, "problem_why", None) or exc.problem  # jsontext's Reason, when it gives one
        if exc.where:
            raise _Bad(Reason("database.import_json_refused_at", "{problem} at {where}", problem=problem,
                              where=getattr(exc, "where_why", None) or exc.where)) from None
        raise _Bad(Reason("database.import_json_refused", "{problem}", problem=problem)) from None
    if "$" not in text and "\\u" not in text:
        return value
    try:
        return _engine(ejson.decode(text))
    except (ValueError, TypeError, OverflowError, KeyError) as exc:  # what bson raises
        raise _Bad(Reason("database.import_bad_ejson", "bad extended JSON value ({error})", error=str(exc))) from None


def _engine(value: Any) -> Any:
    """EJSON-decoded values, nested and checked like plain JSON; bson-only types refused."""
    if type(value) is dict:
        return _nest([(name, _engine(item)) for name, item in value.items()])
    if type(value) is list:
        return [_engine(item) for item in value]
    if isinstance(value, _ENGINE_TYPES):
        return value
    raise _Bad(Reason("database.import_type_unsupported", "{type} values are not supported (use text, numbers, "
                      "dates, …)", type=type(value).__name__))


def _document(value: Any) -> dict:
    if type(value) is not dict:
        raise _Bad(Reason("database.import_not_object", "each line must be one JSON object, not {kind}",
                          kind=_kind(value)))
    if "_id" not in value:
        return value
    doc_id = value["_id"]
    if type(doc_id) not in (str, int, float, ObjectId):  # an export keeps ObjectIds as {"$oid"}
        raise _Bad(Reason("database.import_id_type", "_id must be a string or a number, not {kind}",
                          kind=_kind(doc_id)))
    if doc_id == "" or (type(doc_id) is float and not math.isfinite(doc_id)):
        raise _Bad(Reason("database.import_id_unusable", "_id {doc_id} cannot name a record",
                          doc_id=json.dumps(doc_id)))
    return value


def _sized(doc: dict, text_length: int) -> dict:
    """``doc``, unless it is one the store would refuse as over 16 MB (measured as it does)."""
    if text_length > _MEASURE_FROM:
        try:
            document_bytes(doc, update=False)
        except CloudError as exc:
            raise _Bad(exc.reason or Reason("database.import_refused", "{detail}", detail=exc.detail)) from None
    return doc


def _json_problem(exc: json.JSONDecodeError, text: str) -> Reason:
    if exc.msg == "Extra data":
        return Reason("database.import_second_value", "a second JSON value starts at column {column}; put one "
                      "object per line", column=exc.colno)
    if exc.pos >= len(text.rstrip()):
        return Reason("database.import_not_json_cut", "not valid JSON ({error} at column {column}); each object "
                      "must be complete on one line", error=exc.msg, column=exc.colno)
    return Reason("database.import_not_json", "not valid JSON ({error} at column {column})", error=exc.msg,
                  column=exc.colno)


def _kind(value: Any) -> Reason | str:
    return _KINDS.get(type(value), type(value).__name__)


def _nest(pairs: list[tuple[str, Any]]) -> dict:
    """One object's fields with dotted names expanded into nested objects; refuses ambiguity."""
    out: dict = {}
    made: set[int] = set()  # ids of the objects made here for dotted names, which others extend
    for index, (name, value) in enumerate(pairs):
        if not name or name[0] in "$." or name[-1] == "." or ".." in name:
            _bad_name(name)
        if "." not in name:
            if name in out:
                _ambiguous(pairs, index)
            out[name] = value
            continue
        *parents, last = parts = name.split(".")
        if "$" in name and any(part[0] == "$" for part in parts):
            _bad_name(name)
        node = out
        for part in parents:
            child = node.get(part, _MISSING)
            if child is _MISSING:
                child = node[part] = {}
                made.add(id(child))
            elif id(child) not in made:
                _ambiguous(pairs, index)
            node = child
        if last in node:
            _ambiguous(pairs, index)
        node[last] = value
    return out


def _bad_name(name: str) -> None:
    if not name:
        raise _Bad(Reason("database.field_name_empty", "a field name is empty"))
    problem = (Reason("database.field_name_dollar", 'starts with "$", which is kept for operators')
               if any(part[:1] == "$" for part in name.split("."))
               else Reason("database.field_name_dot_start", 'starts with "."') if name[0] == "."
               else Reason("database.field_name_dot_end", 'ends with "."') if name[-1] == "."
               else Reason("database.field_name_dots", 'contains ".."'))
    raise _Bad(Reason("database.field_name_bad", 'field name "{name}" {problem}', name=name, problem=problem))


def _ambiguous(pairs: list[tuple[str, Any]], index: int) -> None:
    name = pairs[index][0]
    other = next(other for other, _ in pairs[:index]
                 if other == name or other.startswith(name + ".") or name.startswith(other + "."))
    if other == name:
        raise _Bad(Reason("database.field_twice", 'field "{name}" appears twice', name=name))
    raise _Bad(Reason("database.fields_ambiguous", 'fields "{other}" and "{name}" are ambiguous: dots mean nesting, '
                      'so both set "{shared}"', other=other, name=name, shared=min(other, name, key=len)))


def _check_names(names: list[str], where: Reason) -> None:
    """Header or export field names: the import rules, as one InputError for the whole file."""
    if "" in names:
        position = names.index("") + 1
        raise InputError(Reason("database.field_unnamed", "{where}: field {position} has no name, e.g. {example}",
                                where=where, position=position, example=FIELD_LIST_EXAMPLE))
    try:
        _nest([(name, None) for name in names])
    except _Bad as exc:
        raise InputError(Reason("database.field_names_bad", "{where}: {problem}", where=where,
                                problem=exc.reason)) from None



def _get(node: Any, parts: list[str]) -> Any:
    """The value at a dot path, through objects only (an array is exported whole)."""
    for part in parts:
        node = node.get(part, _MISSING) if type(node) is dict else _MISSING
    return node


def _pick(doc: dict, paths: list[tuple[str, list[str]]]) -> dict:
    """Only the fields at ``paths``, nested as in the document; missing ones are left out."""
    return _nest([(name, value) for name, parts in paths
                  if (value := _get(doc, parts)) is not _MISSING])


def _csv_text(value: Any) -> str:
    """A cell the importer reads back as the same value, within :func:`_cell`'s limits."""
    if value is _MISSING:
        return ""
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, datetime):
        return ejson.iso_date(value)
    return ejson.encode(value)


class _CsvRows:
    """csv.writer with ``\n`` line ends that still quotes a cell holding a carriage return.

    Python's writer quotes only the characters of its own line terminator, so with ``\n`` a
    ``\r`` in a cell went out bare and split the row on import. Rows are written with
    ``\r\n`` (quoting both) into a buffer and end in ``\n`` on the way out.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def writerow(self, row: list[str]) -> None:
        self._writer.writerow(row)
        self._out.write(self._buffer.getvalue()[:-2] + "\n")
        self._buffer.seek(0)
        self._buffer.truncate()


def escape_cell(text: str) -> str:
    """A text cell no spreadsheet runs as a formula: ``=1+1`` → ``'=1+1`` (see the module doc)."""
    if text and (text[0] in _FORMULA_START or (text[0] == "'" and text[1:2] and text[1] in _ESCAPED_START)):
        return "'" + text
    return text


def _unescape(text: str) -> str:
    """The text :func:`escape_cell` protected, as it was."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in _ESCAPED_START else text
