"""The console's JavaScript subset: literals, comments, positions, and garbage never crashing."""

from __future__ import annotations

import math
import random
import re

import pytest

from app.core.database.console import (
    parse_document, parse_limit, parse_order, parse_projection, parse_skip, parse_statement,
    parse_update, parse_where,
)
from app.core.errors import InputError


def _value(text: str):
    """The engine value of a JS literal, read through the where box."""
    return parse_where(f"{{v: {text}}}")["v"]


NUMBERS = [
    ("0", 0), ("42", 42), ("-7", -7), ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("5.", 5),
    ("1e3", 1000), ("2.5E-3", 0.0025), ("-1e+2", -100), ("0x1F", 31), ("0o17", 15), ("0b101", 5),
    ("5.0", 5), ("1099511627776", 2**40), ("9007199254740993", 9007199254740992), ("- 3", -3),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers(text, expected):
    """JavaScript numbers; integral values become ints as BSON encodes them (tcb-wire §5)."""
    value = _value(text)
    assert value == expected and type(value) is type(expected)


def test_special_numbers():
    """-0, huge values, Infinity and NaN stay floats."""
    assert math.copysign(1, _value("-0")) == -1.0 and type(_value("-0")) is float
    assert _value("1e300") == 1e300 and _value("Infinity") == math.inf
    assert _value("-Infinity") == -math.inf and math.isnan(_value("NaN"))


STRINGS = [
    (r"'it\'s'", "it's"), (r'"say \"hi\""', 'say "hi"'), (r"'a\nb\tc\\d'", "a\nb\tc\\d"),
    (r"'\x41\u0042\u{43}'", "ABC"), (r"'\0'", "\0"), ("'学生A'", "学生A"), ('"双引号"', "双引号"),
    ("'line\\\ncontinued'", "linecontinued"), ("`template`", "template"), ("`two\nlines`", "two\nlines"),
    (r"'\q'", "q"), ("''", ""),
]


@pytest.mark.parametrize(("text", "expected"), STRINGS)
def test_strings(text, expected):
    """Single, double and backtick strings with JavaScript's escapes."""
    assert _value(text) == expected


def test_keywords_and_literals():
    """true/false/null/undefined; undefined keys disappear; holes in arrays become null."""
    assert parse_where("{a: true, b: false, c: null, d: undefined}") == {
        "a": True, "b": False, "c": None}
    assert _value("[1, , 3]") == [1, None, 3]
    assert _value("[,]") == [None]
    assert _value("[1, 2, ]") == [1, 2]


def test_object_keys():
    """Unquoted, quoted, numeric and keyword keys; trailing commas; JS key order and repeats."""
    assert parse_document("{a: 1, 'b c': 2, \"d\": 3, 4: 4, in: 5, new: 6,}") == {
        "4": 4, "a": 1, "b c": 2, "d": 3, "in": 5, "new": 6}
    assert list(parse_document("{b: 1, 10: 2, 2: 3, a: 4}")) == ["2", "10", "b", "a"]
    assert parse_document("{a: 1, b: 2, a: 3}") == {"a": 3, "b": 2}
    assert parse_document("{$key: 1, _x: 2, 中文: 3}") == {"$key": 1, "_x": 2, "中文": 3}


def test_regex_literals_versus_division():
    """A slash opens a regex where a value is expected; after a value it is (refused) division."""
    assert _value("/a\\/b[/]c/gimsuy").pattern == "a\\/b[/]c"
    assert _value("/ab+c/i").flags & re.IGNORECASE
    assert _value("/^a/m").flags & re.MULTILINE
    assert _value("[/x/, /y/]")[1].pattern == "y"
    with pytest.raises(InputError, match=r'Line 1, column 7: expected "," or "}" but found "/"'):
        parse_where("{v: 1 / 2}")


def test_comments_everywhere():
    """Line and block comments, including between tokens and at the end."""
    text = """// leading
    { /* block */ a: 1, // after a
      b: '// not a comment', c: '/* nor this */'
      /* multi
         line */ }  // trailing"""
    assert parse_where(text) == {"a": 1, "b": "// not a comment", "c": "/* nor this */"}


def test_positions_count_lines_and_columns():
    """Lines split at \\n, \\r\\n and \\r; columns count characters, starting at 1."""
    for newline in ("\n", "\r\n", "\r"):
        with pytest.raises(InputError, match="^Line 3, column 4: expected a value"):
            parse_where(f"{{{newline}a: 1,{newline}b: )")
    with pytest.raises(InputError, match="^Line 1, column 13: expected \":\" after \"x\""):
        parse_where("{名字: '学生', x)")


SYNTAX_ERRORS = [
    ("{a: 'open", "Line 1, column 5: unterminated string: expected a closing '"),
    ("{a: 'one\ntwo'}", "Line 1, column 5: unterminated string"),
    ("{a: /x}", "Line 1, column 5: unterminated regular expression"),
    ("{a: 1} /* open", "Line 1, column 8: unterminated comment"),
    ("{a: `x${y}`}", "Line 1, column 7: ${…} in template strings is not supported"),
    ("{a: '\\u12'}", "Line 1, column 6: invalid \\u escape: expected 4 hex digits"),
    ("{a: '\\1'}", "Line 1, column 6: octal escape \\1 is not allowed"),
    ("{a: 012}", "Line 1, column 5: numbers cannot start with 0"),
    ("{a: 3in}", "Line 1, column 6: unexpected 'i' right after number 3"),
    ("{a: 10n}", "Line 1, column 7: unexpected 'n' right after number 10"),
    ("{a：1}", 'Line 1, column 3: unexpected full-width "："'),
    ("{a: “x”}", 'Line 1, column 5: unexpected full-width "“"'),
    ("{a: 1", 'Line 1, column 6: expected "," or "}" but found end of input'),
    ("{a 1}", 'Line 1, column 4: expected ":" after "a" but found number 1'),
    ("{a: }", 'Line 1, column 5: expected a value but found "}"'),
    ("{: 1}", 'Line 1, column 2: expected a property name or "}" but found ":"'),
    ("{a: [1 2]}", 'Line 1, column 8: expected "," or "]" but found number 2'),
    ("{a: (1}", 'Line 1, column 7: expected ")" but found "}"'),
    ("{a: 1}}", 'Line 1, column 7: expected the end of the input but found "}"'),
    ("{a: x.}", 'Line 1, column 5: x is not defined'),
    ("{a: db.}", 'Line 1, column 8: expected a property name after "." but found "}"'),
    ("{a: 1 ? 2 : 3}", 'Line 1, column 7: expected "," or "}" but found "?" (operators'),
    ("{a: true && false}", 'Line 1, column 10: expected "," or "}" but found "&"'),
    ("{a: b = 1}", "Line 1, column 5: b is not defined"),
    ("{f() {}}", 'Line 1, column 3: expected ":" after "f" but found "("'),
    ("{a: function () {}}", 'Line 1, column 5: "function" is not supported in the console'),
    ("{a: this}", 'Line 1, column 5: "this" is not supported'),
    ("{a: #}", 'Line 1, column 5: expected a value but found "#"'),
    ("{a: 'x'.foo()}", "Line 1, column 9: 'x'.foo is not a function"),
    ("{a: null.x}", 'Line 1, column 10: cannot read "x" of null'),
    ("{a: new Foo()}", "Line 1, column 9: Foo is not defined"),
    ("{a: ndefined}", "Line 1, column 5: ndefined is not defined; did you mean undefined?"),
    ("{a: new Date(true)}", "Line 1, column 14: new Date() cannot take boolean"),
    ("{a: new Date(2024, 'x')}", "Line 1, column 20: new Date(year, month, …) takes numbers"),
    ("{a: new Date(8.64e15 + 1)}", 'Line 1, column 22: expected "," or ")" but found "+"'),
    ("{a: new Date(9e15)}", "Line 1, column 14: new Date(9000000000000000) is an Invalid Date"),
    ("{a: new Date('yesterday')}", "Line 1, column 14: new Date('yesterday') is an Invalid Date"),
]


@pytest.mark.parametrize(("text", "message"), SYNTAX_ERRORS)
def test_syntax_errors(text, message):
    """Every syntax error names its line, column and what was expected or found."""
    with pytest.raises(InputError) as caught:
        parse_where(text)
    assert str(caught.value).startswith(message)


def test_date_strings():
    """ISO forms: date-only is UTC, Z and offsets convert, a full stamp keeps milliseconds."""
    assert _value("new Date('2024-01-01')").isoformat() == "2024-01-01T00:00:00+00:00"
    assert _value("new Date('2024-01-01T10:20:30.123456Z')").isoformat() == (
        "2024-01-01T10:20:30.123000+00:00")
    assert _value("new Date('2024-06-01T08:00:00+08:00')").isoformat() == "2024-06-01T00:00:00+00:00"
    assert _value("new Date('Mon, 01 Jan 2024 00:00:00 GMT')").isoformat() == (
        "2024-01-01T00:00:00+00:00")
    assert _value("new Date(new Date(5))").isoformat() == "1970-01-01T00:00:00.005000+00:00"
    assert _value("new Date('2024-01-01T08:00')").tzinfo is not None  # local wall time → UTC


# -- garbage in, InputError out --------------------------------------------------------------------

_PARSERS = (parse_where, parse_update, parse_projection, parse_document, parse_order, parse_skip,
            parse_limit, parse_statement)
_SEEDS = [
    "{done: false, progress: _.gt(10).and(_.lt(90)), title: /^a/i}",
    "db.collection('todos').where({a: _.in([1, 2])}).orderBy('a', 'desc').skip(1).limit(2).get()",
    "{tags: _.push({each: ['x'], position: 0}), n: _.inc(1), at: db.serverDate({offset: 5})}",
    "const {gt} = _\ndb.collection('t').doc('x').update({data: {s: {c: 'b'}}})",
    "{d: new Date(2024, 0, 1), g: db.Geo.Point(1, 2), r: db.RegExp({regexp: 'x', options: 's'})}",
    "orderBy('a', 'asc').orderBy('b', 'desc')",
    "_.or([{a: 1}, {b: _.elemMatch({c: _.gte(3)})}]) // comment",
]
_ALPHABET = list("{}[]()'\"`,:;./\\-+*=_$ \n\tabcdexyz0123459eE学，") + [
    "db", "_", "new", "Date", "const", "true", "null", "undefined", "_.gt(", "/*", "*/", "//",
    "db.command", ".and(", "0x", "\\u", "${", "...", "=>",
]


def _mutations(rng: random.Random):
    for _ in range(1500):
        seed = rng.choice(_SEEDS)
        spot = rng.randrange(len(seed) + 1)
        mode = rng.randrange(3)
        if mode == 0:
            yield seed[:spot] + seed[spot + rng.randrange(1, 6):]
        elif mode == 1:
            yield seed[:spot] + rng.choice(_ALPHABET) + seed[spot:]
        else:
            yield seed[:spot]
    for _ in range(1500):
        yield "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(1, 40)))
    for _ in range(200):
        yield "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 30)))


def test_garbage_only_ever_raises_input_error():
    """Random and mutated input never escapes as anything but InputError (no crash, no eval)."""
    rng = random.Random(20240601)
    for text in _mutations(rng):
        for parse in _PARSERS:
            try:
                parse(text)
            except InputError:
                pass
            except Exception as error:  # pragma: no cover - the failure report
                pytest.fail(f"{parse.__name__}({text!r}) raised {type(error).__name__}: {error}")


def test_nothing_reaches_python():
    """Python attributes and builtins are not reachable: members come only from host tables."""
    for text in ("{a: db.__class__}", "{a: _.__dict__}", "{a: db.collection.__globals__}",
                 "{a: __import__('os')}", "{a: _.gt.__code__}", "{a: db['__init__']}",
                 "{a: _.gt(1).__class__}", "{a: eval('1')}", "{a: constructor}"):
        with pytest.raises(InputError):
            parse_where(text)
