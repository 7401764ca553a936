"""The console's side of content security (openapi.md §5.5): the word and image lists, the
settings of ``mediaCheckAsync``'s push, and delivering its verdicts when they are due.

- ``openapi.securityLists``: read the lists, or save ``words``/``images`` (each a whole text,
  checked line by line first: a bad line is refused with its number, nothing is saved).
- ``openapi.securitySettings``: read, or change ``delay`` (seconds) and ``pushFunction``.
- ``openapi.deliverMediaChecks``: push every verdict due on the simulator clock. The platform
  pushes a ``wxa_media_check`` message to the function configured for message push (§5.4); here
  that function runs with the message as its event, nested under this request, and without one
  the message is only shown in the timeline. The trigger scheduler sends this request at its
  next tick once a verdict is due (``Workspace._push_due_media_checks``); a test advances the
  clock and sends it itself.
"""

from __future__ import annotations

import json
from typing import Callable

from app.core.dispatcher import Action
from app.core.errors import InputError, SimulatorError
from app.core.openapi.calls import Services
from app.core.openapi.media_checks import MAX_DELAY, MediaChecks
from app.core.openapi.security import DEFAULT_WORDS, ListError, parse_images, parse_words, read_list
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace

LISTS = {"words": ("words.txt", parse_words), "images": ("images.txt", parse_images)}


def security_actions(services: Services, handle: Callable[[Request], dict],
                     function_names: Callable[[], list[str]]) -> dict[str, Action]:
    checks = MediaChecks(services.store)

    def lists(request: Request, trace: Trace) -> dict:
        changed = []
        for name, (file, parse) in LISTS.items():
            text = request.params.get(name)
            if text is None:
                continue
            if not isinstance(text, str):
                raise InputError(Reason("openapi.list_not_text", "The {name} list must be text.", name=name))
            try:
                parse(text)
            except ListError as exc:
                raise InputError(exc.reason) from None
            checks.write_list(file, text if not text or text.endswith("\n") else text + "\n")
            changed.append(name)
        trace.target = " · ".join(LISTS[name][0] for name in changed or LISTS)  # the saved files, or both read
        return {name: read_list(checks.folder / file, DEFAULT_WORDS if name == "words" else "")
                for name, (file, _parse) in LISTS.items()}

    def settings(request: Request, trace: Trace) -> dict:
        params, changes = request.params, {}
        if "delay" in params:
            delay = params["delay"]
            if type(delay) not in (int, float) or not 0 <= delay <= MAX_DELAY:
                raise InputError(Reason("openapi.push_delay", "The delay must be 0 to 1800 seconds."))
            changes["delay"] = float(delay)
        if "pushFunction" in params:
            push = params["pushFunction"] or None
            if push is not None and push not in function_names():
                raise InputError(Reason("openapi.push_function_unknown", "There is no cloud function {name}.",
                                        name=str(push)))
            changes["pushFunction"] = push
        saved = checks.save_settings(**changes) if changes else checks.settings()
        trace.target = f"wxa_media_check → {saved['pushFunction'] or '—'} · {saved['delay']:g} s"
        return saved

    def deliver(request: Request, trace: Trace) -> dict:
        now = services.clock()
        push = checks.settings()["pushFunction"]
        delivered = []
        for entry in checks.take_due(now):
            message = entry["message"]
            outcome = {"traceId": entry["traceId"], "message": message, "pushedTo": push}
            if push is not None:
                outcome["ok"] = _push(handle, push, message, trace.id)
            delivered.append(outcome)
        waiting = checks.waiting()
        verdicts = [f"{d['traceId']} {d['message'].get('result', {}).get('suggest', '')}".strip() for d in delivered]
        trace.target = f"wxa_media_check → {', '.join(verdicts) or 0}"
        return {"delivered": delivered,
                "next": max(0.0, min(e["due"] for e in waiting) - now) if waiting else None}

    return {
        "openapi.securityLists": Action(lists, console_only=True),
        "openapi.securitySettings": Action(settings, console_only=True),
        "openapi.deliverMediaChecks": Action(deliver, console_only=True),
    }


def _push(handle: Callable[[Request], dict], function: str, message: dict, parent_id: str) -> bool:
    """Run the push receiver with the message as its event. The platform, not a user, invokes it;
    the runner knows such runs as timer triggers' (SOURCE wx_trigger), which may make cloud calls."""
    request = Request("functions.invokeFunction", {"function_name": function, "request_data": json.dumps(message)},
                      Caller.admin("wx_trigger"), parent_id=parent_id)
    try:
        handle(request)
    except SimulatorError:  # the run's failure is in its own timeline row and the function's history
        return False
    return True

