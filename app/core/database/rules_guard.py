"""Security rules (CUSTOM, spec §4.2) for the database service, as ``Access`` verdicts.

The service asks the guard at the points where the simple modes would filter by owner:
reads and query writes are proven from the query (``rules.subset``: the whole request is
refused with -502003 when the query does not guarantee the rule, never filtered), and
``doc(id)`` operations are evaluated against the stored document. Admin and console callers
never get here (spec §4.3). Each verdict carries the structured decision (which rule, each
part's value, the missing condition) for the event log.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Mapping

from app.core.database.permissions import Access, decide, signed_out
from app.core.database.store import DocumentStore
from app.core.errors import InputError, SimulatorError
from app.core.reasons import Reason
from app.core.requests import Caller
from app.core.rules.evaluate import Reads, Scope, evaluate
from app.core.rules.ruleset import CUSTOM, Rule, RuleSet, database_rules
from app.core.rules.subset import prove

OPENID_PLACEHOLDER = "{openid}"



def _verb(operation: str) -> Reason:
    """What a rule lets users do to a collection (``cannot {verb} it``)."""
    if operation == "read":
        return Reason("database.verb_read", "read")
    if operation == "create":
        return Reason("database.verb_create", "add documents to")
    if operation == "update":
        return Reason("database.verb_update", "change")
    return Reason("database.verb_delete", "remove documents from")


def _named(rule: Rule) -> Reason:
    """How a reason names a rule: ``the read rule``, ``the update rule (from write)``."""
    if rule.key is None:
        return Reason("database.rule_none", "no {name} rule", name=rule.name)
    if rule.key != rule.name:
        return Reason("database.rule_named_from", "the {name} rule (from {key})", name=rule.name, key=rule.key)
    return Reason("database.rule_named", "the {name} rule", name=rule.name)


class RulesGuard:
    """Args: ``mode_of(collection)``, ``rules_of(collection)`` (the saved rules object, or None),
    ``clock`` (seconds; ``now`` in a rule is milliseconds)."""

    def __init__(self, store: DocumentStore, mode_of: Callable[[str], str],
                 rules_of: Callable[[str], Any], clock: Callable[[], float]) -> None:
        self._store = store
        self._mode_of = mode_of
        self._rules_of = rules_of
        self._clock = clock

    def saved(self, collection: str) -> dict | None:
        """The collection's saved rules object (kept while it is in a simple mode too)."""
        return self._rules_of(collection)

    def applies(self, caller: Caller, collection: str) -> bool:
        """Whether security rules judge this caller here (only mini program users, §4.3)."""
        return caller.is_client and self._mode_of(collection) == CUSTOM

    def mode_access(self, caller: Caller, operation: str, collection: str) -> Access:
        """The verdict before any document is looked at: a simple mode's, or "rules decide"."""
        mode = self._mode_of(collection)
        if caller.is_client and mode == CUSTOM:
            return Access(True, Reason("database.rules_apply", "{collection} has security rules", collection=collection),
                          details={"kind": "rule", "mode": CUSTOM})
        access = decide(mode, caller, operation, collection)
        return replace(access, details={"kind": "mode" if caller.is_client else "admin", "mode": mode})

    # -- verdicts ------------------------------------------------------------------------------

    def read(self, caller: Caller, collection: str, query: Mapping | None, stored: list | None) -> Access:
        """``stored`` is the document of a ``doc(id).get()`` (empty when missing); None for a query."""
        return self._judge(caller, collection, "read", query, stored, None)

    def create(self, caller: Caller, collection: str, doc: dict) -> Access:
        return self._judge(caller, collection, "create", None, [doc], doc)

    def update(self, caller: Caller, collection: str, query: Mapping | None, data: Mapping,
               stored: list | None) -> Access:
        return self._judge(caller, collection, "update", query, stored, written_fields(data))

    def modify(self, caller: Caller, collection: str, query: Mapping | None, data: Mapping, matched: list,
               *, single: bool, merge: bool, upsert: bool) -> Access:
        """A query update (proven from the query), a doc(id).update/set on the stored document,
        or a doc(id).set that creates it (the create rule, ``doc`` the new document)."""
        if not single:
            return self.update(caller, collection, query, data, None)
        if matched or merge or not upsert:
            return self.update(caller, collection, query, data, matched[:1])
        body = {key: value for key, value in data.items() if key != "_id"}
        body["_openid"] = caller.openid  # as the service stamps it (spec §3.8)
        return self.create(caller, collection, {"_id": (query or {}).get("_id"), **body})

    def delete(self, caller: Caller, collection: str, query: Mapping | None, stored: list | None) -> Access:
        return self._judge(caller, collection, "delete", query, stored, None)

    def hidden(self, viewer: Caller, collection: str, docs: list[dict]) -> list[Reason | None]:
        """For the console's "view as": why the viewer could not read each document by its id
        (each judged as its own ``doc(id).get()`` request would be, get() limits included)."""
        out: list[Reason | None] = []
        for doc in docs:
            access = self._judge(viewer, collection, "read", None, [doc], None)
            out.append(None if access.allowed else access.why)
        return out

    def _judge(self, caller: Caller, collection: str, operation: str, query: Mapping | None,
               stored: list | None, data: Any) -> Access:
        try:
            rule = self._ruleset(collection).rule(operation)
        except SimulatorError as exc:  # workspace.json edited by hand into rules that do not parse
            return _denied(Reason("database.rules_unreadable", "{collection}'s saved security rules cannot be "
                                  "read ({error}); set them again", collection=collection, error=exc.reason or str(exc)),
                           {"name": operation, "key": None, "text": None})
        who = caller.persona or caller.openid or signed_out()
        head = Reason("database.rules_head", "{collection} has security rules: {rule}", collection=collection,
                      rule=_named(rule))
        verb = _verb(operation)
        if rule.expression is None:
            if operation == "read":
                return _denied(Reason("database.rules_no_read_rule", "{collection} has security rules but no read "
                                      "rule, so mini program users cannot {verb} it", collection=collection, verb=verb),
                               rule.describe())
            return _denied(Reason("database.rules_no_rule", "{collection} has security rules but no {operation} or "
                                  "write rule, so mini program users cannot {verb} it", collection=collection,
                                  operation=operation, verb=verb), rule.describe())
        if rule.constant is not None:
            if rule.constant:
                return _allowed(Reason("database.rule_always", "{head} is true: every user may {verb} it",
                                       head=head, verb=verb), rule)
            return _denied(Reason("database.rule_never", "{head} is false: mini program users cannot {verb} it",
                                  head=head, verb=verb), rule.describe())
        scope = self._scope(caller, data)
        if stored is None:
            proof = prove(rule.expression, query, scope, caller.openid)
            if proof.ok:
                return _allowed(Reason("database.rule_proven", "{head} ({rule}) holds for every document your query "
                                       "can return", head=head, rule=rule.text), rule, proof.values)
            return _denied(Reason("database.rule_not_proven", "{head} must hold for every document your query can "
                                  "return, and {proof}", head=head, proof=getattr(proof, "why", None) or proof.reason),
                           rule.describe(), proof.values, proof.missing)
        if not stored:  # doc(id) of a missing document: nothing to judge, nothing will happen
            return _allowed(Reason("database.rule_no_document", "{head} ({rule}) has no document to judge: there is "
                                   "none with that _id", head=head, rule=rule.text), rule)
        values: list = []
        for doc in stored:
            scope.doc = doc
            outcome = evaluate(rule.expression, scope)
            values = outcome.values
            target = (Reason("database.rule_target", "document {doc_id}", doc_id=repr(doc.get("_id")))
                      if operation != "create" else Reason("database.rule_target_new", "the new document"))
            if not outcome.allowed:
                if outcome.error:
                    return _denied(Reason("database.rule_false_error", "{head} ({rule}) is false for {who} on "
                                          "{target}: {error}", head=head, rule=rule.text, who=who, target=target,
                                          error=getattr(outcome, "why", None) or outcome.error),
                                   rule.describe(), values)
                return _denied(Reason("database.rule_false", "{head} ({rule}) is false for {who} on {target}",
                                      head=head, rule=rule.text, who=who, target=target), rule.describe(), values)
        return _allowed(Reason("database.rule_holds", "{head} ({rule}) holds for {who}", head=head, rule=rule.text,
                               who=who), rule, values)

    def _ruleset(self, collection: str) -> RuleSet:
        raw = self._rules_of(collection)
        return database_rules(raw if raw is not None else {})

    def _scope(self, caller: Caller, data: Any) -> Scope:
        """One request's names; its get() reads count against that request's limit."""
        return Scope(
            auth={"openid": caller.openid} if caller.openid else None,
            request={"data": data},
            now=int(self._clock() * 1000),
            reads=Reads(self._read),
        )

    def _read(self, collection: str, doc_id: str) -> dict | None:
        """get('database.<collection>.<id>'): the stored document, as admin (no rules)."""
        if not self._store.has_collection(collection):
            return None
        doc = self._store.get(collection, doc_id)
        if doc is None and doc_id.lstrip("-").isdigit():
            doc = self._store.get(collection, int(doc_id))  # a numeric _id, named in the path as text
        return doc


def _allowed(reason: Reason, rule: Rule, values: list | None = None) -> Access:
    return Access(True, reason, details=_details(rule.describe(), values, None))


def _denied(reason: Reason, rule: dict, values: list | None = None, missing: dict | None = None) -> Access:
    return Access(False, reason, details=_details(rule, values, missing))


def _details(rule: dict, values: list | None, missing: dict | None) -> dict:
    return {"kind": "rule", "mode": CUSTOM, "rule": rule, "values": values or [], "missing": missing}


def custom_rules(given: Any, mode: str, saved: dict | None) -> dict | None:
    """The rules to save with ``mode`` (None: a simple mode, nothing to save), validated whole.

    CUSTOM without rules re-applies the collection's saved ones, if any; malformed rules are
    an InputError naming the key, line and column, and nothing is saved.
    """
    if mode != CUSTOM:
        if given is not None:
            raise InputError(Reason("database.rules_need_custom", "Security rules go with the mode CUSTOM, not {mode}.",
                                    mode=mode))
        return None
    if given is None:
        if saved is None:
            raise InputError(Reason("database.custom_needs_rules", "CUSTOM needs the security rules, e.g. {example}.",
                                    example='{"read": "doc._openid == auth.openid", '
                                            '"write": "doc._openid == auth.openid"}'))
        given = saved
    return database_rules(given).raw


def written_fields(data: Mapping) -> dict:
    """``request.data`` of an update: the fields it sets, nested (``{'a.b': 1}`` → ``{a: {b: 1}}``),
    with other operators kept under their names (``request.data['$inc']``)."""
    out: dict = {}
    for key, value in data.items():
        if key == "$set" and isinstance(value, Mapping):
            for path, item in value.items():
                _put(out, str(path), item)
        elif key.startswith("$"):
            out[key] = value
        else:
            _put(out, key, value)
    return out


def _put(doc: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        nxt = doc.get(part)
        if not isinstance(nxt, dict):
            nxt = doc[part] = {}
        doc = nxt
    doc[last] = value


def with_openid(query: Any, openid: str | None) -> Any:
    """The query with every ``'{openid}'`` value replaced by the caller's openid (spec §4.2).

    Values only, at any depth (``_.in(['{openid}'])`` too), never keys. A signed-out caller
    has no openid: the placeholder stays, so it matches nothing real.
    """
    if not openid:
        return query
    if query == OPENID_PLACEHOLDER:
        return openid
    if isinstance(query, dict):
        return {key: with_openid(value, openid) for key, value in query.items()}
    if isinstance(query, list):
        return [with_openid(value, openid) for value in query]
    return query
