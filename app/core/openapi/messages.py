"""Messages a cloud function sends (openapi.md §4.1, §4.3, §4.4; §8.2 #4–#6).

- ``subscribeMessage.send`` checks in WeChat's order, touser 40003 → template 40037 → page
  41030 → data 47003 → quota 43101; only a send that passed every check spends a one-time
  template's quota (§10 #7), and a long-term template's is never spent.
- ``customerServiceMessage.send`` needs the window a persona's own message opened: 5 replies
  in 48 hours (45015 without one, 45047 past the fifth).
- ``templateMessage.send`` and ``uniformMessage.send``: in the default "legacy" setting a
  non-empty form id works once (41028 empty, 41029 reused); "strict" answers 45103 as today's
  WeChat does for the retired mini program template messages.

Every delivered message lands in the recipient's inbox (``mailbox.py``) with what the phone
shows: the template's title, each keyword's name and value, the page the card opens, when,
and which function sent it from which timeline row.
"""

from __future__ import annotations

from typing import Any

from app.core.openapi.calls import Call
from app.core.openapi.mailbox import unknown_template
from app.core.openapi.templates import Template, keyword_type
from app.core.reasons import Reason

STATES = ("developer", "trial", "formal")
LANGS = ("zh_CN", "en_US", "zh_HK", "zh_TW")
CS_BODIES = {"text": ("content",), "image": ("media_id",), "link": ("title", "description", "url", "thumb_url"),
             "miniprogrampage": ("title", "pagepath", "thumb_media_id")}
OK = {"errcode": 0, "errmsg": "ok"}


def send_subscribe_message(call: Call) -> dict[str, Any]:
    persona = _recipient(call)
    template = _template(call, call.data.get("template_id"))
    page = _page(call, call.data.get("page"))
    state = _choice(call, "miniprogram_state", STATES, "formal")
    lang = _choice(call, "lang", LANGS, "zh_CN")
    fields = _fields(call, template, call.data.get("data"))
    touser = call.data["touser"]
    if not call.services.mailbox.take_send(touser, template):
        raise call.fail(43101, "user refuse to accept the msg", Reason(
            "openapi.no_subscription", "{persona} has no send left for {template_id}: each accept of "
            "wx.requestSubscribeMessage allows one.", persona=persona, template_id=template.id))
    msgid = call.services.store.number("msgid")
    _deliver(call, persona, {"msgid": msgid, "kind": "subscribe", "templateId": template.id, "title": template.title,
                             "fields": fields, "page": page, "miniprogramState": state, "lang": lang})
    return {**OK, "msgid": msgid}


def send_customer_service_message(call: Call) -> dict[str, Any]:
    persona = _recipient(call)
    msgtype = call.data.get("msgtype")
    if msgtype not in CS_BODIES or not isinstance(call.data.get(msgtype), dict):
        raise call.format_error("msgtype")
    body = {key: value for key, value in call.data[msgtype].items() if key in CS_BODIES[msgtype]}
    refused = call.services.mailbox.take_reply(call.data["touser"])
    if refused == "closed":
        raise call.fail(45015, "response out of time limit or subscription is canceled", Reason(
            "openapi.cs_window_closed", "{persona} has not sent a customer-service message in the last 48 hours.",
            persona=persona))
    if refused == "spent":
        raise call.fail(45047, "out of response count limit", Reason(
            "openapi.cs_window_spent", "5 replies were already sent since {persona}'s last message.", persona=persona))
    _deliver(call, persona, {"msgid": call.services.store.number("msgid"), "kind": "customer", "title": "客服消息",
                             "msgtype": msgtype, "content": body,
                             "page": body.get("pagepath") if msgtype == "miniprogrampage" else None})
    return dict(OK)


def send_template_message(call: Call) -> dict[str, Any]:
    persona = _recipient(call)
    _weapp_template(call, persona, call.data)
    return dict(OK)


def send_uniform_message(call: Call) -> dict[str, Any]:
    persona = _recipient(call)
    weapp, mp = call.data.get("weapp_template_msg"), call.data.get("mp_template_msg")
    if isinstance(weapp, dict):
        _weapp_template(call, persona, weapp)
    elif isinstance(mp, dict):
        if not isinstance(mp.get("appid"), str) or not mp["appid"]:
            raise call.fail(40013, "invalid appid", Reason(
                "openapi.mp_appid", "mp_template_msg needs the appid of the Official Account."))
        template = _template(call, mp.get("template_id"))
        program = mp.get("miniprogram") if isinstance(mp.get("miniprogram"), dict) else {}
        fields = _fields(call, template, mp.get("data"), typed=False)
        _deliver(call, persona, {"msgid": call.services.store.number("msgid"), "kind": "mp_template",
                                 "templateId": template.id, "title": template.title, "fields": fields,
                                 "page": program.get("pagepath"), "url": mp.get("url")})
    else:
        raise call.format_error("weapp_template_msg")
    return dict(OK)


def _weapp_template(call: Call, persona: str, message: dict[str, Any]) -> None:
    """A mini program template message (legacy): strict 45103, else template → form id → page → data."""
    if call.services.mailbox.settings()["legacy"] == "strict":
        raise call.fail(45103, "This API has been unsupported", Reason(
            "openapi.legacy_strict", "Template messages were retired in 2020; the workspace's strict setting "
            "answers as today's WeChat does."))
    template = _template(call, message.get("template_id"))
    form_id = message.get("form_id")
    if not isinstance(form_id, str) or not form_id:
        raise call.fail(41028, "invalid form id", Reason("openapi.form_id_missing", "form_id is empty."))
    page = _page(call, message.get("page"))
    fields = _fields(call, template, message.get("data"), typed=False)
    if not call.services.mailbox.use_form_id(form_id):
        raise call.fail(41029, "form id used count reach limit", Reason(
            "openapi.form_id_used", "The form id {form_id} was used before; each works once.", form_id=form_id))
    _deliver(call, persona, {"msgid": call.services.store.number("msgid"), "kind": "template",
                             "templateId": template.id, "title": template.title, "fields": fields, "page": page,
                             "emphasis": message.get("emphasis_keyword")})


# -- the checks, in WeChat's order ---------------------------------------------------------------

def _recipient(call: Call) -> str:
    """The persona ``touser`` names (40003 for any other openid)."""
    touser = call.data.get("touser")
    persona = call.services.persona_name(touser) if isinstance(touser, str) and touser else None
    if persona is None:
        raise call.fail(40003, "invalid openid", Reason(
            "openapi.touser_unknown", "touser {openid} is not the openid of any persona.", openid=str(touser)))
    call.trace.target = f"{call.api} → {persona}"
    return persona


def _template(call: Call, template_id: Any) -> Template:
    template = call.services.mailbox.template(template_id)
    if template is None:
        raise call.fail(40037, "invalid template_id", unknown_template(template_id))
    return template


def _page(call: Call, page: Any) -> str | None:
    """The page the card opens (with its query); None when the card does not jump."""
    if page is None or page == "":
        return None
    if not isinstance(page, str):
        raise call.format_error("page")
    path = page.removeprefix("/").split("?", 1)[0]
    pages = call.services.pages.read()
    if pages is not None and not pages.has(path):
        raise call.fail(41030, "invalid page", Reason(
            "openapi.message_page_unknown", "{page} is not a page of app.json.", page=path))
    return page.removeprefix("/")


def _choice(call: Call, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = call.data.get(name, default)
    if value not in allowed:
        raise call.format_error(name)
    return value


def _fields(call: Call, template: Template, data: Any, typed: bool = True) -> list[dict[str, str]]:
    """Each keyword's name and value as the phone shows them; 47003 for an empty value or, when
    ``typed`` (subscription messages), one that breaks its type's rule."""
    if not isinstance(data, dict):
        raise call.format_error("data")
    fields = []
    for key, name in template.keywords.items():
        entry = data.get(key)
        value = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = f"{value:g}" if isinstance(value, float) else str(value)
        if value is None or value == "":
            raise call.fail(47003, f"argument invalid! data.{key}.value is empty", Reason(
                "openapi.data_empty", "The template {template_id} needs a value for {key} ({name}).",
                template_id=template.id, key=key, name=name))
        if not isinstance(value, str) or (typed and not template.value_ok(key, value)):
            raise call.fail(47003, f"argument invalid! data.{key}.value invalid", Reason(
                "openapi.data_invalid", "{value} is not a valid {key}: {rule}", value=str(value), key=key,
                rule=_rule(key)))
        fields.append({"key": key, "name": name, "value": value})
    return fields


def _rule(key: str) -> Reason:
    return RULE_REASONS[keyword_type(key) or "thing"]


RULE_REASONS = {
    "thing": Reason("openapi.rule_thing", "at most 20 characters"),
    "number": Reason("openapi.rule_number", "at most 32 digits, may be decimal"),
    "letter": Reason("openapi.rule_letter", "at most 32 letters"),
    "symbol": Reason("openapi.rule_symbol", "at most 5 symbols"),
    "character_string": Reason("openapi.rule_character_string", "at most 32 digits, letters or symbols"),
    "time": Reason("openapi.rule_time", "a 24-hour time, optionally after a date (2024年5月1日 10:00); "
                                        "a range joined with ~"),
    "date": Reason("openapi.rule_date", "a date, optionally with a time; a range joined with ~"),
    "amount": Reason("openapi.rule_amount", "at most 10 digits after an optional currency sign, may end in 元"),
    "phone_number": Reason("openapi.rule_phone_number", "at most 17 digits or symbols"),
    "car_number": Reason("openapi.rule_car_number", "at most 8 characters, Chinese only first or last"),
    "name": Reason("openapi.rule_name", "at most 10 Chinese characters or 20 letters"),
    "phrase": Reason("openapi.rule_phrase", "at most 5 Chinese characters"),
    "enum": Reason("openapi.rule_enum", "one of the template's values"),
    "keyword": Reason("openapi.rule_keyword", "at most 200 characters"),
}


def _deliver(call: Call, persona: str, message: dict[str, Any]) -> None:
    call.services.mailbox.deliver({**message, "touser": call.data["touser"], "persona": persona,
                                   "sentAt": call.services.clock(), "function": call.function,
                                   "eventId": call.trace.id})
