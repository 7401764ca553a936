"""Geo queries answer the same in the embedded V8 runtime and in real Node with the real
wx-server-sdk (4.0.2 and 2.6.3) over the gateway: geoNear, geoWithin ($geometry and
$centerSphere), geoIntersects and the aggregate geoNear stage, with no geo index in wxsim.
"""

from __future__ import annotations

import json
import os

import pytest

from app.core.functions.sdk import call_function
from app.core.workspace import Workspace
from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, install_sdk

GEO = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
const { Point, LineString, Polygon, MultiPolygon } = db.Geo
const home = Point(116.397, 39.909)
const ring = (...pairs) => LineString([...pairs, pairs[0]].map(([lng, lat]) => Point(lng, lat)))
exports.main = async () => {
  const out = {}
  const shops = db.collection('shops')
  const run = async (name, build) => {
    try {
      const answer = await build()
      out[name] = answer.data ? answer.data.map((d) => d._id) : answer.list
    } catch (e) {
      out[name] = { errCode: e.errCode, errMsg: e.errMsg || e.message }
    }
  }
  await run('nearby', () => shops.where({ loc: _.geoNear({ geometry: home, maxDistance: 5000 }) }).get())
  await run('ring', () => shops.where({ loc: _.geoNear({ geometry: home, maxDistance: 2000, minDistance: 1000 }) }).get())
  await run('nearLimit', () => shops.where({ loc: _.geoNear({ geometry: home }) }).limit(2).get())
  await run('nearOrdered', () => shops.where({ loc: _.geoNear({ geometry: home, maxDistance: 5000 }) }).orderBy('_id', 'desc').get())
  await run('circle', () => shops.where({ loc: _.geoWithin({ centerSphere: [home, 2 / 6378.1] }) }).orderBy('_id', 'asc').get())
  await run('circlePair', () => shops.where({ loc: _.geoWithin({ centerSphere: [[116.397, 39.909], 2 / 6378.1] }) }).orderBy('_id', 'asc').get())
  const shell = ring([116.3, 39.8], [116.5, 39.8], [116.5, 40.0], [116.3, 40.0])
  const hole = ring([116.396, 39.905], [116.406, 39.905], [116.406, 39.915], [116.396, 39.915])
  await run('polygonHole', () => shops.where({ loc: _.geoWithin({ geometry: Polygon([shell, hole]) }) }).orderBy('_id', 'asc').get())
  const shanghai = Polygon([ring([121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.3])])
  await run('multi', () => shops.where({ loc: _.geoWithin({ geometry: MultiPolygon([Polygon([shell, hole]), shanghai]) }) }).orderBy('_id', 'asc').get())
  await run('crossing', () => shops.where({ loc: _.geoIntersects({ geometry: LineString([Point(116.39, 39.93), Point(116.40, 39.94)]) }) }).get())
  await run('intersects', () => shops.where({ loc: _.geoIntersects({ geometry: shanghai }) }).get())
  await run('chained', () => shops.where({ loc: _.exists(true).geoNear({ geometry: home, maxDistance: 5000 }) }).get())
  await run('count', async () => ({ list: (await shops.where({ loc: _.geoNear({ geometry: home, maxDistance: 5000 }) }).count()).total }))
  await run('stage', () => shops.aggregate().geoNear({ near: home, spherical: true, distanceField: 'dist', maxDistance: 5000,
    query: { name: _.neq('王府井书店') }, includeLocs: 'at', key: 'loc' }).project({ dist: 1, at: 1 }).end())
  await run('stageMultiplier', () => shops.aggregate().geoNear({ near: home, spherical: true, distanceField: 'km',
    distanceMultiplier: 0.001, key: 'loc' }).project({ _id: 1 }).end())
  await run('badDistance', () => shops.where({ loc: _.geoNear({ geometry: home, maxDistance: -1 }) }).get())
  await run('badShape', () => shops.where({ loc: _.geoWithin({ centerSphere: 5 }) }).get())
  await run('badOperand', () => shops.where({ loc: _.geoNear({ geometry: [1, 2] }) }).get())
  return out
}
"""


def point(lng: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lng, lat]}


SHOPS = [
    {"_id": "c", "name": "鼓楼咖啡", "loc": point(116.394, 39.937)},
    {"_id": "a", "name": "王府井书店", "loc": point(116.403, 39.912)},
    {"_id": "e", "name": "外滩小笼", "loc": point(121.4737, 31.2304)},
    {"_id": "b", "name": "前门烤鸭", "loc": point(116.398, 39.896)},
    {"_id": "road", "name": "a street", "loc": {"type": "LineString", "coordinates": [[116.39, 39.94], [116.40, 39.93]]}},
    {"_id": "text", "name": "no location", "loc": "王府井"},
]


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_geo_queries_answer_the_same_in_both_runtimes(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    node_modules = install_sdk(version)
    root = tmp_path / "p"
    folder = root / "cloudfunctions" / "geo"
    folder.mkdir(parents=True)
    (folder / "index.js").write_text(GEO, encoding="utf-8")
    os.symlink(node_modules, folder / "node_modules")
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wx0123456789abcdef", "projectname": "geo", "cloudfunctionRoot": "cloudfunctions/"}))
    ws = Workspace.open(tmp_path / "d", root)
    try:
        ws.database.import_documents("shops", [dict(s) for s in SHOPS], upsert=False, atomic=True, create=True)
        answers = {}
        for runtime in ("v8", "node"):
            ws.state.set_function_runtime("geo", runtime)
            outcome = call_function(ws.handle, ws.client_caller("学生A"), "geo", {})
            assert outcome.ok, outcome.value
            answers[runtime] = outcome.value["result"]
        node, v8 = answers["node"], answers["v8"]
        assert node == v8
        check_answers(node)
    finally:
        ws.close()


def check_answers(out: dict) -> None:
    """What the user sees, against the distances (a 610 m, b 1 450 m, c 3 130 m, e 1 069 km)."""
    assert out["nearby"] == ["a", "b", "road", "c"]
    assert out["ring"] == ["b"]
    assert out["nearLimit"] == ["a", "b"]
    assert out["nearOrdered"] == ["road", "c", "b", "a"]  # an explicit order wins
    assert out["circle"] == out["circlePair"] == ["a", "b"]
    assert out["polygonHole"] == ["b", "c", "road"]
    assert out["multi"] == ["b", "c", "e", "road"]
    assert out["crossing"] == ["road"]
    assert out["intersects"] == ["e"]
    assert out["chained"] == ["a", "b", "road", "c"]
    assert out["count"] == 4
    stage = out["stage"]
    assert [d["_id"] for d in stage] == ["b", "road", "c"]
    assert stage[0]["at"] == point(116.398, 39.896) and 1440 < stage[0]["dist"] < 1460
    assert [d["_id"] for d in out["stageMultiplier"]] == ["a", "b", "road", "c", "e"]
    assert "$maxDistance must be non-negative" in out["badDistance"]["errMsg"]
    assert out["badDistance"]["errCode"] == -502001  # DATABASE_REQUEST_FAILED: Mongo's BadValue
    assert out["badShape"]["errMsg"] == "centersPhere结构不合法"
    assert out["badOperand"]["errMsg"] == "options.geometry.toJSON is not a function"
