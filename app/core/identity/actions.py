"""Request handlers for personas, wx.login, code2Session and traceUser visits."""

from __future__ import annotations

from dataclasses import asdict

from app.core.dispatcher import Action
from app.core.errors import InputError
from app.core.identity.service import Identity
from app.core.reasons import Reason
from app.core.requests import Request, Trace


def identity_actions(identity: Identity, env_id: str = "", appid: str = "") -> dict[str, Action]:
    """The simulator-only ``auth.*`` and ``personas.*`` actions (``env_id``/``appid`` for the roster)."""

    def roster(request: Request, trace: Trace) -> dict:
        personas = [asdict(p) for p in identity.personas()]
        trace.target = f"{len(personas)} persona(s)"
        return {"env": env_id, "appid": appid, "personas": personas}

    def wx_login(request: Request, trace: Trace) -> dict:
        caller = request.caller
        if not caller.is_client or not caller.openid:
            raise InputError(Reason("persona.login_needs_persona", "wx.login needs a signed-in persona: choose one in the toolbar first."))
        trace.target = caller.openid
        code = identity.issue_code(caller.openid)
        return {"errMsg": "login:ok", "code": code.code, "expiresAt": code.expires_at}

    def code2session(request: Request, trace: Trace) -> dict:
        js_code = str(request.params.get("js_code") or "")
        trace.target = js_code
        return identity.code_to_session(js_code)

    def init_cloud(request: Request, trace: Trace) -> dict:
        # The visit itself is recorded by the dispatcher for every traced client request.
        trace.target = request.caller.openid or ""
        return {"errMsg": "cloud.init:ok"}

    def add(request: Request, trace: Trace) -> dict:
        params = request.params
        persona = identity.add_persona(
            str(params.get("name", "")), params.get("color"), unionid=bool(params.get("unionid"))
        )
        trace.target = persona.name
        return asdict(persona)

    def rename(request: Request, trace: Trace) -> dict:
        trace.target = str(request.params.get("name", ""))
        persona = identity.rename_persona(trace.target, str(request.params.get("newName", "")))
        return asdict(persona)

    def recolor(request: Request, trace: Trace) -> dict:
        trace.target = str(request.params.get("name", ""))
        return asdict(identity.recolor_persona(trace.target, str(request.params.get("color", ""))))

    def remove(request: Request, trace: Trace) -> dict:
        trace.target = str(request.params.get("name", ""))
        return asdict(identity.remove_persona(trace.target))

    return {
        # wx.login and code2Session are WeChat open APIs, not cloud calls: no visit.
        "auth.wxLogin": Action(wx_login, counts_as_visit=False),
        "auth.code2Session": Action(code2session, counts_as_visit=False),
        "auth.initCloud": Action(init_cloud),
        "personas.list": Action(roster, console_only=True),
        "personas.add": Action(add, console_only=True),
        "personas.rename": Action(rename, console_only=True),
        "personas.recolor": Action(recolor, console_only=True),
        "personas.remove": Action(remove, console_only=True),
    }
