"""``database.aggregateDocuments``: run a pipeline for a caller, with the service's rules.

Wire params (tcb-wire §4): ``collectionName`` and ``stages: [{stageKey: "$match", stageValue:
"<EJSON>"}]``; the answer is ``{list: [<EJSON doc>]}``, which the SDK turns into
``{list, errMsg: 'collection.aggregate:ok'}``. The rules (spec §3.14, §3.6, §4.1):

- a mini program sees what it may read: under PRIVATE only its own documents enter the
  pipeline; ADMINONLY refuses with -502003; cloud functions and the console see everything;
- every ``$lookup``/``$graphLookup`` source is held to the same read rule (refused, or
  limited to the caller's own documents);
- without a ``$limit`` stage a mini program gets at most 20 results (spec §10 #18); the
  server side has no implicit cap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from app.core import jsontext
from app.core.database import ejson
from app.core.database.rules_guard import with_openid
from app.core.database.permissions import Access, decide, owns
from app.core.database.regex_budget import regex_budget
from app.core.database.values import MISSING
from app.core.database.service import DatabaseService, PermissionDenied
from app.core.dispatcher import Action
from app.core.database.failures import collection_name_required, invalid_ejson
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller, Decision, Request, Trace

ACTION = "database.aggregateDocuments"
CLIENT_DEFAULT_LIMIT = 20  # spec §3.6 / §10 #18: a mini program's pipeline without $limit
# The mode of collections under security rules (the manager API's name; the rules engine in
# progress names it too, in app/core/rules).
CUSTOM = "CUSTOM"


def aggregate_actions(service: DatabaseService, mode_of: Callable[[str], str]) -> dict[str, Action]:
    """The aggregation action; ``mode_of(collection)`` is a collection's permission mode."""

    def aggregate(request: Request, trace: Trace) -> dict:
        # The stage library loads on the first aggregation, not at start-up (~20 ms).
        from app.core.database.aggregate.core import time_budget
        from app.core.database.aggregate.pipeline import Context, compile_pipeline, referenced_collections

        params = request.params
        collection = params.get("collectionName")
        if not isinstance(collection, str) or not collection:
            raise CloudError(-501007, collection_name_required())
        trace.target = collection
        pipeline = decode_stages(params.get("stages"), service.resolve_server_dates)
        if request.caller.is_client and pipeline and "$match" in pipeline[0]:
            # '{openid}' in a client's first $match is the caller's openid, as in its queries.
            pipeline[0] = {"$match": with_openid(pipeline[0]["$match"], request.caller.openid)}
        reader = _Reader(service, mode_of, request.caller)
        try:
            access = reader.open(collection, pipeline)
            for name in sorted(referenced_collections(pipeline) - {collection}):
                reader.open(name, None)
        except PermissionDenied as denied:
            trace.decision = Decision(False, denied.access.why or denied.access.reason)
            raise
        with regex_budget(), time_budget():
            compiled = compile_pipeline(pipeline, Context(documents=reader.documents))
            docs = compiled.run(reader.documents(collection), {"NOW": service.now()})
        if request.caller.is_client and not any("$limit" in stage for stage in pipeline):
            docs = docs[:CLIENT_DEFAULT_LIMIT]
        trace.decision = Decision(True, Reason("database.aggregated", "{why}{joins} — {n} result(s)",
                                               why=access.why or access.reason, joins=reader.joined(), n=len(docs)))
        return {"list": [wire_value(doc) for doc in docs]}

    return {ACTION: Action(aggregate)}


def decode_stages(stages: Any, resolve: Callable[[Any], Any] = lambda value: value) -> list[dict]:
    """The wire's ``[{stageKey, stageValue}]`` as a pipeline ``[{"$match": {...}}, ...]``.

    ``stageValue`` is EJSON text (objects) or JSON text (``$limit: "2"``), as the SDK sends
    it; code calling in-process may also give the value itself.
    """
    if not isinstance(stages, list):
        raise CloudError(-501007, Reason("database.stages_param", "stages must be an array of {shape}",
                                         shape="{stageKey, stageValue}"))
    pipeline = []
    for i, stage in enumerate(stages):
        if not isinstance(stage, dict) or set(stage) != {"stageKey", "stageValue"}:
            raise CloudError(-501007, Reason("database.stage_param", "stages[{i}] must be an object with stageKey "
                                             "and stageValue", i=i))
        key = stage["stageKey"]
        if not isinstance(key, str) or not key.startswith("$"):
            raise CloudError(-501007, Reason("database.stage_key_param", "stages[{i}].stageKey must be a stage name "
                                             "such as \"$match\", not {key}", i=i, key=repr(key)))
        pipeline.append({key: resolve(_decode(stage["stageValue"], i))})
    return pipeline


def _decode(value: Any, index: int) -> Any:
    try:
        if isinstance(value, str):
            return ejson.decode(value)
        return ejson.decode(ejson.encode(value), encoded_here=True)
    except ValueError as exc:  # JsonTextError included
        raise CloudError(-501007, Reason("database.stage_value_ejson", "stages[{i}].stageValue is not valid EJSON: "
                                         "{error}", i=index, error=getattr(exc, "reason", None) or str(exc))) from None
    except RecursionError:
        raise CloudError(-501007, Reason("database.stage_value_deep", "stages[{i}].stageValue is nested more than "
                                         "{depth} levels deep", i=index, depth=jsontext.MAX_DEPTH)) from None


class _Reader:
    """The collections one request reads, each checked against the caller's read rule once and
    taken as a snapshot (documents are never changed in place, so the pipeline runs without
    holding the store's lock)."""

    def __init__(self, service: DatabaseService, mode_of: Callable[[str], str], caller: Caller) -> None:
        self._service = service
        self._mode_of = mode_of
        self._caller = caller
        self._docs: dict[str, list] = {}
        self._joined: list[Reason] = []

    def open(self, collection: str, pipeline: list | None) -> Access:
        """Check and snapshot ``collection``; ``pipeline`` is given for the aggregated one."""
        store = self._service.store
        if pipeline is None and not store.has_collection(collection):
            self._docs[collection] = []  # $lookup from a missing collection finds nothing (MongoDB)
            return Access(True, "")
        self._service.require_collection(collection)
        mode = self._mode_of(collection)
        if self._caller.is_client and mode == CUSTOM:
            access = custom_rules_access(self._service, self._caller, collection, pipeline)
        else:
            access = decide(mode, self._caller, "read", collection)
        if not access.allowed:
            if pipeline is None:
                access = Access(False, Reason("database.lookup_refused", "$lookup reads {collection}: {why}",
                                              collection=collection, why=access.why or access.reason))
            raise PermissionDenied(access)
        docs = store.documents(collection)
        if access.owner is not None:
            docs = [doc for doc in docs if owns(doc, access.owner)]
        self._docs[collection] = docs
        if pipeline is None:
            self._joined.append(Reason("database.lookup_joins", "; joins {collection}: {why}", collection=collection,
                                       why=access.why or access.reason))
        return access

    def documents(self, collection: str) -> list:
        return self._docs.get(collection, [])

    def joined(self) -> Reason | str:
        """The joined collections' reasons (``; joins c: …`` each), after the aggregated one's."""
        said: Reason | str = ""
        for reason in reversed(self._joined):
            said = reason if said == "" else Reason("database.reasons_joined", "{first}{rest}", first=reason, rest=said)
        return said


def custom_rules_access(service: DatabaseService, caller: Caller, collection: str, pipeline: list | None) -> Access:
    """A mini program aggregating a collection under security rules (spec §4.2).

    The cloud applies the query subset rule to the pipeline's first ``$match``: the documents
    the pipeline can reach must all satisfy ``read``, else the whole request fails with
    -502003 (nothing is filtered). A ``$lookup``/``$graphLookup`` source (``pipeline`` None)
    has no query of its own to prove, so it passes only if its rule holds for any document.
    """
    first = pipeline[0] if pipeline else None
    first_match = first.get("$match") if isinstance(first, dict) and len(first) == 1 else None
    return service.rules.read(caller, collection, first_match if isinstance(first_match, dict) else None, None)


def wire_value(value: Any) -> Any:
    """A result as EJSON-ready data: dates and regexes wrapped, and NaN/±Infinity as
    ``$numberDouble`` (JSON has no such numbers; the SDK's EJSON reads them back).
    Parts that need nothing are shared, not copied: the result is read-only."""
    kind = type(value)
    if kind is dict or kind is list:
        copy = None
        for key, item in value.items() if kind is dict else enumerate(value):
            if type(item) in _PLAIN or (type(item) is float and math.isfinite(item)):
                continue
            wrapped = wire_value(item)
            if wrapped is not item:
                if copy is None:
                    copy = dict(value) if kind is dict else list(value)
                copy[key] = wrapped
        return value if copy is None else copy
    if kind is float and not math.isfinite(value):
        text = "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
        return {"$numberDouble": text}
    if value is MISSING:  # expressions drop absent values before here; never send the sentinel
        return None
    if isinstance(value, (dict, list)):  # a subclass (a TinyDB Document): as the plain container
        return wire_value(dict(value) if isinstance(value, dict) else list(value))
    return ejson.to_ejson(value)  # dates and regexes get their wrappers; other scalars pass


_PLAIN = frozenset({str, int, bool, type(None)})
