"""The query bar's where box: the SDK's query serialization (tcb-wire §5, spec §3.2-§3.3)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from app.core.database import ejson, find
from app.core.database.console import parse_order, parse_projection, parse_update, parse_where
from app.core.errors import InputError

UTC = timezone.utc


def _wire(text: str) -> dict:
    """What the SDK would put in the request's `query` string, decoded back to relaxed JSON."""
    return __import__("json").loads(ejson.encode(parse_where(text)))


# tcb-wire §5 "Query (where)" table, row by row, as exact engine values.
WIRE_ROWS = [
    ("{done:false, progress:_.gt(10)}", {"done": False, "progress": {"$gt": 10}}),
    ("{a: _.neq(1).and(_.lt(5))}", {"$and": [{"a": {"$ne": 1}}, {"a": {"$lt": 5}}]}),
    ("{a: _.in(['x']), b: _.nin([1])}", {"a": {"$in": ["x"]}, "b": {"$nin": [1]}}),
    ("{e: _.exists(true), s: _.size(2), l: _.all([1,2]), m: _.mod([4,0])}",
     {"e": {"$exists": True}, "s": {"$size": 2}, "l": {"$all": [1, 2]}, "m": {"$mod": [4, 0]}}),
    ("{arr: _.elemMatch({k:_.gte(3)})}", {"arr": {"$elemMatch": {"k": {"$gte": 3}}}}),
    ("{l:{m:1}}", {"l.m": 1}),
    ("{'j.k':'dot', n: null}", {"j.k": "dot", "n": None}),
    ("{d: new Date(86400000)}", {"d": datetime(1970, 1, 2, tzinfo=UTC)}),
    ("{p: db.Geo.Point(113,23)}", {"p": {"type": "Point", "coordinates": [113, 23]}}),
    ("_.or([{a:1},{a:_.in([2,3])}])", {"$or": [{"a": 1}, {"a": {"$in": [2, 3]}}]}),
    ("_.or({a:1},{b:2})", {"$or": [{"a": 1}, {"b": 2}]}),
]


@pytest.mark.parametrize(("text", "expected"), WIRE_ROWS)
def test_tcb_wire_query_rows(text, expected):
    """Each row of the tcb-wire §5 query table serializes exactly."""
    assert parse_where(text) == expected


# The canonical EJSON strings tcb-wire §5 captured from the real SDK, against what we produce.
SDK_WIRE = [
    (parse_where, "{done:false, progress:_.gt(10)}",
     '{"done":false,"progress":{"$gt":{"$numberInt":"10"}}}'),
    (parse_where, "{a: _.in(['x']), b: _.nin([1])}",
     '{"a":{"$in":["x"]},"b":{"$nin":[{"$numberInt":"1"}]}}'),
    (parse_where, "{t: /ab+c/i}",
     '{"t":{"$regularExpression":{"pattern":"ab+c","options":"i"}}}'),
    (parse_where, "{l:{m:1}}", '{"l.m":{"$numberInt":"1"}}'),
    (parse_where, "{d: new Date(86400000)}", '{"d":{"$date":{"$numberLong":"86400000"}}}'),
    (parse_where, "{big: 1099511627776}", '{"big":{"$numberLong":"1099511627776"}}'),
    (parse_where, "{x: 1.5}", '{"x":{"$numberDouble":"1.5"}}'),
    (parse_update, "{gone: _.remove(), tags: _.push(['t']), f: _.pop(), g: _.shift()}",
     '{"$unset":{"gone":""},"$push":{"tags":{"$each":["t"]}},'
     '"$pop":{"f":{"$numberInt":"1"},"g":{"$numberInt":"-1"}}}'),
    (parse_update, "{s: _.set({whole:'obj'}), f: _.unshift([0])}",
     '{"$set":{"s":{"whole":"obj"}},"$push":{"f":{"$each":[{"$numberInt":"0"}],'
     '"$position":{"$numberInt":"0"}}}}'),
    (parse_update, "{x: _.rename('y'), at: db.serverDate({offset:1000})}",
     '{"$rename":{"x":"y"},"$set":{"at":{"$tcb_server_date":{"offset":{"$numberInt":"1000"}}}}}'),
    (parse_projection, "{a:true, done:false}", '{"a":{"$numberInt":"1"},"done":{"$numberInt":"0"}}'),
    (parse_projection, "{arr: _.project.slice(2)}", '{"arr":{"$slice":{"$numberInt":"2"}}}'),
    (lambda text: dict(parse_order(text)), "orderBy('a','asc').orderBy('b','desc')",
     '{"a":{"$numberInt":"1"},"b":{"$numberInt":"-1"}}'),
]


@pytest.mark.parametrize(("parse", "text", "wire"), SDK_WIRE)
def test_matches_the_sdk_wire_strings(parse, text, wire):
    """Our engine values equal the decoded canonical EJSON the real SDK sends (tcb-wire §5)."""
    assert parse(text) == ejson.decode(wire)


def test_regex_literal_and_db_regexp_go_out_as_regular_expressions():
    """`/ab+c/i` and db.RegExp reach the wire as $regularExpression (tcb-wire §5)."""
    assert _wire("{t: /ab+c/i}") == {"t": {"$regularExpression": {"pattern": "ab+c", "options": "i"}}}
    assert _wire("{t: db.RegExp({regexp:'^x', options:'m'})}") == {
        "t": {"$regularExpression": {"pattern": "^x", "options": "m"}}}
    value = parse_where("{t: db.RegExp({regexp: 'a.b', options: 'is'})}")["t"]
    assert isinstance(value, re.Pattern) and value.flags & re.DOTALL and value.flags & re.I
    assert parse_where("{t: new RegExp('^a', 'i')}")["t"].pattern == "^a"


# Every command of spec §3.3, with its serialized form.
COMMAND_ROWS = [
    ("{f: _.eq({color: 'red'})}", {"f": {"$eq": {"color": "red"}}}),
    ("{f: _.neq(1)}", {"f": {"$ne": 1}}),
    ("{f: _.lt(1), g: _.lte(2), h: _.gt(3), i: _.gte(4)}",
     {"f": {"$lt": 1}, "g": {"$lte": 2}, "h": {"$gt": 3}, "i": {"$gte": 4}}),
    ("{f: _.lt('b')}", {"f": {"$lt": "b"}}),
    ("{f: _.in([1, 'a'])}", {"f": {"$in": [1, "a"]}}),
    ("{f: _.nin([])}", {"f": {"$nin": []}}),
    ("_.and([{a: 1}, {b: _.exists(true)}])", {"$and": [{"a": 1}, {"b": {"$exists": True}}]}),
    ("_.and({a: 1}, {b: 2})", {"$and": [{"a": 1}, {"b": 2}]}),
    ("{f: _.gt(1).and(_.lt(5))}", {"$and": [{"f": {"$gt": 1}}, {"f": {"$lt": 5}}]}),
    ("{f: _.and(_.gt(1), _.lt(5))}", {"$and": [{"f": {"$gt": 1}}, {"f": {"$lt": 5}}]}),
    ("{f: _.lt(30).or(_.gt(90))}", {"$or": [{"f": {"$lt": 30}}, {"f": {"$gt": 90}}]}),
    ("{f: _.or([_.lt(30), _.gt(90)])}", {"$or": [{"f": {"$lt": 30}}, {"f": {"$gt": 90}}]}),
    ("{f: _.or([1, 2])}", {"$or": [{"f": 1}, {"f": 2}]}),
    ("_.nor([{done: true}, {p: _.lt(30)}])", {"$nor": [{"done": True}, {"p": {"$lt": 30}}]}),
    ("{f: _.not(_.gt(30))}", {"f": {"$not": {"$gt": 30}}}),
    ("{f: _.not(_.gt(1).and(_.lt(5)))}", {"f": {"$not": {"$gt": 1, "$lt": 5}}}),
    ("{f: _.exists(false)}", {"f": {"$exists": False}}),
    ("{f: _.mod(25, 0)}", {"f": {"$mod": [25, 0]}}),
    ("{f: _.all(['db', 'cloud'])}", {"f": {"$all": ["db", "cloud"]}}),
    ("{f: _.elemMatch(_.gt(2))}", {"f": {"$elemMatch": {"$gt": 2}}}),
    ("{f: _.elemMatch({value: _.mod(4, 3)})}", {"f": {"$elemMatch": {"value": {"$mod": [4, 3]}}}}),
    ("{f: _.size(0)}", {"f": {"$size": 0}}),
    ("_.expr({$gt: ['$progress', 40]})", {"$expr": {"$gt": ["$progress", 40]}}),
    ("_.expr(_.aggregate.gt(['$progress', 40]))", {"$expr": {"$gt": ["$progress", 40]}}),
    ("_.jsonSchema({required: ['a']})", {"$jsonSchema": {"required": ["a"]}}),
    ("{f: _.gt(1).lt(5)}", {"$and": [{"f": {"$gt": 1}}, {"f": {"$lt": 5}}]}),
    ("{f: db.command.eq(1)}", {"f": {"$eq": 1}}),
]


@pytest.mark.parametrize(("text", "expected"), COMMAND_ROWS)
def test_query_commands(text, expected):
    """Every query command of spec §3.3 becomes its Mongo operator."""
    assert parse_where(text) == expected


def test_geo_commands():
    """geoNear/geoWithin/geoIntersects carry their GeoJSON (spec §3.3)."""
    point = {"type": "Point", "coordinates": [113, 23]}
    assert parse_where("{loc: _.geoNear({geometry: db.Geo.Point(113, 23), maxDistance: 1000})}") == {
        "loc": {"$nearSphere": {"$geometry": point, "$maxDistance": 1000}}}
    ring = "db.Geo.LineString([db.Geo.Point(0,0), db.Geo.Point(1,0), db.Geo.Point(1,1), db.Geo.Point(0,0)])"
    within = parse_where(f"{{loc: _.geoWithin({{geometry: db.Geo.Polygon([{ring}])}})}}")
    assert within == {"loc": {"$geoWithin": {"$geometry": {
        "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}}}
    assert parse_where("{loc: _.geoWithin({centerSphere: [[113, 23], 0.1]})}") == {
        "loc": {"$geoWithin": {"$centerSphere": [[113, 23], 0.1]}}}
    assert parse_where("{loc: _.geoIntersects({geometry: db.Geo.Point(1, 2)})}") == {
        "loc": {"$geoIntersects": {"$geometry": {"type": "Point", "coordinates": [1, 2]}}}}


FLATTEN_ROWS = [
    ("{style: {color: 'red'}}", {"style.color": "red"}),
    ("{a: {b: {c: 1, d: [1, {e: 2}]}}}", {"a.b.c": 1, "a.b.d": [1, {"e": 2}]}),
    ("{a: {}}", {}),
    ("{a: {b: {}}, c: 1}", {"c": 1}),
    ("{done: false, progress: undefined}", {"done": False}),
    ("{a: 0, b: '', c: false, d: null}", {"a": 0, "b": "", "c": False, "d": None}),
    ("{numbers: [10, 20, 30]}", {"numbers": [10, 20, 30]}),
    ("{a: [1, undefined]}", {"a": [1, None]}),
    ("{a: {b: _.gt(1)}}", {"a.b": {"$gt": 1}}),
    ("{a: {b: {c: _.gt(1).or(_.lt(0))}}}", {"$or": [{"a.b.c": {"$gt": 1}}, {"a.b.c": {"$lt": 0}}]}),
    ("{a: {$exists: true, b: 1}}", {"a.b": 1, "a": {"$exists": True}}),
    ("{a: {$gt: 1}}", {"a": {"$gt": 1}}),
    ("{1: 'one', a: {0: 'x'}}", {"1": "one", "a.0": "x"}),
    ("{d: new Date(0), r: /x/}", {"d": datetime(1970, 1, 1, tzinfo=UTC), "r": re.compile("x")}),
    ("{at: _.lt(db.serverDate())}", {"at": {"$lt": {"$tcb_server_date": {"offset": 0}}}}),
    ("{at: _.gt({$date: 0})}", {"at": {"$gt": datetime(1970, 1, 1, tzinfo=UTC)}}),
    ("{}", {}),
]


@pytest.mark.parametrize(("text", "expected"), FLATTEN_ROWS)
def test_flattening_rules(text, expected):
    """Nested plain objects flatten; arrays, dates, regexes, commands and {} rules (spec §3.2)."""
    assert parse_where(text) == expected


def test_logic_on_two_fields_keeps_both_conditions():
    """Two field-level .or() both hold: the second goes into $and rather than widening the first."""
    assert parse_where("{a: _.eq(1).or(_.eq(2)), b: _.eq(3).or(_.eq(4)), c: 5}") == {
        "$or": [{"a": {"$eq": 1}}, {"a": {"$eq": 2}}],
        "$and": [{"$or": [{"b": {"$eq": 3}}, {"b": {"$eq": 4}}]}],
        "c": 5,
    }
    assert parse_where("{a: _.gt(1).and(_.lt(5)), b: _.gt(2).and(_.lt(6))}") == {"$and": [
        {"a": {"$gt": 1}}, {"a": {"$lt": 5}}, {"b": {"$gt": 2}}, {"b": {"$lt": 6}}]}


def test_same_path_twice_merges_operators():
    """`{'a.b': _.gt(1), a: {b: _.lt(5)}}` joins into one operator document (SDK merge)."""
    assert parse_where("{'a.b': _.gt(1), a: {b: _.lt(5)}}") == {"a.b": {"$gt": 1, "$lt": 5}}


def test_empty_box_is_no_filter():
    """An empty or comment-only where box means no filter at all."""
    assert parse_where("") is None
    assert parse_where("  // nothing\n /* here */ ") is None


def test_unicode_strings_and_keys():
    """Chinese text in strings and unquoted keys, and \\u escapes, come through intact."""
    assert parse_where("{name: '学生A', 班级: \"一班\", e: '\\u5b66\\u{751F}'}") == {
        "name": "学生A", "班级": "一班", "e": "学生"}
    assert parse_where("{s: '😀', t: '\\uD83D\\uDE00'}") == {"s": "😀", "t": "😀"}


# wxcloud-api.md §9.1-§9.3 acceptance queries, typed as a developer would, run on the engine.
ACCEPTANCE = [
    ("Q1", "todos", "{done:false, progress:50}", ["t1"]),
    ("Q2", "todos", "{style:{color:'red'}}", ["t1", "t3"]),
    ("Q4", "todos", "{style:_.eq({color:'red'})}", ["t3"]),
    ("Q6", "todos", "{numbers:[30,20,10]}", []),
    ("Q11", "todos", "{numbers:_.gt(25).and(_.lt(15))}", ["t1"]),
    ("Q13", "nested", "{'root.objects.numbers':30}", ["n1"]),
    ("Q21", "todos", "{tags:_.exists(true)}", ["t1", "t2", "t4"]),
    ("Q23", "todos", "{progress:_.nin([50,100])}", ["t3", "t4"]),
    ("Q28", "todos", "{progress:_.gte(20).and(_.lte(50))}", ["t1", "t3"]),
    ("Q29", "todos", "{progress:_.lt(30).or(_.gt(90))}", ["t2", "t3"]),
    ("Q30", "todos", "_.or([{progress:_.lt(30)},{done:true}])", ["t2", "t3"]),
    ("Q31", "todos", "_.and([{done:false},{tags:_.exists(true)}])", ["t1", "t4"]),
    ("Q32", "todos", "{progress:_.not(_.gt(30))}", ["t3", "t4"]),
    ("Q33", "todos", "_.nor([{done:true},{progress:_.lt(30)}])", ["t1", "t4"]),
    ("Q34", "todos", "{progress:_.mod(25,0)}", ["t1", "t2"]),
    ("Q35", "todos", "{title:/^a/i}", ["t1"]),
    ("Q37", "todos", "{title:db.RegExp({regexp:'TA$', options:'i'})}", ["t2", "t4"]),
    ("Q39", "todos", "{done:false, progress:undefined}", ["t1", "t3", "t4"]),
    ("Q40", "todos", "{style:{}}", ["t1", "t2", "t3", "t4"]),
    ("Q41", "todos", "_.expr(db.command.aggregate.gt(['$progress', 40]))", ["t1", "t2"]),
    ("Q46", "passages", "{tags:_.elemMatch(_.gt(2))}", ["p5"]),
    ("Q47", "passages", "{tags:_.elemMatch({value:_.gt(0)})}", ["p6"]),
    ("Q48", "passages", "{tags:_.elemMatch({value:_.mod(4,3)})}", ["p6"]),
    ("Q50", "passages", "{index:_.not(_.gt(1))}", ["p1", "p2", "p3", "p7"]),
]


@pytest.mark.parametrize(("case", "collection", "text", "ids"), ACCEPTANCE, ids=[c[0] for c in ACCEPTANCE])
def test_acceptance_queries_run_on_the_engine(engine_collections, case, collection, text, ids):
    """Typed where boxes find the documents spec §9 expects."""
    found = find(engine_collections[collection], parse_where(text))
    assert [doc["_id"] for doc in found] == ids


ERRORS = [
    ("'x'", "Line 1, column 1: 查询参数必须为对象"),
    ("{a: undefined}", "Line 1, column 1: 查询参数对象值不能均为undefined"),
    ("{done: false)", 'Line 1, column 13: expected "," or "}" but found ")"'),
    ("_.gtt(1)", 'Line 1, column 3: db.command has no command "gtt"; did you mean "gt" or "gte"?'),
    ("{a: db.command.nen(1)}", 'Line 1, column 16: db.command has no command "nen"; did you mean "nin" or "neq"?'),
    ("{a: _.gt(1).andd(2)}", 'Line 1, column 13: _.gt() has no method "andd"; did you mean "and"?'),
    ("{a: _.inc(1)}", "Line 1, column 7: _.inc() is an update command"),
    ("{a: _.project.slice(1)}", "Line 1, column 15: _.project.slice() is a projection command"),
    ("_.gt(1)", "Line 1, column 3: _.gt() needs a field: write {field: _.gt(…)}"),
    ("_.or([_.gt(1)])", "Line 1, column 9: _.gt() needs a field"),
    ("_.not(_.gt(1))", "Line 1, column 3: _.not() negates one field's condition"),
    ("{a: _.not(1)}", "Line 1, column 7: _.not() takes a query command"),
    ("{a: _.or([])}", "Line 1, column 7: _.or() needs at least one condition"),
    ("{a: _.in(5)}", "Line 1, column 10: _.in() takes an array"),
    ("{a: _.gt()}", "Line 1, column 7: _.gt() takes 1 argument (got 0)"),
    ("{a: _.mod(1)}", "Line 1, column 11: _.mod() takes (divisor, remainder)"),
    ("{a: _.elemMatch(3)}", "Line 1, column 17: _.elemMatch() takes a query object"),
    ("{a: [_.gt(1)]}", "Line 1, column 8: _.gt() cannot be used inside an array"),
    ("{a: _.text('x')}", "Line 1, column 7: _.text() (full-text search) is not supported"),
    ("{a: db.RegExp({options: 'i'})}", "Line 1, column 15: regexp must be a string"),
    ("{a: db.RegExp({regexp: '(', options: 'i'})}", "Line 1, column 15: invalid db.RegExp /(/i"),
    ("{a: /x/q}", "Line 1, column 8: invalid regular expression flags 'q'"),
    ("{a: db.Geo.Point(200, 0)}", "Line 1, column 18: longitude should be a number ranges from -180 to 180"),
    ("{a: db.Geo.Point(0, 91)}", "Line 1, column 21: latitude should be a number ranges from -90 to 90"),
    ("{a: _.geoNear({geometry: 1})}", 'Line 1, column 15: "geometry" of _.geoNear() must be a db.Geo Point'),
    ("{a: db.serverDate({offset: 'x'})}", "Line 1, column 19: db.serverDate() takes {offset: milliseconds}"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_where_errors_say_where_and_what(text, message):
    """Mistakes raise InputError naming the line, column and the problem."""
    with pytest.raises(InputError) as caught:
        parse_where(text)
    assert str(caught.value).startswith(message)
