"""Links into the mini program: ``urlscheme.generate`` and ``urllink.generate`` (openapi.md §6).

Tickets are 11 characters derived from the workspace seed and a counter (``store.ticket``), and
every link is recorded in the ``links`` registry (kind, ticket, path, query, env version,
expiry, who made it), so a view can "open" it as a persona.
"""

from __future__ import annotations

import re
from typing import Any

from app.core.openapi.calls import Call
from app.core.openapi.wxacode import ENV_VERSIONS
from app.core.reasons import Reason

SCHEME_ROOT = "weixin://dl/business/?t="
LINK_ROOT = "https://wxaurl.cn/"
MAX_QUERY = 1024
QUERY = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*")
DAY = 86400
MAX_DAYS = 30  # §6.1: today's longest expiry, for expire_time and expire_interval alike
MIN_AHEAD = 60


def generate_scheme(call: Call) -> dict[str, Any]:
    jump = call.data.get("jump_wxa", {})
    if not isinstance(jump, dict):
        raise call.format_error("jump_wxa")
    target = _target(call, jump)
    ticket = call.services.store.ticket("urlscheme")
    link = SCHEME_ROOT + ticket
    _register(call, "urlscheme", ticket, link, target)
    return {"errcode": 0, "errmsg": "ok", "openlink": link}


def generate_link(call: Call) -> dict[str, Any]:
    target = _target(call, call.data)
    ticket = call.services.store.ticket("urllink")
    link = LINK_ROOT + ticket
    _register(call, "urllink", ticket, link, target)
    return {"errcode": 0, "errmsg": "ok", "url_link": link}


def _target(call: Call, where: dict[str, Any]) -> dict[str, Any]:
    """Path, query, env version and expiry, checked in that order."""
    path, query, env = where.get("path", ""), where.get("query", ""), where.get("env_version", "release")
    for name, value in (("path", path), ("query", query)):
        if not isinstance(value, str):
            raise call.format_error(name)
    if env not in ENV_VERSIONS:
        raise call.format_error("env_version")
    page = path.removeprefix("/")  # a leading / is tolerated (§6.3)
    pages = call.services.pages.read()
    if page and ("?" in page or (pages is not None and not pages.has(page))):
        raise call.fail(40165, "invalid weapp pagepath", Reason(
            "openapi.link_page_unknown", "{page} is not a page of app.json (a link's path carries no query).",
            page=page))
    if len(query) > MAX_QUERY or not QUERY.fullmatch(query):
        raise call.fail(40212, "invalid query", Reason(
            "openapi.link_query", "The query must be at most 1024 characters of 0-9 a-z A-Z and "
            "!#$&'()*+,/:;=?@-._~%."))
    return {"path": page or (pages.home if pages and pages.home else ""), "query": query, "envVersion": env,
            "expireAt": _expiry(call)}


def _expiry(call: Call) -> float:
    """When the link stops working: ``expire_type`` 1 counts days, else ``expire_time`` is a
    Unix time; both at most 30 days ahead, 85401 otherwise. Neither given: 30 days."""
    data, now = call.data, call.services.clock()
    kind = data.get("expire_type", 0)
    if kind not in (0, 1) or isinstance(kind, bool):
        raise call.format_error("expire_type")
    if kind == 1:
        days = data.get("expire_interval")
        if type(days) is not int:
            raise call.format_error("expire_interval")
        if not 1 <= days <= MAX_DAYS:
            raise _too_long(call)
        return now + days * DAY
    when = data.get("expire_time")
    if when is None:
        return now + MAX_DAYS * DAY
    if type(when) not in (int, float):
        raise call.format_error("expire_time")
    if not now + MIN_AHEAD <= when <= now + MAX_DAYS * DAY:
        raise _too_long(call)
    return float(when)


def _too_long(call: Call):
    return call.fail(85401, "time limit between 1min and 1year", Reason(
        "openapi.link_expiry", "A link must expire between 1 minute and 30 days from now."))


def _register(call: Call, kind: str, ticket: str, link: str, target: dict[str, Any]) -> None:
    number, _ = call.services.store.draw("link")
    call.services.store.append("links", {"id": number, "kind": kind, "ticket": ticket, "link": link,
                                         **target, **call.record()})
    call.trace.target = f"{call.api} → {target['path'] or '(home)'}" + (f"?{target['query']}" if target["query"] else "")
