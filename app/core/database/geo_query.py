"""The geo query operators (spec §3.3): ``$nearSphere`` (``$near``, ``$geoNear``), ``$geoWithin``
and ``$geoIntersects``, over the shapes of ``geo.py``.

Each operator is a value test like the others in ``operators.py``: a value that is not geo
(no GeoJSON, no legacy pair) never matches. A near operator also orders the results, nearest
first, unless the query names an order (MongoDB: an explicit sort wins); ``near_order`` finds it.

wxsim needs no geo index. The cloud refuses ``geoNear`` on a field without a 2dsphere index
(``geoWithin``/``geoIntersects`` work without one, only slower); wxsim has no index management
yet, so it answers as if the index were there, and says so in the README.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from app.core.database import geo
from app.core.database.failures import invalid_command, request_failed
from app.core.database.fieldpaths import Parts, reached_values, split_path
from app.core.database.values import MISSING, is_number
from app.core.reasons import Reason

from app.core.database.geo_names import GEO_OPERATORS, NEAR  # noqa: F401 (GEO_OPERATORS is this module's too)


def geo_test(op: str, arg: Any) -> Callable[[Any], bool]:
    """The value test of one geo operator (``op`` in GEO_OPERATORS)."""
    if op in NEAR:
        near = parse_near(op, arg)
        return lambda value: near.reaches(value)
    if op == "$geoIntersects":
        shape = _geometry(op, arg, ("$geometry",))
        return lambda value: _stored(value, lambda s: geo.intersects(s, shape))
    return _within_test(op, arg)


class Near:
    """A parsed near operator: the centre and the distance window, in metres."""

    def __init__(self, centre: geo.Vec, low: float, high: float) -> None:
        self.centre, self.low, self.high = centre, low, high

    def metres(self, value: Any) -> float:
        """Metres from the centre to the value's nearest geo shape (inf when it has none)."""
        shape = geo.stored_shape(value)
        if shape is not None:
            return geo.distance(shape, self.centre) * geo.EARTH_RADIUS_M
        if type(value) is list:  # several locations in one field: the nearest counts
            return min((self.metres(item) for item in value if type(item) is not list), default=math.inf)
        return math.inf

    def reaches(self, value: Any) -> bool:
        metres = self.metres(value)
        return metres != math.inf and self.low <= metres <= self.high


def parse_near(op: str, arg: Any) -> Near:
    """``{$geometry: Point, $maxDistance?, $minDistance?}`` (what the SDK's geoNear sends)."""
    if type(arg) is not dict or "$geometry" not in arg:
        raise invalid_command(Reason("geo.near_legacy", "{op}: only the GeoJSON form {{$geometry: Point, "
                                     "$maxDistance, $minDistance}} is supported by the simulator", op=op))
    for key in arg:
        if key not in ("$geometry", "$maxDistance", "$minDistance"):
            raise request_failed(Reason("geo.near_extra_field", "geo near accepts just one argument when querying "
                                        "for a GeoJSON point. Extra field found: {field}", field=key))
    point = arg["$geometry"]
    try:
        if type(point) is not dict or point.get("type") != "Point":
            raise geo.GeoJSONError(Reason("geo.near_not_point", "$geometry must be a GeoJSON Point"))
        shape = geo.parse_geojson(point)
    except geo.GeoJSONError as problem:
        raise request_failed(Reason("geo.near_point", "invalid point in geo near query $geometry argument: "
                                    "{value} ({problem})", value=_text(point), problem=problem.reason)) from None
    low, high = _distance(arg, "$minDistance", 0.0), _distance(arg, "$maxDistance", math.inf)
    return Near(shape.points[0], low, high)


def _distance(arg: dict, name: str, default: float) -> float:
    value = arg.get(name, default)
    if value is None:
        return default
    if not is_number(value) or value != value:
        raise request_failed(Reason("geo.distance_number", "{name} must be a number", name=name))
    if value < 0:
        raise request_failed(Reason("geo.distance_negative", "{name} must be non-negative", name=name))
    return float(value)


def _within_test(op: str, arg: Any) -> Callable[[Any], bool]:
    if type(arg) is dict and len(arg) == 1 and "$centerSphere" in arg:
        centre, radius = _center_sphere(arg["$centerSphere"])
        return lambda value: _stored(value, lambda s: geo.within_cap(s, centre, radius))
    shape = _geometry(op, arg, ("$geometry", "$box", "$center", "$polygon"))
    if not shape.polygons or shape.points or shape.lines:
        raise request_failed(Reason("geo.within_shape", "{op} not supported with provided geometry: {value}",
                                    op=op, value=_text(arg["$geometry"])))
    polygons = shape.polygons
    return lambda value: _stored(value, lambda s: geo.within_polygons(s, polygons))


def _center_sphere(arg: Any) -> tuple[geo.Vec, float]:
    """``[[lng, lat], radians]``: MongoDB's checks, in its words."""
    if type(arg) is not list or len(arg) < 2:
        raise request_failed(Reason("geo.center_sphere_shape", "$centerSphere needs [[longitude, latitude], "
                                    "radius in radians], not {value}", value=_text(arg)))
    pair, radius = arg[0], arg[1]
    if type(pair) not in (list, dict) or not pair:
        raise request_failed(Reason("geo.point_shape", "Point must be an array or object"))
    items = list(pair.values()) if type(pair) is dict else pair
    if len(items) < 2 or not (is_number(items[0]) and is_number(items[1])):
        raise request_failed(Reason("geo.point_numbers", "Point must only contain numeric elements"))
    if len(items) > 2:
        raise request_failed(Reason("geo.point_two", "Point must only contain two numeric elements"))
    lng, lat = float(items[0]), float(items[1])
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise request_failed(geo.out_of_bounds(lng, lat))
    if not is_number(radius) or not radius >= 0:
        raise request_failed(Reason("geo.radius", "radius must be a non-negative number"))
    if len(arg) > 2:
        raise request_failed(Reason("geo.circle_fields", "Only 2 fields allowed for circular region"))
    return geo.to_vec(lng, lat), float(radius)


def _geometry(op: str, arg: Any, known: tuple[str, ...]) -> geo.Shape:
    """The shape of ``{$geometry: GeoJSON}``; MongoDB's errors for anything else."""
    if type(arg) is not dict or len(arg) != 1 or next(iter(arg)) not in known:
        raise request_failed(Reason("geo.specifier", "{op}: unknown geo specifier: {value}", op=op,
                                    value=_text(arg)))
    if "$geometry" not in arg:
        raise invalid_command(Reason("geo.legacy_shape", "{op}: {shape} (flat, legacy coordinates) is not supported "
                                     "by the simulator; use $geometry or $centerSphere", op=op,
                                     shape=next(iter(arg))))
    value = arg["$geometry"]
    if type(value) is not dict:
        raise request_failed(Reason("geo.geometry_object", "$geometry must be a GeoJSON object, not {value}",
                                    value=_text(value)))
    try:
        return geo.parse_geojson(value)
    except geo.GeoJSONError as problem:
        raise request_failed(Reason("geo.bad_geojson", "{op}: {problem}: {value}", op=op, problem=problem.reason,
                                    value=_text(value))) from None


def _stored(value: Any, test: Callable[[geo.Shape], bool]) -> bool:
    shape = geo.stored_shape(value)
    return shape is not None and test(shape)


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))


# -- ordering ------------------------------------------------------------------------------------


def near_order(query: Mapping[str, Any] | None) -> Callable[[dict], float] | None:
    """The distance key of the query's near operator (documents sort nearest first), or None.

    MongoDB allows one near operator, at the top level or in a top-level ``$and``; anywhere
    else (``$or``, ``$nor``, ``$not``, ``$elemMatch``) it refuses the query.
    """
    found: list[tuple[Parts, Near]] = []
    _find_near(query or {}, found, top=True)
    if not found:
        return None
    if len(found) > 1:
        raise request_failed(Reason("geo.too_many_near", "Too many geoNear expressions"))
    parts, near = found[0]
    return lambda doc: min((near.metres(v) for v in reached_values(doc, parts) if v is not MISSING),
                           default=math.inf)


def _find_near(query: Any, found: list, top: bool) -> None:
    if not isinstance(query, Mapping):
        return
    for key, spec in query.items():
        if type(key) is not str:
            continue
        if key in ("$and", "$or", "$nor") and type(spec) is list:
            for clause in spec:
                _find_near(clause, found, top and key == "$and")
        elif not key.startswith("$") and type(spec) is dict:
            for op, arg in spec.items():
                if op in NEAR:
                    if not top:
                        raise request_failed(Reason("geo.near_not_top", "GEO_NEAR must be top-level expr"))
                    found.append((split_path(key), parse_near(op, arg)))
                elif op in ("$not", "$elemMatch") and type(arg) is dict and any(k in NEAR for k in arg):
                    raise request_failed(Reason("geo.near_not_top", "GEO_NEAR must be top-level expr"))
