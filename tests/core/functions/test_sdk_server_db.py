"""wx-server-sdk's database against a real workspace: result shapes, errors, special values.

Each test runs a cloud function on the JS runtime whose host is ``Workspace.handle`` with an
admin caller, so the requests go through the real dispatcher and database service.
"""

from __future__ import annotations

import pytest

from app.core.requests import Caller
from tests.core.functions.test_sdk_harness import (  # noqa: F401
    FakeHost, ok, run_js, sdk_pool, server_main, workspace_host,
)

NOT_EXIST = (
    "-502005 database collection not exists. [ResourceNotFound] Db or Table not exist. Please "
    "check your request, but if the problem cannot be solved, contact us. Db or Table not exist: nosuch"
)
FIXTURE = """await db.createCollection('todos')
  await db.collection('todos').add({ data: [
    { _id: 't1', title: 'Alpha', done: false, progress: 50, tags: ['cloud', 'db'] },
    { _id: 't2', title: 'beta', done: true, progress: 100, tags: ['mini-program'] },
    { _id: 't3', title: 'Gamma', done: false, progress: 20 }] })
  const todos = db.collection('todos')
"""


@pytest.fixture
def run_db(run_js, workspace):  # noqa: F811
    """Runs ``body`` (after the todos fixture) as a function over the workspace; returns its result."""

    def run(body: str, *, fixture: bool = True):
        source = server_main((FIXTURE if fixture else "") + body)
        return ok(run_js(source, host=workspace_host(workspace, Caller.admin("scf"))))

    return run


def test_add_get_count_and_where(run_db):
    """collection.add/get/count and a where with commands, shaped as spec §3.10."""
    result = run_db("""
      const one = await todos.add({ data: { title: 'new' } })
      return { one, id: /^[0-9a-f]{32}$/.test(one._id),
        get: await todos.where({ done: false, progress: _.gte(20).and(_.lte(50)) }).orderBy('progress', 'desc').get(),
        count: await todos.where({ tags: _.exists(true) }).count(),
        field: await todos.where({ title: /^a/i }).field({ title: true, _id: false }).get() }""")
    assert result["one"]["errMsg"] == "collection.add:ok" and result["id"]
    assert result["get"] == {
        "data": [
            {"_id": "t1", "title": "Alpha", "done": False, "progress": 50, "tags": ["cloud", "db"]},
            {"_id": "t3", "title": "Gamma", "done": False, "progress": 20},
        ],
        "errMsg": "collection.get:ok",
    }
    assert result["count"] == {"total": 2, "errMsg": "collection.count:ok"}
    assert result["field"] == {"data": [{"title": "Alpha"}], "errMsg": "collection.get:ok"}


def test_add_many_returns_ids(run_db):
    """An array add inserts each (server only) → {_ids}."""
    result = run_db("return todos.add({ data: [{ _id: 'a' }, { _id: 'b' }] })")
    assert result == {"_ids": ["a", "b"], "errMsg": "collection.add:ok"}


def test_updates_sets_and_removes(run_db):
    """update/set/remove on queries and documents, missing documents included (spec §3.9)."""
    result = run_db("""return {
      many: await todos.where({ done: false }).update({ data: { flag: true } }),
      one: await todos.where({ done: false }).update({ data: { n: 1 }, multi: false }),
      doc: await todos.doc('t1').update({ data: { progress: _.inc(10), tags: _.push('x') } }),
      missing: await todos.doc('nope').update({ data: { a: 1 } }),
      created: await todos.doc('t9').set({ data: { a: 1 } }),
      replaced: await todos.doc('t1').set({ data: { title: 'X' } }),
      t1: (await todos.doc('t1').get()).data,
      removedDoc: await todos.doc('t2').remove(),
      removedAgain: await todos.doc('t2').remove(),
      removedMany: await todos.where({ done: false }).remove() }""")
    assert result["many"] == {"stats": {"updated": 2}, "errMsg": "collection.update:ok"}
    assert result["one"] == {"stats": {"updated": 1}, "errMsg": "collection.update:ok"}
    assert result["doc"] == {"stats": {"updated": 1}, "errMsg": "document.update:ok"}
    assert result["missing"] == {"stats": {"updated": 0}, "errMsg": "document.update:ok"}
    assert result["created"] == {"_id": "t9", "errMsg": "document.set:ok", "stats": {"updated": 0, "created": 1}}
    assert result["replaced"] == {"_id": "t1", "errMsg": "document.set:ok", "stats": {"updated": 1, "created": 0}}
    assert result["t1"] == {"_id": "t1", "title": "X"}
    assert result["removedDoc"] == {"stats": {"removed": 1}, "errMsg": "document.remove:ok"}
    assert result["removedAgain"] == {"stats": {"removed": 0}, "errMsg": "document.remove:ok"}
    assert result["removedMany"] == {"stats": {"removed": 1}, "errMsg": "collection.remove:ok"}


def test_doc_get_found_and_missing(run_db):
    """throwOnNotFound: true by default; false per database or at init; the database's wins."""
    result = run_db("""
      const soft = cloud.database({ throwOnNotFound: false })
      return {
        found: await todos.doc('t3').get(),
        missing: await settle(todos.doc('nope').get()),
        soft: await soft.collection('todos').doc('nope').get(),
        initSoft: await (async () => { cloud.updateConfig({ env: cloud.DYNAMIC_CURRENT_ENV, throwOnNotFound: false })
          try { return await cloud.database().collection('todos').doc('nope').get() }
          finally { cloud.updateConfig({ env: cloud.DYNAMIC_CURRENT_ENV }) } })(),
        strict: await settle(cloud.database({ throwOnNotFound: true }).collection('todos').doc('nope').get()) }""")
    assert result["found"] == {
        "data": {"_id": "t3", "title": "Gamma", "done": False, "progress": 20},
        "errMsg": "document.get:ok",
    }
    message = "document.get:fail document with _id nope does not exist"
    assert result["missing"] == {"err": {"errCode": -1, "errMsg": message, "message": message}}
    assert result["soft"] == {"data": None, "errMsg": "document.get:ok"}
    assert result["initSoft"] == {"data": None, "errMsg": "document.get:ok"}
    assert result["strict"]["err"]["errMsg"] == message


def test_missing_collection_errors(run_db):
    """-502005 with the backend's words after the code's text (spec §2.2, §3.9)."""
    result = run_db("""return {
      get: await settle(db.collection('nosuch').get()),
      add: await settle(db.collection('nosuch').add({ data: { a: 1 } })),
      update: await settle(db.collection('nosuch').where({ a: 1 }).update({ data: { a: 2 } })) }""",
                    fixture=False)
    for api, key in (("collection.get", "get"), ("collection.add", "add"), ("collection.update", "update")):
        errmsg = f"{api}:fail {NOT_EXIST}"
        assert result[key] == {"err": {"errCode": -502005, "errMsg": errmsg, "message": errmsg}}


def test_sdk_assertions(run_db):
    """The SDK's own checks: CloudSDKError for options, backend-style codes for _id/operators."""
    result = run_db("""return {
      empty: await settle(todos.doc('t1').update({ data: {} })),
      notObject: await settle(todos.doc('t1').update({ data: 'x' })),
      queryNotObject: await settle(todos.where({ a: 1 }).update({ data: 'x' })),
      id: await settle(todos.doc('t1').update({ data: { _id: 'x', a: 1 } })),
      operator: await settle(todos.doc('t1').set({ data: { progress: _.inc(1) } })),
      setId: await settle(todos.doc('t1').set({ data: { _id: 't1' } })),
      where: sync(() => todos.where('x')), whereUndefined: sync(() => todos.where({ a: undefined })),
      order: sync(() => todos.orderBy('a', 'up')), limit: sync(() => todos.limit(1.5)),
      skip: sync(() => todos.skip(-0.5)), doc: sync(() => todos.doc(true)),
      name: sync(() => db.collection('')), field: sync(() => todos.doc('t1').field('a')) }""")

    def assertion(reason):
        return {"err": {"errCode": -1, "errMsg": reason, "message": f"errCode: -1 unknown error | errMsg: {reason}"}}

    assert result["empty"] == assertion("options.data must not be empty")
    assert result["notObject"] == assertion("parameter.data should be object instead of string;")
    assert result["queryNotObject"] == assertion("parameter should be object instead of string;")
    id_error = "document.update:fail -501007 invalid parameters. 不能更新_id的值"
    assert result["id"] == {"err": {"errCode": -501007, "errMsg": id_error, "message": id_error}}
    complicit = "document.set:fail -502001 database request fail. update operator complicit"
    assert result["operator"] == {"err": {"errCode": -502001, "errMsg": complicit, "message": complicit}}
    assert result["setId"]["err"]["errMsg"] == "document.set:fail -501007 invalid parameters. 不能更新_id的值"

    def thrown(message):  # a plain Error thrown by the builder, synchronously
        return {"message": message}

    assert result["where"] == thrown("查询参数必须为对象")
    assert result["whereUndefined"] == thrown("查询参数对象值不能均为undefined")
    assert result["order"] == thrown("排序字符不合法")
    assert result["limit"] == thrown("limitmust be integer")
    assert result["skip"] == thrown("offsetmust be integer")
    assert result["doc"] == thrown("docId必须为字符串或数字")
    assert result["name"] == thrown("Collection name is required")
    field = "field should be object instead of string;"
    assert result["field"] == {"errCode": -1, "errMsg": field, "message": f"errCode: -1 unknown error | errMsg: {field}"}


def test_dates_round_trip_as_dates(run_db):
    """Date values are stored as dates and come back as Date objects; queries on them work."""
    result = run_db("""
      await todos.doc('t1').update({ data: { due: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) } })
      const { data } = await todos.doc('t1').get()
      const found = await todos.where({ due: _.lt(new Date(Date.UTC(2025, 0, 1))) }).count()
      return { isDate: data.due instanceof Date, iso: data.due.toISOString(), found: found.total }""")
    assert result == {"isDate": True, "iso": "2024-01-02T03:04:05.006Z", "found": 1}


def test_server_date_is_the_servers_clock(run_db, clock):
    """db.serverDate({offset}) becomes the workspace clock's now + offset ms, read back as a Date."""
    result = run_db("""
      await todos.doc('t1').update({ data: { at: db.serverDate({ offset: 3600000 }) } })
      const { _id } = await todos.add({ data: { at: db.serverDate() } })
      return { t1: (await todos.doc('t1').get()).data.at.getTime(), added: (await todos.doc(_id).get()).data.at.getTime() }""")
    now_ms = int(clock() * 1000)
    assert result == {"t1": now_ms + 3_600_000, "added": now_ms}


def test_regex_queries(run_db):
    """JS regex literals and db.RegExp (with options) match like Mongo regexes."""
    result = run_db("""
      const ids = async (q) => (await todos.where(q).get()).data.map((d) => d._id).sort()
      return { literal: await ids({ title: /^a/i }), caseSensitive: await ids({ title: /^a/ }),
        dbRegExp: await ids({ title: db.RegExp({ regexp: 'TA$', options: 'i' }) }) }""")
    assert result == {"literal": ["t1"], "caseSensitive": [], "dbRegExp": ["t2"]}


def test_geo_points_come_back_as_points(run_db):
    """A stored GeoJSON point reads back as db.Geo.Point; bad coordinates fail early."""
    result = run_db("""
      await todos.doc('t1').update({ data: { loc: db.Geo.Point(113.3, 23.1) } })
      const { loc } = (await todos.doc('t1').get()).data
      return { point: loc instanceof db.Geo.Point, lng: loc.longitude, lat: loc.latitude,
        json: JSON.parse(JSON.stringify(loc)), bad: sync(() => db.Geo.Point(0, 91)) }""")
    assert result["point"] and (result["lng"], result["lat"]) == (113.3, 23.1)
    assert result["json"] == {"type": "Point", "coordinates": [113.3, 23.1]}
    assert result["bad"]["message"] == "latitude should be a number ranges from -90 to 90"


def test_create_collection_and_existing_one(run_db):
    """createCollection → {errMsg, requestId}; a second time is the backend's error."""
    result = run_db("""return { first: await db.createCollection('c2'), again: await settle(db.createCollection('c2')) }""",
                    fixture=False)
    assert result["first"]["errMsg"] == "createCollection:ok" and isinstance(result["first"]["requestId"], str)
    assert result["again"]["err"]["errCode"] == -502001
    assert result["again"]["err"]["errMsg"].startswith("createCollection:fail -502001 database request fail. ")


def test_default_limit_against_the_engine(run_db):
    """Without limit() a server get returns 100 documents; limit(1001) is capped to 1000 (Q65/Q66)."""
    result = run_db("""
      await db.createCollection('many')
      const many = db.collection('many')
      for (let i = 0; i < 11; i++) await many.add({ data: Array.from({ length: 100 }, (_, k) => ({ i: i * 100 + k })) })
      return { dflt: (await many.get()).data.length, capped: (await many.limit(1001).get()).data.length,
        some: (await many.skip(1095).limit(50).get()).data.length }""", fixture=False)
    assert result == {"dflt": 100, "capped": 1000, "some": 5}
