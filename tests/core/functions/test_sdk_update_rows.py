"""Update data as the SDK serializes it (tcb-wire §5 "Update", spec §3.4), through the JS shim.

``doc('x').update({data})`` runs in wx-server-sdk's shim; the host records the params, whose
``data`` the engine then reads (and, for spec §9.5's acceptance updates, applies).
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from app.core.database import apply_update, ejson
from tests.core.database.conftest import TODOS
from tests.core.functions.test_sdk_harness import FakeHost, sdk_pool  # noqa: F401
from tests.core.functions.test_sdk_wire import wire_function  # noqa: F401

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




def update_data(pool, function, text: str):
    """The operator document ``doc('x').update({data: <text>})`` sends, or the SDK's error."""
    host = FakeHost()
    outcome = pool.invoke(function, {"code": f"U(db.collection('t').doc('x'), {text})"}, {}, {}, 20.0, host)
    assert outcome.error is None, outcome.error
    if outcome.result is not None:  # the function caught the SDK's rejection: its errMsg
        return outcome.result
    return ejson.decode(host.params("database.modifyDocument")["data"])


@pytest.mark.parametrize(("text", "expected"), UPDATE_ROWS)
def test_update_serialization(sdk_pool, wire_function, text, expected):  # noqa: F811
    """Plain fields $set on dot paths; each command becomes its operator (spec §3.4)."""
    assert update_data(sdk_pool, wire_function, text) == expected


def test_brief_update_example(sdk_pool, wire_function):  # noqa: F811
    """The update example of the brief in one go."""
    assert update_data(
        sdk_pool, wire_function,
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




@pytest.mark.parametrize(("case", "doc_id", "text", "path", "value"), ACCEPTANCE, ids=[c[0] for c in ACCEPTANCE])
def test_acceptance_updates_apply_on_the_engine(sdk_pool, wire_function, case, doc_id, text, path, value):  # noqa: F811
    """Typed update data changes documents as spec §9.5 expects."""
    doc = copy.deepcopy(next(d for d in TODOS if d["_id"] == doc_id))
    assert apply_update(doc, update_data(sdk_pool, wire_function, text)).document[path] == value


UPDATE_ERRORS = [  # the SDK's own checks, before anything is sent
    ("[1]", "parameter.data should be object instead of array;"),
    ("{_id: 'x', a: 1}", "document.update:fail -501007 invalid parameters. 不能更新_id的值"),
]


@pytest.mark.parametrize(("text", "message"), UPDATE_ERRORS)
def test_update_errors(sdk_pool, wire_function, text, message):  # noqa: F811
    assert update_data(sdk_pool, wire_function, text) == message


# The SDK checks no more: a query or projection command in update data goes out as a value.
PASSED_ON = [
    ("{a: _.gt(1)}", {"$set": {"a": {"$gt": 1}}}),
    ("{a: _.project.slice(1)}", {"$set": {"a": {"$slice": 1}}}),
    ("{a: _.remove(1)}", {"$unset": {"a": ""}}),
]


@pytest.mark.parametrize(("text", "expected"), PASSED_ON)
def test_what_the_sdk_does_not_check(sdk_pool, wire_function, text, expected):  # noqa: F811
    assert update_data(sdk_pool, wire_function, text) == expected
