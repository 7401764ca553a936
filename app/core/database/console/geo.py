"""``db.Geo``: GeoJSON points, lines and polygons, validated as the SDK validates them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.database.console.runtime import (
    CallArgs, GeoShape, HostFunction, HostObject, is_number,
)

# Each shape: what it is built from, and the least number of parts it needs.
_PARTS = {
    "LineString": ("Point", 2),
    "Polygon": ("LineString", 1),
    "MultiPoint": ("Point", 1),
    "MultiLineString": ("LineString", 1),
    "MultiPolygon": ("Polygon", 1),
}


def _point(args: CallArgs) -> GeoShape:
    args.count(2)
    longitude, latitude = args.values
    for index, value in enumerate(args.values):
        if not is_number(value):
            raise args.fail("Geo Point must be number type", index)
    if abs(longitude) > 180:
        raise args.fail("longitude should be a number ranges from -180 to 180", 0)
    if abs(latitude) > 90:
        raise args.fail("latitude should be a number ranges from -90 to 90", 1)
    return GeoShape("Point", [longitude, latitude])


def _shape(kind: str) -> Callable[[CallArgs], GeoShape]:
    part, least = _PARTS[kind]

    def build(args: CallArgs) -> GeoShape:
        args.count(1)
        parts = args.get(0)
        if type(parts) is not list or not all(
            isinstance(p, GeoShape) and p.kind == part for p in parts
        ):
            raise args.fail(f"db.Geo.{kind}() takes an array of db.Geo.{part} values", 0)
        if len(parts) < least:
            raise args.fail(f"db.Geo.{kind}() needs at least {least} {part} values", 0)
        if kind == "Polygon":
            for line in parts:
                ring = line.coordinates
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise args.fail("each LineString of a Polygon must be a closed ring "
                                    "(4 or more points, the last equal to the first)", 0)
        return GeoShape(kind, [p.coordinates for p in parts])

    return build


class _Geo(HostObject):
    label = "db.Geo"
    member_kind = "type"

    def __init__(self) -> None:
        builders = {"Point": _point, **{kind: _shape(kind) for kind in _PARTS}}
        # The SDK's shapes are classes; both db.Geo.Point(…) and new db.Geo.Point(…) work.
        self._members = {
            kind: HostFunction(f"db.Geo.{kind}", build, build) for kind, build in builders.items()
        }

    def members(self) -> Mapping[str, Any]:
        return self._members


GEO = _Geo()
