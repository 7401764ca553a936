"""``subscribeMessage.send`` as wxsim has long offered it: it checks the recipient and the
template id, answers a ``msgid`` and shows in the timeline who was sent which template.

Templates, quotas and the per-persona inbox (openapi.md §4) are the next step; they replace the
checks here with the full order of §8.2 #4.
"""

from __future__ import annotations

from typing import Any

from app.core.openapi.calls import Call
from app.core.reasons import Reason


def send_subscribe_message(call: Call) -> dict[str, Any]:
    touser, template = call.data.get("touser"), call.data.get("template_id")
    if not isinstance(touser, str) or not touser:
        raise call.fail(40003, "invalid openid", Reason("openapi.touser_missing", "touser must be an openid."))
    if not isinstance(template, str) or not template:
        raise call.fail(40037, "invalid template_id", Reason("openapi.template_missing",
                                                             "templateId must be a template id."))
    call.trace.target = f"{call.api} → {touser}"
    return {"errcode": 0, "errmsg": "ok", "msgid": call.services.store.number("msgid")}
