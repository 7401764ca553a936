"""The query bar's boxes through ``database.runQuery``: V8 runs them and the SDK shim
serializes them, so the wire is the real SDK's (tcb-wire §5, spec §3.1–§3.3)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from app.core.database import ejson
from app.core.errors import CloudError

UTC = timezone.utc

# tcb-wire §5 "Query (where)" table, row by row, as the engine reads the wire.
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
def test_tcb_wire_query_rows(console, text, expected):
    """Each row of the tcb-wire §5 query table goes out exactly."""
    assert console.where(text) == expected


# The canonical EJSON strings tcb-wire §5 captured from the real SDK, byte for byte.
SDK_WIRE = [
    ("where", "{done:false, progress:_.gt(10)}", "query", '{"done":false,"progress":{"$gt":{"$numberInt":"10"}}}'),
    ("where", "{a: _.in(['x']), b: _.nin([1])}", "query", '{"a":{"$in":["x"]},"b":{"$nin":[{"$numberInt":"1"}]}}'),
    ("where", "{t: /ab+c/i}", "query", '{"t":{"$regularExpression":{"pattern":"ab+c","options":"i"}}}'),
    ("where", "{l:{m:1}}", "query", '{"l.m":{"$numberInt":"1"}}'),
    ("where", "{d: new Date(86400000)}", "query", '{"d":{"$date":{"$numberLong":"86400000"}}}'),
    ("where", "{big: 1099511627776}", "query", '{"big":{"$numberLong":"1099511627776"}}'),
    ("where", "{x: 1.5}", "query", '{"x":{"$numberDouble":"1.5"}}'),
    ("field", "{a:true, _id:false}", "projection", '{"a":{"$numberInt":"1"},"_id":{"$numberInt":"0"}}'),
    ("field", "{arr: _.project.slice(2)}", "projection", '{"arr":{"$slice":{"$numberInt":"2"}}}'),
    ("orderBy", "orderBy('a','asc').orderBy('b','desc')", "order", '{"a":{"$numberInt":"1"},"b":{"$numberInt":"-1"}}'),
]


@pytest.mark.parametrize(("box", "text", "param", "wire"), SDK_WIRE)
def test_the_wire_strings_are_the_sdks(console, box, text, param, wire):
    """The params of the viewer's get() carry the SDK's own canonical EJSON (tcb-wire §5)."""
    assert console.wire(**{box: text})[param] == wire


def test_regex_literal_and_db_regexp_go_out_as_regular_expressions(console):
    """`/ab+c/i`, db.RegExp and new RegExp reach the wire as $regularExpression (tcb-wire §5)."""
    assert console.wire(where="{t: db.RegExp({regexp:'^x', options:'m'})}")["query"] == (
        '{"t":{"$regularExpression":{"pattern":"^x","options":"m"}}}')
    value = console.where("{t: db.RegExp({regexp: 'a.b', options: 'is'})}")["t"]
    assert isinstance(value, re.Pattern) and value.flags & re.DOTALL and value.flags & re.I
    assert console.where("{t: new RegExp('^a', 'i')}")["t"].pattern == "^a"


# Every command of spec §3.3, with what the SDK makes of it.
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
    ("_.nor([{done: true}, {p: _.lt(30)}])", {"$nor": [{"done": True}, {"p": {"$lt": 30}}]}),
    ("{f: _.not(_.gt(30))}", {"f": {"$not": {"$gt": 30}}}),
    # The SDK negates a logic command by its field's entry, which it has none of: nothing is left.
    ("{f: _.not(_.gt(1).and(_.lt(5)))}", {"f": {}}),
    ("{f: _.exists(false)}", {"f": {"$exists": False}}),
    ("{f: _.mod(25, 0)}", {"f": {"$mod": [25, 0]}}),
    ("{f: _.all(['db', 'cloud'])}", {"f": {"$all": ["db", "cloud"]}}),
    ("{f: _.elemMatch(_.gt(2))}", {"f": {"$elemMatch": {"$gt": 2}}}),
    ("{f: _.elemMatch({value: _.mod(4, 3)})}", {"f": {"$elemMatch": {"value": {"$mod": [4, 3]}}}}),
    ("{f: _.size(0)}", {"f": {"$size": 0}}),
    ("_.expr({$gt: ['$progress', 40]})", {"$expr": {"$gt": ["$progress", 40]}}),
    ("_.expr(_.aggregate.gt(['$progress', 40]))", {"$expr": {"$gt": ["$progress", 40]}}),
    ("{f: _.gt(1).lt(5)}", {"$and": [{"f": {"$gt": 1}}, {"f": {"$lt": 5}}]}),
    ("{f: db.command.eq(1)}", {"f": {"$eq": 1}}),
]


@pytest.mark.parametrize(("text", "expected"), COMMAND_ROWS)
def test_query_commands(console, text, expected):
    """Every query command of spec §3.3 becomes its Mongo operator."""
    assert console.where(text) == expected


# The SDK sends these as they are; the backend refuses them (the console's listing says so).
REFUSED_BY_THE_BACKEND = [
    ("{f: _.or([1, 2])}", "$or argument's entries must be objects"),
    ("_.jsonSchema({required: 'a'})", "$jsonSchema: 'required' must be a nonempty array of strings"),
    ("{a: _.or([])}", "$or must be a nonempty array"),
    ("{a: _.in(5)}", "$in needs an array"),
    ("{a: _.elemMatch(3)}", "$elemMatch needs an Object"),
    ("{a: _.project.slice(1)}", "unknown operator: $slice"),
    ("{a: db.RegExp({regexp: '(', options: 'i'})}", "Regular expression is invalid"),
    ("{a: db.serverDate({offset: 'x'})}", "db.serverDate() takes {offset: milliseconds}"),
]
REFUSED_PROJECTIONS = [  # includes and excludes mixed
    ("{a: true, done: false}", "Cannot do exclusion on field done in inclusion projection"),
    ("{a: 1, b: 0, c: 5, d: -1, e: 0.5}", "Cannot do exclusion on field b in inclusion projection"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED_BY_THE_BACKEND)
def test_queries_the_backend_refuses(console, text, message):
    with pytest.raises(CloudError, match=re.escape(message)):
        console.run(where=text)


@pytest.mark.parametrize(("text", "message"), REFUSED_PROJECTIONS)
def test_projections_the_backend_refuses(console, text, message):
    with pytest.raises(CloudError, match=re.escape(message)):
        console.run(field=text)


def test_geo_commands_go_out_and_run_here(console):
    """geoNear/geoWithin/geoIntersects go out as the SDK sends them (their exact wire is in
    tests/core/functions/test_sdk_wire.py) and run with no geo index; todos has no locations."""
    ring = "db.Geo.LineString([db.Geo.Point(0,0), db.Geo.Point(1,0), db.Geo.Point(1,1), db.Geo.Point(0,0)])"
    for text in ("{loc: _.geoNear({geometry: db.Geo.Point(113, 23), maxDistance: 1000})}",
                 f"{{loc: _.geoWithin({{geometry: db.Geo.Polygon([{ring}])}})}}",
                 "{loc: _.geoWithin({centerSphere: [[113, 23], 0.1]})}",
                 "{loc: _.geoIntersects({geometry: db.Geo.Point(1, 2)})}"):
        assert console.ids(where=text) == []


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
    ("{at: _.gt({$date: 0})}", {"at": {"$gt": datetime(1970, 1, 1, tzinfo=UTC)}}),
    ("{}", {}),
]


@pytest.mark.parametrize(("text", "expected"), FLATTEN_ROWS)
def test_flattening_rules(console, text, expected):
    """Nested plain objects flatten; arrays, dates, regexes, commands and {} rules (spec §3.2)."""
    assert console.where(text) == expected


def test_server_date_in_a_query_is_the_servers_time(console):
    """`_.lt(db.serverDate())` goes out as $tcb_server_date; the service fills in its clock."""
    assert console.wire(where="{at: _.lt(db.serverDate())}")["query"] == (
        '{"at":{"$lt":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}}}}')


def test_logic_on_two_fields_joins_as_the_sdk_joins(console):
    """The SDK concatenates the $or (and $and) lists of two fields into one: two field-level
    .or() widen each other. The console shows what the real SDK sends, quirks included."""
    assert console.where("{a: _.eq(1).or(_.eq(2)), b: _.eq(3).or(_.eq(4)), c: 5}") == {
        "$or": [{"a": {"$eq": 1}}, {"a": {"$eq": 2}}, {"b": {"$eq": 3}}, {"b": {"$eq": 4}}],
        "c": 5,
    }
    assert console.where("{a: _.gt(1).and(_.lt(5)), b: _.gt(2).and(_.lt(6))}") == {"$and": [
        {"a": {"$gt": 1}}, {"a": {"$lt": 5}}, {"b": {"$gt": 2}}, {"b": {"$lt": 6}}]}


def test_same_path_twice_keeps_the_last(console):
    """`{'a.b': _.gt(1), a: {b: _.lt(5)}}`: the SDK's merge lets the later condition win."""
    assert console.where("{'a.b': _.gt(1), a: {b: _.lt(5)}}") == {"a.b": {"$lt": 5}}


def test_empty_box_is_no_filter(console):
    """An empty or comment-only where box sends no query at all."""
    assert console.where("") is None
    assert console.where("  // nothing\n /* here */ ") is None


def test_javascript_literals(console):
    """V8 reads the text: strings, escapes, numbers, comments and key order are JavaScript's."""
    assert console.where("{name: '学生A', 班级: \"一班\", e: '\\u5b66\\u{751F}'}") == {
        "name": "学生A", "班级": "一班", "e": "学生"}
    assert console.where("{s: '😀', t: '\\uD83D\\uDE00', u: `template`}") == {"s": "😀", "t": "😀", "u": "template"}
    assert console.where("{a: 0x1F, b: 1e3, c: .5, d: -0.25, e: 0b101}") == {"a": 31, "b": 1000, "c": 0.5,
                                                                         "d": -0.25, "e": 5}
    assert list(console.where("{b: 1, 10: 2, 2: 3, a: 4}")) == ["2", "10", "b", "a"]
    text = """// leading
    { /* block */ a: 1, // after a
      b: '// not a comment', c: '/* nor this */'
      /* multi
         line */ }  // trailing"""
    assert console.where(text) == {"a": 1, "b": "// not a comment", "c": "/* nor this */"}


# wxcloud-api.md §9.1-§9.3 acceptance queries, typed as a developer would, listed by the console.
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
def test_acceptance_queries(console, case, collection, text, ids):
    """Typed where boxes list the documents spec §9 expects."""
    assert console.ids(collection, where=text) == ids


PROJECTION_ROWS = [
    ("{a: true, _id: false}", {"a": 1, "_id": 0}),
    ("{a: 1, c: 5, e: 0.5}", {"a": 1, "c": 1, "e": 1}),
    ("{b: 0, d: -1, done: false}", {"b": 0, "d": 0, "done": 0}),
    ("{arr: _.project.slice(2)}", {"arr": {"$slice": 2}}),
    ("{arr: db.command.project.slice([1, 1])}", {"arr": {"$slice": [1, 1]}}),
    ("{style: {color: true}}", {"style": {"color": True}}),
    ("{title: true, tags: _.project.slice(2)}", {"title": 1, "tags": {"$slice": 2}}),
]


@pytest.mark.parametrize(("text", "expected"), PROJECTION_ROWS)
def test_projection(console, text, expected):
    """field(): true/positive → 1, false/≤0 → 0, project commands as operators (spec §3.1)."""
    assert ejson.decode(console.wire(field=text)["projection"]) == expected


def test_projection_applies_to_the_listing(console):
    """The console lists what field() leaves (spec §9.4 Q59 with a projection)."""
    listed = console.run(orderBy="orderBy('title', 'asc')", skip=1, limit=2, field="{title: true}")["documents"]
    assert listed == [{"_id": "t3", "title": "Gamma"}, {"_id": "t2", "title": "beta"}]
    assert console.wire(field=" ").get("projection") is None


ORDER_ROWS = [
    ("orderBy('progress', 'desc').orderBy('title', 'asc')", {"progress": -1, "title": 1}),
    (".orderBy('progress','desc')", {"progress": -1}),
    ("  .orderBy('progress','desc')", {"progress": -1}),
    ("orderBy('a','asc').orderBy('b','desc').orderBy('a','desc')", {"a": -1, "b": -1}),
    ("orderBy('style.color', 'desc')\n  .orderBy('numbers.1', 'asc')", {"style.color": -1, "numbers.1": 1}),
    ("db.collection('todos').orderBy('title', 'desc')", {"title": -1}),
]


@pytest.mark.parametrize(("text", "expected"), ORDER_ROWS)
def test_order(console, text, expected):
    """orderBy chains as typed; a repeated field keeps its place and takes the last direction."""
    order = ejson.decode(console.wire(orderBy=text)["order"])
    assert order == expected and list(order) == list(expected)


def test_order_skip_limit_list_the_page(console):
    """Q55–Q59: the console's listing follows the order, skip and limit; total counts every match."""
    assert console.ids(orderBy="orderBy('progress', 'asc')") == ["t4", "t3", "t1", "t2"]
    assert console.ids(orderBy="orderBy('done', 'asc').orderBy('progress', 'desc')") == ["t1", "t3", "t4", "t2"]
    page = console.run(orderBy="orderBy('title', 'asc')", skip=1, limit=2)
    assert [d["_id"] for d in page["documents"]] == ["t3", "t2"] and page["total"] == 4
    assert console.wire(orderBy="orderBy('title', 'asc')", skip=1, limit=2) == {
        "collectionName": "todos", "queryType": "WHERE", "order": '{"title":{"$numberInt":"1"}}',
        "offset": 1, "limit": 2}


def test_documents_come_back_as_extended_json(console):
    """Dates are {"$date": …}, as database.getDocument answers; plain values stay plain."""
    console.workspace.database.create_collection("dates")
    console.workspace.database.import_documents(
        "dates", [{"_id": "d1", "at": datetime(2024, 1, 1, tzinfo=UTC), "n": 1}], upsert=False, atomic=True)
    assert console.run("dates")["documents"] == [{"_id": "d1", "at": {"$date": "2024-01-01T00:00:00.000Z"}, "n": 1}]
