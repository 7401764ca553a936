"""Whole 高级操作 scripts (spec §8): one database call, serialized as the SDK sends it."""

from __future__ import annotations

import pytest

from app.core.database.console import REMOVE_WARNING, ConsoleStatement, parse_statement
from app.core.errors import InputError


def test_brief_query_statement():
    """The console's typical query: every chain step lands in the statement."""
    statement = parse_statement(
        "db.collection('todos').where({done: false}).orderBy('progress','desc').skip(1)"
        ".limit(5).field({title: true}).get()"
    )
    assert statement == ConsoleStatement(
        "todos", "get", where={"done": False}, order=[("progress", -1)], skip=1, limit=5,
        projection={"title": 1},
    )


STATEMENTS = [
    ("db.collection('todos').get()", ConsoleStatement("todos", "get")),
    ("db.collection('todos').where({done: false}).skip(1).limit(1).count()",
     ConsoleStatement("todos", "count", where={"done": False})),
    ("db.collection('todos').where({done: false}).update({data: {progress: _.inc(10)}})",
     ConsoleStatement("todos", "update", where={"done": False}, data={"$inc": {"progress": 10}})),
    ("db.collection('todos').where({done: true}).update({data: {a: 1}, multi: false})",
     ConsoleStatement("todos", "update", where={"done": True}, data={"$set": {"a": 1}}, multi=False)),
    ("db.collection('todos').where({done: true}).remove()",
     ConsoleStatement("todos", "remove", where={"done": True})),
    ("db.collection('todos').remove({multi: false})", ConsoleStatement("todos", "remove", multi=False)),
    ("db.collection('todos').doc('t1').get()",
     ConsoleStatement("todos", "get", doc_id="t1", multi=False)),
    ("db.collection('todos').doc(42).field({title: true}).get()",
     ConsoleStatement("todos", "get", doc_id=42, projection={"title": 1}, multi=False)),
    ("db.collection('todos').doc('t1').update({data: {style: {color: 'blue'}}})",
     ConsoleStatement("todos", "update", doc_id="t1", data={"$set": {"style.color": "blue"}},
                      multi=False)),
    ("db.collection('todos').doc('t9').set({data: {title: 'x', at: db.serverDate()}})",
     ConsoleStatement("todos", "set", doc_id="t9", multi=False,
                      data={"title": "x", "at": {"$tcb_server_date": {"offset": 0}}})),
    ("db.collection('todos').doc('t1').remove()",
     ConsoleStatement("todos", "remove", doc_id="t1", multi=False)),
    ("db.collection('todos').add({data: {title: '学生A', tags: []}})",
     ConsoleStatement("todos", "add", data={"title": "学生A", "tags": []}, multi=False)),
    ("db.collection('todos').add({data: [{a: 1}, {a: 2}]})",
     ConsoleStatement("todos", "add", data=[{"a": 1}, {"a": 2}], multi=False)),
    ("db.createCollection('logs')", ConsoleStatement("logs", "createCollection", multi=False)),
    ("db.collection('a').where({x: 1}).where({y: 2}).get()",
     ConsoleStatement("a", "get", where={"y": 2})),
    ("await db.collection('a').get();", ConsoleStatement("a", "get")),
]


@pytest.mark.parametrize(("text", "expected"), STATEMENTS)
def test_statements(text, expected):
    """Each database call of spec §3.1 becomes one ConsoleStatement; a second where() replaces."""
    assert parse_statement(text) == expected


def test_remove_warns_about_ignored_options():
    """remove() ignores offset/limit/projection/orderBy with the SDK's warning."""
    statement = parse_statement("db.collection('a').where({x: 1}).limit(2).remove()")
    assert statement.warnings == (REMOVE_WARNING,) and statement.limit is None


def test_script_with_consts_and_comments():
    """A multi-line script with consts, destructuring and both comment styles."""
    script = """
    // 查询记录
    const _ = db.command
    const {gt, in: among} = _
    const todos = db.collection('todos') /* the collection */
    todos
      .where({
        progress: gt(10),          // trailing comma below is fine
        tags: among(['cloud', 'db']),
        title: /^a/i,
      })
      .orderBy('progress', 'desc')
      .get()
    """
    statement = parse_statement(script)
    assert statement.where["progress"] == {"$gt": 10}
    assert statement.where["tags"] == {"$in": ["cloud", "db"]}
    assert statement.where["title"].pattern == "^a"
    assert statement.order == [("progress", -1)]


def test_new_date_forms():
    """new Date(ms), ISO strings with and without zone, and (y, m, d) like JavaScript."""
    where = parse_statement(
        "db.collection('a').where({a: _.gte(new Date('2024-01-31T08:00:00+08:00')),"
        " b: new Date('2024-02-01'), c: new Date(1e3), d: new Date(2024, 13, 1, 0, 0, 0)}).get()"
    ).where
    assert where["a"]["$gte"].isoformat() == "2024-01-31T00:00:00+00:00"
    assert where["b"].isoformat() == "2024-02-01T00:00:00+00:00"
    assert where["c"].isoformat() == "1970-01-01T00:00:01+00:00"
    local = where["d"].astimezone()  # month 13 rolls over to February of the next year
    assert (local.year, local.month, local.day, local.hour) == (2025, 2, 1, 0)


STATEMENT_ERRORS = [
    ("", "The script is empty"),
    ("db.collection('todos').where({done: false})",
     "Line 1, column 1: this statement runs nothing: end it with .get()"),
    ("{a: 1}", "Line 1, column 1: a script must end with a database call"),
    ("db.collection('todos').wher({}).get()",
     'Line 1, column 24: db.collection(\'todos\') has no method "wher"; did you mean "where"?'),
    ("db.collection('todos').doc(true).get()", "Line 1, column 28: docId必须为字符串或数字"),
    ("db.collection('t').update({progress: 1})", 'Line 1, column 27: update() needs {data: {...}}: "data" is missing'),
    ("db.collection('t').doc('x').update({data: {_id: 1}})", "Line 1, column 36: 不能更新_id的值"),
    ("db.collection('t').doc('x').set({data: {_id: 1}})", "Line 1, column 33: 不能更新_id的值"),
    ("db.collection('t').doc('x').set({data: {n: _.inc(1)}})",
     "Line 1, column 46: _.inc() cannot be used in set()"),
    ("db.collection('t').add({data: 'x'})", "Line 1, column 24: parameter.data should be object instead of string"),
    ("db.collection('t').orderBy('a', 'up').get()", "Line 1, column 33: 排序字符不合法"),
    ("db.collection('t').limit(1.5).get()", "Line 1, column 26: limitmust be integer"),
    ("db.collection('t').skip('1').get()", "Line 1, column 25: offsetmust be integer"),
    ("db.collection('t').where('x').get()", "Line 1, column 26: 查询参数必须为对象"),
    ("db.collection('t').aggregate().end()", "Line 1, column 20: aggregate() is not supported"),
    ("db.collection('t').get().then(r => r)", "Line 1, column 26: nothing can follow"),
    ("db.collection('t').get({})", "Line 1, column 20: get() takes 0 arguments (got 1)"),
    ("db.collection(t).get()", "Line 1, column 15: t is not defined"),
    ("db.colection('t').get()", 'Line 1, column 4: db has no member "colection"; did you mean "collection"'),
    ("db.collection('a').get()\ndb.collection('b').get()", "Line 2, column 1: only one statement may run"),
    ("db.collection('a').get() db.collection('b').get()", 'Line 1, column 26: expected ";" or a line break'),
    ("let x = 1", 'Line 1, column 1: "let" is not supported: declare names with const'),
    ("var x = 1", 'Line 1, column 1: "var" is not supported'),
    ("const x = 1\nx = 2", "Line 2, column 3: assignment is not supported"),
    ("const x = 1\nconst x = 2\nx", "Line 2, column 7: Identifier 'x' has already been declared"),
    ("const [a] = [1]", "Line 1, column 7: array destructuring is not supported"),
    ("if (x) {}", 'Line 1, column 1: "if" is not supported in the console'),
    ("db.collection('t').where({a: x => 1}).get()", "Line 1, column 30: x is not defined"),
    ("db.collection('t').where({a: 1 > 0}).get()",
     'Line 1, column 32: expected "," or "}" but found ">" (operators'),
    ("db.collection('t').where({a: -'1'}).get()", 'Line 1, column 30: a "-" sign can only go before a number'),
    ("db.collection('t').where({a: db.command}).get()", "Line 1, column 30: db.command is not a value"),
    ("db.collection('t').where({a: new db.collection('x')}).get()",
     "Line 1, column 34: db.collection is not a constructor"),
    ("db.collection('t').where({a: 5()}).get()", "Line 1, column 31: 5 is not a function"),
    ("db.collection('t').where({...x}).get()", "Line 1, column 27: spread (...) and computed [keys]"),
    ("db.collection('t').where({a: 1}",
     'Line 1, column 32: expected "," or ")" but found end of input'),
    ("db.collection('t')\n  .where({\n    a: 1,\n    b: ]\n  }).get()",
     'Line 4, column 8: expected a value but found "]"'),
]


@pytest.mark.parametrize(("text", "message"), STATEMENT_ERRORS)
def test_statement_errors(text, message):
    """Script mistakes raise InputError with line, column and what was expected."""
    with pytest.raises(InputError) as caught:
        parse_statement(text)
    assert str(caught.value).startswith(message)
