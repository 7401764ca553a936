"""``$geoNear``: documents with their distance from a point, nearest first (spec §3.14).

The cloud needs a geo index and finds the location field through it; wxsim has no indexes, so
it uses ``key`` if given, else the one top-level field whose values are GeoJSON (``db.Geo.*``).
The geometry is ``database/geo.py``'s, shared with the geoNear query operator: distances to a
GeoJSON ``near`` are great-circle metres on MongoDB's earth radius (6378.1 km) to the nearest
point of the stored shape; to a legacy ``[lng, lat]`` pair they are radians when ``spherical``
and plain coordinate distances otherwise (a 2d index's flat geometry, points only).
"""

from __future__ import annotations

import math
from typing import Any

from app.core.database import geo
from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import fail
from app.core.database.aggregate.joins import unknown_argument
from app.core.database.aggregate.shaping import field_path, get_plain, set_field
from app.core.database.geo_query import near_order
from app.core.database.query import compile_query
from app.core.database.values import is_number, type_name
from app.core.reasons import Reason

_OPTIONS = ("near", "distanceField", "spherical", "maxDistance", "minDistance", "query", "includeLocs", "key",
            "distanceMultiplier", "uniqueDocs")


def _near_point(value: Any) -> tuple[float, float] | None:
    """``(lng, lat)`` of ``near``: a GeoJSON point or a legacy pair."""
    if type(value) is dict and value.get("type") == "Point":
        value = value.get("coordinates")
    return geo.legacy_pair(value)


def _is_geojson(value: Any) -> bool:
    return type(value) is dict and isinstance(value.get("type"), str) and geo.stored_shape(value) is not None


def geo_near(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.geo_near_not_object", "$geoNear only takes an object as an argument, not "
                          "{type}", type=type_name(value)))
    for key in value:
        if key not in _OPTIONS:
            raise fail(unknown_argument("$geoNear", key))
    if "near" not in value:
        raise fail(Reason("aggregate.geo_near_no_near", "$geoNear requires a 'near' option as an Array"))
    center = _near_point(value["near"])
    if center is None:
        raise fail(Reason("aggregate.geo_near_bad_near", "$geoNear requires a 'near' option as an Array, or a "
                          "GeoJSON Point"))
    if type(value.get("distanceField")) is not str:
        raise fail(Reason("aggregate.geo_near_distance_field", "$geoNear requires a 'distanceField' option as a "
                          "String"))
    distance_parts = field_path(value["distanceField"], "distanceField")
    geojson = type(value["near"]) is dict and value["near"].get("type") == "Point"
    spherical = geojson or bool(value.get("spherical", False))
    # GeoJSON distances are metres; legacy spherical ones radians (MongoDB's units).
    scale = geo.EARTH_RADIUS_M if geojson else 1.0
    centre = geo.to_vec(*center)
    multiplier = _number(value, "distanceMultiplier", 1.0)
    if multiplier < 0:
        raise fail(Reason("aggregate.geo_near_multiplier", "distanceMultiplier must be nonnegative"))
    low, high = _number(value, "minDistance", 0.0), _number(value, "maxDistance", math.inf)
    if low < 0 or high < 0:
        raise fail(Reason("aggregate.geo_near_distances", "minDistance and maxDistance must be nonnegative"))
    query = value.get("query")
    if query is not None and type(query) is not dict:
        raise fail(Reason("aggregate.geo_near_query", "query must be an object, not {type}", type=type_name(query)))
    if query and near_order(query) is not None:
        raise fail(Reason("aggregate.geo_near_query_near", "$geoNear, $near, and $nearSphere are not allowed in "
                          "this context"))
    keep = compile_query(query) if query else None
    key = value.get("key")
    if key is not None and (type(key) is not str or not key):
        raise fail(Reason("aggregate.geo_near_key", "$geoNear parameter 'key' must be a non-empty string"))
    key_parts = field_path(key, "key") if key is not None else None
    locs = field_path(value["includeLocs"], "includeLocs") if "includeLocs" in value else None

    def run(docs: list, variables: dict) -> list:
        parts = key_parts or (_location_field(docs),)
        scored = []
        for doc in docs:
            if keep is not None and not keep(doc):
                continue
            location = get_plain(doc, parts)
            distance = _distance(location, center, centre, spherical) * scale
            if distance == math.inf:
                continue
            if not low <= distance <= high:
                continue
            new = dict(doc)
            set_field(new, distance_parts, distance * multiplier)
            if locs is not None:
                set_field(new, locs, location)
            scored.append((distance, new))
        scored.sort(key=lambda pair: pair[0])  # stable: equal distances keep collection order
        return [doc for _, doc in scored]

    return run


def _distance(location: Any, center: tuple[float, float], centre: geo.Vec, spherical: bool) -> float:
    """Radians (spherical) or flat units to the location's shape; inf when it is not geo."""
    if not spherical:
        point = geo.legacy_pair(location.get("coordinates") if _is_geojson(location) else location)
        return math.dist(center, point) if point is not None else math.inf
    shape = geo.stored_shape(location)
    return geo.distance(shape, centre) if shape is not None else math.inf


def _number(spec: dict, name: str, default: float) -> float:
    value = spec.get(name, default)
    if not is_number(value):
        raise fail(Reason("aggregate.geo_near_number", "{name} must be a number, not {type}", name=name,
                          type=type_name(value)))
    return float(value)


def _location_field(docs: list) -> str:
    """The one top-level field holding GeoJSON: what a single 2dsphere index would cover."""
    fields = {name for doc in docs for name, value in doc.items() if _is_geojson(value)}
    if not fields:
        raise fail(Reason("aggregate.geo_near_no_index", "$geoNear requires a 2d or 2dsphere index, but none were "
                          "found (wxsim has no indexes: it looks for a field holding db.Geo values, and found "
                          "none)"))
    if len(fields) > 1:
        raise fail(Reason("aggregate.geo_near_many_indexes", "There is more than one 2dsphere index; unsure which "
                          "to use for $geoNear (wxsim found points in {fields}: name one with 'key')",
                          fields=", ".join(sorted(fields))))
    return fields.pop()
