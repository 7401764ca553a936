"""Each pipeline stage on the engine (``compile_pipeline(...).run(docs)``), MongoDB's rules.

Edge cases per stage: empty input, missing fields, type mixes, arrays where scalars are
expected, and the errors, which name the stage (``$group (stage 2): …``).
"""

from __future__ import annotations

import copy
import random

import pytest

from app.core.database.aggregate.pipeline import Context, compile_pipeline, referenced_collections
from app.core.errors import CloudError


def run(pipeline: list, docs: list, collections: dict | None = None, seed: int = 1) -> list:
    context = Context(documents=lambda name: (collections or {}).get(name, []), rng=random.Random(seed))
    return compile_pipeline(pipeline, context).run(docs)


def fails(pipeline: list, docs: list, collections: dict | None = None) -> CloudError:
    with pytest.raises(CloudError) as failed:
        run(pipeline, docs, collections)
    return failed.value


MIXED = [
    {"_id": 1, "v": 3}, {"_id": 2, "v": "a"}, {"_id": 3, "v": None}, {"_id": 4},
    {"_id": 5, "v": True}, {"_id": 6, "v": 1.5}, {"_id": 7, "v": [0, 9]}, {"_id": 8, "v": {"x": 1}},
]


# -- $match -------------------------------------------------------------------------------------


def test_match_uses_the_query_engine():
    docs = [{"_id": 1, "a": [1, 5]}, {"_id": 2, "a": 3}, {"_id": 3}, {"_id": 4, "a": None}]
    assert [d["_id"] for d in run([{"$match": {"a": {"$gt": 4}}}], docs)] == [1]
    assert [d["_id"] for d in run([{"$match": {"a": None}}], docs)] == [3, 4]
    assert [d["_id"] for d in run([{"$match": {"$expr": {"$lt": ["$a", 4]}}}], docs)] == [2, 3, 4]
    assert run([{"$match": {"a": 1}}], []) == []


def test_match_refuses_what_mongodb_refuses():
    assert "$where is not allowed" in fails([{"$match": {"$where": "1"}}], []).detail
    assert fails([{"$match": {"$text": {"$search": "x"}}}], []).code == -502002
    assert "the match filter must be an expression in an object" in fails([{"$match": []}], []).detail


# -- $project / $addFields / $replaceRoot ---------------------------------------------------


ARTICLE = {"_id": 666, "title": "T", "isbn": "9", "stop": {"a": 1, "b": 2}, "list": [{"a": 1, "b": 2}, 7, [{"a": 3}]]}


@pytest.mark.parametrize("spec, expected", [
    ({"title": 1}, {"_id": 666, "title": "T"}),
    ({"_id": 0, "title": True}, {"title": "T"}),
    ({"_id": 1}, {"_id": 666}),
    ({"_id": 0}, {"title": "T", "isbn": "9", "stop": {"a": 1, "b": 2}, "list": [{"a": 1, "b": 2}, 7, [{"a": 3}]]}),
    ({"isbn": 0, "stop.a": 0, "list": 0}, {"_id": 666, "title": "T", "stop": {"b": 2}}),
    ({"stop.b": 1, "list.a": 1}, {"_id": 666, "stop": {"b": 2}, "list": [{"a": 1}, [{"a": 3}]]}),
    ({"stop": {"b": 1}}, {"_id": 666, "stop": {"b": 2}}),
    ({"t": "$title", "n": {"$add": ["$stop.a", 1]}, "gone": "$nope"}, {"_id": 666, "t": "T", "n": 2}),
    ({"stop.c": {"$literal": 3}}, {"_id": 666, "stop": {"c": 3}}),
    ({"nope.c": "$title"}, {"_id": 666, "nope": {"c": "T"}}),
    ({"list.z": "$title"}, {"_id": 666, "list": [{"z": "T"}, {"z": "T"}, [{"z": "T"}]]}),
    ({"lit": "text", "arr": ["$title", 1]}, {"_id": 666, "lit": "text", "arr": ["T", 1]}),
])
def test_project(spec, expected):
    assert run([{"$project": spec}], [ARTICLE]) == [expected]


@pytest.mark.parametrize("spec, message", [
    ({}, "projection specification must have at least one field"),
    ({"a": 1, "b": 0}, "Cannot do exclusion on field b in inclusion projection"),
    ({"a": 0, "b": "$x"}, "Cannot use expression other than $meta in exclusion projection"),
    ({"a": {}}, "An empty sub-projection is not a valid value"),
    ({"a": 1, "a.b": 1}, "Path collision at a.b"),
    ({"$a": 1}, "FieldPath field names may not start with '$'"),
])
def test_project_errors(spec, message):
    failed = fails([{"$project": spec}], [ARTICLE])
    assert failed.detail.startswith("$project (stage 1): ") and message in failed.detail


def test_add_fields_merges_nested_objects_and_reaches_into_arrays():
    docs = [{"_id": 1, "a": {"x": 1}, "arr": [{"y": 1}, 5], "gone": 1, "n": 2}]
    out = run([{"$addFields": {"a.z": "$n", "arr.k": 0, "gone": "$$REMOVE", "n": {"$add": ["$n", 1]},
                               "m": "$n", "obj": {"p": "$n"}}}], docs)
    # Every expression reads the input document: m is the old n.
    assert out == [{"_id": 1, "a": {"x": 1, "z": 2}, "arr": [{"y": 1, "k": 0}, {"k": 0}], "n": 3, "m": 2,
                    "obj": {"p": 2}}]
    assert docs == [{"_id": 1, "a": {"x": 1}, "arr": [{"y": 1}, 5], "gone": 1, "n": 2}]  # untouched


def test_set_and_unset_are_add_fields_and_exclusion():
    docs = [{"_id": 1, "a": 1, "b": 2}]
    assert run([{"$set": {"c": 3}}, {"$unset": ["a", "b"]}], docs) == [{"_id": 1, "c": 3}]
    assert run([{"$unset": "a"}], docs) == [{"_id": 1, "b": 2}]


def test_replace_root_and_replace_with():
    docs = [{"_id": 1, "t": {"a": 1}}, {"_id": 2, "t": {"a": 2}}]
    assert run([{"$replaceRoot": {"newRoot": "$t"}}], docs) == [{"a": 1}, {"a": 2}]
    assert run([{"$replaceWith": {"$mergeObjects": ["$t", {"id": "$_id"}]}}], docs) == [{"a": 1, "id": 1},
                                                                                          {"a": 2, "id": 2}]
    failed = fails([{"$match": {}}, {"$replaceRoot": {"newRoot": "$missing"}}], docs)
    assert failed.detail.startswith("$replaceRoot (stage 2): 'newRoot' expression must evaluate to an object, "
                                    "but resulting value was: MISSING. Type of resulting value: 'missing'.")
    assert "no newRoot specified" in fails([{"$replaceRoot": {}}], docs).detail


# -- $unwind ------------------------------------------------------------------------------------

SIZES = [{"_id": 1, "size": ["S", "M"]}, {"_id": 2, "size": []}, {"_id": 3, "size": None}, {"_id": 4},
         {"_id": 5, "size": "L"}, {"_id": 6, "size": [["x"]]}]


def test_unwind_drops_empty_null_and_missing_and_keeps_scalars():
    assert run([{"$unwind": "$size"}], SIZES) == [
        {"_id": 1, "size": "S"}, {"_id": 1, "size": "M"}, {"_id": 5, "size": "L"}, {"_id": 6, "size": ["x"]}]


def test_unwind_preserving_with_an_index():
    spec = {"path": "$size", "includeArrayIndex": "i", "preserveNullAndEmptyArrays": True}
    assert run([{"$unwind": spec}], SIZES) == [
        {"_id": 1, "size": "S", "i": 0}, {"_id": 1, "size": "M", "i": 1}, {"_id": 2, "i": None},
        {"_id": 3, "size": None, "i": None}, {"_id": 4, "i": None}, {"_id": 5, "size": "L", "i": None},
        {"_id": 6, "size": ["x"], "i": 0}]


def test_unwind_nested_path_goes_through_objects_only():
    docs = [{"_id": 1, "a": {"b": [1, 2], "c": 0}}, {"_id": 2, "a": [{"b": [3]}]}]
    assert run([{"$unwind": "$a.b"}], docs) == [{"_id": 1, "a": {"b": 1, "c": 0}}, {"_id": 1, "a": {"b": 2, "c": 0}}]


@pytest.mark.parametrize("spec, message", [
    ("size", "path option to $unwind stage should be prefixed with a '$'"),
    ({"path": "$size", "includeArrayIndex": "$i"}, "should not be prefixed with a '$'"),
    ({"path": "$size", "preserveNullAndEmptyArrays": 1}, "expected a boolean"),
    ({"path": "$size", "extra": 1}, "unrecognized option to $unwind stage: extra"),
    ({}, "no path specified to $unwind stage"),
    (5, "expected either a string or an object"),
])
def test_unwind_errors(spec, message):
    assert message in fails([{"$unwind": spec}], SIZES).detail


@pytest.mark.parametrize("after", [
    {"$group": {"_id": "$size", "n": {"$sum": 1}, "ids": {"$push": "$_id"}, "i": {"$max": "$i"}}},
    {"$sortByCount": "$size"},
    {"$count": "n"},
    {"$bucket": {"groupBy": "$i", "boundaries": [0, 1, 5], "default": "none"}},
    {"$bucketAuto": {"groupBy": "$_id", "buckets": 2}},
    {"$group": {"_id": None, "all": {"$push": "$$ROOT"}}},
])
def test_unwind_before_a_grouping_stage_gives_what_a_materialized_unwind_gives(after):
    """$unwind feeding a group streams trimmed or reused objects; the answer must not change."""
    unwind = {"$unwind": {"path": "$size", "includeArrayIndex": "i", "preserveNullAndEmptyArrays": True}}
    streamed = run([unwind, after], SIZES)
    materialized = run([unwind, {"$match": {}}, after], SIZES)  # the $match stops the rewrite
    assert streamed == materialized


# -- $group -------------------------------------------------------------------------------------


def test_group_keys_follow_bson_equality():
    docs = [{"k": 1}, {"k": 1.0}, {"k": True}, {"k": None}, {}, {"k": "1"}, {"k": [1]}, {"k": {"a": 1}},
            {"k": {"a": 1.0}}, {"k": float("nan")}, {"k": float("nan")}]
    out = run([{"$group": {"_id": "$k", "n": {"$sum": 1}}}], docs)
    counts = [(row["_id"], row["n"]) for row in out]
    assert counts[:7] == [(1, 2), (True, 1), (None, 2), ("1", 1), ([1], 1), ({"a": 1}, 2), (counts[6][0], 2)]
    assert counts[6][0] != counts[6][0]  # NaN: one group, as BSON counts NaN equal to itself


def test_group_by_null_and_constant_keys_make_one_group():
    docs = [{"v": 1}, {"v": 2}, {}]
    assert run([{"$group": {"_id": None, "n": {"$sum": 1}}}], docs) == [{"_id": None, "n": 3}]
    assert run([{"$group": {"_id": "all", "s": {"$sum": "$v"}}}], docs) == [{"_id": "all", "s": 3}]
    assert run([{"$group": {"_id": None, "n": {"$sum": 1}}}], []) == []


def test_group_object_key_drops_missing_fields():
    docs = [{"a": 1, "b": 2}, {"a": 1}, {"a": 1, "b": None}]
    out = run([{"$group": {"_id": {"a": "$a", "b": "$b"}, "n": {"$sum": 1}}}], docs)
    assert out == [{"_id": {"a": 1, "b": 2}, "n": 1}, {"_id": {"a": 1}, "n": 1}, {"_id": {"a": 1, "b": None}, "n": 1}]


def test_accumulators_on_missing_null_and_mixed_values():
    spec = {"_id": None, "sum": {"$sum": "$v"}, "avg": {"$avg": "$v"}, "min": {"$min": "$v"}, "max": {"$max": "$v"},
            "first": {"$first": "$v"}, "last": {"$last": "$v"}, "push": {"$push": "$v"}, "set": {"$addToSet": "$v"},
            "pop": {"$stdDevPop": "$v"}, "samp": {"$stdDevSamp": "$v"}, "n": {"$sum": 1}}
    (out,) = run([{"$group": spec}], MIXED)
    assert out["sum"] == 4.5 and out["avg"] == 2.25  # 3 and 1.5: the only numbers (true is not one)
    assert out["min"] == 1.5  # numbers come first in BSON order (null and missing are skipped)
    assert out["max"] is True  # and booleans above arrays, objects and strings
    assert out["first"] == 3 and out["last"] == {"x": 1}
    assert out["push"] == [3, "a", None, True, 1.5, [0, 9], {"x": 1}]  # the missing value is skipped
    assert out["set"] == [3, "a", None, True, 1.5, [0, 9], {"x": 1}]
    assert out["pop"] == 0.75 and out["samp"] == pytest.approx(1.0606601717798212) and out["n"] == 8


def test_first_of_a_missing_value_is_null_and_empty_groups_of_numbers_are_null():
    docs = [{"k": 1}, {"k": 1, "v": 5}]
    (out,) = run([{"$group": {"_id": "$k", "f": {"$first": "$v"}, "l": {"$last": "$v"}, "a": {"$avg": "$x"},
                              "m": {"$max": "$x"}, "s": {"$stdDevSamp": "$v"}, "o": {"$mergeObjects": "$x"}}}], docs)
    assert out == {"_id": 1, "f": None, "l": 5, "a": None, "m": None, "s": None, "o": {}}


def test_merge_objects_accumulator():
    docs = [{"k": 1, "o": {"a": 1, "b": 1}}, {"k": 1, "o": {"b": 2}}, {"k": 1, "o": None}]
    assert run([{"$group": {"_id": "$k", "o": {"$mergeObjects": "$o"}}}], docs) == [{"_id": 1, "o": {"a": 1, "b": 2}}]
    assert "$mergeObjects requires object inputs" in fails(
        [{"$group": {"_id": None, "o": {"$mergeObjects": "$k"}}}], docs).detail


def test_groups_come_out_in_first_seen_order():
    docs = [{"c": x} for x in "bcabca"]
    assert [row["_id"] for row in run([{"$group": {"_id": "$c"}}], docs)] == ["b", "c", "a"]


@pytest.mark.parametrize("spec, message", [
    ({"n": {"$sum": 1}}, "a group specification must include an _id"),
    ({"_id": None, "a.b": {"$sum": 1}}, "The field name 'a.b' cannot contain '.'"),
    ({"_id": None, "n": 1}, "The field 'n' must be an accumulator object"),
    ({"_id": None, "n": {"$sum": 1, "$avg": 1}}, "The field 'n' must be an accumulator object"),
    ({"_id": None, "n": {"$median": "$x"}}, "unknown group operator '$median'"),
    ({"_id": None, "n": {"$sum": [1, 2]}}, "The $sum accumulator is a unary operator"),
    ({"_id": None, "n": {"$accumulator": {}}}, "the $accumulator accumulator is not supported by wxsim"),
])
def test_group_errors(spec, message):
    failed = fails([{"$match": {}}, {"$group": spec}], MIXED)
    assert failed.code == -502001 and failed.detail == f"$group (stage 2): {message}"


# -- $sort, $limit, $skip, $count, $sample --------------------------------------------------


def test_sort_in_bson_order_with_missing_as_null_and_arrays_by_their_extremes():
    ascending = [d["_id"] for d in run([{"$sort": {"v": 1, "_id": 1}}], MIXED)]
    assert ascending == [3, 4, 7, 6, 1, 2, 8, 5]  # null/missing, numbers (array min 0), string, object, bool
    descending = [d["_id"] for d in run([{"$sort": {"v": -1, "_id": 1}}], MIXED)]
    assert descending == [5, 8, 2, 7, 1, 6, 3, 4]  # the array sorts by its max, 9


def test_sort_is_stable_and_a_top_k_gives_what_sort_then_limit_gives():
    rng = random.Random(3)
    docs = [{"_id": i, "s": rng.choice([1, 2, 2.0, 3])} for i in range(200)]
    mixed = docs + [{"_id": 999, "s": "x"}, {"_id": 1000}]
    for collection in (docs, mixed):
        for direction in (1, -1):
            full = run([{"$sort": {"s": direction}}], collection)
            top = run([{"$sort": {"s": direction}}, {"$limit": 7}], collection)
            assert top == full[:7]
            skipped = run([{"$sort": {"s": direction}}, {"$skip": 3}, {"$limit": 4}], collection)
            assert skipped == full[3:7]


@pytest.mark.parametrize("pipeline, message", [
    ([{"$sort": {}}], "$sort stage must have at least one sort key"),
    ([{"$sort": {"a": 0}}], "$sort key ordering must be 1 (for ascending) or -1 (for descending)"),
    ([{"$sort": {"a": "asc"}}], "$sort key ordering must be 1"),
    ([{"$limit": 0}], "the limit must be positive"),
    ([{"$limit": 2.5}], "Expected an integer"),
    ([{"$limit": "2"}], "the limit must be specified as a number"),
    ([{"$skip": -1}], "Expected a non-negative number"),
    ([{"$count": ""}], "the count field must be a non-empty string"),
    ([{"$count": "$n"}], "the count field cannot be a $-prefixed path"),
    ([{"$count": "a.b"}], "the count field cannot contain '.'"),
    ([{"$sample": {"size": -1}}], "size argument to $sample must not be negative"),
    ([{"$sample": {}}], "$sample stage must specify a size"),
])
def test_simple_stage_errors(pipeline, message):
    assert message in fails(pipeline, MIXED).detail


def test_limit_skip_count_and_sample():
    assert [d["_id"] for d in run([{"$skip": 6}, {"$limit": 5}], MIXED)] == [7, 8]
    assert run([{"$skip": 100}], MIXED) == []
    assert run([{"$count": "n"}], MIXED) == [{"n": 8}]
    assert run([{"$match": {"v": "none"}}, {"$count": "n"}], MIXED) == []  # not [{n: 0}] (A32)
    sampled = run([{"$sample": {"size": 3}}], MIXED)
    assert len(sampled) == 3 and all(doc in MIXED for doc in sampled)
    assert sorted(d["_id"] for d in run([{"$sample": {"size": 50}}], MIXED)) == list(range(1, 9))


# -- $sortByCount, $bucket, $bucketAuto ---------------------------------------------------------


def test_sort_by_count_ties_keep_first_seen_order():
    docs = [{"c": c} for c in "abbcca"] + [{}]
    assert run([{"$sortByCount": "$c"}], docs) == [{"_id": "a", "count": 2}, {"_id": "b", "count": 2},
                                                   {"_id": "c", "count": 2}, {"_id": None, "count": 1}]
    assert "$-prefixed path or an expression" in fails([{"$sortByCount": "c"}], docs).detail


def test_bucket_places_values_in_lower_bound_buckets_and_the_rest_in_default():
    docs = [{"p": 0}, {"p": 49.9}, {"p": 50}, {"p": 100}, {"p": "x"}, {}, {"p": -1}]
    out = run([{"$bucket": {"groupBy": "$p", "boundaries": [0, 50, 100], "default": "other"}}], docs)
    assert out == [{"_id": 0, "count": 2}, {"_id": 50, "count": 1}, {"_id": "other", "count": 4}]
    early = run([{"$bucket": {"groupBy": "$p", "boundaries": [0, 50, 100], "default": -5,
                              "output": {"ps": {"$push": "$p"}}}}], docs)
    assert early[0] == {"_id": -5, "ps": [100, "x", -1]}  # no count once output is given; -5 sorts first


@pytest.mark.parametrize("spec, message", [
    ({"groupBy": "$p", "boundaries": [0]}, "must have at least 2 values"),
    ({"groupBy": "$p", "boundaries": [0, "a"]}, "must have the same type"),
    ({"groupBy": "$p", "boundaries": [5, 1]}, "must be sorted in ascending order"),
    ({"groupBy": "$p", "boundaries": [0, 10], "default": 5}, "'default' field must be less than the lowest"),
    ({"groupBy": "p", "boundaries": [0, 10]}, "must be defined as a $-prefixed path or an expression"),
    ({"boundaries": [0, 10]}, "requires 'groupBy' and 'boundaries'"),
    ({"groupBy": "$p", "boundaries": [0, 10], "x": 1}, "Unrecognized option to $bucket: x"),
])
def test_bucket_errors(spec, message):
    assert message in fails([{"$bucket": spec}], [{"p": 1}]).detail


def test_bucket_without_default_fails_on_an_outsider():
    failed = fails([{"$bucket": {"groupBy": "$p", "boundaries": [0, 10]}}], [{"p": 1}, {"p": 11}])
    assert failed.detail == ("$bucket (stage 1): $bucket could not find a matching branch for an input, and no "
                             "default was specified.")


def test_bucket_auto_splits_evenly_and_keeps_equal_values_together():
    docs = [{"v": v} for v in [1, 2, 2, 2, 3, 4, 5, 6, 7, 8]]
    out = run([{"$bucketAuto": {"groupBy": "$v", "buckets": 3}}], docs)
    assert out == [{"_id": {"min": 1, "max": 3}, "count": 4}, {"_id": {"min": 3, "max": 6}, "count": 3},
                   {"_id": {"min": 6, "max": 8}, "count": 3}]
    few = run([{"$bucketAuto": {"groupBy": "$v", "buckets": 20, "output": {"n": {"$sum": 1}}}}], docs[:3])
    assert few == [{"_id": {"min": 1, "max": 2}, "n": 1}, {"_id": {"min": 2, "max": 2}, "n": 2}]
    assert run([{"$bucketAuto": {"groupBy": "$v", "buckets": 2}}], []) == []


@pytest.mark.parametrize("granularity, bounds", [
    # Each bucket takes 4 values, then those below its rounded-up boundary (MongoDB's algorithm).
    ("R5", [(0.63, 6.3), (6.3, 16.0)]),
    ("E6", [(0.68, 4.7), (4.7, 10.0), (10.0, 15.0)]),
    ("1-2-5", [(0.5, 5.0), (5.0, 10.0), (10.0, 20.0)]),
    ("POWERSOF2", [(0.5, 8), (8, 16)]),
])
def test_bucket_auto_granularity(granularity, bounds):
    docs = [{"v": v} for v in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]
    out = run([{"$bucketAuto": {"groupBy": "$v", "buckets": 3, "granularity": granularity}}], docs)
    assert [(row["_id"]["min"], row["_id"]["max"]) for row in out] == [
        tuple(pytest.approx(x) for x in pair) for pair in bounds]
    assert sum(row["count"] for row in out) == 12


def test_bucket_auto_errors():
    assert "must be greater than 0" in fails([{"$bucketAuto": {"groupBy": "$v", "buckets": 0}}], []).detail
    assert "Unknown rounding granularity 'R7'" in fails(
        [{"$bucketAuto": {"groupBy": "$v", "buckets": 2, "granularity": "R7"}}], []).detail
    assert "can only round non-negative numbers" in fails(
        [{"$bucketAuto": {"groupBy": "$v", "buckets": 2, "granularity": "R5"}}], [{"v": -1}, {"v": 2}]).detail


# -- $facet -------------------------------------------------------------------------------------


def test_facet_runs_each_pipeline_on_the_same_input():
    out = run([{"$facet": {"n": [{"$count": "n"}], "top": [{"$sort": {"v": -1}}, {"$limit": 1}, {"$project": {"_id": 1}}]}}],
              [{"_id": 1, "v": 1}, {"_id": 2, "v": 2}])
    assert out == [{"n": [{"n": 2}], "top": [{"_id": 2}]}]
    assert run([{"$facet": {"n": [{"$count": "n"}]}}], []) == [{"n": []}]


def test_facet_refuses_nested_facets_and_names_the_inner_error():
    assert "$facet is not allowed to be used within a $facet stage" in fails(
        [{"$facet": {"a": [{"$facet": {"b": [{"$count": "n"}]}}]}}], []).detail
    failed = fails([{"$facet": {"a": [{"$match": {}}, {"$group": {}}]}}], [])
    assert failed.detail == "$facet (stage 1): $group (stage 2): a group specification must include an _id"


# -- $lookup, $graphLookup ----------------------------------------------------------------------

BOOKS = [{"_id": "b1", "title": "novel 1", "tags": ["x", "y"]}, {"_id": "b2", "title": "novel 2", "tags": ["y"]},
         {"_id": "b3", "title": None}, {"_id": "b4"}, {"_id": "b5", "title": ["novel 1", "other"]}]


def lookup(local: str, foreign: str, docs: list) -> list:
    spec = {"from": "books", "localField": local, "foreignField": foreign, "as": "found"}
    return [[b["_id"] for b in d["found"]] for d in run([{"$lookup": spec}], docs, {"books": BOOKS})]


def test_lookup_matches_like_an_in_query():
    orders = [{"book": "novel 1"}, {"book": ["novel 2", "novel 1"]}, {}, {"book": None}, {"book": []},
              {"book": "nothing"}]
    assert lookup("book", "title", orders) == [["b1", "b5"], ["b1", "b2", "b5"], ["b3", "b4"], ["b3", "b4"],
                                               ["b3", "b4"], []]
    assert lookup("tag", "tags", [{"tag": "y"}, {"tag": ["x"]}]) == [["b1", "b2"], ["b1"]]
    assert lookup("ref.id", "_id", [{"ref": [{"id": "b2"}, {"id": "b3"}]}]) == [["b2", "b3"]]


def test_lookup_by_id_with_numbers_and_odd_ids():
    people = [{"_id": 1}, {"_id": "1"}, {"_id": 2.0}, {"_id": True}]
    out = run([{"$lookup": {"from": "people", "localField": "p", "foreignField": "_id", "as": "f"}}],
              [{"p": 1.0}, {"p": 2}, {"p": True}, {"p": "1"}], {"people": people})
    assert [d["f"] for d in out] == [[{"_id": 1}], [{"_id": 2.0}], [{"_id": True}], [{"_id": "1"}]]


def test_lookup_from_a_missing_collection_finds_nothing_and_as_may_be_dotted():
    out = run([{"$lookup": {"from": "none", "localField": "a", "foreignField": "a", "as": "x.y"}}], [{"a": 1}])
    assert out == [{"a": 1, "x": {"y": []}}]


def test_lookup_with_let_and_pipeline():
    stock = [{"_id": 1, "item": "a", "qty": 5}, {"_id": 2, "item": "a", "qty": 50}, {"_id": 3, "item": "b", "qty": 9}]
    orders = [{"_id": "o1", "item": "a", "want": 10}, {"_id": "o2", "item": "b", "want": 1}, {"_id": "o3"}]
    spec = {"from": "stock", "let": {"it": "$item", "n": "$want"}, "as": "ok", "pipeline": [
        {"$match": {"$expr": {"$and": [{"$eq": ["$item", "$$it"]}, {"$gte": ["$qty", "$$n"]}]}}},
        {"$project": {"_id": 0, "qty": 1, "asked": "$$n"}}]}
    out = run([{"$lookup": spec}], orders, {"stock": stock})
    assert [d["ok"] for d in out] == [[{"qty": 50, "asked": 10}], [{"qty": 9, "asked": 1}], []]


def test_lookup_errors():
    assert "must specify 'as' field for a $lookup" in fails([{"$lookup": {"from": "b"}}], []).detail
    assert "may not specify 'localField' or 'foreignField'" in fails(
        [{"$lookup": {"from": "b", "as": "x", "pipeline": [], "localField": "a"}}], []).detail
    assert "requires either 'pipeline' or both" in fails(
        [{"$lookup": {"from": "b", "as": "x", "localField": "a"}}], []).detail
    failed = fails([{"$lookup": {"from": "b", "as": "x", "pipeline": [{"$out": "c"}]}}], [{}])
    assert failed.detail.startswith("$lookup (stage 1): $out (stage 1): ")


PEOPLE = [{"_id": "dev", "boss": "lead"}, {"_id": "lead", "boss": "cto"}, {"_id": "cto", "boss": "board"},
          {"_id": "board", "boss": "dev"}, {"_id": "ops", "boss": ["lead", "cto"]}]


def graph(spec: dict, docs: list) -> list:
    base = {"from": "people", "connectFromField": "boss", "connectToField": "_id", "as": "chain"}
    out = run([{"$graphLookup": {**base, **spec}}], docs, {"people": PEOPLE})
    return [[(p["_id"], p.get("depth")) for p in d["chain"]] for d in out]


def test_graph_lookup_walks_breadth_first_once_per_document():
    assert graph({"startWith": "$boss", "depthField": "depth"}, [{"boss": "lead"}]) == [
        [("lead", 0), ("cto", 1), ("board", 2), ("dev", 3)]]  # the cycle back to lead ends it
    assert graph({"startWith": "$boss", "maxDepth": 1}, [{"boss": "lead"}]) == [[("lead", None), ("cto", None)]]
    assert graph({"startWith": ["cto", "nobody"], "maxDepth": 0}, [{}]) == [[("cto", None)]]
    assert graph({"startWith": "$boss", "restrictSearchWithMatch": {"_id": {"$ne": "board"}}}, [{"boss": "lead"}]) == [
        [("lead", None), ("cto", None)]]
    assert graph({"startWith": "$boss", "maxDepth": 0}, [{"boss": "nobody"}]) == [[]]


def test_graph_lookup_errors():
    assert "missing 'startWith'" in fails([{"$graphLookup": {"from": "p", "as": "a", "connectFromField": "x",
                                                             "connectToField": "y"}}], []).detail
    assert "maxDepth requires a nonnegative argument" in fails(
        [{"$graphLookup": {"from": "p", "as": "a", "connectFromField": "x", "connectToField": "y", "startWith": 1,
                           "maxDepth": -1}}], []).detail


# -- $geoNear -----------------------------------------------------------------------------------

PLACES = [
    {"_id": "far", "at": {"type": "Point", "coordinates": [113.5, 23.4]}, "kind": "shop"},
    {"_id": "near", "at": {"type": "Point", "coordinates": [113.31, 23.1]}, "kind": "cafe"},
    {"_id": "nowhere", "kind": "cafe"},
]


def test_geo_near_sorts_by_metres_and_filters():
    near = {"type": "Point", "coordinates": [113.3, 23.1]}
    out = run([{"$geoNear": {"near": near, "distanceField": "d", "spherical": True}}], PLACES)
    assert [d["_id"] for d in out] == ["near", "far"] and 1020 < out[0]["d"] < 1030
    out = run([{"$geoNear": {"near": near, "distanceField": "m.d", "maxDistance": 2000, "query": {"kind": "cafe"},
                             "includeLocs": "loc", "key": "at"}}], PLACES)
    assert [(d["_id"], d["loc"]["coordinates"]) for d in out] == [("near", [113.31, 23.1])] and "d" in out[0]["m"]


def test_geo_near_must_be_first_and_needs_a_location_field():
    near = {"type": "Point", "coordinates": [0, 0]}
    failed = fails([{"$match": {}}, {"$geoNear": {"near": near, "distanceField": "d"}}], PLACES)
    assert failed.detail == "$geoNear (stage 2): $geoNear is only valid as the first stage in a pipeline."
    assert "requires a 2d or 2dsphere index" in fails([{"$geoNear": {"near": near, "distanceField": "d"}}],
                                                      [{"a": 1}]).detail
    assert "requires a 'distanceField'" in fails([{"$geoNear": {"near": near}}], PLACES).detail


# -- the pipeline -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["$out", "$merge", "$redact", "$collStats", "$indexStats"])
def test_stages_wxsim_does_not_run_say_so(stage):
    failed = fails([{"$match": {}}, {stage: {}}], [])
    assert failed.code == -502002
    assert failed.detail.startswith(f"{stage} (stage 2): the {stage} stage is not supported by wxsim: ")


def test_unknown_stage_and_malformed_pipelines():
    assert fails([{"$frobnicate": {}}], []).detail == "$frobnicate (stage 1): Unrecognized pipeline stage name: " \
                                                      "'$frobnicate'"
    assert "exactly one field" in fails([{"$match": {}, "$limit": 1}], []).detail
    assert "a pipeline must be an array" in fails({"$match": {}}, []).detail  # type: ignore[arg-type]


def test_an_empty_pipeline_passes_every_document():
    assert run([], MIXED) == MIXED


def test_no_stage_changes_its_input_documents():
    docs = [{"_id": i, "a": {"b": i, "c": [i, {"d": i}]}, "tags": ["x", "y"], "n": i % 3} for i in range(6)]
    before = copy.deepcopy(docs)
    run([{"$addFields": {"a.b": 0, "a.c.d": 1}}, {"$project": {"a.c": 1, "tags": 1, "n": 1}},
         {"$unwind": {"path": "$tags", "includeArrayIndex": "i"}}, {"$set": {"tags": "z"}},
         {"$lookup": {"from": "self", "localField": "n", "foreignField": "n", "as": "same"}},
         {"$group": {"_id": "$n", "all": {"$push": "$$ROOT"}}}], docs, {"self": docs})
    assert docs == before


def test_referenced_collections_walks_nested_pipelines():
    pipeline = [{"$lookup": {"from": "a", "localField": "x", "foreignField": "y", "as": "z"}},
                {"$facet": {"f": [{"$graphLookup": {"from": "b"}}, {"$lookup": {"from": "c", "pipeline": [
                    {"$lookup": {"from": "d", "pipeline": [], "as": "q"}}], "as": "w"}}]}}]
    assert referenced_collections(pipeline) == {"a", "b", "c", "d"}
