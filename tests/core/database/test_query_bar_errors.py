"""Mistakes in the query bar's boxes: an InputError naming the box, the line and the column.

V8 compiles the boxes, so syntax errors are V8's with its position; code that throws while it
runs gives the position of its stack frame; what the SDK refuses is said in the SDK's words.
"""

from __future__ import annotations

import random

import pytest

from app.core.errors import CloudError, InputError

SYNTAX = [
    ("where", "{done: false)", "where: Line 1, column 13: SyntaxError: Unexpected token ')'"),
    ("where", "{名字: '学生', x)", "where: Line 1, column 13: SyntaxError: Unexpected token ')'"),
    ("where", "{s: '😀', x: )", "where: Line 1, column 13: SyntaxError: Unexpected token ')'"),  # V8: 14
    ("where", "{a: 'open", "where: Line 1, column 5: SyntaxError: Invalid or unexpected token"),
    ("where", "{a: 'one\ntwo'}", "where: Line 1, column 5: SyntaxError: Invalid or unexpected token"),
    ("where", "{a: /x}", "where: Line 1, column 5: SyntaxError: Invalid regular expression: missing /"),
    ("where", "{a: /x/q}", "where: Line 1, column 5: SyntaxError: Invalid regular expression flags"),
    ("where", "{a: 1} /* open", "where: Line 1, column 8: SyntaxError: Invalid or unexpected token"),
    ("where", "{a: 3in}", "where: Line 1, column 5: SyntaxError: Invalid or unexpected token"),
    ("where", "{a：1}", "where: Line 1, column 3: SyntaxError: Invalid or unexpected token"),
    ("where", "{a: “x”}", "where: Line 1, column 5: SyntaxError: Invalid or unexpected token"),
    ("where", "{a: 1", "where: Line 1, column 6: SyntaxError: Unexpected end of input"),
    ("where", "{a: }", "where: Line 1, column 5: SyntaxError: Unexpected token '}'"),
    ("where", "{a: [1 2]}", "where: Line 1, column 8: SyntaxError: Unexpected number"),
    ("where", "{a: 1}}", "where: Line 1, column 7: SyntaxError: Unexpected token '}'"),
    ("where", "{a: x.}", "where: Line 1, column 7: SyntaxError: Unexpected token '}'"),
    ("orderBy", "progress desc", "orderBy: Line 1, column 10: SyntaxError: Unexpected identifier 'desc'"),
    ("orderBy", "orderBy('a', 'asc'", "orderBy: Line 1, column 19: SyntaxError: Unexpected end of input"),
    ("field", "{a: true", "field: Line 1, column 9: SyntaxError: Unexpected end of input"),
    ("field", "{title: true,, done: false}", "field: Line 1, column 14: SyntaxError: Unexpected token ','"),
]


@pytest.mark.parametrize(("box", "text", "message"), SYNTAX)
def test_syntax_errors_name_the_box_line_and_column(console, box, text, message):
    """V8's SyntaxError, placed in the box's own text (columns count characters)."""
    with pytest.raises(InputError) as caught:
        console.run(**{box: text})
    assert str(caught.value) == message


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_count_as_javascript_counts_them(console, newline):
    """Lines split at \\n, \\r\\n and \\r, whatever box the text is in."""
    with pytest.raises(InputError, match="^where: Line 3, column 4: SyntaxError"):
        console.run(where=f"{{{newline}a: 1,{newline}b: )")
    with pytest.raises(InputError, match="^orderBy: Line 2, column 2: SyntaxError"):
        console.run(orderBy=f"orderBy('a', 'asc'){newline}.)")


def test_a_syntax_error_is_found_before_anything_runs(console):
    """All boxes are compiled first: a mistake in field is reported even if where would throw."""
    events = len(console.workspace.events.recent())
    with pytest.raises(InputError, match="^field: Line 1"):
        console.run(where="{a: boom()}", field="{a: true", viewer={"persona": None})
    assert [e.action for e in console.workspace.events.recent()[events:]] == ["database.runQuery"]


RUNTIME = [
    ("where", "_.gtt(1)", "where: Line 1, column 3: TypeError: _.gtt is not a function"),
    ("where", "{a: db.command.nen(1)}", "where: Line 1, column 16: TypeError: db.command.nen is not a function"),
    ("where", "{a: _.gt(1).andd(2)}", "where: Line 1, column 13: TypeError: _.gt(...).andd is not a function"),
    ("where", "{a: x}", "where: Line 1, column 5: ReferenceError: x is not defined"),
    ("where", "{a: 'x'.foo()}", 'where: Line 1, column 9: TypeError: "x".foo is not a function'),
    ("where", "{a: null.x}", "where: Line 1, column 10: TypeError: Cannot read properties of null (reading 'x')"),
    ("where", "{a: new Foo()}", "where: Line 1, column 9: ReferenceError: Foo is not defined"),
    ("where", "{a: db.RegExp({options: 'i'})}", "where: Line 1, column 8: TypeError: regexp must be a string"),
    ("where", "{a: db.Geo.Point(200, 0)}", "where: Line 1, column 12: longitude should be a number ranges from -180 to 180"),
    ("where", "{a: db.Geo.Point(0, 91)}", "where: Line 1, column 12: latitude should be a number ranges from -90 to 90"),
    ("where", "{a: _.gt(1).geoNear({geometry: 1})}",
     'where: Line 1, column 13: TypeError: "geometry" must be of type Point. Received type number'),
    ("where", "\n  {a:\n    nope}", "where: Line 3, column 5: ReferenceError: nope is not defined"),
    ("orderBy", "orderBy('a', 'asc').sort()", "orderBy: Line 1, column 21: TypeError: orderBy(...).sort is not a function"),
    ("field", "{a: missing}", "field: Line 1, column 5: ReferenceError: missing is not defined"),
]


@pytest.mark.parametrize(("box", "text", "message"), RUNTIME)
def test_code_that_throws_says_where(console, box, text, message):
    """An error thrown while a box runs: V8's message, at its stack frame in the box."""
    with pytest.raises(InputError) as caught:
        console.run(**{box: text})
    assert str(caught.value) == message


SDK_REFUSALS = [
    ("where", "'x'", "where: 查询参数必须为对象"),
    ("where", "[1]", "where: 查询参数必须为对象"),
    ("where", "{a: undefined}", "where: 查询参数对象值不能均为undefined"),
    # A top-level geo command is checked only when where() serializes it, in the SDK's own words.
    ("where", "{a: _.geoNear({geometry: 1})}", "where: TypeError: options.geometry.toJSON is not a function"),
    ("where", "{a: _.geoWithin({centerSphere: 5})}", "where: centersPhere结构不合法"),
    ("where", "{a: _.geoWithin({centerSphere: [[200, 0], 1]})}",
     "where: longitude should be a number ranges from -180 to 180"),
    ("orderBy", "orderBy('progress', 'up')", "orderBy: Line 1, column 1: 排序字符不合法"),
    ("orderBy", "orderBy('a', 'asc').orderBy('b', 'DESC')", "orderBy: Line 1, column 21: 排序字符不合法"),
    ("orderBy", "orderBy('a')", "orderBy: Line 1, column 1: 排序字符不合法"),
    ("orderBy", "\n\norderBy('a',\n 'up')", "orderBy: Line 3, column 1: 排序字符不合法"),
    ("orderBy", "'progress'", "orderBy: write orderBy('field', 'asc' or 'desc'), e.g. orderBy('progress', 'desc')"),
]


@pytest.mark.parametrize(("box", "text", "message"), SDK_REFUSALS)
def test_what_the_sdk_refuses_in_its_own_words(console, box, text, message):
    """where()'s and orderBy()'s own checks, as the SDK throws them (spec §3.1)."""
    with pytest.raises(InputError) as caught:
        console.run(**{box: text})
    assert str(caught.value) == message


def test_skip_and_limit_must_be_counts(console):
    """The pane's spin boxes give integers; anything else is a bad request."""
    for params in ({"skip": -1}, {"limit": 1.5}, {"limit": "5"}, {"skip": True}):
        with pytest.raises(CloudError, match="must be a non-negative integer"):
            console.run(**params)
    with pytest.raises(CloudError, match="where must be the text typed in its box"):
        console.run(where={"done": False})
    with pytest.raises(CloudError, match="collectionName is required"):
        console.run("")


def test_boxes_cannot_send_requests(console):
    """Code in a box builds the query: a get() typed there sends nothing."""
    events = len(console.workspace.events.recent())
    console.run(where="{a: db.collection('todos').get()}", viewer={"persona": None})
    actions = [e.action for e in console.workspace.events.recent()[events:]]
    assert actions == ["database.getDocument", "database.runQuery"]  # the viewer's get only


def test_nothing_reaches_the_host(console):
    """The boxes run in the JS worker, with the mini program's names only."""
    for text, message in (("{a: __import__('os')}", "__import__ is not defined"),
                          ("{a: require('fs')}", "require is not defined")):
        with pytest.raises(InputError, match=message):
            console.run(where=text)


_SEEDS = [
    "{done: false, progress: _.gt(10).and(_.lt(90)), title: /^a/i}",
    "{tags: _.in(['x']), at: db.serverDate({offset: 5})}",
    "{d: new Date(2024, 0, 1), g: db.Geo.Point(1, 2), r: db.RegExp({regexp: 'x', options: 's'})}",
    "orderBy('a', 'asc').orderBy('b', 'desc')",
    "_.or([{a: 1}, {b: _.elemMatch({c: _.gte(3)})}]) // comment",
]
_ALPHABET = list("{}[]()'\"`,:;./\\-+*=_$ \n\tabcdexyz0123459eE学，") + [
    "db", "_", "new", "Date", "true", "null", "undefined", "_.gt(", "/*", "*/", "//",
    "db.command", ".and(", "0x", "\\u", "${", "...", "=>", "orderBy(",
]


def _mutations(rng: random.Random):
    for _ in range(150):
        seed = rng.choice(_SEEDS)
        spot = rng.randrange(len(seed) + 1)
        mode = rng.randrange(3)
        if mode == 0:
            yield seed[:spot] + seed[spot + rng.randrange(1, 6):]
        elif mode == 1:
            yield seed[:spot] + rng.choice(_ALPHABET) + seed[spot:]
        else:
            yield seed[:spot]
    for _ in range(100):
        yield "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(1, 40)))
    for _ in range(30):
        yield "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 30)))


def test_garbage_only_ever_gives_an_error_value(console):
    """Random and mutated text in any box ends as a listing or an InputError/CloudError."""
    rng = random.Random(20240601)
    for text in _mutations(rng):
        for box in ("where", "orderBy", "field"):
            try:
                console.run(**{box: text})
            except (InputError, CloudError):
                pass
            except Exception as error:  # pragma: no cover - the failure report
                pytest.fail(f"{box}={text!r} raised {type(error).__name__}: {error}")
