"""Spec §9.7 A1–A32 through the real SDK shim: aggregate().….end() in a cloud function.

Each example runs ``db.collection(c).aggregate()…end()`` in a function on the embedded JS
runtime, whose host is a real workspace (admin caller), so the pipeline goes shim → wire form
→ dispatcher → the aggregation engine and back. A few run again as mini program code
(``wx.cloud``) to show the client path and its rules.
"""

from __future__ import annotations

import json

import pytest

from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.functions.test_sdk_client import client_main
from tests.core.functions.test_sdk_harness import (  # noqa: F401
    ok, run_js, sdk_pool, server_main, workspace_host,
)

AVATAR = [
    {"_id": 1, "alias": "john", "region": "asia", "scores": [40, 20, 80], "coins": 100},
    {"_id": 2, "alias": "arthur", "region": "europe", "scores": [60, 90], "coins": 20},
    {"_id": 3, "alias": "george", "region": "europe", "scores": [50, 70, 90], "coins": 50},
    {"_id": 4, "alias": "john", "region": "asia", "scores": [30, 60, 100, 90], "coins": 40},
    {"_id": 5, "alias": "george", "region": "europe", "scores": [20], "coins": 60},
    {"_id": 6, "alias": "john", "region": "asia", "scores": [40, 80, 70], "coins": 120},
]
STUDENTS = [{"_id": "s1", "group": "a", "score": 84}, {"_id": "s2", "group": "a", "score": 96},
            {"_id": "s3", "group": "b", "score": 80}, {"_id": "s4", "group": "b", "score": 100}]
GOODS = [{"_id": "g1", "cost": -10, "price": 100}, {"_id": "g2", "cost": -15, "price": 1},
         {"_id": "g3", "cost": -10, "price": 10}]
NAMED_GOODS = [{"_id": "n1", "name": "a", "amount": 100, "desc": "A"},
               {"_id": "n2", "name": "b", "amount": 200, "desc": None},
               {"_id": "n3", "name": "c", "amount": 300}]
PEOPLE = [{"_id": "p1", "firstName": "Yuanxin", "lastName": "Dong", "birthday": "1999/12/12"},
          {"_id": "p2", "firstName": "Weijia", "lastName": "Wang", "birthday": "1998/11/11"},
          {"_id": "p3", "firstName": "Chengxi", "lastName": "Li", "birthday": "1997/10/10"}]
PRODUCTS = [{"_id": "1", "product": "tshirt", "size": ["S", "M", "L"]}, {"_id": "2", "product": "pants", "size": []},
            {"_id": "3", "product": "socks", "size": None}, {"_id": "4", "product": "trousers", "size": ["S"]},
            {"_id": "5", "product": "sweater", "size": ["M", "L"]}]
BOOKS = [{"_id": "book1", "title": "novel 1"}, {"_id": "book2", "title": "novel 2"},
         {"_id": "book3", "title": "science 1"}, {"_id": "book4", "title": "science 2"},
         {"_id": "book5", "title": None}, {"_id": "book6"}]
TODOS = [
    {"_id": "t1", "title": "Alpha", "done": False, "progress": 50, "tags": ["cloud", "db"]},
    {"_id": "t2", "title": "beta", "done": True, "progress": 100, "tags": ["mini-program"]},
    {"_id": "t3", "title": "Gamma", "done": False, "progress": 20},
    {"_id": "t4", "title": "delta", "done": False, "progress": None, "tags": []},
]
COLLECTIONS = {
    "avatar": AVATAR,
    "items": [{"_id": "1", "price": 10.5}, {"_id": "2", "price": 50.3}, {"_id": "3", "price": 20.8},
              {"_id": "4", "price": 80.2}, {"_id": "5", "price": 200.3}],
    "prices": [{"_id": "1", "price": 10}, {"_id": "2", "price": 50}, {"_id": "3", "price": 20},
               {"_id": "4", "price": 80}, {"_id": "5", "price": 200}],
    "categories": [{"_id": "c1", "category": "Web"}, {"_id": "c2", "category": "Web"},
                   {"_id": "c3", "category": "Life"}],
    "passages": [{"_id": "q1", "tags": ["JavaScript", "C#"]}, {"_id": "q2", "tags": ["Go", "C#"]},
                 {"_id": "q3", "tags": ["Go", "Python", "JavaScript"]}],
    "students": STUDENTS,
    "pair": [{"_id": "x1", "score": 80}, {"_id": "x2", "score": 100}],
    "goods": GOODS,
    "namedGoods": NAMED_GOODS,
    "people": PEOPLE,
    "dollars": [{"_id": "d1", "price": "$1"}, {"_id": "d2", "price": "$2.50"}, {"_id": "d3", "price": "$3.60"},
                {"_id": "d4", "price": "$4.60"}],
    "products": PRODUCTS,
    "orders": [{"_id": 4, "book": "novel 1"}, {"_id": 5, "book": "science 1"}, {"_id": 6}],
    "books": BOOKS,
    "articles": [{"_id": 666, "title": "This is title", "author": "Nobody", "isbn": "123456789",
                  "introduction": "......"}],
    "schools": [{"_id": 1, "name": "SFLS", "teachers": {"chinese": 22, "math": 18, "english": 21, "other": 123}}],
    "scores": [{"_id": "Maya", "homework": [10, 5, 10], "quiz": [10, 8], "extraCredit": 0},
               {"_id": "Ryan", "homework": [5, 6, 5], "quiz": [8, 8], "extraCredit": 8}],
    "todos": TODOS,
}

# (id, the aggregate() chain after db.collection(...), expected list, whether its order matters)
EXAMPLES = [
    ("A1", "avatar", "group({_id: '$alias', num: $.sum(1)})",
     [{"_id": "john", "num": 3}, {"_id": "arthur", "num": 1}, {"_id": "george", "num": 2}], False),
    ("A2", "avatar", "group({_id: '$region', totalCoins: $.sum('$coins')})",
     [{"_id": "asia", "totalCoins": 260}, {"_id": "europe", "totalCoins": 130}], False),
    ("A3", "avatar", "group({_id: {region: '$region', maxScore: $.max('$scores')}, totalCoins: $.sum('$coins')})",
     [{"_id": {"region": "asia", "maxScore": 80}, "totalCoins": 220},
      {"_id": {"region": "asia", "maxScore": 100}, "totalCoins": 40},
      {"_id": {"region": "europe", "maxScore": 90}, "totalCoins": 70},
      {"_id": {"region": "europe", "maxScore": 20}, "totalCoins": 60}], False),
    ("A4", "items", "match({price: _.gt(50)}).count('expensiveCount')", [{"expensiveCount": 3}], False),
    ("A5", "prices", "bucket({groupBy: '$price', boundaries: [0, 50, 100], default: 'other', "
     "output: {count: $.sum(1), ids: $.push('$_id')}})",
     [{"_id": 0, "count": 2, "ids": ["1", "3"]}, {"_id": 50, "count": 2, "ids": ["2", "4"]},
      {"_id": "other", "count": 1, "ids": ["5"]}], True),
    ("A6", "categories", "sortByCount('$category')", [{"_id": "Web", "count": 2}, {"_id": "Life", "count": 1}], True),
    ("A8", "students", "group({_id: '$group', stdDev: $.stdDevPop('$score')})",
     [{"_id": "a", "stdDev": 6}, {"_id": "b", "stdDev": 10}], False),
    ("A9", "pair", "group({_id: null, s: $.stdDevSamp('$score')})", [{"_id": None, "s": 14.142135623730951}], False),
    ("A10", "goods", "group({_id: null, totalPrice: $.sum('$price')})", [{"_id": None, "totalPrice": 111}], False),
    ("A11", "goods", "group({_id: null, totalProfit: $.sum($.sum(['$price', '$cost']))})",
     [{"_id": None, "totalProfit": 76}], False),
    ("A12", "namedGoods", "project({_id: 0, name: 1, discount: $.cond({if: $.gte(['$amount', 200]), then: 0.7, "
     "else: 0.9})})",
     [{"name": "a", "discount": 0.9}, {"name": "b", "discount": 0.7}, {"name": "c", "discount": 0.7}], False),
    ("A13", "namedGoods", "project({_id: 0, name: 1, desc: $.ifNull(['$desc', 'Not defined'])})",
     [{"desc": "A", "name": "a"}, {"desc": "Not defined", "name": "b"}, {"desc": "Not defined", "name": "c"}], False),
    ("A14", "namedGoods", "project({_id: 0, name: 1, discount: $.switch({branches: [{case: $.gt(['$amount', 250]), "
     "then: 0.8}, {case: $.gt(['$amount', 150]), then: 0.9}], default: 1})})",
     [{"name": "a", "discount": 1}, {"name": "b", "discount": 0.9}, {"name": "c", "discount": 0.8}], False),
    ("A15", "people", "project({_id: 0, fullName: $.concat(['$firstName', ' ', '$lastName'])})",
     [{"fullName": "Yuanxin Dong"}, {"fullName": "Weijia Wang"}, {"fullName": "Chengxi Li"}], False),
    ("A16", "people", "project({_id: 0, birthday: $.split(['$birthday', '/'])})",
     [{"birthday": ["1999", "12", "12"]}, {"birthday": ["1998", "11", "11"]}, {"birthday": ["1997", "10", "10"]}],
     False),
    ("A17", "people", "project({_id: 0, year: $.substr(['$birthday', 0, 4]), month: $.substr(['$birthday', 5, 2]), "
     "day: $.substr(['$birthday', 8, -1])})",
     [{"day": "12", "month": "12", "year": "1999"}, {"day": "11", "month": "11", "year": "1998"},
      {"day": "10", "month": "10", "year": "1997"}], False),
    ("A18", "people", "project({_id: 0, aStrIndex: $.indexOfBytes(['$firstName', 'a'])})",
     [{"aStrIndex": 2}, {"aStrIndex": 5}, {"aStrIndex": -1}], False),
    ("A19", "people", "project({_id: 0, result: $.strcasecmp(['$firstName', '$lastName'])})",
     [{"result": 1}, {"result": 1}, {"result": -1}], False),
    ("A20", "dollars", "project({_id: 0, isOneDollar: $.eq(['$price', $.literal('$1')])})",
     [{"isOneDollar": True}, {"isOneDollar": False}, {"isOneDollar": False}, {"isOneDollar": False}], False),
    ("A21", "products", "unwind('$size')",
     [{"_id": "1", "product": "tshirt", "size": "S"}, {"_id": "1", "product": "tshirt", "size": "M"},
      {"_id": "1", "product": "tshirt", "size": "L"}, {"_id": "4", "product": "trousers", "size": "S"},
      {"_id": "5", "product": "sweater", "size": "M"}, {"_id": "5", "product": "sweater", "size": "L"}], False),
    ("A22", "products", "unwind({path: '$size', includeArrayIndex: 'index'})",
     [{"_id": "1", "product": "tshirt", "size": "S", "index": 0}, {"_id": "1", "product": "tshirt", "size": "M", "index": 1},
      {"_id": "1", "product": "tshirt", "size": "L", "index": 2},
      {"_id": "4", "product": "trousers", "size": "S", "index": 0},
      {"_id": "5", "product": "sweater", "size": "M", "index": 0},
      {"_id": "5", "product": "sweater", "size": "L", "index": 1}], False),
    ("A23", "orders", "lookup({from: 'books', localField: 'book', foreignField: 'title', as: 'bookList'})",
     [{"_id": 4, "book": "novel 1", "bookList": [BOOKS[0]]}, {"_id": 5, "book": "science 1", "bookList": [BOOKS[2]]},
      {"_id": 6, "bookList": [BOOKS[4], BOOKS[5]]}], False),
    ("A24", "articles", "project({title: 1, author: 1})",
     [{"_id": 666, "title": "This is title", "author": "Nobody"}], False),
    ("A25", "articles", "project({isbn: 0})",
     [{"_id": 666, "title": "This is title", "author": "Nobody", "introduction": "......"}], False),
    ("A26", "schools", "replaceRoot({newRoot: '$teachers'})",
     [{"chinese": 22, "math": 18, "english": 21, "other": 123}], False),
    ("A27", "scores", "addFields({totalHomework: $.sum('$homework'), totalQuiz: $.sum('$quiz')})"
     ".addFields({totalScore: $.add(['$totalHomework', '$totalQuiz', '$extraCredit'])})",
     [{"_id": "Maya", "homework": [10, 5, 10], "quiz": [10, 8], "extraCredit": 0, "totalHomework": 25,
       "totalQuiz": 18, "totalScore": 43},
      {"_id": "Ryan", "homework": [5, 6, 5], "quiz": [8, 8], "extraCredit": 8, "totalHomework": 16,
       "totalQuiz": 16, "totalScore": 40}], False),
    ("A28", "items", "sort({price: -1}).limit(2)", [{"_id": "5", "price": 200.3}, {"_id": "4", "price": 80.2}], True),
    ("A29", "students", "group({_id: null, average: $.avg('$score')})", [{"_id": None, "average": 90}], False),
    ("A30", "students", "sort({score: 1}).group({_id: null, min: $.first('$score'), max: $.last('$score')})",
     [{"_id": None, "min": 80, "max": 100}], False),
    ("A31", "todos", "match({done: false}).group({_id: null, n: $.sum(1), total: $.sum('$progress')})",
     [{"_id": None, "n": 3, "total": 70}], False),
    ("A32", "todos", "match({done: 'nope'}).count('c')", [], False),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Workspace:
    """One workspace holding every example's collections (the examples only read)."""
    ws = Workspace.open(tmp_path_factory.mktemp("aggregate") / "data")
    for name, docs in COLLECTIONS.items():
        ws.database.import_documents(name, json.loads(json.dumps(docs)), upsert=False, atomic=True, create=True)
    yield ws
    ws.close()


def canonical(docs: list) -> list:
    return sorted(docs, key=lambda doc: json.dumps(doc, sort_keys=True))


def aggregate_in_function(run_js, ws: Workspace, collection: str, chain: str) -> dict:
    source = server_main(f"return db.collection('{collection}').aggregate().{chain}.end()")
    return ok(run_js(source, host=workspace_host(ws, Caller.admin("scf"))))


@pytest.mark.parametrize("example, collection, chain, expected, ordered", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_spec_example_in_a_cloud_function(run_js, seeded, example, collection, chain, expected, ordered):  # noqa: F811
    result = aggregate_in_function(run_js, seeded, collection, chain)
    assert result["errMsg"] == "collection.aggregate:ok"
    if ordered:
        assert result["list"] == expected
    else:
        assert canonical(result["list"]) == canonical(expected)


def test_a7_unwind_then_sort_by_count(run_js, seeded):  # noqa: F811
    """A7: Go, C# and JavaScript twice each (tie order unspecified), then Python once, last."""
    result = aggregate_in_function(run_js, seeded, "passages", "unwind('$tags').sortByCount('$tags')")
    listed = result["list"]
    assert {(row["_id"], row["count"]) for row in listed[:3]} == {("Go", 2), ("C#", 2), ("JavaScript", 2)}
    assert listed[3:] == [{"_id": "Python", "count": 1}]


def test_a9_prints_as_the_spec_says(run_js, seeded):  # noqa: F811
    """A9's sample deviation is 14.142135623730951, toFixed(2) '14.14', as JS sees it."""
    source = server_main("const r = await db.collection('pair').aggregate().group({_id: null, "
                         "s: $.stdDevSamp('$score')}).end(); return r.list[0].s.toFixed(2)")
    assert ok(run_js(source, host=workspace_host(seeded, Caller.admin("scf")))) == "14.14"


# -- the client path (wx.cloud in mini program code) -------------------------------------------


@pytest.fixture
def readable(seeded):
    """The example collections readable by every user (READONLY), as a trainer would set them."""
    for name in COLLECTIONS:
        seeded.handle(Request("database.setPermission", {"collectionName": name, "mode": "READONLY"},
                              Caller.console()))
    return seeded


@pytest.mark.parametrize("example", ["A1", "A5", "A23", "A28", "A32"])
def test_spec_example_as_mini_program_code(run_js, readable, example):  # noqa: F811
    """The same pipelines through the client shim (wx.cloud.database().….aggregate()…end())."""
    _, collection, chain, expected, ordered = next(e for e in EXAMPLES if e[0] == example)
    script = client_main("const db = wx.cloud.database(); const _ = db.command; const $ = _.aggregate\n"
                         f"return db.collection('{collection}').aggregate().{chain}.end()")
    result = ok(run_js(script, host=workspace_host(readable, readable.client_caller("学生A"))))
    assert result["errMsg"] == "collection.aggregate:ok"
    assert (result["list"] if ordered else canonical(result["list"])) == (expected if ordered else canonical(expected))


def test_mini_program_errors_have_the_sdk_shape(run_js, readable):  # noqa: F811
    """A malformed stage fails the client call with errCode and an errMsg naming the stage."""
    script = client_main("const db = wx.cloud.database()\n"
                         "return db.collection('avatar').aggregate().group({ total: 1 }).end()"
                         ".then(() => 'no error', (e) => ({ errCode: e.errCode, errMsg: e.errMsg }))")
    result = ok(run_js(script, host=workspace_host(readable, readable.client_caller("学生A"))))
    assert result["errCode"] == -502001
    assert result["errMsg"] == ("collection.aggregate:fail -502001 database request fail | errMsg: "
                                "$group (stage 1): a group specification must include an _id")
