"""Spherical geometry for the geo queries and ``$geoNear`` (spec §3.3, §3.14): one implementation.

The cloud's geo indexes are 2dsphere, so every shape lives on a sphere: edges are great-circle
arcs, distances are great-circle distances (the haversine formula) on MongoDB's earth radius,
6378.1 km, the same radius ``$centerSphere`` radians are converted with. A polygon is the smaller
of the two regions its rings bound (as S2 normalizes a loop); a point on a boundary counts as
inside. Points are unit vectors; a ``Shape`` holds a geometry's points, lines and polygons, so a
GeoJSON value of any type (or a legacy ``[lng, lat]`` pair) is one ``Shape``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from app.core.database.values import is_number
from app.core.reasons import Reason

EARTH_RADIUS_M = 6378100.0
# Two directions closer than this (radians, about 6 mm on the earth) are the same point.
_EPS = 1e-9

Vec = tuple[float, float, float]


class GeoJSONError(ValueError):
    """A value that is not valid GeoJSON; ``reason`` says why, in MongoDB's words."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.text)
        self.reason = reason


def out_of_bounds(lng: float, lat: float) -> Reason:
    return Reason("geo.out_of_bounds", "longitude/latitude is out of bounds, lng: {lng} lat: {lat}",
                  lng=number_text(lng), lat=number_text(lat))



@dataclass
class Shape:
    """A geometry on the sphere: its points, its lines (vertex lists) and its polygons (rings,
    the first the shell and the others holes)."""

    points: list[Vec] = field(default_factory=list)
    lines: list[list[Vec]] = field(default_factory=list)
    polygons: list[list[Ring]] = field(default_factory=list)

    def vertices(self) -> list[Vec]:
        found = list(self.points)
        for line in self.lines:
            found.extend(line)
        for polygon in self.polygons:
            for ring in polygon:
                found.extend(ring)
        return found

    def edges(self) -> list[tuple[Vec, Vec]]:
        found = [(line[i], line[i + 1]) for line in self.lines for i in range(len(line) - 1)]
        for polygon in self.polygons:
            for ring in polygon:
                found.extend((ring[i - 1], ring[i]) for i in range(len(ring)))
        return found


# -- vectors -------------------------------------------------------------------------------------


def to_vec(lng: float, lat: float) -> Vec:
    lam, phi = math.radians(lng), math.radians(lat)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a: Vec) -> float:
    return math.sqrt(_dot(a, a))


def _unit(a: Vec) -> Vec:
    n = _norm(a)
    return (a[0] / n, a[1] / n, a[2] / n)


def angle(a: Vec, b: Vec) -> float:
    """The great-circle angle between two unit vectors (radians, stable for tiny angles)."""
    return math.atan2(_norm(_cross(a, b)), _dot(a, b))


def haversine(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance between two (lng, lat) points in degrees, in radians."""
    lam1, phi1, lam2, phi2 = map(math.radians, (lng1, lat1, lng2, lat2))
    h = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin((lam2 - lam1) / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(h)))


# -- arcs ----------------------------------------------------------------------------------------


def _on_arc(p: Vec, a: Vec, b: Vec) -> bool:
    return angle(a, p) + angle(p, b) - angle(a, b) <= _EPS


def arc_distance(p: Vec, a: Vec, b: Vec) -> float:
    """Angle from ``p`` to the nearest point of the arc a→b."""
    normal = _cross(a, b)
    if _norm(normal) < _EPS:
        return min(angle(p, a), angle(p, b))
    normal = _unit(normal)
    height = _dot(p, normal)
    foot = (p[0] - height * normal[0], p[1] - height * normal[1], p[2] - height * normal[2])
    if _norm(foot) > _EPS:
        foot = _unit(foot)
        if _on_arc(foot, a, b):
            return angle(p, foot)
    return min(angle(p, a), angle(p, b))


def arcs_cross(a: Vec, b: Vec, c: Vec, d: Vec, *, proper: bool = False) -> bool:
    """Whether arcs a→b and c→d share a point; ``proper``: a point inside both, not a vertex."""
    n1, n2 = _cross(a, b), _cross(c, d)
    line = _cross(n1, n2)
    if _norm(line) < _EPS:  # on one great circle (or degenerate): overlapping ends only
        if proper:
            return False
        return any(arc_distance(p, *arc) <= _EPS for p, arc in ((a, (c, d)), (b, (c, d)), (c, (a, b)), (d, (a, b))))
    x = _unit(line)
    for candidate in (x, (-x[0], -x[1], -x[2])):
        if _on_arc(candidate, a, b) and _on_arc(candidate, c, d):
            if not proper or min(angle(candidate, v) for v in (a, b, c, d)) > _EPS:
                return True
    return False


# -- polygons ------------------------------------------------------------------------------------


class Ring(list):
    """An open ring of unit vectors (the closing vertex dropped); its gnomonic projection around
    its centre, where arcs are straight lines, is made on first use and kept."""

    _plane: _Plane | None = None

    def locate(self, p: Vec) -> tuple[bool, bool]:
        """(inside by the even-odd rule, on the ring itself)."""
        if self._plane is None:
            self._plane = _Plane(self)
        return self._plane.locate(p)


class _Plane:
    def __init__(self, ring: Ring) -> None:
        total = tuple(map(sum, zip(*ring)))
        # A ring whose vertices cancel out goes round the sphere: nothing is inside it.
        self.centre = _unit(total) if _norm(total) > _EPS else None  # type: ignore[arg-type]
        if self.centre is None:
            return
        east = _cross((0.0, 0.0, 1.0), self.centre)
        self.east = _unit(east) if _norm(east) > _EPS else (0.0, 1.0, 0.0)
        self.north = _cross(self.centre, self.east)
        # Past the farthest vertex from the centre nothing is inside or on the ring.
        self.reach = min(_dot(v, self.centre) for v in ring) - _EPS
        flat = [self.project(v) for v in ring]
        self.segments = list(zip(flat, flat[1:] + flat[:1]))

    def project(self, v: Vec) -> tuple[float, float]:
        depth = max(_dot(v, self.centre), 1e-12)  # type: ignore[arg-type]
        return _dot(v, self.east) / depth, _dot(v, self.north) / depth

    def locate(self, p: Vec) -> tuple[bool, bool]:
        if self.centre is None or _dot(p, self.centre) <= max(self.reach, 0.0):
            return False, False
        x, y = self.project(p)
        # _EPS radians on the sphere, in the projection's units near p.
        tolerance = _EPS * (1 + x * x + y * y)
        inside = False
        for (x1, y1), (x2, y2) in self.segments:
            dx, dy = x2 - x1, y2 - y1
            t = ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy or 1.0)
            t = min(1.0, max(0.0, t))
            if math.hypot(x - x1 - t * dx, y - y1 - t * dy) <= tolerance:
                return True, True
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * dx / dy:
                inside = not inside
        return inside, False


def polygon_contains(polygon: list[Ring], p: Vec) -> bool:
    """In the shell (or on it) and not strictly inside a hole (a hole's edge belongs to the polygon)."""
    if not any(polygon[0].locate(p)):
        return False
    for hole in polygon[1:]:
        inside, border = hole.locate(p)
        if inside and not border:
            return False
    return True


def _on_border(polygon: list[Ring], p: Vec) -> bool:
    return any(ring.locate(p)[1] for ring in polygon)


# -- predicates ----------------------------------------------------------------------------------


def covers_point(shape: Shape, p: Vec) -> bool:
    """Whether ``p`` is one of the shape's points, on one of its lines or in one of its polygons."""
    if any((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2 <= _EPS * _EPS for q in shape.points):
        return True
    if any(arc_distance(p, line[i], line[i + 1]) <= _EPS for line in shape.lines for i in range(len(line) - 1)):
        return True
    return any(polygon_contains(polygon, p) for polygon in shape.polygons)


def intersects(a: Shape, b: Shape) -> bool:
    """``$geoIntersects``: the shapes share a point (a vertex of one in the other, or edges cross)."""
    if any(covers_point(b, v) for v in a.vertices()) or any(covers_point(a, v) for v in b.vertices()):
        return True
    b_edges = b.edges()
    return any(arcs_cross(p, q, r, s) for p, q in a.edges() for r, s in b_edges)


def within_polygons(shape: Shape, polygons: list[list[Ring]]) -> bool:
    """``$geoWithin $geometry``: each part of ``shape`` lies in one of the polygons."""
    parts = [Shape(points=[p]) for p in shape.points]
    parts += [Shape(lines=[line]) for line in shape.lines]
    parts += [Shape(polygons=[polygon]) for polygon in shape.polygons]
    return bool(parts) and all(any(_part_within(part, polygon) for polygon in polygons) for part in parts)


def _part_within(part: Shape, polygon: list[Ring]) -> bool:
    if not all(polygon_contains(polygon, v) for v in part.vertices()):
        return False
    border = Shape(polygons=[polygon]).edges()
    if any(arcs_cross(p, q, r, s, proper=True) for p, q in part.edges() for r, s in border):
        return False
    # A polygon around one of the region's holes has every vertex in the region but is not in it.
    return not any(polygon_contains(mine, v) and not _on_border(mine, v)
                   for hole in polygon[1:] for v in hole for mine in part.polygons)



def within_cap(shape: Shape, centre: Vec, radius: float) -> bool:
    """``$centerSphere``: every vertex within ``radius`` radians of ``centre`` (a cap smaller than
    a hemisphere is convex, so the arcs between them stay in it)."""
    vertices = shape.vertices()
    return bool(vertices) and all(angle(centre, v) <= radius + _EPS for v in vertices)


def distance(shape: Shape, p: Vec) -> float:
    """Radians from ``p`` to the nearest point of the shape (0 inside a polygon)."""
    if any(polygon_contains(polygon, p) for polygon in shape.polygons):
        return 0.0
    best = min((angle(p, q) for q in shape.points), default=math.inf)
    for a, b in shape.edges():
        best = min(best, arc_distance(p, a, b))
    return best


# -- reading stored values -----------------------------------------------------------------------


def legacy_pair(value: Any) -> tuple[float, float] | None:
    """``(lng, lat)`` of a legacy point: ``[lng, lat]`` or an object whose first two values are
    numbers (``{lng: 1, lat: 2}``), as MongoDB reads a stored point."""
    items = list(value.values()) if type(value) is dict else value
    if type(items) is list and len(items) >= 2 and is_number(items[0]) and is_number(items[1]):
        lng, lat = float(items[0]), float(items[1])
        if -180 <= lng <= 180 and -90 <= lat <= 90:
            return lng, lat
    return None


def stored_shape(value: Any) -> Shape | None:
    """The shape of a stored field value (GeoJSON of any type, or a legacy pair), else None:
    documents whose field is not geo are skipped, as MongoDB's geo predicates skip them."""
    if type(value) is dict and isinstance(value.get("type"), str):
        try:
            return parse_geojson(value)
        except GeoJSONError:
            return None
    pair = legacy_pair(value)
    return Shape(points=[to_vec(*pair)]) if pair is not None else None


def parse_geojson(value: dict) -> Shape:
    """A GeoJSON object as a Shape; GeoJSONError (MongoDB's words) when it is not valid GeoJSON."""
    kind, coords = value.get("type"), value.get("coordinates")
    if kind == "Point":
        return Shape(points=[_position(coords)])
    if kind == "MultiPoint":
        points = _positions(coords)
        if not points:
            raise GeoJSONError(Reason("geo.multi_point_empty", "MultiPoint coordinates must have at least 1 element"))
        return Shape(points=points)
    if kind == "LineString":
        return Shape(lines=[_line(coords)])
    if kind == "MultiLineString":
        if type(coords) is not list or not coords:
            raise GeoJSONError(Reason("geo.multi_line_empty", "MultiLineString coordinates must have at least 1 "
                                          "element"))
        return Shape(lines=[_line(line) for line in coords])
    if kind == "Polygon":
        return Shape(polygons=[_polygon(coords)])
    if kind == "MultiPolygon":
        if type(coords) is not list or not coords:
            raise GeoJSONError(Reason("geo.multi_polygon_empty", "MultiPolygon coordinates must have at least 1 "
                                          "element"))
        return Shape(polygons=[_polygon(polygon) for polygon in coords])
    if kind == "GeometryCollection":
        geometries = value.get("geometries")
        if type(geometries) is not list or not geometries or any(type(g) is not dict for g in geometries):
            raise GeoJSONError(Reason("geo.collection_shape", "GeometryCollection geometries must be an array of "
                                          "objects"))
        shape = Shape()
        for part in map(parse_geojson, geometries):
            shape.points += part.points
            shape.lines += part.lines
            shape.polygons += part.polygons
        return shape
    raise GeoJSONError(Reason("geo.unknown_type", "unknown GeoJSON type: {kind}", kind=kind))


def _position(coords: Any) -> Vec:
    if type(coords) is not list or len(coords) < 2 or not (is_number(coords[0]) and is_number(coords[1])):
        raise GeoJSONError(Reason("geo.point_numbers", "Point must only contain numeric elements"))
    lng, lat = float(coords[0]), float(coords[1])
    if not (math.isfinite(lng) and math.isfinite(lat)):
        raise GeoJSONError(Reason("geo.point_finite", "Point coordinates must be finite numbers"))
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise GeoJSONError(out_of_bounds(lng, lat))
    return to_vec(lng, lat)


def _positions(coords: Any) -> list[Vec]:
    if type(coords) is not list:
        raise GeoJSONError(Reason("geo.coordinates_array", "GeoJSON coordinates must be an array of coordinates"))
    return [_position(c) for c in coords]


def _dedupe(vertices: list[Vec]) -> list[Vec]:
    return [v for i, v in enumerate(vertices) if i == 0 or angle(v, vertices[i - 1]) > _EPS]


def _line(coords: Any) -> list[Vec]:
    vertices = _dedupe(_positions(coords))
    if len(vertices) < 2:
        raise GeoJSONError(Reason("geo.line_two", "GeoJSON LineString must have at least 2 vertices"))
    return vertices


def _polygon(coords: Any) -> list[Ring]:
    if type(coords) is not list or not coords:
        raise GeoJSONError(Reason("geo.polygon_loops", "Polygon coordinates must be an array of loops"))
    rings = []
    for loop in coords:
        vertices = _positions(loop)
        if not vertices:
            raise GeoJSONError(Reason("geo.loop_empty", "Loop has no vertices"))
        if angle(vertices[0], vertices[-1]) > _EPS:
            raise GeoJSONError(Reason("geo.loop_open", "Loop is not closed"))
        ring = Ring(_dedupe(vertices)[:-1])
        if len(ring) < 3:
            raise GeoJSONError(Reason("geo.loop_three", "Loop must have at least 3 different vertices"))
        rings.append(ring)
    return rings


def number_text(x: float) -> str:
    """A number as MongoDB prints it in messages: ``200``, ``1.5``."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))
