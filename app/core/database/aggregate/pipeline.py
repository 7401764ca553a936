"""Compile a pipeline (``[{$match: …}, {$group: …}, …]``) once into stage closures, and run it.

Every stage the wx-server-sdk ``Aggregate`` class exposes is here except ``$collStats``,
``$indexStats``, ``$out`` and ``$redact``, which refuse with their name (the spec does not
describe them). Errors name the stage: ``$group (stage 2): …``. Two rewrites MongoDB also
makes: ``$sort`` then ``$limit`` keeps only the top documents while sorting, and ``$unwind``
right before a ``$group``-like stage copies only the fields that stage reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from app.core.database.aggregate import basic, bucketauto, geonear, grouping, joins, shaping, unwinding
from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import check_budget, fail
from app.core.database.store_parts import gc_paused
from app.core.database.aggregate.expressions import referenced_fields
from app.core.database.failures import invalid_command
from app.core.errors import CloudError
from app.core.reasons import Reason

# Stages of MongoDB that wxsim does not run, and why (the spec documents none of them).
UNSUPPORTED = {
    "$out": "it writes the results into a collection",
    "$merge": "it writes the results into a collection",
    "$redact": "the spec does not describe it",
    "$collStats": "it reports storage statistics wxsim does not keep",
    "$indexStats": "wxsim has no indexes",
    "$unionWith": "the cloud's MongoDB predates it",
    "$search": "it needs Atlas Search",
    "$setWindowFields": "the cloud's MongoDB predates it",
    "$densify": "the cloud's MongoDB predates it",
    "$fill": "the cloud's MongoDB predates it",
}
_NOT_IN_FACET = {"$facet", "$geoNear", "$out", "$merge", "$collStats", "$indexStats"}
_GROUPING = {"$group", "$sortByCount", "$count", "$bucket", "$bucketAuto"}
_STREAMING = {"$group", "$sortByCount", "$count", "$bucket"}  # read each input once, keep none


@dataclass
class Context:
    """What stages need beyond their specification.

    ``documents(name)`` gives a ``$lookup``/``$graphLookup`` source collection (the service
    limits it to what the caller may read); ``rng`` drives ``$sample``.
    """

    documents: Callable[[str], list] = field(default=lambda name: [])
    rng: Random = field(default_factory=Random)


class Pipeline:
    """Compiled stages; ``run(docs, variables)`` gives the output documents."""

    def __init__(self, stages: list[tuple[str, int, Stage]]) -> None:
        self._stages = stages

    def run(self, docs: list, variables: dict | None = None) -> list:
        variables = {} if variables is None else variables
        # Stages build many small objects that never cycle (an $unwind of 100k documents makes
        # 300k); the collector would rescan the stored documents again and again for nothing.
        with gc_paused():
            for name, number, stage in self._stages:
                check_budget()
                try:
                    docs = stage(docs, variables)
                except CloudError as error:
                    raise _named(error, name, number) from None
        return docs


def compile_pipeline(pipeline: Any, context: Context | None = None, *, nested: str | None = None) -> Pipeline:
    """The compiled pipeline; a CloudError naming the stage when one is malformed.

    ``nested`` names the enclosing stage of a sub-pipeline (``$facet``, ``$lookup``), whose
    rules on which stages may appear differ.
    """
    context = context or Context()
    if type(pipeline) is not list:
        raise fail(Reason("database.pipeline_not_array", "a pipeline must be an array of stages, not {type}",
                          type=type(pipeline).__name__))
    specs = [_stage_spec(item) for item in pipeline]
    stages: list[tuple[str, int, Stage]] = []
    for i, (name, value) in enumerate(specs):
        following = specs[i + 1:]
        try:
            _check_position(name, i, nested)
            stage = _compile_stage(name, value, following, context)
        except CloudError as error:
            raise _named(error, name, i + 1) from None
        stages.append((name, i + 1, stage))
    return Pipeline(stages)


def _stage_spec(item: Any) -> tuple[str, Any]:
    if type(item) is not dict or len(item) != 1:
        raise fail(Reason("database.stage_one_field", "A pipeline stage specification object must contain exactly "
                          "one field."))
    ((name, value),) = item.items()
    return name, value


def _check_position(name: str, index: int, nested: str | None) -> None:
    if nested == "$facet" and name in _NOT_IN_FACET:
        raise fail(Reason("database.stage_not_in_facet", "{stage} is not allowed to be used within a $facet stage",
                          stage=name))
    if nested == "$lookup" and name in ("$out", "$merge"):
        raise fail(Reason("database.stage_not_in_lookup", "{stage} is not allowed within a $lookup's sub-pipeline",
                          stage=name))
    if name == "$geoNear" and index != 0:
        raise fail(Reason("database.geonear_first", "$geoNear is only valid as the first stage in a pipeline."))


def _compile_stage(name: str, value: Any, following: list, context: Context) -> Stage:
    if name == "$sort":
        # $sort then $limit (maybe with a $skip between): keep just the top while sorting.
        kept = _top(following)
        return basic.sort(value, kept)
    if name == "$unwind":
        keep = stage_fields(*following[0]) if following and following[0][0] in _GROUPING else None
        return unwinding.unwind(value, keep, stream=bool(following) and following[0][0] in _STREAMING)
    if name == "$sample":
        return basic.sample(value, context.rng)
    if name == "$lookup":
        return joins.lookup(value, context.documents, lambda sub: compile_pipeline(sub, context, nested="$lookup"))
    if name == "$graphLookup":
        return joins.graph_lookup(value, context.documents)
    if name == "$facet":
        return _facet(value, context)
    builder = _SIMPLE.get(name)
    if builder is not None:
        return builder(value)
    if name in UNSUPPORTED:
        raise invalid_command(Reason("database.stage_unsupported", "the {stage} stage is not supported by wxsim: "
                                     "{why}", stage=name, why=UNSUPPORTED[name]))
    raise invalid_command(Reason("database.stage_unknown", "Unrecognized pipeline stage name: '{stage}'", stage=name))


_SIMPLE: dict[str, Callable[[Any], Stage]] = {
    "$match": basic.match,
    "$limit": basic.limit,
    "$skip": basic.skip,
    "$count": basic.count,
    "$project": shaping.project,
    "$addFields": shaping.add_fields,
    "$set": shaping.add_fields,
    "$unset": shaping.unset,
    "$replaceRoot": shaping.replace_root,
    "$replaceWith": shaping.replace_with,
    "$group": grouping.group,
    "$sortByCount": grouping.sort_by_count,
    "$bucket": grouping.bucket,
    "$bucketAuto": bucketauto.bucket_auto,
    "$geoNear": geonear.geo_near,
}


def _top(following: list) -> int | None:
    """How many sorted documents the next stages can use, or None for all of them."""
    try:
        if following and following[0][0] == "$limit":
            return basic.limit_value(following[0][1])
        if len(following) > 1 and following[0][0] == "$skip" and following[1][0] == "$limit":
            return basic.skip_value(following[0][1]) + basic.limit_value(following[1][1])
    except CloudError:
        return None  # the malformed stage reports itself when it is compiled
    return None


def stage_fields(name: str, value: Any) -> set[str] | None:
    """The top-level fields a grouping stage reads, or None if unknown (the whole document)."""
    if type(value) is not dict and name not in ("$sortByCount", "$count"):
        return None
    if name == "$count":
        return set()
    if name == "$sortByCount":
        return referenced_fields(value)
    if name == "$group":
        specs = list(value.values())
    elif name in ("$bucket", "$bucketAuto"):
        specs = [value.get("groupBy"), value.get("output") or {}]
    else:
        return None
    return referenced_fields(specs)


def _facet(value: Any, context: Context) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("database.facet_not_object", "the $facet specification must be a non-empty object, but "
                          "found: {type}", type=type(value).__name__))
    if not value:
        raise fail(Reason("database.facet_empty", "the $facet specification must be a non-empty object"))
    facets = []
    for name, sub in value.items():
        if not name or name.startswith("$") or "." in name:
            raise fail(Reason("database.facet_name", "$facet pipeline names must be valid field names, not '{name}'",
                              name=name))
        if type(sub) is not list:
            raise fail(Reason("database.facet_not_array", "arguments to $facet must be arrays, {name} is type {type}",
                              name=name, type=type(sub).__name__))
        if not sub:
            raise fail(Reason("database.facet_sub_empty", "sub-pipeline in $facet stage cannot be empty: {name}",
                              name=name))
        facets.append((name, compile_pipeline(sub, context, nested="$facet")))

    def run(docs: list, variables: dict) -> list:
        out = {}
        for name, sub in facets:
            try:
                out[name] = sub.run(docs, variables)
            except CloudError as error:
                raise CloudError(error.code, Reason("database.in_facet", "{name}: {detail}", name=name,
                                                    detail=error.reason or error.detail)) from None
        return [out]

    return run


def referenced_collections(pipeline: Any) -> set[str]:
    """Every collection a pipeline reads besides its own (``$lookup``/``$graphLookup`` ``from``)."""
    found: set[str] = set()
    if type(pipeline) is not list:
        return found
    for item in pipeline:
        if type(item) is not dict or len(item) != 1:
            continue
        ((name, value),) = item.items()
        if type(value) is not dict:
            continue
        if name in ("$lookup", "$graphLookup") and type(value.get("from")) is str:
            found.add(value["from"])
        if name == "$lookup":
            found |= referenced_collections(value.get("pipeline"))
        if name == "$facet":
            for sub in value.values():
                found |= referenced_collections(sub)
    return found


def _named(error: CloudError, name: str, number: int) -> CloudError:
    """The same error, its detail prefixed with the stage it happened in."""
    return CloudError(error.code, Reason("database.in_stage", "{stage} (stage {number}): {detail}", stage=name,
                                         number=number, detail=error.reason or error.detail))
