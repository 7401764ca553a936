"""A request in words for the timeline's detail view: who, what, the verdict and why, then
the request and the answer as JSON."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.api import Event
from app.ui.timeline_model import outcome_label, persona_label
from app.ui.widgets import pretty_json


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
        lines.append(QCoreApplication.translate("TimelineDetails", "Why: {reason}").format(
            reason=event.permission_reason))
    if event.error_message:
        lines.append(QCoreApplication.translate("TimelineDetails", "Error: {message}").format(
            message=event.error_message))
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
