"""``$lookup`` (the equality form, and ``let`` + ``pipeline``) and ``$graphLookup``.

The equality join matches as the query ``{foreignField: {$in: localValues}}`` would: an array
on either side matches by any element, and a missing or null local value matches foreign
documents whose field is null or missing (spec A23). The foreign collection is indexed once per
run by that field, so each input document costs a dict lookup, not a scan. Matches keep the
foreign collection's order. The ``from`` collection's documents come from ``documents(name)``,
which the service has already limited to what the caller may read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import check_budget, check_variable_name, fail, hash_key, whole
from app.core.database.aggregate.expressions import compile_expression
from app.core.database.aggregate.shaping import field_path, set_field
from app.core.database.fieldpaths import Parts, reached_values
from app.core.database.query import compile_query
from app.core.database.values import MISSING, is_number, type_name
from app.core.reasons import Reason

Documents = Callable[[str], list]


class Index:
    """The documents of a collection by the values one field reaches (array elements too).

    Most values index one document: those map straight to it (``_single``), and only values
    shared by several get a list (``_shared``), so building the index allocates little.
    """

    def __init__(self, docs: list, parts: Parts) -> None:
        self._docs = docs
        self._positions: dict[int, int] | None = None
        self._shared: dict = {}
        if parts == ("_id",) and self._by_id(docs):
            return
        single: dict = {}
        field = parts[0] if len(parts) == 1 else None
        for doc in docs:
            value = doc.get(field, MISSING) if field is not None else MISSING
            kind = type(value)
            # The common case, a plain string or number under a top-level field, in one step.
            if field is not None and (kind is str or ((kind is int or kind is float) and value == value)):
                if single.setdefault(value, doc) is not doc:
                    self._share(single, value, doc)
                continue
            for key in _keys([value] if field is not None else reached_values(doc, parts)):
                if single.setdefault(key, doc) is not doc:
                    self._share(single, key, doc)
        self._single = single

    def _by_id(self, docs: list) -> bool:
        """``_id`` is unique in a collection: a plain dict, when every id is a string."""
        single = {doc.get("_id"): doc for doc in docs}
        if len(single) != len(docs) or not all(type(key) is str for key in single):
            return False  # numbers (1 and 1.0 meet), or odd ids from an import: the general way
        self._single = single
        return True

    def _share(self, single: dict, key: Any, doc: dict) -> None:
        shared = self._shared.get(key)
        if shared is None:
            self._shared[key] = [single[key], doc]
        else:
            shared.append(doc)

    def get(self, key: Any) -> list:
        """The documents under ``key``, in collection order (a new list)."""
        shared = self._shared.get(key)
        if shared is not None:
            return list(shared)
        doc = self._single.get(key)
        return [] if doc is None else [doc]

    def matching(self, keys: list) -> list:
        """The documents under any of ``keys``, each once, in collection order."""
        if len(keys) == 1:
            return self.get(keys[0])
        if self._positions is None:
            self._positions = {id(doc): i for i, doc in enumerate(self._docs)}
        found = {id(doc): doc for key in keys for doc in self.get(key)}
        positions = self._positions
        return [found[i] for i in sorted(found, key=positions.__getitem__)]


def _keys(reached: list) -> set:
    """The index keys of one document's reached values: each, its elements, null for missing."""
    keys = set()
    for value in reached:
        if value is MISSING or value is None:
            keys.add(None)
        elif type(value) is list:
            keys.add(hash_key(value))
            for item in value:
                keys.add(None if item is None else hash_key(item))
        else:
            keys.add(hash_key(value))
    return keys


def local_keys(reached: list) -> list:
    """The keys a local field's values look up: array elements, and null when there are none."""
    keys: list = []
    for value in reached:
        if value is MISSING:
            continue
        for item in value if type(value) is list else (value,):
            key = None if item is None else hash_key(item)
            if key not in keys:
                keys.append(key)
    return keys or [None]


def spec_not_object(stage: str, value: Any) -> Reason:
    """A ``$lookup``/``$graphLookup`` specification that is not an object (Mongo's wording)."""
    return Reason("aggregate.spec_not_object", "the {stage} specification must be an Object, but found {type}",
                  stage=stage, type=type_name(value))


def unknown_argument(stage: str, key: str) -> Reason:
    """An option ``stage`` does not know (``$graphLookup``, ``$geoNear``)."""
    return Reason("aggregate.unknown_argument", "Unknown argument to {stage}: {key}", stage=stage, key=key)


def lookup(value: Any, documents: Documents, compile_sub: Callable[[Any], Any]) -> Stage:
    if type(value) is not dict:
        raise fail(spec_not_object("$lookup", value))
    for key in value:
        if key not in ("from", "as", "localField", "foreignField", "let", "pipeline"):
            raise fail(Reason("aggregate.lookup_unknown_argument", "unknown argument to $lookup: {key}", key=key))
    for key in ("from", "as"):
        if key not in value:
            raise fail(Reason("aggregate.lookup_missing", "must specify '{key}' field for a $lookup", key=key))
        if type(value[key]) is not str:
            raise fail(Reason("aggregate.lookup_not_string", "$lookup argument '{key}' must be a string, is type "
                              "{type}", key=key, type=type_name(value[key])))
    source, as_parts = value["from"], field_path(value["as"], "$lookup's 'as'")
    if "pipeline" in value:
        if "localField" in value or "foreignField" in value:
            raise fail(Reason("aggregate.lookup_pipeline_and_fields", "$lookup with 'pipeline' may not specify "
                              "'localField' or 'foreignField'"))
        return _pipeline_lookup(value, source, as_parts, documents, compile_sub)
    if "let" in value:
        raise fail(Reason("aggregate.lookup_let_needs_pipeline", "$lookup with 'let' needs a 'pipeline'"))
    if "localField" not in value or "foreignField" not in value:
        raise fail(Reason("aggregate.lookup_needs_fields", "$lookup requires either 'pipeline' or both 'localField' "
                          "and 'foreignField' to be specified"))
    local = field_path(value["localField"], "$lookup's 'localField'")
    foreign = field_path(value["foreignField"], "$lookup's 'foreignField'")
    field = local[0] if len(local) == 1 else None

    def run(docs: list, variables: dict) -> list:
        index = Index(documents(source), foreign)
        out = []
        for doc in docs:
            if field is not None:
                value = doc.get(field, MISSING)
                kind = type(value)
                if kind is str or ((kind is int or kind is float) and value == value):
                    matches = index.get(value)
                else:
                    matches = index.matching(local_keys([value]))
            else:
                matches = index.matching(local_keys(reached_values(doc, local)))
            new = dict(doc)
            set_field(new, as_parts, matches)
            out.append(new)
        return out

    return run


def _pipeline_lookup(value: dict, source: str, as_parts: Parts, documents: Documents,
                     compile_sub: Callable[[Any], Any]) -> Stage:
    lets = value.get("let", {})
    if type(lets) is not dict:
        raise fail(Reason("aggregate.lookup_let_not_object", "$lookup argument 'let' must be an object, is type "
                          "{type}", type=type_name(lets)))
    bindings = [(check_variable_name(name), compile_expression(spec)) for name, spec in lets.items()]
    if type(value["pipeline"]) is not list:
        raise fail(Reason("aggregate.lookup_pipeline_not_array", "$lookup argument 'pipeline' must be an array, is "
                          "type {type}", type=type_name(value["pipeline"])))
    sub = compile_sub(value["pipeline"])

    def run(docs: list, variables: dict) -> list:
        foreign = documents(source)
        out = []
        for doc in docs:
            check_budget()
            scope = dict(variables)
            for name, expr in bindings:
                computed = expr(doc, variables)
                scope[name] = computed  # missing stays missing, as in MongoDB's variables
            new = dict(doc)
            set_field(new, as_parts, sub.run(foreign, scope))
            out.append(new)
        return out

    return run


def graph_lookup(value: Any, documents: Documents) -> Stage:
    if type(value) is not dict:
        raise fail(spec_not_object("$graphLookup", value))
    known = ("from", "startWith", "connectFromField", "connectToField", "as", "maxDepth", "depthField",
             "restrictSearchWithMatch")
    for key in value:
        if key not in known:
            raise fail(unknown_argument("$graphLookup", key))
    for key in known[:5]:
        if key not in value:
            raise fail(Reason("aggregate.graph_lookup_missing", "missing '{key}' option to $graphLookup stage "
                              "specification", key=key))
    if type(value["from"]) is not str:
        raise fail(Reason("aggregate.graph_lookup_from", "from must be a string, found {type}",
                          type=type_name(value["from"])))
    start = compile_expression(value["startWith"])
    connect_from = field_path(value["connectFromField"], "connectFromField")
    connect_to = field_path(value["connectToField"], "connectToField")
    as_parts = field_path(value["as"], "as")
    depth_parts = field_path(value["depthField"], "depthField") if "depthField" in value else None
    max_depth = _max_depth(value["maxDepth"]) if "maxDepth" in value else None
    restrict = value.get("restrictSearchWithMatch")
    if restrict is not None and type(restrict) is not dict:
        raise fail(Reason("aggregate.graph_lookup_restrict", "restrictSearchWithMatch must be an object, found "
                          "{type}", type=type_name(restrict)))
    keep = compile_query(restrict) if restrict else None
    source = value["from"]

    def run(docs: list, variables: dict) -> list:
        foreign = documents(source)
        if keep is not None:
            foreign = [doc for doc in foreign if keep(doc)]
        index = Index(foreign, connect_to)
        out = []
        for doc in docs:
            check_budget()
            found = _traverse(start(doc, variables), index, connect_from, max_depth)
            if depth_parts is not None:
                results = []
                for hit, depth in found:
                    hit = dict(hit)
                    set_field(hit, depth_parts, depth)
                    results.append(hit)
            else:
                results = [hit for hit, _ in found]
            new = dict(doc)
            set_field(new, as_parts, results)
            out.append(new)
        return out

    return run


def _max_depth(value: Any) -> int:
    if not is_number(value):
        raise fail(Reason("aggregate.max_depth_type", "maxDepth must be numeric, found type: {type}",
                          type=type_name(value)))
    if not whole(value):
        raise fail(Reason("aggregate.max_depth_whole", "maxDepth could not be represented as a long long: {value}",
                          value=value))
    if value < 0:
        raise fail(Reason("aggregate.max_depth_negative", "maxDepth requires a nonnegative argument, found: "
                          "{value}", value=value))
    return int(value)


def _traverse(start: Any, index: Index, connect_from: Parts, max_depth: int | None) -> list[tuple[dict, int]]:
    """Breadth-first from ``start``: each reachable document once, with the depth it was met at."""
    frontier = start if type(start) is list else [None if start is MISSING else start]
    asked: set = set()
    seen: set = set()
    found: list[tuple[dict, int]] = []
    depth = 0
    while frontier:
        following: list = []
        for value in frontier:
            key = None if value is None else hash_key(value)
            if key in asked:
                continue
            asked.add(key)
            for doc in index.get(key):
                identity = hash_key(doc.get("_id", MISSING)) if "_id" in doc else id(doc)
                if identity in seen:
                    continue
                seen.add(identity)
                found.append((doc, depth))
                for reached in reached_values(doc, connect_from):
                    if reached is not MISSING:
                        following.extend(reached if type(reached) is list else (reached,))
        if max_depth is not None and depth >= max_depth:
            break
        depth += 1
        frontier = following
    return found
