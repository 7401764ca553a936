"""Geo queries (spec §3.3, §3.14): geoNear, geoWithin ($geometry, $centerSphere), geoIntersects
and the $geoNear stage, on the sphere, as a 2dsphere index answers them (database/geo.py)."""

from __future__ import annotations

import json
import random

import pytest

from app.core.database import find
from app.core.database.aggregate.pipeline import Context, compile_pipeline
from app.core.database.geo import EARTH_RADIUS_M, haversine
from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace


def point(lng: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lng, lat]}


def polygon(*rings: list) -> dict:
    return {"type": "Polygon", "coordinates": [ring + ring[:1] for ring in rings]}


HOME = point(116.397, 39.909)  # Tiananmen, Beijing
SHOPS = [  # metres from HOME, roughly: a 610, b 1 450, c 3 130, e 1 069 000 (Shanghai)
    {"_id": "c", "name": "鼓楼咖啡", "loc": point(116.394, 39.937)},
    {"_id": "a", "name": "王府井书店", "loc": point(116.403, 39.912)},
    {"_id": "e", "name": "外滩小笼", "loc": point(121.4737, 31.2304)},
    {"_id": "b", "name": "前门烤鸭", "loc": point(116.398, 39.896)},
    {"_id": "text", "name": "no location", "loc": "王府井"},
    {"_id": "none", "name": "no field"},
    {"_id": "legacy", "name": "a legacy pair", "loc": [116.3975, 39.9095]},
]


def ids(docs: list) -> list:
    return [d["_id"] for d in docs]


def near(maximum=None, minimum=None, centre=HOME) -> dict:
    spec = {"$geometry": centre}
    if maximum is not None:
        spec["$maxDistance"] = maximum
    if minimum is not None:
        spec["$minDistance"] = minimum
    return {"loc": {"$nearSphere": spec}}


def metres(a: dict, b: dict) -> float:
    return haversine(*a["coordinates"], *b["coordinates"]) * EARTH_RADIUS_M


# -- distances ----------------------------------------------------------------------------------


def test_beijing_shanghai_is_about_1067_km():
    """Great-circle distance against the reference value (1,067 km on the mean radius 6,371 km);
    wxsim uses MongoDB's 6,378.1 km, which makes it 0.11 % longer."""
    radians = haversine(116.4074, 39.9042, 121.4737, 31.2304)
    assert radians * 6371.0 == pytest.approx(1067.3, abs=1.0)
    assert radians * EARTH_RADIUS_M / 1000 == pytest.approx(1068.5, abs=1.0)
    assert haversine(0, 0, 180, 0) * EARTH_RADIUS_M == pytest.approx(3.141592653589793 * 6378100)
    assert haversine(0, 0, 0, 1) * EARTH_RADIUS_M == pytest.approx(111_318.8, abs=0.5)  # one degree


# -- geoNear ------------------------------------------------------------------------------------


def test_nearby_shops_come_nearest_first_within_max_distance():
    """The "nearby shops" query: within 5 km, nearest first; non-geo fields are skipped."""
    assert ids(find(SHOPS, near(5000))) == ["legacy", "a", "b", "c"]
    assert ids(find(SHOPS, near())) == ["legacy", "a", "b", "c", "e"]


def test_min_and_max_distance_make_a_ring():
    assert ids(find(SHOPS, near(2000, 1000))) == ["b"]
    assert ids(find(SHOPS, near(None, 2000))) == ["c", "e"]
    exact = metres(HOME, SHOPS[1]["loc"])
    assert ids(find(SHOPS, near(exact + 0.01, exact - 0.01))) == ["a"]
    stage = run([{"$geoNear": {"near": HOME, "distanceField": "d", "key": "loc"}}], SHOPS)
    exact = next(d["d"] for d in stage if d["_id"] == "a")  # the stage's own number, the same code
    assert ids(find(SHOPS, near(exact, exact))) == ["a"]  # both bounds are inclusive


def test_an_explicit_order_wins_and_skip_limit_page_the_distance_order():
    assert ids(find(SHOPS, near(5000), order=[("_id", -1)])) == ["legacy", "c", "b", "a"]
    assert ids(find(SHOPS, near(5000), skip=1, limit=2)) == ["a", "b"]


def test_near_combines_with_other_conditions_and_top_level_and():
    query = {"$and": [near(5000), {"name": {"$ne": "王府井书店"}}]}
    assert ids(find(SHOPS, query)) == ["legacy", "b", "c"]


def test_near_to_a_line_or_polygon_is_to_its_nearest_point():
    docs = [{"_id": "road", "loc": {"type": "LineString", "coordinates": [[0, -1], [0, 1]]}},
            {"_id": "park", "loc": polygon([[0.5, -1], [2, -1], [2, 1], [0.5, 1]])},
            {"_id": "inside", "loc": polygon([[-0.1, -0.1], [0.1, -0.1], [0.1, 0.1], [-0.1, 0.1]])}]
    out = find(docs, near(centre=point(0.2, 0)))
    assert ids(out) == ["inside", "road", "park"]
    assert ids(find(docs, near(0.25 * 111_319, centre=point(0.2, 0)))) == ["inside", "road"]


# -- geoWithin ----------------------------------------------------------------------------------


def test_within_center_sphere():
    """$centerSphere's radius is radians: kilometres / 6378.1."""
    query = {"loc": {"$geoWithin": {"$centerSphere": [[116.397, 39.909], 2 / 6378.1]}}}
    assert sorted(ids(find(SHOPS, query))) == ["a", "b", "legacy"]
    query = {"loc": {"$geoWithin": {"$centerSphere": [[116.397, 39.909], 1200 / 6378.1]}}}
    assert sorted(ids(find(SHOPS, query))) == ["a", "b", "c", "e", "legacy"]


def test_within_a_polygon_with_a_hole():
    shell = [[116.3, 39.8], [116.5, 39.8], [116.5, 40.0], [116.3, 40.0]]
    hole = [[116.396, 39.905], [116.406, 39.905], [116.406, 39.915], [116.396, 39.915]]  # around a + legacy
    query = {"loc": {"$geoWithin": {"$geometry": polygon(shell, hole)}}}
    assert sorted(ids(find(SHOPS, query))) == ["b", "c"]
    query = {"loc": {"$geoWithin": {"$geometry": polygon(shell)}}}
    assert sorted(ids(find(SHOPS, query))) == ["a", "b", "c", "legacy"]


def test_within_a_multipolygon():
    beijing = [[116.3, 39.8], [116.5, 39.8], [116.5, 39.92], [116.3, 39.92]]
    shanghai = [[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.3]]
    shape = {"type": "MultiPolygon", "coordinates": [polygon(beijing)["coordinates"], polygon(shanghai)["coordinates"]]}
    assert sorted(ids(find(SHOPS, {"loc": {"$geoWithin": {"$geometry": shape}}}))) == ["a", "b", "e", "legacy"]


def test_within_takes_lines_and_polygons_whole():
    square = polygon([[0, 0], [10, 0], [10, 10], [0, 10]])
    docs = [{"_id": "in", "loc": {"type": "LineString", "coordinates": [[1, 1], [9, 9]]}},
            {"_id": "out", "loc": {"type": "LineString", "coordinates": [[1, 1], [12, 5]]}},
            {"_id": "small", "loc": polygon([[2, 2], [3, 2], [3, 3]])},
            {"_id": "big", "loc": polygon([[-1, -1], [11, -1], [11, 11], [-1, 11]])},
            {"_id": "pts", "loc": {"type": "MultiPoint", "coordinates": [[1, 1], [2, 2]]}}]
    assert ids(find(docs, {"loc": {"$geoWithin": {"$geometry": square}}})) == ["in", "small", "pts"]


def test_a_polygon_around_the_hole_is_not_within():
    region = polygon([[0, 0], [10, 0], [10, 10], [0, 10]], [[4, 4], [6, 4], [6, 6], [4, 6]])
    docs = [{"_id": "ring", "loc": polygon([[3, 3], [7, 3], [7, 7], [3, 7]])},
            {"_id": "beside", "loc": polygon([[1, 1], [3, 1], [3, 3], [1, 3]])}]
    assert ids(find(docs, {"loc": {"$geoWithin": {"$geometry": region}}})) == ["beside"]


# -- geoIntersects ------------------------------------------------------------------------------


def test_intersects_with_a_line():
    road = {"type": "LineString", "coordinates": [[116.39, 39.90], [116.41, 39.92]]}
    docs = [{"_id": "crossing", "loc": {"type": "LineString", "coordinates": [[116.39, 39.92], [116.41, 39.90]]}},
            {"_id": "parallel", "loc": {"type": "LineString", "coordinates": [[116.39, 39.93], [116.41, 39.95]]}},
            {"_id": "block", "loc": polygon([[116.398, 39.905], [116.402, 39.905], [116.402, 39.915],
                                             [116.398, 39.915]])},
            {"_id": "on the road", "loc": point(116.39, 39.90)},
            {"_id": "off the road", "loc": point(116.39, 39.91)},
            {"_id": "not geo", "loc": 5}]
    assert ids(find(docs, {"loc": {"$geoIntersects": {"$geometry": road}}})) == ["crossing", "block", "on the road"]


def test_intersects_with_a_polygon():
    area = polygon([[0, 0], [4, 0], [4, 4], [0, 4]])
    docs = [{"_id": "overlap", "loc": polygon([[3, 3], [6, 3], [6, 6], [3, 6]])},
            {"_id": "inside", "loc": polygon([[1, 1], [2, 1], [2, 2]])},
            {"_id": "around", "loc": polygon([[-1, -1], [5, -1], [5, 5], [-1, 5]])},
            {"_id": "apart", "loc": polygon([[5, 5], [6, 5], [6, 6]])},
            {"_id": "through", "loc": {"type": "LineString", "coordinates": [[-1, 2], [5, 2]]}},
            {"_id": "point in", "loc": point(2, 2)},
            {"_id": "multi", "loc": {"type": "MultiPoint", "coordinates": [[9, 9], [3, 1]]}},
            {"_id": "array", "loc": [point(9, 9), point(1, 3)]}]
    assert ids(find(docs, {"loc": {"$geoIntersects": {"$geometry": area}}})) == [
        "overlap", "inside", "around", "through", "point in", "multi", "array"]


def test_geo_queries_skip_documents_whose_field_is_not_geo():
    docs = [{"_id": 1, "loc": "x"}, {"_id": 2, "loc": {"type": "Point", "coordinates": [200, 0]}},
            {"_id": 3, "loc": {"type": "Circle"}}, {"_id": 4, "loc": None}, {"_id": 5}, {"_id": 6, "loc": [1]},
            {"_id": 7, "loc": point(0, 0)}]
    everywhere = polygon([[-10, -10], [10, -10], [10, 10], [-10, 10]])
    assert ids(find(docs, {"loc": {"$geoWithin": {"$geometry": everywhere}}})) == [7]
    assert ids(find(docs, {"loc": {"$geoIntersects": {"$geometry": everywhere}}})) == [7]
    assert ids(find(docs, near(centre=point(1, 1)))) == [7]


# -- bad operands --------------------------------------------------------------------------------

BAD = [
    ({"$nearSphere": {"$geometry": point(200, 0)}}, "invalid point in geo near query $geometry argument"),
    ({"$nearSphere": {"$geometry": polygon([[0, 0], [1, 0], [1, 1]])}}, "$geometry must be a GeoJSON Point"),
    ({"$nearSphere": {"$geometry": point(0, 0), "$maxDistance": -1}}, "$maxDistance must be non-negative"),
    ({"$nearSphere": {"$geometry": point(0, 0), "$minDistance": "far"}}, "$minDistance must be a number"),
    ({"$nearSphere": {"$geometry": point(0, 0), "$near": 1}}, "Extra field found: $near"),
    ({"$geoWithin": {"$geometry": point(0, 0)}}, "$geoWithin not supported with provided geometry"),
    ({"$geoWithin": {"$geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 2]]]}}},
     "Loop is not closed"),
    ({"$geoWithin": {"$geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}}},
     "Loop must have at least 3 different vertices"),
    ({"$geoWithin": {"$centerSphere": [[0, 0], -1]}}, "radius must be a non-negative number"),
    ({"$geoWithin": {"$centerSphere": [[0, 95], 1]}}, "longitude/latitude is out of bounds, lng: 0 lat: 95"),
    ({"$geoWithin": {"$centerSphere": [["a", 0], 1]}}, "Point must only contain numeric elements"),
    ({"$geoWithin": {"$centerSphere": [[0, 0], 1, 2]}}, "Only 2 fields allowed for circular region"),
    ({"$geoWithin": {"$shape": 1}}, "unknown geo specifier"),
    ({"$geoIntersects": {"$geometry": {"type": "LineString", "coordinates": [[0, 0]]}}},
     "GeoJSON LineString must have at least 2 vertices"),
    ({"$geoIntersects": {"$geometry": {"type": "Blob", "coordinates": []}}}, "unknown GeoJSON type: Blob"),
]


@pytest.mark.parametrize(("condition", "message"), BAD)
def test_bad_operands_are_refused_as_the_backend_refuses_them(condition, message):
    """Mongo's BadValue: DATABASE_REQUEST_FAILED (-502001), before any document is read."""
    with pytest.raises(CloudError) as failed:
        find([], {"loc": condition})
    assert failed.value.code == -502001 and message in failed.value.detail


def test_near_must_be_alone_and_at_the_top():
    for query in ({"$or": [near(), {"a": 1}]}, {"loc": {"$not": near()["loc"]}}):
        with pytest.raises(CloudError, match="GEO_NEAR must be top-level expr"):
            find(SHOPS, query)
    with pytest.raises(CloudError, match="Too many geoNear expressions"):
        find(SHOPS, {**near(), "other": {"$nearSphere": {"$geometry": HOME}}})


def test_flat_legacy_shapes_say_the_simulator_lacks_them():
    with pytest.raises(CloudError) as failed:
        find([], {"loc": {"$geoWithin": {"$box": [[0, 0], [1, 1]]}}})
    assert failed.value.code == -502002 and "not supported by the simulator" in failed.value.detail


# -- the $geoNear stage ---------------------------------------------------------------------------


def run(pipeline: list, docs: list) -> list:
    context = Context(documents=lambda name: [], rng=random.Random(1))
    return compile_pipeline(pipeline, context).run(docs)


def test_geo_near_stage_writes_distances_in_order():
    out = run([{"$geoNear": {"near": HOME, "distanceField": "dist", "spherical": True}}], SHOPS)
    assert ids(out) == ["legacy", "a", "b", "c", "e"]
    assert [d["dist"] for d in out] == sorted(d["dist"] for d in out)
    assert out[1]["dist"] == pytest.approx(metres(HOME, SHOPS[1]["loc"]), rel=1e-9)
    assert out[4]["dist"] == pytest.approx(1_069_400, abs=100)


def test_geo_near_stage_shares_the_query_operators_geometry():
    """The stage and the query operator give the same documents in the same order."""
    stage = run([{"$geoNear": {"near": HOME, "distanceField": "d", "maxDistance": 5000, "minDistance": 700,
                               "key": "loc"}}], SHOPS)
    assert ids(stage) == ids(find(SHOPS, near(5000, 700))) == ["b", "c"]


def test_geo_near_stage_query_multiplier_include_locs():
    out = run([{"$geoNear": {"near": HOME, "distanceField": "far.km", "distanceMultiplier": 0.001,
                             "query": {"name": {"$regex": "^[王前]"}}, "includeLocs": "where", "spherical": True}}],
              SHOPS)
    assert ids(out) == ["a", "b"]
    assert out[0]["far"]["km"] == pytest.approx(metres(HOME, SHOPS[1]["loc"]) / 1000)
    assert out[0]["where"] == SHOPS[1]["loc"]


def test_geo_near_stage_query_cannot_hold_near():
    with pytest.raises(CloudError, match=r"\$geoNear, \$near, and \$nearSphere are not allowed in this context"):
        run([{"$geoNear": {"near": HOME, "distanceField": "d", "query": near()}}], SHOPS)


def test_geo_near_stage_finds_the_field_a_2dsphere_index_would_cover():
    """No index in wxsim: the one top-level GeoJSON field, polygons included; two need ``key``."""
    docs = [{"_id": 1, "area": polygon([[0, 0], [1, 0], [1, 1]])}, {"_id": 2, "area": point(3, 3)}]
    assert ids(run([{"$geoNear": {"near": point(0, 0), "distanceField": "d"}}], docs)) == [1, 2]
    docs.append({"_id": 3, "spot": point(0, 0)})
    with pytest.raises(CloudError, match="more than one 2dsphere index"):
        run([{"$geoNear": {"near": point(0, 0), "distanceField": "d"}}], docs)


# -- through the service ---------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace.open(tmp_path / "data")
    workspace.database.import_documents("shops", [dict(s) for s in SHOPS], upsert=False, atomic=True, create=True)
    yield workspace
    workspace.close()


def test_get_document_answers_nearby_shops_in_distance_order(ws):
    """``database.getDocument`` as the SDK sends geoNear, with no index: nearest first, limit applied."""
    query = json.dumps({"loc": {"$nearSphere": {"$geometry": HOME, "$maxDistance": 5000}}})
    answer = ws.handle(Request("database.getDocument", {"collectionName": "shops", "queryType": "WHERE",
                                                        "query": query, "limit": 3}, Caller.admin("scf")))
    docs = [json.loads(doc) if isinstance(doc, str) else doc for doc in answer["list"]]
    assert ids(docs) == ["legacy", "a", "b"]
    count = ws.handle(Request("database.calculateDocument", {"collectionName": "shops", "queryType": "WHERE",
                                                             "query": query}, Caller.admin("scf")))
    assert count["total"] == 4


def test_the_console_listing_shows_a_geo_near_query_nearest_first(ws):
    """The database pane's list of every match (``browse``) keeps geoNear's order too."""
    query = {"loc": {"$nearSphere": {"$geometry": HOME, "$maxDistance": 5000}}}
    assert ids(ws.database.browse("shops", query)) == ["legacy", "a", "b", "c"]
    assert ids(ws.database.browse("shops", query, order=[("_id", 1)])) == ["a", "b", "c", "legacy"]


def test_a_boundary_belongs_to_the_polygon_and_a_hole_edge_too():
    region = polygon([[0, 0], [10, 0], [10, 10], [0, 10]], [[4, 4], [6, 4], [6, 6], [4, 6]])
    docs = [{"_id": "on the shell", "loc": point(0, 5)}, {"_id": "on the hole", "loc": point(5, 4)},
            {"_id": "in the hole", "loc": point(5, 5)}, {"_id": "a corner", "loc": point(10, 10)}]
    assert ids(find(docs, {"loc": {"$geoWithin": {"$geometry": region}}})) == ["on the shell", "on the hole",
                                                                               "a corner"]
