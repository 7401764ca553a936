"""The expression operators of ``db.command.aggregate`` one by one (MongoDB's documented rules).

Each row evaluates one expression against ``DOC`` and states the value (``MISSING``: the field
is left out) or the error it must raise. Edge cases ride along: missing and null operands,
type mixes (true is not 1), Chinese text in byte and code point operators.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from app.core.database.aggregate.core import current_variables, variables_in_scope
from app.core.database.aggregate.expressions import compile_expression, referenced_fields
from app.core.database.values import MISSING
from app.core.errors import CloudError

WHEN = datetime(2024, 3, 5, 23, 30, 15, 250000, tzinfo=timezone.utc)  # a Tuesday, in UTC
DOC = {
    "_id": 1, "a": 5, "b": 2, "f": 2.5, "neg": -7, "zero": 0, "nil": None, "t": True, "s": "Hello 世界",
    "arr": [1, 2, 3], "empty": [], "words": ["b", "a", "b"], "objs": [{"x": 1}, {"x": 2}, 3, {"y": 0}],
    "o": {"k": 1, "n": {"m": 2}}, "d": WHEN, "day": "2024-03-05", "nested": [[1, 2], [3]],
}

VALUES = [
    # field paths and literals
    ("$a", 5), ("$o.n.m", 2), ("$nope", MISSING), ("$objs.x", [1, 2]), ("$nested", [[1, 2], [3]]),
    ("$arr.0", []), ("$$ROOT.a", 5), ("$$CURRENT.o.k", 1), ("$$REMOVE", MISSING), ("plain", "plain"),
    ({"$literal": "$a"}, "$a"), ({"$literal": {"$add": 1}}, {"$add": 1}), (["$a", "$nope"], [5, None]),
    ({"x": "$a", "y": "$nope"}, {"x": 5}), ({}, {}),
    # arithmetic: null and missing give null; ints stay ints
    ({"$add": ["$a", "$b", 1]}, 8), ({"$add": ["$a", "$nil"]}, None), ({"$add": ["$a", "$nope"]}, None),
    ({"$add": ["$d", 1000]}, datetime(2024, 3, 5, 23, 30, 16, 250000, tzinfo=timezone.utc)),
    ({"$subtract": ["$d", {"$add": ["$d", -60000]}]}, 60000), ({"$subtract": ["$a", 7.5]}, -2.5),
    ({"$multiply": ["$a", "$f"]}, 12.5), ({"$divide": ["$a", "$b"]}, 2.5), ({"$mod": ["$neg", 3]}, -1),
    ({"$mod": [7.5, 2]}, 1.5), ({"$abs": "$neg"}, 7), ({"$ceil": 2.1}, 3.0), ({"$floor": -2.1}, -3.0),
    ({"$ceil": "$a"}, 5), ({"$trunc": [-2.7]}, -2.0), ({"$trunc": [3.789, 2]}, 3.78), ({"$trunc": [1234, -2]}, 1200),
    ({"$round": [2.5]}, 2.0), ({"$round": [3.5]}, 4.0), ({"$round": [1.2345, 2]}, 1.23), ({"$sqrt": 16}, 4.0),
    ({"$pow": [2, 10]}, 1024), ({"$pow": [2, -1]}, 0.5), ({"$pow": [10, 40]}, 1e40), ({"$exp": 0}, 1.0),
    ({"$ln": 1}, 0.0), ({"$log10": 1000}, 3.0), ({"$log": [8, 2]}, 3.0), ({"$abs": "$nil"}, None),
    ({"$multiply": [2**62, 4]}, float(2**64)),
    # comparison: BSON order across types, missing below null, true is not 1
    ({"$eq": ["$a", 5.0]}, True), ({"$eq": ["$t", 1]}, False), ({"$eq": ["$nope", None]}, False),
    ({"$eq": ["$nope", "$alsoNope"]}, True), ({"$ne": ["$a", 4]}, True), ({"$gt": ["$s", 100]}, True),
    ({"$lt": ["$nil", 0]}, True), ({"$lt": ["$nope", None]}, True), ({"$gte": ["$t", "$s"]}, True),
    ({"$cmp": ["$a", 7]}, -1), ({"$cmp": ["$o", {"k": 1, "n": {"m": 2}}]}, 0), ({"$lte": ["$d", "$d"]}, True),
    # boolean: 0, null, missing and false are false; everything else true ([] too)
    ({"$and": ["$a", "$empty"]}, True), ({"$and": ["$a", "$zero"]}, False), ({"$or": ["$nil", "$nope"]}, False),
    ({"$or": [0, "$s"]}, True), ({"$not": ["$zero"]}, True), ({"$not": [[]]}, False), ({"$and": []}, True),
    # conditionals
    ({"$cond": {"if": {"$gt": ["$a", 3]}, "then": "big", "else": "small"}}, "big"),
    ({"$cond": ["$nil", 1, 2]}, 2), ({"$ifNull": ["$nil", "fallback"]}, "fallback"),
    ({"$ifNull": ["$nope", "$alsoNope", "last"]}, "last"), ({"$ifNull": ["$zero", 9]}, 0),
    ({"$switch": {"branches": [{"case": {"$lt": ["$a", 0]}, "then": "neg"},
                               {"case": {"$gt": ["$a", 0]}, "then": "pos"}], "default": "zero"}}, "pos"),
    ({"$switch": {"branches": [{"case": False, "then": 1}], "default": "$b"}}, 2),
    # arrays
    ({"$arrayElemAt": ["$arr", -1]}, 3), ({"$arrayElemAt": ["$arr", 5]}, MISSING), ({"$arrayElemAt": ["$nil", 0]}, None),
    ({"$first": "$arr"}, 1), ({"$last": "$arr"}, 3), ({"$first": "$empty"}, MISSING), ({"$first": "$nope"}, None),
    ({"$concatArrays": ["$arr", [4], "$empty"]}, [1, 2, 3, 4]), ({"$concatArrays": ["$arr", "$nope"]}, None),
    ({"$filter": {"input": "$arr", "as": "n", "cond": {"$gte": ["$$n", 2]}}}, [2, 3]),
    ({"$filter": {"input": "$arr", "cond": {"$gte": ["$$this", 1]}, "limit": 2}}, [1, 2]),
    ({"$filter": {"input": "$nope", "cond": True}}, None),
    ({"$map": {"input": "$arr", "as": "n", "in": {"$add": ["$$n", "$a"]}}}, [6, 7, 8]),
    ({"$map": {"input": "$objs", "in": "$$this.x"}}, [1, 2, None, None]),
    ({"$reduce": {"input": "$words", "initialValue": "", "in": {"$concat": ["$$value", "$$this"]}}}, "bab"),
    ({"$reduce": {"input": "$empty", "initialValue": 7, "in": 0}}, 7),
    ({"$in": [2, "$arr"]}, True), ({"$in": [2.0, "$arr"]}, True), ({"$in": [True, [1]]}, False),
    ({"$indexOfArray": ["$words", "b"]}, 0), ({"$indexOfArray": ["$words", "b", 1]}, 2),
    ({"$indexOfArray": ["$words", "z"]}, -1), ({"$indexOfArray": ["$nil", "b"]}, None),
    ({"$isArray": ["$arr"]}, True), ({"$isArray": "$s"}, False), ({"$isArray": [[1, 2]]}, True),
    ({"$range": [0, 10, 4]}, [0, 4, 8]), ({"$range": [5, 0, -2]}, [5, 3, 1]), ({"$range": [0, 0]}, []),
    ({"$reverseArray": "$arr"}, [3, 2, 1]), ({"$reverseArray": "$nope"}, None), ({"$size": "$empty"}, 0),
    ({"$slice": ["$arr", 2]}, [1, 2]), ({"$slice": ["$arr", -2]}, [2, 3]), ({"$slice": ["$arr", 1, 5]}, [2, 3]),
    ({"$slice": ["$arr", -5, 2]}, [1, 2]), ({"$slice": ["$nope", 1]}, None),
    ({"$zip": {"inputs": ["$arr", "$words"]}}, [[1, "b"], [2, "a"], [3, "b"]]),
    ({"$zip": {"inputs": [[1, 2], ["x"]], "useLongestLength": True, "defaults": [0, "?"]}}, [[1, "x"], [2, "?"]]),
    ({"$zip": {"inputs": ["$arr", "$nil"]}}, None),
    # objects
    ({"$mergeObjects": ["$o", {"k": 9, "z": 1}, "$nil", "$nope"]}, {"k": 9, "n": {"m": 2}, "z": 1}),
    ({"$objectToArray": "$o"}, [{"k": "k", "v": 1}, {"k": "n", "v": {"m": 2}}]), ({"$objectToArray": "$nil"}, None),
    ({"$arrayToObject": [[["a", 1], ["b", 2], ["a", 3]]]}, {"a": 3, "b": 2}),
    ({"$arrayToObject": [[{"k": "x", "v": 1}]]}, {"x": 1}), ({"$arrayToObject": "$nope"}, None),
    # sets: BSON equality, first-seen order
    ({"$setUnion": ["$words", ["c"]]}, ["b", "a", "c"]), ({"$setIntersection": ["$arr", [3, 2.0, 9]]}, [2, 3]),
    ({"$setDifference": ["$arr", [2]]}, [1, 3]), ({"$setEquals": ["$words", ["a", "b"]]}, True),
    ({"$setIsSubset": [["a"], "$words"]}, True), ({"$setUnion": ["$arr", "$nil"]}, None),
    ({"$setIntersection": [[1, True], [True]]}, [True]), ({"$allElementsTrue": [[1, "x", []]]}, True),
    ({"$allElementsTrue": [[1, 0]]}, False), ({"$anyElementTrue": [[0, None, False]]}, False),
    ({"$anyElementTrue": [[]]}, False),
    # strings: bytes count UTF-8 (世 is 3 bytes), CP counts characters
    ({"$concat": ["$s", "!", ""]}, "Hello 世界!"), ({"$concat": ["$s", "$nil"]}, None),
    ({"$strLenBytes": "$s"}, 12), ({"$strLenCP": "$s"}, 8), ({"$indexOfBytes": ["$s", "界"]}, 9),
    ({"$indexOfCP": ["$s", "界"]}, 7), ({"$indexOfCP": ["$s", "l", 3]}, 3), ({"$indexOfCP": ["$s", "l", 9]}, -1),
    ({"$indexOfBytes": ["$nope", "x"]}, None), ({"$split": ["a-b--c", "-"]}, ["a", "b", "", "c"]),
    ({"$split": ["$nil", "-"]}, None), ({"$strcasecmp": ["abc", "ABD"]}, -1), ({"$strcasecmp": ["$nil", ""]}, 0),
    ({"$substr": ["$s", 6, 3]}, "世"), ({"$substrBytes": ["$s", 0, -1]}, "Hello 世界"), ({"$substr": ["$s", 99, 2]}, ""),
    ({"$substrCP": ["$s", 6, 2]}, "世界"), ({"$substr": ["$a", 0, 1]}, "5"), ({"$substr": ["$nil", 0, 1]}, ""),
    ({"$toLower": "$s"}, "hello 世界"), ({"$toUpper": "ÄbC"}, "ÄBC"), ({"$toUpper": "$nope"}, ""),
    ({"$toLower": 1.5}, "1.5"), ({"$trim": {"input": "  x \u3000"}}, "x"), ({"$ltrim": {"input": "xxy", "chars": "x"}}, "y"),
    ({"$rtrim": {"input": "$nil"}}, None),
    # type
    ({"$type": "$a"}, "int"), ({"$type": "$f"}, "double"), ({"$type": "$nope"}, "missing"), ({"$type": "$nil"}, "null"),
    ({"$type": "$t"}, "bool"), ({"$type": "$d"}, "date"), ({"$type": 2**40}, "long"), ({"$isNumber": "$t"}, False),
    ({"$toString": "$a"}, "5"), ({"$toString": 2.0}, "2"), ({"$toString": "$t"}, "true"),
    ({"$toString": "$d"}, "2024-03-05T23:30:15.250Z"), ({"$toInt": "42"}, 42), ({"$toInt": 2.9}, 2),
    ({"$toDouble": "$t"}, 1.0), ({"$toBool": 0}, False), ({"$toBool": ""}, True), ({"$toLong": "$d"}, 1709681415250),
    ({"$toDate": 0}, datetime(1970, 1, 1, tzinfo=timezone.utc)), ({"$toInt": "$nope"}, None),
    ({"$convert": {"input": "abc", "to": "int", "onError": -1}}, -1), ({"$convert": {"input": "$nil", "to": "int",
                                                                                   "onNull": 0}}, 0),
    ({"$convert": {"input": "7", "to": 16}}, 7),
    # accumulators as expressions: one array operand is read element-wise
    ({"$sum": "$arr"}, 6), ({"$sum": ["$a", "$b", "$s"]}, 7), ({"$sum": "$nope"}, 0), ({"$sum": [[1, 2], 3]}, 3),
    ({"$avg": "$arr"}, 2.0), ({"$avg": "$empty"}, None), ({"$max": "$arr"}, 3), ({"$min": ["$a", "$nil", "$b"]}, 2),
    ({"$max": ["$s", "$a", "$t"]}, True), ({"$stdDevPop": [1, 3]}, 1.0), ({"$stdDevSamp": [5]}, None),
    # variables
    ({"$let": {"vars": {"x": "$a", "y": 10}, "in": {"$multiply": ["$$x", "$$y"]}}}, 50),
    ({"$let": {"vars": {"x": 1}, "in": {"$let": {"vars": {"x": 2, "y": "$$x"}, "in": "$$y"}}}}, 1),
    ({"$let": {"vars": {"v": "$o"}, "in": "$$v.n.m"}}, 2),
]


@pytest.mark.parametrize("spec, expected", VALUES, ids=[str(i) for i in range(len(VALUES))])
def test_operator_value(spec, expected):
    got = compile_expression(spec)(DOC, {})
    if isinstance(expected, float) and isinstance(got, float):
        assert math.isclose(got, expected, rel_tol=1e-12)
    else:
        assert got == expected
        assert type(got) is type(expected), f"{got!r} should be {type(expected).__name__}"


ERRORS = [
    ({"$add": ["$a", "$s"]}, -502001, "$add only supports numeric or date types, not string"),
    ({"$add": ["$d", "$d"]}, -502001, "only one date allowed in an $add expression"),
    ({"$subtract": [1, "$d"]}, -502001, "can't $subtract a date from a int"),
    ({"$divide": ["$a", "$zero"]}, -502001, "can't $divide by zero"),
    ({"$mod": ["$a", 0]}, -502001, "can't $mod by zero"),
    ({"$abs": "$s"}, -502001, "$abs only supports numeric types, not string"),
    ({"$ln": 0}, -502001, "$ln's argument must be a positive number, but 0"),
    ({"$sqrt": -1}, -502001, "$sqrt's argument must be greater than or equal to 0"),
    ({"$log": [8, 1]}, -502001, "$log's base must be a positive number not equal to 1"),
    ({"$pow": [0, -1]}, -502001, "$pow cannot take a base of 0 and a negative exponent"),
    ({"$trunc": [1.5, 200]}, -502001, "precision value 200 value must be in [-20, 100]"),
    ({"$eq": ["$a"]}, -502001, "Expression $eq takes exactly 2 arguments. 1 were passed in."),
    ({"$cond": {"if": True, "then": 1}}, -502001, "Missing 'else' parameter to $cond"),
    ({"$switch": {"branches": [{"case": False, "then": 1}]}}, -502001, "$switch could not find a matching branch"),
    ({"$size": "$nope"}, -502001, "The argument to $size must be an array. Type of argument is missing"),
    ({"$in": [1, "$s"]}, -502001, "$in requires an array as a second argument, found: string"),
    ({"$arrayElemAt": ["$arr", 1.5]}, -502001, "must be representable as a 32-bit integer"),
    ({"$first": "$s"}, -502001, "$first's argument must be an array, but is string"),
    ({"$map": {"input": "$s", "in": 1}}, -502001, "input to $map must be an array not string"),
    ({"$range": [0, 3, 0]}, -502001, "$range requires a non-zero step value"),
    ({"$range": [0, 10_000_000]}, -502001, "more than the 1000000 wxsim allows"),
    ({"$concatArrays": ["$arr", "$s"]}, -502001, "$concatArrays only supports arrays, not string"),
    ({"$zip": {"inputs": ["$arr"], "defaults": [1]}}, -502001, "cannot specify defaults unless useLongestLength"),
    ({"$mergeObjects": ["$o", 5]}, -502001, "$mergeObjects requires object inputs, but input 5 is of type int"),
    ({"$arrayToObject": [[["a"]]]}, -502001, "requires an array of size 2 arrays"),
    ({"$setEquals": ["$arr", "$nope"]}, -502001, "All operands of $setEquals must be arrays"),
    ({"$concat": ["$s", 1]}, -502001, "$concat only supports strings, not int"),
    ({"$split": ["$s", ""]}, -502001, "$split requires a non-empty separator"),
    ({"$strLenCP": "$nope"}, -502001, "$strLenCP requires a string argument, found: missing"),
    ({"$substrBytes": ["$s", 7, 1]}, -502001, "starting index is a UTF-8 continuation byte"),
    ({"$substrBytes": ["$s", 6, 1]}, -502001, "ending index is in the middle of a UTF-8 character"),
    ({"$substrCP": ["$s", -1, 1]}, -502001, "the starting index must be nonnegative integer"),
    ({"$toUpper": "$arr"}, -502001, "can't convert from BSON type array to String"),
    ({"$toInt": "abc"}, -502001, "Failed to parse number 'abc' in $convert"),
    ({"$toInt": 2**40}, -502001, "Conversion would overflow target type"),
    ({"$toDate": "$t"}, -502001, "Unsupported conversion from bool to date"),
    ({"$year": "$s"}, -502001, "can't convert from BSON type string to Date"),
    ({"$year": {"date": "$d", "timezone": "Mars/Olympus"}}, -502001, 'unrecognized time zone identifier: "Mars/Olympus"'),
    ({"$dateToString": {"date": "$d", "format": "%Q"}}, -502001, "Invalid format character '%Q' in format string"),
    ({"$dateFromString": {"dateString": "not a date"}}, -502001, "Error parsing date string 'not a date'"),
    ({"$dateFromString": {"dateString": "2024-01-01T00:00:00Z", "timezone": "Asia/Shanghai"}}, -502001,
     "cannot pass in a date/time string with GMT offset together with a timezone argument"),
    ({"$dateFromParts": {"year": 2024, "isoWeek": 3}}, -502001, "does not allow mixing natural dates with ISO dates"),
    ({"$dateFromParts": {"month": 1}}, -502001, "requires either 'year' or 'isoWeekYear' to be present"),
    ({"$let": {"vars": {"Up": 1}, "in": 1}}, -502001, "'Up' starts with an invalid character for a user variable name"),
    ("$$undefinedVar", -502001, "Use of undefined variable: undefinedVar"),
    ({"$add": [1], "$sub": [2]}, -502001, "an expression specification must contain exactly one field"),
    ({"$nosuchop": 1}, -502002, "Unrecognized expression '$nosuchop'"),
    ({"$push": "$a"}, -502002, "Unrecognized expression '$push'"),
    ({"$meta": "textScore"}, -502002, "$meta is not supported by wxsim"),
    ("$", -502001, "'$' by itself is not a valid FieldPath"),
    ("$a..b", -502001, "FieldPath field names may not be empty strings"),
]


@pytest.mark.parametrize("spec, code, message", ERRORS, ids=[m[:40] for _, _, m in ERRORS])
def test_operator_error(spec, code, message):
    with pytest.raises(CloudError) as failed:
        compile_expression(spec)(DOC, {})
    assert failed.value.code == code
    assert message in failed.value.detail


# -- dates, across time zones ------------------------------------------------------------------

ZONED = [
    ("$year", "UTC", 2024), ("$dayOfMonth", "UTC", 5), ("$dayOfMonth", "Asia/Shanghai", 6),
    ("$hour", "UTC", 23), ("$hour", "+08:00", 7), ("$hour", "+0800", 7), ("$hour", "+08", 7),
    ("$hour", "-05:30", 18), ("$minute", "-05:30", 0), ("$hour", "America/New_York", 18),
    ("$dayOfWeek", "UTC", 3), ("$dayOfWeek", "Asia/Shanghai", 4), ("$isoDayOfWeek", "UTC", 2),
    ("$dayOfYear", "UTC", 65), ("$week", "UTC", 9), ("$isoWeek", "UTC", 10), ("$isoWeekYear", "UTC", 2024),
    ("$second", "UTC", 15), ("$millisecond", "UTC", 250), ("$month", "Pacific/Kiritimati", 3),
]


@pytest.mark.parametrize("operator, zone, expected", ZONED)
def test_date_parts_in_time_zones(operator, zone, expected):
    assert compile_expression({operator: {"date": "$d", "timezone": zone}})(DOC, {}) == expected


def test_date_part_operand_forms_and_nulls():
    assert compile_expression({"$year": "$d"})(DOC, {}) == 2024
    assert compile_expression({"$year": ["$d"]})(DOC, {}) == 2024
    assert compile_expression({"$year": "$nope"})(DOC, {}) is None
    assert compile_expression({"$year": {"date": "$d", "timezone": "$nil"}})(DOC, {}) is None


def test_new_year_eve_is_next_year_in_shanghai_and_iso_week_year_differs():
    doc = {"d": datetime(2024, 12, 31, 16, 30, tzinfo=timezone.utc)}
    year = compile_expression({"$year": {"date": "$d", "timezone": "Asia/Shanghai"}})
    assert (compile_expression({"$year": "$d"})(doc, {}), year(doc, {})) == (2024, 2025)
    assert compile_expression({"$isoWeekYear": "$d"})(doc, {}) == 2025  # 2024-12-31 is ISO week 1 of 2025
    assert compile_expression({"$week": "$d"})(doc, {}) == 52


def test_daylight_saving_time_shifts_the_offset():
    winter = {"d": datetime(2024, 1, 15, 12, tzinfo=timezone.utc)}
    summer = {"d": datetime(2024, 7, 15, 12, tzinfo=timezone.utc)}
    hour = compile_expression({"$hour": {"date": "$d", "timezone": "Europe/Berlin"}})
    assert (hour(winter, {}), hour(summer, {})) == (13, 14)


DATE_STRINGS = [
    ({"date": "$d"}, "2024-03-05T23:30:15.250Z"),
    ({"date": "$d", "timezone": "Asia/Shanghai"}, "2024-03-06T07:30:15.250"),  # no Z off UTC
    ({"date": "$d", "timezone": "+00:00"}, "2024-03-05T23:30:15.250Z"),
    ({"date": "$d", "format": "%Y/%m/%d %H:%M:%S.%L"}, "2024/03/05 23:30:15.250"),
    ({"date": "$d", "format": "%d %j %u %U %V %G %%", "timezone": "Asia/Shanghai"}, "06 066 3 09 10 2024 %"),
    ({"date": "$d", "format": "%z %Z", "timezone": "Asia/Kolkata"}, "+0530 +330"),
    ({"date": "$d", "format": "%z %Z", "timezone": "America/New_York"}, "-0500 -300"),
    ({"date": "$nope", "onNull": "no date"}, "no date"),
    ({"date": "$nil"}, None),
]


@pytest.mark.parametrize("spec, expected", DATE_STRINGS)
def test_date_to_string(spec, expected):
    assert compile_expression({"$dateToString": spec})(DOC, {}) == expected


def test_date_to_string_defaults_to_utc_as_the_sdk_docs_say():
    """Spec §3.14: a date made at local midnight in UTC+8 prints the day before by default."""
    doc = {"d": datetime(1999, 12, 11, 16, tzinfo=timezone.utc)}  # new Date('1999/12/12') in UTC+8
    assert compile_expression({"$dateToString": {"date": "$d", "format": "%Y-%m-%d"}})(doc, {}) == "1999-12-11"


FROM_STRINGS = [
    ({"dateString": "2024-03-05"}, datetime(2024, 3, 5, tzinfo=timezone.utc)),
    ({"dateString": "2024-03-05T10:20:30.5"}, datetime(2024, 3, 5, 10, 20, 30, 500000, tzinfo=timezone.utc)),
    ({"dateString": "2024-03-05 10:20:30+08:00"}, datetime(2024, 3, 5, 2, 20, 30, tzinfo=timezone.utc)),
    ({"dateString": "1999/12/12"}, datetime(1999, 12, 12, tzinfo=timezone.utc)),
    ({"dateString": "2024-03-05T10:00", "timezone": "Asia/Shanghai"}, datetime(2024, 3, 5, 2, tzinfo=timezone.utc)),
    ({"dateString": "05/03/2024 08", "format": "%d/%m/%Y %H"}, datetime(2024, 3, 5, 8, tzinfo=timezone.utc)),
    ({"dateString": "2024-066", "format": "%Y-%j"}, datetime(2024, 3, 6, tzinfo=timezone.utc)),
    ({"dateString": "2024-W10-2", "format": "%G-W%V-%u"}, datetime(2024, 3, 5, tzinfo=timezone.utc)),
    ({"dateString": "bad", "onError": "oops"}, "oops"),
    ({"dateString": "$nope", "onNull": 0}, 0),
]


@pytest.mark.parametrize("spec, expected", FROM_STRINGS)
def test_date_from_string(spec, expected):
    assert compile_expression({"$dateFromString": spec})(DOC, {}) == expected


FROM_PARTS = [
    ({"year": 2024}, datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ({"year": 2024, "month": 2, "day": 30}, datetime(2024, 3, 1, tzinfo=timezone.utc)),  # carries over
    ({"year": 2024, "month": 14, "day": 1, "hour": -1}, datetime(2025, 1, 31, 23, tzinfo=timezone.utc)),
    ({"year": 2024, "month": 3, "day": 6, "timezone": "Asia/Shanghai"}, datetime(2024, 3, 5, 16, tzinfo=timezone.utc)),
    ({"year": 2024, "millisecond": 1500}, datetime(2024, 1, 1, 0, 0, 1, 500000, tzinfo=timezone.utc)),
    ({"isoWeekYear": 2025, "isoWeek": 1, "isoDayOfWeek": 2}, datetime(2024, 12, 31, tzinfo=timezone.utc)),
    ({"year": 2024, "month": "$nil"}, None),
]


@pytest.mark.parametrize("spec, expected", FROM_PARTS)
def test_date_from_parts(spec, expected):
    assert compile_expression({"$dateFromParts": spec})(DOC, {}) == expected


def test_now_is_one_instant_for_the_whole_pipeline():
    moment = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert compile_expression({"$year": "$$NOW"})({}, {"NOW": moment}) == 2030
    assert isinstance(compile_expression("$$NOW")({}, {}), datetime)


def test_sums_are_exact_and_keep_integers_exact():
    assert compile_expression({"$sum": [0.1, 0.2, 0.3]})({}, {}) == 0.6  # naive addition gives 0.6000000000000001
    assert compile_expression({"$sum": [2**53, 1]})({}, {}) == 2**53 + 1
    assert compile_expression({"$sum": [1e308, 1e308]})({}, {}) == math.inf


def test_variables_in_scope_reach_query_expr():
    """`$expr` in a $lookup pipeline's $match reads the lookup's `let` through the scope."""
    from app.core.database.query import compile_query

    match = compile_query({"$expr": {"$eq": ["$a", "$$wanted"]}})
    with variables_in_scope({"wanted": 5}):
        assert match({"a": 5}) and not match({"a": 6})
    assert current_variables() == {}


def test_referenced_fields():
    assert referenced_fields({"$add": ["$a.b", "$c", {"$literal": "$d"}]}) == {"a", "c"}
    assert referenced_fields({"x": "$$this.y", "r": "$$ROOT"}) is None
    assert referenced_fields([1, "text"]) == set()
