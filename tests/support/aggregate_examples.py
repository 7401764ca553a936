"""Spec §9.7 A1–A32 (wxcloud-api.md): the example collections and the aggregation table.

One copy for every runtime that must answer them: the embedded shim
(tests/core/functions/test_sdk_aggregate.py, also through `wxsim call`) and real Node with the
real wx-server-sdk (tests/contract/test_aggregate_examples_real_sdk.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

ANY = "any"  # the spec's default: group output order is unspecified
EXACT = "exact"  # a sort (or sortByCount without ties) fixes the order
BY_COUNT = "by count"  # sortByCount with ties: counts descending, tie order unspecified


@dataclass(frozen=True)
class Example:
    id: str
    collection: str
    chain: str  # the aggregate() chain after db.collection(collection), in the SDK's JS
    expected: list
    order: str

    def js(self) -> str:
        """The call as a cloud function writes it, given ``db``, ``_`` and ``$``."""
        return f"db.collection('{self.collection}').aggregate().{self.chain}"


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

EXAMPLES = [Example(*row) for row in [
    ("A1", "avatar", "group({_id: '$alias', num: $.sum(1)})",
     [{"_id": "john", "num": 3}, {"_id": "arthur", "num": 1}, {"_id": "george", "num": 2}], ANY),
    ("A2", "avatar", "group({_id: '$region', totalCoins: $.sum('$coins')})",
     [{"_id": "asia", "totalCoins": 260}, {"_id": "europe", "totalCoins": 130}], ANY),
    ("A3", "avatar", "group({_id: {region: '$region', maxScore: $.max('$scores')}, totalCoins: $.sum('$coins')})",
     [{"_id": {"region": "asia", "maxScore": 80}, "totalCoins": 220},
      {"_id": {"region": "asia", "maxScore": 100}, "totalCoins": 40},
      {"_id": {"region": "europe", "maxScore": 90}, "totalCoins": 70},
      {"_id": {"region": "europe", "maxScore": 20}, "totalCoins": 60}], ANY),
    ("A4", "items", "match({price: _.gt(50)}).count('expensiveCount')", [{"expensiveCount": 3}], ANY),
    ("A5", "prices", "bucket({groupBy: '$price', boundaries: [0, 50, 100], default: 'other', "
     "output: {count: $.sum(1), ids: $.push('$_id')}})",
     [{"_id": 0, "count": 2, "ids": ["1", "3"]}, {"_id": 50, "count": 2, "ids": ["2", "4"]},
      {"_id": "other", "count": 1, "ids": ["5"]}], EXACT),
    ("A6", "categories", "sortByCount('$category')", [{"_id": "Web", "count": 2}, {"_id": "Life", "count": 1}], EXACT),
    ("A7", "passages", "unwind('$tags').sortByCount('$tags')",
     [{"_id": "Go", "count": 2}, {"_id": "C#", "count": 2}, {"_id": "JavaScript", "count": 2},
      {"_id": "Python", "count": 1}], BY_COUNT),
    ("A8", "students", "group({_id: '$group', stdDev: $.stdDevPop('$score')})",
     [{"_id": "a", "stdDev": 6}, {"_id": "b", "stdDev": 10}], ANY),
    ("A9", "pair", "group({_id: null, s: $.stdDevSamp('$score')})", [{"_id": None, "s": 14.142135623730951}], ANY),
    ("A10", "goods", "group({_id: null, totalPrice: $.sum('$price')})", [{"_id": None, "totalPrice": 111}], ANY),
    ("A11", "goods", "group({_id: null, totalProfit: $.sum($.sum(['$price', '$cost']))})",
     [{"_id": None, "totalProfit": 76}], ANY),
    ("A12", "namedGoods", "project({_id: 0, name: 1, discount: $.cond({if: $.gte(['$amount', 200]), then: 0.7, "
     "else: 0.9})})",
     [{"name": "a", "discount": 0.9}, {"name": "b", "discount": 0.7}, {"name": "c", "discount": 0.7}], ANY),
    ("A13", "namedGoods", "project({_id: 0, name: 1, desc: $.ifNull(['$desc', 'Not defined'])})",
     [{"desc": "A", "name": "a"}, {"desc": "Not defined", "name": "b"}, {"desc": "Not defined", "name": "c"}], ANY),
    ("A14", "namedGoods", "project({_id: 0, name: 1, discount: $.switch({branches: [{case: $.gt(['$amount', 250]), "
     "then: 0.8}, {case: $.gt(['$amount', 150]), then: 0.9}], default: 1})})",
     [{"name": "a", "discount": 1}, {"name": "b", "discount": 0.9}, {"name": "c", "discount": 0.8}], ANY),
    ("A15", "people", "project({_id: 0, fullName: $.concat(['$firstName', ' ', '$lastName'])})",
     [{"fullName": "Yuanxin Dong"}, {"fullName": "Weijia Wang"}, {"fullName": "Chengxi Li"}], ANY),
    ("A16", "people", "project({_id: 0, birthday: $.split(['$birthday', '/'])})",
     [{"birthday": ["1999", "12", "12"]}, {"birthday": ["1998", "11", "11"]}, {"birthday": ["1997", "10", "10"]}],
     ANY),
    ("A17", "people", "project({_id: 0, year: $.substr(['$birthday', 0, 4]), month: $.substr(['$birthday', 5, 2]), "
     "day: $.substr(['$birthday', 8, -1])})",
     [{"day": "12", "month": "12", "year": "1999"}, {"day": "11", "month": "11", "year": "1998"},
      {"day": "10", "month": "10", "year": "1997"}], ANY),
    ("A18", "people", "project({_id: 0, aStrIndex: $.indexOfBytes(['$firstName', 'a'])})",
     [{"aStrIndex": 2}, {"aStrIndex": 5}, {"aStrIndex": -1}], ANY),
    ("A19", "people", "project({_id: 0, result: $.strcasecmp(['$firstName', '$lastName'])})",
     [{"result": 1}, {"result": 1}, {"result": -1}], ANY),
    ("A20", "dollars", "project({_id: 0, isOneDollar: $.eq(['$price', $.literal('$1')])})",
     [{"isOneDollar": True}, {"isOneDollar": False}, {"isOneDollar": False}, {"isOneDollar": False}], ANY),
    ("A21", "products", "unwind('$size')",
     [{"_id": "1", "product": "tshirt", "size": "S"}, {"_id": "1", "product": "tshirt", "size": "M"},
      {"_id": "1", "product": "tshirt", "size": "L"}, {"_id": "4", "product": "trousers", "size": "S"},
      {"_id": "5", "product": "sweater", "size": "M"}, {"_id": "5", "product": "sweater", "size": "L"}], ANY),
    ("A22", "products", "unwind({path: '$size', includeArrayIndex: 'index'})",
     [{"_id": "1", "product": "tshirt", "size": "S", "index": 0}, {"_id": "1", "product": "tshirt", "size": "M", "index": 1},
      {"_id": "1", "product": "tshirt", "size": "L", "index": 2},
      {"_id": "4", "product": "trousers", "size": "S", "index": 0},
      {"_id": "5", "product": "sweater", "size": "M", "index": 0},
      {"_id": "5", "product": "sweater", "size": "L", "index": 1}], ANY),
    ("A23", "orders", "lookup({from: 'books', localField: 'book', foreignField: 'title', as: 'bookList'})",
     [{"_id": 4, "book": "novel 1", "bookList": [BOOKS[0]]}, {"_id": 5, "book": "science 1", "bookList": [BOOKS[2]]},
      {"_id": 6, "bookList": [BOOKS[4], BOOKS[5]]}], ANY),
    ("A24", "articles", "project({title: 1, author: 1})",
     [{"_id": 666, "title": "This is title", "author": "Nobody"}], ANY),
    ("A25", "articles", "project({isbn: 0})",
     [{"_id": 666, "title": "This is title", "author": "Nobody", "introduction": "......"}], ANY),
    ("A26", "schools", "replaceRoot({newRoot: '$teachers'})",
     [{"chinese": 22, "math": 18, "english": 21, "other": 123}], ANY),
    ("A27", "scores", "addFields({totalHomework: $.sum('$homework'), totalQuiz: $.sum('$quiz')})"
     ".addFields({totalScore: $.add(['$totalHomework', '$totalQuiz', '$extraCredit'])})",
     [{"_id": "Maya", "homework": [10, 5, 10], "quiz": [10, 8], "extraCredit": 0, "totalHomework": 25,
       "totalQuiz": 18, "totalScore": 43},
      {"_id": "Ryan", "homework": [5, 6, 5], "quiz": [8, 8], "extraCredit": 8, "totalHomework": 16,
       "totalQuiz": 16, "totalScore": 40}], ANY),
    ("A28", "items", "sort({price: -1}).limit(2)", [{"_id": "5", "price": 200.3}, {"_id": "4", "price": 80.2}], EXACT),
    ("A29", "students", "group({_id: null, average: $.avg('$score')})", [{"_id": None, "average": 90}], ANY),
    ("A30", "students", "sort({score: 1}).group({_id: null, min: $.first('$score'), max: $.last('$score')})",
     [{"_id": None, "min": 80, "max": 100}], ANY),
    ("A31", "todos", "match({done: false}).group({_id: null, n: $.sum(1), total: $.sum('$progress')})",
     [{"_id": None, "n": 3, "total": 70}], ANY),
    ("A32", "todos", "match({done: 'nope'}).count('c')", [], ANY),
]]


def seed(workspace) -> None:
    """Create every example collection with its documents (each import a fresh copy)."""
    for name, docs in COLLECTIONS.items():
        workspace.database.import_documents(name, json.loads(json.dumps(docs)), upsert=False, atomic=True, create=True)


def canonical(docs: list) -> list:
    return sorted(docs, key=lambda doc: json.dumps(doc, sort_keys=True))


def same_list(listed: list, expected: list, order: str) -> bool:
    """Whether ``listed`` is ``expected`` under the example's ordering rule."""
    if order == EXACT:
        return listed == expected
    if canonical(listed) != canonical(expected):
        return False
    counts = [doc["count"] for doc in listed] if order == BY_COUNT else []
    return counts == sorted(counts, reverse=True)


def mismatch(example: Example, answer: dict) -> str | None:
    """Why ``answer`` (what ``.end()`` resolved to, or the error it threw) is not the spec's, if not."""
    if answer.get("errMsg") != "collection.aggregate:ok" or "list" not in answer:
        return f"{example.id} {example.chain}: failed with {answer}"
    if not same_list(answer["list"], example.expected, example.order):
        return (f"{example.id} {example.chain}:\n  got      {answer['list']}\n"
                f"  expected {example.expected} ({example.order} order)")
    return None


def function_source() -> str:
    """A cloud function that runs every example once: ``{sdkVersion, answers: {id: result or error}}``.

    One invocation covers the whole table, so a runtime that starts a process per call (real
    Node) starts once. Each chain is built inside the try: an SDK that lacks a stage throws as
    it is built, not at ``.end()``. ``sdkVersion`` is the real SDK's ``cloud.version`` (the
    embedded shim has none), which shows which SDK answered.
    """
    calls = "\n".join(f"  [{json.dumps(e.id)}, () => {e.js()}]," for e in EXAMPLES)
    return f"""const cloud = require('wx-server-sdk')
cloud.init({{ env: cloud.DYNAMIC_CURRENT_ENV }})
const db = cloud.database()
const _ = db.command
const $ = _.aggregate
const EXAMPLES = [
{calls}
]
exports.main = async () => {{
  const answers = {{}}
  for (const [id, build] of EXAMPLES) {{
    try {{
      answers[id] = await build().end()
    }} catch (e) {{
      answers[id] = {{ errCode: e.errCode, errMsg: e.errMsg || e.message }}
    }}
  }}
  return {{ sdkVersion: cloud.version || null, answers }}
}}
"""
