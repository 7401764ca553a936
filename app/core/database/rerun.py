"""``database.rerun``: the console runs a logged mini program database request again, as another
user (a persona, signed out, or admin) and/or under edited security rules, saving nothing.

One implementation behind the timeline's and the client console's "Re-run as…" and "What if…".
The request is the recorded one (its action and params from the event), run by the same
handlers over a dry-run view of the service (``DatabaseService.dry_run``): reads see the live
documents, writes are judged and counted but never made. Edited rules travel with this one
request inside that view: nothing is saved and concurrent requests still meet the saved rules.
The re-run is logged once, as this console request, its decision its own.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Callable

from app.core.database.actions import document_actions
from app.core.database.service import DatabaseService
from app.core.database.transactions import Transactions
from app.core.dispatcher import Action
from app.core.errors import CloudError, InputError, SimulatorError
from app.core.events import Event
from app.core.reasons import Reason
from app.core.requests import SOURCE_CONSOLE, Caller, Request, Trace
from app.core.rules.check import check_text

READS = ("database.getDocument", "database.calculateDocument")
WRITES = ("database.insertDocument", "database.modifyDocument", "database.removeDocument")


def rerun_actions(service: DatabaseService, caller_for: Callable[[str | None], Caller],
                  events: Callable[[], list[Event]]) -> dict[str, Action]:
    """``caller_for(persona)`` is a persona's mini program caller; ``events()`` the timeline's."""

    def rerun(request: Request, trace: Trace) -> dict:
        params = request.params
        original = _original(events(), params.get("eventId"))
        caller = _caller(params.get("as"), original, caller_for)
        rules = _rules(params.get("rules"))
        trace.target = original.target
        collection = original.params.get("collectionName")
        view = service.dry_run((collection, rules) if rules is not None else None)
        handler = document_actions(view, Transactions(view.store))[original.action].handler
        inner = Trace(id=trace.id)
        result: dict | None = None
        error: SimulatorError | None = None
        try:
            result = handler(Request(original.action, dict(original.params), caller, parent_id=trace.id), inner)
        except SimulatorError as exc:  # the re-run's own refusal or failure: the answer says it
            error = exc
        trace.decision = inner.decision
        failure = error or inner.failure
        trace.failure = failure if isinstance(failure, CloudError) else None
        return {
            "original": {"eventId": original.id, "action": original.action, "target": original.target,
                         "persona": original.persona, "openid": original.openid, "outcome": original.outcome},
            "caller": {"kind": caller.kind, "persona": caller.persona, "openid": caller.openid},
            "rules": rules,
            "dryRun": original.action in WRITES,
            "outcome": _outcome(inner, failure),
            "result": result,
            "wouldTouch": _touched(original.action, result),
            "error": _error(failure),
            "permission": ({"allowed": inner.decision.allowed, "reason": inner.decision.reason,
                            **(inner.decision.details() or {})} if inner.decision else None),
        }

    return {"database.rerun": Action(rerun, console_only=True, counts_as_visit=False)}


def _original(events: list[Event], event_id: Any) -> Event:
    """The logged mini program database request to run again."""
    if not isinstance(event_id, str) or not event_id:
        raise CloudError(-501007, Reason("database.rerun_event_param", "eventId must be the id of a request in "
                                         "the timeline"))
    event = next((e for e in reversed(events) if e.id == event_id), None)
    if event is None:
        raise InputError(Reason("database.rerun_unknown_event", "There is no request {event_id} in the timeline "
                                "(it may have been cleared), so it cannot be re-run.", event_id=event_id))
    if event.caller_kind != "client" or event.action not in (*READS, *WRITES) or not isinstance(event.params, dict):
        raise InputError(Reason("database.rerun_not_client", "Only a mini program's database request (get, count, "
                                "add, update, remove) can be re-run, not {action} from {source}.",
                                action=event.action, source=event.source))
    if "$clipped" in event.params:
        raise InputError(Reason("database.rerun_clipped", "The timeline kept only part of this request (it was too "
                                "large), so it cannot be re-run."))
    if event.params.get("transactionId") is not None:
        raise InputError(Reason("database.rerun_transaction", "A request inside a transaction cannot be re-run on "
                                "its own."))
    return event


def _caller(who: Any, original: Event, caller_for: Callable[[str | None], Caller]) -> Caller:
    """``as``: ``{"persona": name}`` (null: signed out), ``{"admin": true}``, or absent for the
    original user (by persona while it exists, else by the openid the event recorded)."""
    if who is None:
        if original.persona:
            try:
                return caller_for(original.persona)
            except InputError:  # the persona is gone: the same openid still is the same user
                pass
        return replace(caller_for(None), openid=original.openid, persona=original.persona)
    if isinstance(who, dict) and who.get("admin") is True and "persona" not in who:
        return Caller.admin(SOURCE_CONSOLE)
    if isinstance(who, dict) and set(who) == {"persona"} and isinstance(who["persona"], (str, type(None))):
        return caller_for(who["persona"])
    raise CloudError(-501007, Reason("database.rerun_as_param", 'as must be {{"persona": name}} (null: signed '
                                     'out) or {{"admin": true}}, not {value}',
                                     value=json.dumps(who, ensure_ascii=False)))


def _rules(given: Any) -> dict | None:
    """What-if rules: the editor's JSON text (or an object), checked as ``rules.check`` checks
    it; a mistake is refused naming its line and column."""
    if given is None:
        return None
    text = given if isinstance(given, str) else json.dumps(given, ensure_ascii=False, indent=2)
    checked = check_text(text, "database")
    if not checked["ok"]:
        raise InputError(Reason.from_dict(checked["error"]["reason"]))
    return json.loads(text)


def _outcome(inner: Trace, failure: BaseException | None) -> str:
    if inner.decision is not None and not inner.decision.allowed:
        return "denied"
    return "error" if failure is not None else "ok"


def _touched(action: str, result: dict | None) -> int | None:
    """How many documents a write would have added, changed or removed."""
    if result is None or action not in WRITES:
        return None
    if action == "database.insertDocument":
        return len(result.get("insertedIds") or [])
    if action == "database.modifyDocument":
        return result["updated"] + (1 if result.get("upsert_id") is not None else 0)
    return result["deleted"]


def _error(failure: BaseException | None) -> dict | None:
    if failure is None:
        return None
    reason = getattr(failure, "reason", None)
    return {"code": getattr(failure, "code", None), "message": str(failure),
            "reason": reason.to_dict() if isinstance(reason, Reason) else None}
