"""The messages' requests other than the cloud calls: the mini program's
``wx.requestSubscribeMessage`` (openapi.md §4.2) and the console's view and editing of the
templates, each persona's subscriptions, inbox and customer-service window.

``wx.requestSubscribeMessage`` is a client request (the persona answers as its policy says, no
dialog): ``{tmplIds}`` → ``{errMsg: 'requestSubscribeMessage:ok', <id>: accept|reject|ban|filter}``,
or a ``CloudError`` with WeChat's client code (10001, 10004, 20001–20003) whose detail is
WeChat's text; the client shim (``js/sdk/subscribe.js``) turns it into ``requestSubscribeMessage:fail``.
"""

from __future__ import annotations

from typing import Any, Callable

from app.core.dispatcher import Action
from app.core.errors import CloudError, InputError
from app.core.openapi.calls import Services
from app.core.openapi.mailbox import unknown_template
from app.core.reasons import Reason
from app.core.requests import Request, Trace

REQUEST_SUBSCRIBE = "wx.requestSubscribeMessage"


def message_actions(services: Services, openid_of: Callable[[str], str]) -> dict[str, Action]:
    """``openid_of(persona name)``: the persona's openid (InputError for a name no persona has)."""
    mailbox = services.mailbox

    def request_subscribe(request: Request, trace: Trace) -> dict:
        openid = request.caller.openid
        if not openid:
            raise CloudError(10005, Reason("openapi.subscribe_signed_out",
                                           "Cannot show subscribe message UI: no persona is signed in."))
        ids = request.params.get("tmplIds")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise CloudError(10004, Reason("openapi.subscribe_ids_type", "Invalid template id"))
        ids = list(dict.fromkeys(ids))  # the same id twice is asked once
        if not ids:
            raise CloudError(10001, Reason("openapi.subscribe_empty", "TmplIds can't be empty"))
        if len(ids) > mailbox.settings()["maxSubscribeIds"]:
            raise CloudError(20003, Reason("openapi.subscribe_too_many", "Templates count out of max bounds"))
        declared = mailbox.templates()
        if any(i not in declared for i in ids):
            raise CloudError(20001, Reason("openapi.subscribe_unknown",
                                           "No template data return, verify the template id exist"))
        if len({declared[i].kind for i in ids}) > 1:
            raise CloudError(20002, Reason("openapi.subscribe_mixed", "Templates type must be same"))
        answers = mailbox.answer_subscribe(openid, [declared[i] for i in ids])
        trace.target = ", ".join(f"{i}: {a}" for i, a in answers.items())
        return {"errMsg": "requestSubscribeMessage:ok", **answers}

    def templates(request: Request, trace: Trace) -> dict:
        listed = [t.listed() for t in mailbox.templates().values()]
        trace.target = f"{len(listed)} templates"
        return {"templates": listed}

    def set_template(request: Request, trace: Trace) -> dict:
        """``{templateId, title, kind, keywords, replaces?}``: declare or change a template."""
        params = request.params
        from app.core.openapi.templates import parse_template  # its ~20 patterns: on first use

        template = parse_template(params.get("templateId"), params)
        replaces = params.get("replaces")
        mailbox.set_template(template, replaces if isinstance(replaces, str) else None)
        trace.target = template.id
        return {"template": template.listed()}

    def remove_template(request: Request, trace: Trace) -> dict:
        template_id = request.params.get("templateId")
        trace.target = str(template_id)
        mailbox.remove_template(template_id if isinstance(template_id, str) else "")
        return {"removed": template_id}

    def subscriptions(request: Request, trace: Trace) -> dict:
        """``{persona}``: the persona's policy, kept choice and sends left per template."""
        name, openid = _persona(request, openid_of)
        trace.target = name
        states = mailbox.subscriptions(openid)
        return {"persona": name, "subscriptions": [{"templateId": i, **s} for i, s in states.items()],
                "session": mailbox.session(openid)}

    def set_subscription(request: Request, trace: Trace) -> dict:
        """``{persona, templateId, policy?, keep?, count?}``."""
        name, openid = _persona(request, openid_of)
        template_id = request.params.get("templateId")
        if not isinstance(template_id, str):
            raise InputError(unknown_template(template_id))
        trace.target = f"{name} · {template_id}"
        state = mailbox.set_subscription(openid, template_id, request.params)
        return {"templateId": template_id, **state}

    def inbox(request: Request, trace: Trace) -> dict:
        """``{persona?}``: the messages delivered to the persona (everyone's without one)."""
        if request.params.get("persona") is None:
            messages = mailbox.inbox()
            trace.target = f"{len(messages)} messages"
        else:
            name, openid = _persona(request, openid_of)
            messages = mailbox.inbox(openid)
            trace.target = f"{name}: {len(messages)}"
        return {"messages": messages}

    def view(request: Request, trace: Trace) -> dict:
        """``{persona}``: all a view shows of one persona in one request: the templates, the
        persona's subscriptions, customer-service window and inbox."""
        name, openid = _persona(request, openid_of)
        messages = mailbox.inbox(openid)
        trace.target = f"{name}: {len(messages)}"
        states = mailbox.subscriptions(openid)
        return {"persona": name, "templates": [t.listed() for t in mailbox.templates().values()],
                "subscriptions": [{"templateId": i, **s} for i, s in states.items()],
                "session": mailbox.session(openid), "messages": messages}

    def customer_message(request: Request, trace: Trace) -> dict:
        """``{persona}``: the persona sends a customer-service message, which opens the window."""
        name, openid = _persona(request, openid_of)
        trace.target = name
        return {"persona": name, "session": mailbox.open_session(openid)}

    def settings(request: Request, trace: Trace) -> dict:
        """``{legacy?, maxSubscribeIds?}``: read or change the messages' settings."""
        changed = mailbox.set_settings(request.params.get("legacy"), request.params.get("maxSubscribeIds"))
        trace.target = changed["legacy"]
        return changed

    return {
        REQUEST_SUBSCRIBE: Action(request_subscribe),
        "openapi.templates": Action(templates, console_only=True),
        "openapi.setTemplate": Action(set_template, console_only=True),
        "openapi.removeTemplate": Action(remove_template, console_only=True),
        "openapi.subscriptions": Action(subscriptions, console_only=True),
        "openapi.setSubscription": Action(set_subscription, console_only=True),
        "openapi.inbox": Action(inbox, console_only=True),
        "openapi.mailbox": Action(view, console_only=True),
        "openapi.customerMessage": Action(customer_message, console_only=True),
        "openapi.messageSettings": Action(settings, console_only=True),
    }


def _persona(request: Request, openid_of: Callable[[str], str]) -> tuple[str, str]:
    name: Any = request.params.get("persona")
    if not isinstance(name, str):
        raise InputError(Reason("openapi.persona_missing", "Name the persona (persona)."))
    return name, openid_of(name)
