"""Update, field, orderBy, skip/limit and document boxes: the SDK's serialization (tcb-wire §5)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.core.database import apply_update, find
from app.core.database.console import (
    ConsoleQuery, parse_document, parse_limit, parse_order, parse_projection, parse_query,
    parse_skip, parse_update,
)
from app.core.errors import InputError

# tcb-wire §5 "Update" table and spec §3.4's update commands, as exact operator documents.
UPDATE_ROWS = [
    ("{n: {k: 1, deep: {z: 2}}, sub: {k: 'v'}, arr: [1, {x: 2}]}",
     {"$set": {"n.k": 1, "n.deep.z": 2, "sub.k": "v", "arr": [1, {"x": 2}]}}),
    ("{a: _.inc(1)}", {"$inc": {"a": 1}}),
    ("{a: _.mul(2)}", {"$mul": {"a": 2}}),
    ("{a: _.min(0), b: _.max(100)}", {"$min": {"a": 0}, "$max": {"b": 100}}),
    ("{gone: _.remove()}", {"$unset": {"gone": ""}}),
    ("{s: _.set({whole: 'obj'})}", {"$set": {"s": {"whole": "obj"}}}),
    ("{tags: _.push(['t'])}", {"$push": {"tags": {"$each": ["t"]}}}),
    ("{tags: _.push('x')}", {"$push": {"tags": {"$each": ["x"]}}}),
    ("{tags: _.push('x', 'y')}", {"$push": {"tags": {"$each": ["x", "y"]}}}),
    ("{n: _.push({each: [4, 5], position: 1, slice: 3, sort: -1})}",
     {"$push": {"n": {"$each": [4, 5], "$position": 1, "$sort": -1, "$slice": 3}}}),
    ("{n: _.push({each: [{s: 1}], sort: {s: -1}})}",
     {"$push": {"n": {"$each": [{"s": 1}], "$sort": {"s": -1}}}}),
    ("{f: _.pop()}", {"$pop": {"f": 1}}),
    ("{f: _.shift()}", {"$pop": {"f": -1}}),
    ("{f: _.unshift([0])}", {"$push": {"f": {"$each": [0], "$position": 0}}}),
    ("{f: _.unshift('x', 'y')}", {"$push": {"f": {"$each": ["x", "y"], "$position": 0}}}),
    ("{f: _.pull('db')}", {"$pull": {"f": "db"}}),
    ("{f: _.pull(_.gt(15))}", {"$pull": {"f": {"$gt": 15}}}),
    ("{f: _.pull(_.in(['Go', 'Python']))}", {"$pull": {"f": {"$in": ["Go", "Python"]}}}),
    ("{f: _.pull({score: _.lt(60)})}", {"$pull": {"f": {"score": {"$lt": 60}}}}),
    ("{f: _.pullAll([10, 30])}", {"$pullAll": {"f": [10, 30]}}),
    ("{f: _.addToSet('x')}", {"$addToSet": {"f": "x"}}),
    ("{f: _.addToSet({$each: ['db', 'z']})}", {"$addToSet": {"f": {"$each": ["db", "z"]}}}),
    ("{f: _.addToSet({each: ['z']})}", {"$addToSet": {"f": {"each": ["z"]}}}),
    ("{category: _.rename('cat')}", {"$rename": {"category": "cat"}}),
    ("{f: _.bit({and: 5})}", {"$bit": {"f": {"and": 5}}}),
    ("{at: db.serverDate({offset: 1000})}", {"$set": {"at": {"$tcb_server_date": {"offset": 1000}}}}),
    ("{style: {size: _.remove(), color: 'blue'}}", {"$unset": {"style.size": ""},
                                                    "$set": {"style.color": "blue"}}),
    ("{arr: {0: {subObj: _.remove()}, 1: _.remove()}}", {"$unset": {"arr.0.subObj": "", "arr.1": ""}}),
    ("{numbers: {1: 25}}", {"$set": {"numbers.1": 25}}),
    ("{'numbers.1': 30, a: undefined}", {"$set": {"numbers.1": 30}}),
    ("{a: {b: _.set({}) }, c: {}}", {"$set": {"a.b": {}}}),
    ("{$inc: {a: 1}, b: 2}", {"$inc": {"a": 1}, "$set": {"b": 2}}),
    ("{d: new Date(0), x: null}", {"$set": {"d": datetime(1970, 1, 1, tzinfo=timezone.utc), "x": None}}),
]


@pytest.mark.parametrize(("text", "expected"), UPDATE_ROWS)
def test_update_serialization(text, expected):
    """Plain fields $set on dot paths; each command becomes its operator (spec §3.4)."""
    assert parse_update(text) == expected


def test_brief_update_example():
    """The update box's example in one go."""
    assert parse_update(
        "{progress: _.inc(10), tags: _.push(['new']), style: {color: 'blue'}, old: _.remove()}"
    ) == {"$inc": {"progress": 10}, "$push": {"tags": {"$each": ["new"]}},
          "$set": {"style.color": "blue"}, "$unset": {"old": ""}}


# wxcloud-api.md §9.5 acceptance updates, typed as data, applied by the engine.
ACCEPTANCE = [
    ("U2", "t1", "{style:{color:'blue'}}", "style", {"color": "blue", "size": "L"}),
    ("U3", "t1", "{style:_.set({color:'blue'})}", "style", {"color": "blue"}),
    ("U5", "t1", "{style:{size:_.remove()}}", "style", {"color": "red"}),
    ("U14", "t1", "{tags:_.push(['x','y'])}", "tags", ["cloud", "db", "x", "y"]),
    ("U16", "t1", "{numbers:_.push({each:[15], position:1})}", "numbers", [10, 15, 20, 30]),
    ("U21", "t1", "{numbers:_.push({each:[4,5,6], sort:-1, slice:3})}", "numbers", [30, 20, 10]),
    ("U23", "t1", "{tags:_.shift()}", "tags", ["db"]),
    ("U24", "t1", "{tags:_.unshift('x','y')}", "tags", ["x", "y", "cloud", "db"]),
    ("U27", "t1", "{tags:_.addToSet({$each:['db','z']})}", "tags", ["cloud", "db", "z"]),
    ("U28", "t1", "{numbers:_.pull(_.gt(15))}", "numbers", [10]),
    ("U33", "t1", "{numbers:{1:25}}", "numbers", [10, 25, 30]),
    ("U34", "t1", "{'numbers.1':_.remove()}", "numbers", [10, None, 30]),
]


@pytest.mark.parametrize(("case", "doc_id", "text", "path", "value"), ACCEPTANCE,
                         ids=[c[0] for c in ACCEPTANCE])
def test_acceptance_updates_apply_on_the_engine(todo_docs, case, doc_id, text, path, value):
    """Typed update data changes documents as spec §9.5 expects."""
    doc = next(d for d in todo_docs if d["_id"] == doc_id)
    assert apply_update(doc, parse_update(text)).document[path] == value


UPDATE_ERRORS = [
    ("", "Type the changes to make"),
    ("[1]", "Line 1, column 1: parameter.data should be object instead of array"),
    ("{_id: 'x', a: 1}", "Line 1, column 1: 不能更新_id的值"),
    ("{a: _.gt(1)}", "Line 1, column 7: _.gt() is a query command; in update data use"),
    ("{a: _.project.slice(1)}", "Line 1, column 15: _.project.slice() is a projection command"),
    ("{a: _.set(_.inc(1))}", "Line 1, column 13: _.inc() cannot be used inside _.set()"),
    ("{a: _.remove(1)}", "Line 1, column 7: _.remove() takes 0 arguments (got 1)"),
]


@pytest.mark.parametrize(("text", "message"), UPDATE_ERRORS)
def test_update_errors(text, message):
    """Update mistakes and the SDK's own checks raise InputError."""
    with pytest.raises(InputError) as caught:
        parse_update(text)
    assert str(caught.value).startswith(message)


PROJECTION_ROWS = [
    ("{a: true, done: false}", {"a": 1, "done": 0}),
    ("{a: 1, b: 0, c: 5, d: -1, e: 0.5}", {"a": 1, "b": 0, "c": 1, "d": 0, "e": 1}),
    ("{a: null, b: undefined, c: 'x'}", {"a": 0, "b": 0, "c": 1}),
    ("{arr: _.project.slice(2)}", {"arr": {"$slice": 2}}),
    ("{arr: db.command.project.slice([1, 1])}", {"arr": {"$slice": [1, 1]}}),
    ("{arr: _.project.elemMatch({score: _.gt(80)})}", {"arr": {"$elemMatch": {"score": {"$gt": 80}}}}),
    ("{style: {color: true}}", {"style": {"color": True}}),
    ("{title: true, tags: _.project.slice(2)}", {"title": 1, "tags": {"$slice": 2}}),
]


@pytest.mark.parametrize(("text", "expected"), PROJECTION_ROWS)
def test_projection(text, expected):
    """field(): true/positive → 1, false/≤0 → 0, project commands as operators (spec §3.1)."""
    assert parse_projection(text) == expected


def test_projection_errors_and_empty_box():
    """An empty field box is no projection; query commands are refused."""
    assert parse_projection(" ") is None
    with pytest.raises(InputError, match=r"Line 1, column 7: _.gt\(\) cannot be used in field\(\)"):
        parse_projection("{a: _.gt(1)}")
    with pytest.raises(InputError, match="field\\(\\) takes an object"):
        parse_projection("'title'")


ORDER_ROWS = [
    ("orderBy('progress', 'desc').orderBy('title', 'asc')", [("progress", -1), ("title", 1)]),
    (".orderBy('progress','desc')", [("progress", -1)]),
    ("orderBy('a','asc').orderBy('b','desc').orderBy('a','desc')", [("a", -1), ("b", -1)]),
    ("progress desc, title", [("progress", -1), ("title", 1)]),
    ("  progress DESC ,\n title asc, ", [("progress", -1), ("title", 1)]),
    ("'style.color' desc, numbers.1", [("style.color", -1), ("numbers.1", 1)]),
    ("progress desc\ntitle asc\n\n", [("progress", -1), ("title", 1)]),
    ("a, b desc, a desc", [("a", -1), ("b", -1)]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), ORDER_ROWS)
def test_order(text, expected):
    """Both orderBy forms; a repeated field keeps its place and takes the last direction."""
    assert parse_order(text) == expected


ORDER_ERRORS = [
    ("orderBy('progress', 'up')", "Line 1, column 21: 排序字符不合法"),
    ("orderBy('a', 'asc').orderBy('b', 'DESC')", "Line 1, column 34: 排序字符不合法"),
    ("progress up", "Line 1, column 10: 排序字符不合法"),
    ("a\nb sideways", "Line 2, column 3: 排序字符不合法"),
    ("progress desc title", 'Line 1, column 15: expected "," between sort fields'),
    ("a,,b", 'Line 1, column 3: expected a field name before ","'),
    (", a", 'Line 1, column 1: expected a field name before ","'),
    ("'style.color desc", "Line 1, column 1: unterminated quote"),
    ("orderBy(1, 'asc')", "Line 1, column 9: orderBy() needs a field path string"),
    ("orderBy('a')", "Line 1, column 1: orderBy() takes 2 arguments (got 1)"),
    ("orderBy('a', 'asc').sort()", 'Line 1, column 21: orderBy(…) has no method "sort"'),
]


@pytest.mark.parametrize(("text", "message"), ORDER_ERRORS)
def test_order_errors(text, message):
    """Bad directions give the SDK's 排序字符不合法, with where it was typed."""
    with pytest.raises(InputError) as caught:
        parse_order(text)
    assert str(caught.value).startswith(message)


def test_skip_and_limit_boxes():
    """Integers (an integral 5.0 is an integer in JavaScript); empty means none."""
    assert parse_skip("") == 0 and parse_limit("") is None
    assert parse_skip(" 20 ") == 20 and parse_limit("5") == 5 and parse_limit("5.0") == 5
    assert parse_limit("1e2") == 100 and parse_skip("-1") == -1
    with pytest.raises(InputError, match="^limitmust be integer"):
        parse_limit("1.5")
    with pytest.raises(InputError, match="^offsetmust be integer"):
        parse_skip("-0.5")
    with pytest.raises(InputError, match="^offsetmust be integer"):
        parse_skip("ten")


def test_parse_query_combines_the_boxes_and_names_the_bad_one():
    """The whole query bar at once; an error says which box it came from."""
    query = parse_query("todos", where="{done: false}", order="progress desc", skip="1",
                        limit="5", field="{title: true}")
    assert query == ConsoleQuery("todos", {"done": False}, [("progress", -1)], 1, 5, {"title": 1})
    assert parse_query() == ConsoleQuery()
    with pytest.raises(InputError, match=r"^limit: limitmust be integer"):
        parse_query(limit="x")
    with pytest.raises(InputError, match=r"^where: Line 1, column 2"):
        parse_query(where="{)")


def test_query_runs_on_the_engine(todo_docs):
    """A parsed query bar drives the engine's find() (spec §9.4 Q59)."""
    query = parse_query(order="title asc", skip="1", limit="2", field="{title: true}")
    found = find(todo_docs, query.where, query.order, query.skip, query.limit, query.projection)
    assert found == [{"_id": "t3", "title": "Gamma"}, {"_id": "t2", "title": "beta"}]


def test_documents_are_plain_data():
    """add()/set() data: plain values, dates and server dates; commands refused."""
    assert parse_document("{title: '学习', done: false, at: db.serverDate(), tags: ['a'], "
                          "style: {color: 'red'}, n: undefined}") == {
        "title": "学习", "done": False, "at": {"$tcb_server_date": {"offset": 0}},
        "tags": ["a"], "style": {"color": "red"}}
    assert parse_document("{_id: 'mine', when: new Date(0)}")["_id"] == "mine"
    with pytest.raises(InputError, match=r"Line 1, column 17: _.inc\(\) cannot be used in a document"):
        parse_document("{a: 1, b: {c: _.inc(1)}}")
    # The JSON editor shows dates as Extended JSON; they come back as dates.
    assert parse_document('{"at": {"$date": "2024-01-01T00:00:00.000Z"}, "n": {"$numberLong": "7"}}'
                          ) == {"at": datetime(2024, 1, 1, tzinfo=timezone.utc), "n": 7}
    with pytest.raises(InputError, match="^Type the document"):
        parse_document("// nothing")
    with pytest.raises(InputError, match="parameter.data should be object instead of string"):
        parse_document("'x'")
