"""``$bucketAuto``: documents sorted by ``groupBy`` and cut into about ``buckets`` even buckets.

MongoDB's algorithm: each bucket takes ``round(n / buckets)`` documents, then any that share
its last value; a bucket's ``max`` is the next one's ``min`` (the last keeps its own largest
value). With ``granularity`` the boundaries are rounded up to a preferred-number series (and
the first ``min`` down), absorbing the values below each rounded boundary.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import fail, whole
from app.core.database.aggregate.expressions import compile_expression
from app.core.database.aggregate.grouping import is_expression, outputs_of
from app.core.database.values import MISSING, compare_values, is_number, type_name, value_key
from app.core.reasons import Reason

# The series MongoDB uses (granularity_rounder_preferred_numbers.cpp): Renard's "least
# rounded" R-series (R40 as MongoDB lists it), 1-2-5 and the E-series.
_SERIES = {
    "R5": [10, 16, 25, 40, 63],
    "R10": [100, 125, 160, 200, 250, 315, 400, 500, 630, 800],
    "R20": [100, 112, 125, 140, 160, 180, 200, 224, 250, 280, 315, 355, 400, 450, 500, 560, 630, 710, 800,
            900],
    "R40": [100, 106, 112, 118, 125, 132, 140, 150, 160, 170, 180, 190, 200, 212, 224, 236, 250, 265, 280,
            300, 315, 355, 375, 400, 425, 450, 475, 500, 530, 560, 600, 630, 670, 710, 750, 800, 850, 900,
            950],
    "R80": [103, 109, 115, 122, 128, 136, 145, 155, 165, 175, 185, 195, 206, 218, 230, 243, 258, 272, 290,
            307, 325, 345, 365, 387, 412, 437, 462, 487, 515, 545, 575, 615, 650, 690, 730, 775, 825, 875,
            925, 975],
    "1-2-5": [10, 20, 50],
    "E6": [10, 15, 22, 33, 47, 68],
    "E12": [10, 12, 15, 18, 22, 27, 33, 39, 47, 56, 68, 82],
    "E24": [10, 11, 12, 13, 15, 16, 18, 20, 22, 24, 27, 30, 33, 36, 39, 43, 47, 51, 56, 62, 68, 75, 82, 91],
    "E48": [100, 105, 110, 115, 121, 127, 133, 140, 147, 154, 162, 169, 178, 187, 196, 205, 215, 226, 237,
            249, 261, 274, 287, 301, 316, 332, 348, 365, 383, 402, 422, 442, 464, 487, 511, 536, 562, 590,
            619, 649, 681, 715, 750, 787, 825, 866, 909, 953],
    "E96": [100, 102, 105, 107, 110, 113, 115, 118, 121, 124, 127, 130, 133, 137, 140, 143, 147, 150, 154,
            158, 162, 165, 169, 174, 178, 182, 187, 191, 196, 200, 205, 210, 215, 221, 226, 232, 237, 243,
            249, 255, 261, 267, 274, 280, 287, 294, 301, 309, 316, 324, 332, 340, 348, 357, 365, 374, 383,
            392, 402, 412, 422, 432, 442, 453, 464, 475, 487, 499, 511, 523, 536, 549, 562, 576, 590, 604,
            619, 634, 649, 665, 681, 698, 715, 732, 750, 768, 787, 806, 825, 845, 866, 887, 909, 931, 953,
            976],
    "E192": [100, 101, 102, 104, 105, 106, 107, 109, 110, 111, 113, 114, 115, 117, 118, 120, 121, 123, 124,
             126, 127, 129, 130, 132, 133, 135, 137, 138, 140, 142, 143, 145, 147, 149, 150, 152, 154, 156,
             158, 160, 162, 164, 165, 167, 169, 172, 174, 176, 178, 180, 182, 184, 187, 189, 191, 193, 196,
             198, 200, 203, 205, 208, 210, 213, 215, 218, 221, 223, 226, 229, 232, 234, 237, 240, 243, 246,
             249, 252, 255, 258, 261, 264, 267, 271, 274, 277, 280, 284, 287, 291, 294, 298, 301, 305, 309,
             312, 316, 320, 324, 328, 332, 336, 340, 344, 348, 352, 357, 361, 365, 370, 374, 379, 383, 388,
             392, 397, 402, 407, 412, 417, 422, 427, 432, 437, 442, 448, 453, 459, 464, 470, 475, 481, 487,
             493, 499, 505, 511, 517, 523, 530, 536, 542, 549, 556, 562, 569, 576, 583, 590, 597, 604, 612,
             619, 626, 634, 642, 649, 657, 665, 673, 681, 690, 698, 706, 715, 723, 732, 741, 750, 759, 768,
             777, 787, 796, 806, 816, 825, 835, 845, 856, 866, 876, 887, 898, 909, 920, 931, 942, 953, 965,
             976, 988],
}
GRANULARITIES = (*_SERIES, "POWERSOF2")


class _Rounder:
    """Rounds non-negative numbers up or down to a granularity's series (MongoDB's rules)."""

    def __init__(self, name: str) -> None:
        self.series = _SERIES.get(name)

    def _check(self, value: Any) -> float:
        if not is_number(value):
            raise fail(Reason("aggregate.rounder_not_number", "A granularity rounder can only round numeric values, "
                              "but found type: {type}", type=type_name(value)))
        if value != value:
            raise fail(Reason("aggregate.rounder_nan", "A granularity rounder cannot round NaN"))
        if value < 0:
            raise fail(Reason("aggregate.rounder_negative", "A granularity rounder can only round non-negative "
                              "numbers"))
        return float(value)

    def up(self, value: Any) -> Any:
        number = self._check(value)
        if number == 0:
            return value
        if self.series is None:
            return 2.0 ** (math.floor(math.log2(number)) + 1) if type(value) is float else 2 ** value.bit_length()
        series, scale = self.series, 1.0
        while number >= series[-1] * scale:
            scale *= 10
        while number < series[0] * scale:
            previous = series[0] * scale
            scale /= 10
            if number >= series[-1] * scale:
                return previous  # between two decades: the next decade's first value
        return series[bisect.bisect_right([s * scale for s in series], number)] * scale

    def down(self, value: Any) -> Any:
        number = self._check(value)
        if number == 0:
            return value
        if self.series is None:
            if type(value) is float:
                return 2.0 ** (math.ceil(math.log2(number)) - 1)
            power = value.bit_length() - 1
            return 2 ** (power - 1 if value == 1 << power else power)
        series, scale = self.series, 1.0
        while number <= series[0] * scale:
            scale /= 10
        while number > series[-1] * scale:
            previous = series[-1] * scale
            scale *= 10
            if number <= series[0] * scale:
                return previous
        return series[bisect.bisect_left([s * scale for s in series], number) - 1] * scale


def bucket_auto(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.bucket_auto_not_object", "The argument to $bucketAuto must be an object, but "
                          "found type: {type}", type=type_name(value)))
    for key in value:
        if key not in ("groupBy", "buckets", "output", "granularity"):
            raise fail(Reason("aggregate.bucket_auto_option", "Unrecognized option to $bucketAuto: {key}", key=key))
    if "groupBy" not in value or "buckets" not in value:
        raise fail(Reason("aggregate.bucket_auto_required", "$bucketAuto requires 'groupBy' and 'buckets' to be "
                          "specified"))
    if not is_expression(value["groupBy"]):
        raise fail(Reason("aggregate.bucket_auto_group_by", "The $bucketAuto 'groupBy' field must be defined as a "
                          "$-prefixed path or an expression object, but found: {found}", found=repr(value["groupBy"])))
    count = value["buckets"]
    if not is_number(count):
        raise fail(Reason("aggregate.buckets_not_number", "The $bucketAuto 'buckets' field must be a numeric value, "
                          "but found type: {type}", type=type_name(count)))
    if not whole(count) or not -(2**31) <= count < 2**31:
        raise fail(Reason("aggregate.buckets_int32", "The $bucketAuto 'buckets' field must be representable as a "
                          "32-bit integer, but found {count}", count=count))
    if count <= 0:
        raise fail(Reason("aggregate.buckets_positive", "The $bucketAuto 'buckets' field must be greater than 0, "
                          "but found: {count}", count=count))
    output = value.get("output", {"count": {"$sum": 1}})
    if type(output) is not dict:
        raise fail(Reason("aggregate.bucket_auto_output", "The $bucketAuto 'output' field must be an object, but "
                          "found type: {type}", type=type_name(output)))
    rounder = None
    if "granularity" in value:
        granularity = value["granularity"]
        if type(granularity) is not str:
            raise fail(Reason("aggregate.granularity_not_string", "The $bucketAuto 'granularity' field must be a "
                              "string, but found type: {type}", type=type_name(granularity)))
        if granularity not in GRANULARITIES:
            raise fail(Reason("aggregate.granularity_unknown", "Unknown rounding granularity '{granularity}'",
                              granularity=granularity))
        rounder = _Rounder(granularity)
    group_by = compile_expression(value["groupBy"])
    outputs = outputs_of(output or {"count": {"$sum": 1}})
    buckets = int(count)

    def run(docs: list, variables: dict) -> list:
        keyed = []
        for doc in docs:
            found = group_by(doc, variables)
            keyed.append((None if found is MISSING else found, doc))
        keyed.sort(key=lambda pair: value_key(pair[0]))
        return [_row(b, outputs, variables) for b in _fill(keyed, buckets, rounder)]

    return run


def _fill(keyed: list, buckets: int, rounder: _Rounder | None) -> list[dict]:
    """The buckets as ``{min, max, docs}``, filled in sorted order as MongoDB fills them."""
    size = max(1, math.floor(len(keyed) / buckets + 0.5))  # C++ std::round: halves go up
    filled: list[dict] = []
    i, n = 0, len(keyed)
    while i < n and len(filled) < buckets:
        last = len(filled) == buckets - 1
        start = i
        i = n if last else min(n, i + size)
        top = keyed[i - 1][0]
        if not last and i < n:
            if rounder is not None:
                boundary = rounder.up(top)
                while i < n and compare_values(boundary, keyed[i][0]) > 0:
                    i += 1
                top = boundary if i < n else keyed[i - 1][0]
            else:
                while i < n and compare_values(keyed[i][0], top) == 0:
                    i += 1
        current = {"min": keyed[start][0], "max": top, "docs": [doc for _, doc in keyed[start:i]]}
        if filled:
            previous = filled[-1]
            if rounder is not None:
                if previous["max"] == 0:
                    previous["max"] = rounder.down(current["min"])
                current["min"] = previous["max"]
            else:
                previous["max"] = current["min"]
        filled.append(current)
    if filled and rounder is not None:
        filled[0]["min"] = rounder.down(filled[0]["min"])
        filled[-1]["max"] = rounder.up(filled[-1]["max"])
    return filled


def _row(bucket: dict, outputs: list, variables: dict) -> dict:
    row: dict = {"_id": {"min": bucket["min"], "max": bucket["max"]}}
    for name, reduce, arg in outputs:
        row[name] = reduce([arg(doc, variables) for doc in bucket["docs"]], {})
    return row
