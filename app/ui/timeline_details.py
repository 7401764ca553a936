"""A request in words for the timeline's detail view: who, what, the verdict and why, then
the request and the answer as JSON."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.api import OUTCOME_DENIED, OUTCOME_OK, Event
from app.ui.reason_texts import chinese, event_error, event_why
from app.ui.timeline_model import outcome_label, persona_label
from app.ui.widgets import pretty_json


def headline(event: Event) -> str:
    """One line a class reads off the projector: who, the verdict in words, and why
    ("学生B 被拒绝：只有上传者 学生A 可以删除 images/a.png")."""
    if event.outcome == OUTCOME_OK:
        verdict = QCoreApplication.translate("TimelineDetails", "{who} succeeded: {why}")
        because = event_why(event) or f"{event.action} {event.target}".strip()
    elif event.outcome == OUTCOME_DENIED:
        verdict = QCoreApplication.translate("TimelineDetails", "{who} was denied: {why}")
        because = event_why(event) or event_error(event)
    else:
        verdict = QCoreApplication.translate("TimelineDetails", "{who} failed: {why}")
        because = event_error(event) or event_why(event)
    return verdict.format(who=persona_label(event), why=because)


def describe(event: Event) -> str:
    """The summary a trainer reads aloud, then the raw request and answer."""
    who = persona_label(event) + (f" ({event.openid})" if event.caller_kind == "client" and event.openid else "")
    if event.target:
        asked = QCoreApplication.translate("TimelineDetails", "{who} asked for {action} on {target}, from {source}")
    else:
        asked = QCoreApplication.translate("TimelineDetails", "{who} asked for {action}, from {source}")
    lines = [asked.format(who=who, action=event.action, target=event.target, source=event.source),
             outcome_label(event)]
    if event.permission_reason:
        lines.append(QCoreApplication.translate("TimelineDetails", "Why: {reason}").format(reason=event_why(event)))
    plan = plan_text(event)
    if plan:
        lines.append(plan)
    if event.error_message:
        lines.append(QCoreApplication.translate("TimelineDetails", "Error: {message}").format(
            message=event_error(event)))
    lines.append(QCoreApplication.translate("TimelineDetails", "Request ID: {id}").format(id=event.id))
    if event.parent_id:
        lines.append(QCoreApplication.translate("TimelineDetails", "Made inside request {id}").format(
            id=event.parent_id))
    answer = event.result
    if answer is None and event.error_code is not None:
        answer = {"errCode": event.error_code, "errMsg": event.error_message}
    return "\n".join([
        *lines,
        "", QCoreApplication.translate("TimelineDetails", "Request:"), pretty_json(event.params),
        "", QCoreApplication.translate("TimelineDetails", "Answer:"), pretty_json(answer),
    ])


def plan_text(event: Event) -> str | None:
    """How a query found its documents: "Plan: index city_1 (12 documents read)", or "Plan:
    full scan (100,000 documents read)"; None for a request that planned nothing."""
    plan = event.plan
    if not isinstance(plan, dict):
        return None
    read = plan.get("examined")
    count = (str(read) if chinese() else f"{read:,}") if isinstance(read, int) else None
    if plan.get("index"):
        if count is None:
            return QCoreApplication.translate("TimelineDetails", "Plan: index {name}").format(name=plan["index"])
        return QCoreApplication.translate("TimelineDetails", "Plan: index {name} ({n} documents read)").format(
            name=plan["index"], n=count)
    if count is None:
        return QCoreApplication.translate("TimelineDetails", "Plan: full scan")
    return QCoreApplication.translate("TimelineDetails", "Plan: full scan ({n} documents read)").format(n=count)
