"""Phone numbers and open data (openapi.md §7): the getPhoneNumber button and
``phonenumber.getPhoneNumber``, WeRun, cloudIDs in ``callFunction`` data, ``getOpenData``.

Each persona has a fake mainland mobile number, derived from the workspace seed and its openid
(§7.4) until the console sets another (``opendata.json``), and a getPhoneNumber policy: the
simulated button allows unless the persona is set to deny. The button and ``wx.getWeRunData``
issue tokens (``opendata-tokens.json``): a phone code, 64 hex characters, exchanged once within
5 minutes; cloudIDs, bound to the user and to the open data as it was when issued, readable for
5 minutes on the simulator clock. Both also give the open data as WeChat's ``encryptedData``
and ``iv``: AES-128-CBC under the user's session_key (their last wx.login's, which code2Session answers),
so the legacy way of decrypting it on a server works as well. WeRun is 31 days of steps (today included, at China's local
midnights), each day's count derived from the seed, so a day keeps its steps as the clock moves.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import timedelta
from typing import Any, Callable, Iterable

from app.core.dispatcher import Action
from app.core.errors import InputError
from app.core.openapi.calls import Call, Services
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace

TOKEN_TTL_S = 5 * 60  # phone codes and cloudIDs alike (§7.1, §7.2)
_TOKEN_MEMORY_S = 24 * 3600  # after that an old token reads as unknown rather than expired
DAY_S = 86400
CHINA_OFFSET_S = int(timedelta(hours=8).total_seconds())  # WeRun days begin at Beijing midnight
WERUN_DAYS = 31
MAX_STEPS = 20000
MAX_REPLACED = 5  # §7.2: at most five CloudIDs of one callFunction are replaced
CLOUD_ID_MARKER = "$wxsimCloudID"  # how the client shim sends wx.cloud.CloudID(id) (§10 #13)
SVRKIT_GET_OPEN_DATA = "ApiGetOpenDataByCloudId"  # cloud.getOpenData's SVRKIT api (§1.5)
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
POLICIES = ("allow", "deny")
SETTINGS = "opendata"
TOKENS = "opendata-tokens"
PHONE_CODE, PHONE, WERUN = "phone-code", "phone", "werun"
# What a cloudID that cannot be read becomes in an event or a getOpenData list (§7.4, §10 #12).
EXPIRED = (-601006, "cloudID expired.")
INVALID = (-601005, "invalid cloudID.")
OTHER_USER = (-601007, "cloudID and calling user does not match.")


def seal_open_data(data: dict[str, Any], session_key: str) -> dict[str, str]:
    """``{encryptedData, iv}`` as WeChat sends open data: the JSON, PKCS#7-padded, in AES-128-CBC
    under the base64 ``session_key`` with a fresh IV, both base64 (WXBizDataCrypt's input)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    iv = secrets.token_bytes(16)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(base64.b64decode(session_key)), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(plain) + encryptor.finalize()
    return {"encryptedData": base64.b64encode(sealed).decode(), "iv": base64.b64encode(iv).decode()}


class OpenData:
    """The open data of one workspace, over the openapi store (which serialises its writes)."""

    def __init__(self, services: Services) -> None:
        self._store = services.store
        self._appid = services.appid
        self._clock = services.clock

    # -- per persona ---------------------------------------------------------------------------

    def default_phone(self, openid: str) -> str:
        fact = self._store.derived(f"phone:{openid}")
        return "1" + "3456789"[fact[0] % 7] + f"{int.from_bytes(fact[1:9], 'big') % 10**9:09d}"

    def phone(self, openid: str) -> str:
        return self._store.document(SETTINGS).get("phones", {}).get(openid) or self.default_phone(openid)

    def policy(self, openid: str) -> str:
        return self._store.document(SETTINGS).get("phonePolicies", {}).get(openid, "allow")

    def set_phone(self, openid: str, number: str) -> str:
        """Set a persona's number (spaces, dashes and a +86 prefix are dropped); empty restores
        the derived one."""
        plain = re.sub(r"[\s-]", "", number).removeprefix("+86")
        if plain and not MAINLAND_MOBILE.fullmatch(plain):
            raise InputError(Reason("opendata.phone_invalid", "“{number}” is not a mainland China mobile number: "
                                    "11 digits, 1 then 3–9, e.g. 13800138000.", number=number))

        def change(saved: dict) -> None:
            phones = saved.setdefault("phones", {})
            if plain:
                phones[openid] = plain
            else:
                phones.pop(openid, None)
        self._store.update_document(SETTINGS, change)
        return self.phone(openid)

    def set_policy(self, openid: str, policy: str) -> None:
        if policy not in POLICIES:
            raise InputError(Reason("opendata.policy_invalid", "The getPhoneNumber policy must be allow or deny."))
        self._store.update_document(SETTINGS, lambda saved: saved.setdefault("phonePolicies", {}).update(
            {openid: policy}))

    def phone_data(self, openid: str) -> dict[str, Any]:
        """The phone open data (§7.3): the number without and with its area code, and a watermark."""
        number = self.phone(openid)
        return {"phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
                "watermark": {"timestamp": int(self._clock()), "appid": self._appid}}

    def werun_data(self, openid: str) -> dict[str, Any]:
        """31 days of steps, oldest first, each at its Beijing midnight (§7.3)."""
        now = self._clock()
        today = int((now + CHINA_OFFSET_S) // DAY_S) * DAY_S - CHINA_OFFSET_S
        days = [today - back * DAY_S for back in range(WERUN_DAYS - 1, -1, -1)]
        steps = [{"step": int.from_bytes(self._store.derived(f"werun:{openid}:{day}")[:4], "big") % (MAX_STEPS + 1),
                  "timestamp": day} for day in days]
        return {"stepInfoList": steps, "watermark": {"appid": self._appid, "timestamp": int(now)}}

    # -- tokens --------------------------------------------------------------------------------

    def issue(self, kind: str, openid: str, data: dict[str, Any]) -> str:
        _, digest = self._store.draw(PHONE_CODE if kind == PHONE_CODE else "cloudid")
        token = digest.hex() if kind == PHONE_CODE else "27_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
        now = self._clock()

        def change(saved: dict) -> None:
            for old in [t for t, entry in saved.items() if now - entry.get("issuedAt", 0) > _TOKEN_MEMORY_S]:
                del saved[old]
            saved[token] = {"kind": kind, "openid": openid, "issuedAt": now, "data": data}
        self._store.update_document(TOKENS, change)
        return token

    def exchange_code(self, call: Call) -> dict[str, Any]:
        """``phonenumber.getPhoneNumber``: a code from the button, once, within 5 minutes."""
        code, openid = call.data.get("code"), call.data.get("openid")
        now = self._clock()

        def use(saved: dict) -> tuple[dict, tuple[int, str, Reason] | None]:
            # Refused after the store's lock is released: the refusal's rid is drawn from it.
            entry = saved.get(code) if isinstance(code, str) else None
            if entry is None or entry.get("kind") != PHONE_CODE:
                return {}, (40029, "invalid code", Reason("opendata.code_unknown", "“{code}” is not a code from the "
                                                          "getPhoneNumber button (a wx.login code is not one).",
                                                          code=str(code)))
            if entry.get("used"):
                return entry, (40029, "invalid code", Reason("opendata.code_used", "This phone code was exchanged "
                                                             "already; each code works once."))
            if now - entry["issuedAt"] > TOKEN_TTL_S:
                return entry, (40029, "invalid code", Reason("opendata.code_expired", "This phone code expired: a "
                                                             "code is valid for 5 minutes."))
            if openid is not None and openid != entry["openid"]:
                return entry, (40003, "invalid openid", Reason("opendata.code_other_user", "The code was given to "
                                                               "another user than {openid}.", openid=str(openid)))
            entry["used"] = True
            return entry, None
        entry, refused = self._store.update_document(TOKENS, use)
        if refused is not None:
            raise call.fail(*refused)
        call.trace.target = f"{call.api} → {entry['openid']}"
        return {"errcode": 0, "errmsg": "ok", "phone_info": entry["data"]}

    def open_items(self, cloud_ids: Iterable[Any], openid: str | None) -> list[dict[str, Any]]:
        """What each cloudID reads as for ``openid``: ``{cloudID, data}`` or its error (§7.4)."""
        saved, now = self._store.document(TOKENS), self._clock()
        items = []
        for cloud_id in cloud_ids:
            entry = saved.get(cloud_id) if isinstance(cloud_id, str) else None
            if entry is None or entry.get("kind") not in (PHONE, WERUN):
                failure = INVALID
            elif entry["openid"] != openid:
                failure = OTHER_USER
            elif now - entry["issuedAt"] > TOKEN_TTL_S:
                failure = EXPIRED
            else:
                items.append({"cloudID": cloud_id, "data": entry["data"]})
                continue
            items.append({"cloudID": cloud_id, "errCode": failure[0], "errMsg": failure[1]})
        return items

    def replace_cloud_ids(self, event: Any, caller: Caller) -> Any:
        """A client's callFunction data as the function receives it (§7.2): the first five
        top-level CloudIDs become their open data; any other becomes its plain cloudID string."""
        if not isinstance(event, dict):
            return _plain(event)
        top = [key for key, value in event.items() if _cloud_id(value) is not None][:MAX_REPLACED]
        opened = dict(zip(top, self.open_items([_cloud_id(event[key]) for key in top], caller.openid))) if top else {}
        return {key: opened[key] if key in opened else _plain(value) for key, value in event.items()}


def _cloud_id(value: Any) -> Any:
    """The id a wx.cloud.CloudID(id) marker carries, else None."""
    if isinstance(value, dict) and len(value) == 1 and CLOUD_ID_MARKER in value:
        return value[CLOUD_ID_MARKER]
    return None


def _plain(value: Any) -> Any:
    """``value`` with every CloudID marker in it turned into its cloudID string."""
    if isinstance(value, dict):
        marked = _cloud_id(value)
        return marked if marked is not None else {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# -- cloud calls ---------------------------------------------------------------------------------


def get_phone_number(call: Call) -> dict[str, Any]:
    return OpenData(call.services).exchange_code(call)


def cloudbase_get_open_data(call: Call) -> dict[str, Any]:
    """``openapi.cloudbase.getOpenData({cloudidList, openid?})``: ``data_list`` of
    ``{cloud_id, json}``, each ``json`` the item's JSON text (§7.3, §10 #11)."""
    cloud_ids, openid = call.data.get("cloudid_list"), call.data.get("openid", call.caller.openid)
    if not isinstance(cloud_ids, list):
        raise call.format_error("cloudid_list")
    if "openid" in call.data and (not isinstance(openid, str) or call.services.persona_name(openid) is None):
        raise call.fail(40003, "invalid openid", Reason("opendata.openid_unknown", "{openid} is not the openid of "
                                                        "a persona.", openid=str(openid)))
    items = OpenData(call.services).open_items(cloud_ids, openid)
    call.trace.target = f"{call.api} → {', '.join(map(str, cloud_ids))}"
    return {"errcode": 0, "errmsg": "ok",
            "data_list": [{"cloud_id": item["cloudID"], "json": _json(item)} for item in items]}


def svrkit_get_open_data(call: Call) -> dict[str, Any]:
    """``cloud.getOpenData({list})`` (SVRKIT ``ApiGetOpenDataByCloudId``): for the calling
    function's user. ``svrkit`` marks the answer for the gateway, which sends it as protobuf."""
    cloud_ids = call.data.get("cloudid_list", [])
    cloud_ids = cloud_ids if isinstance(cloud_ids, list) else [cloud_ids]
    items = OpenData(call.services).open_items(cloud_ids, call.caller.openid)
    call.trace.target = f"getOpenData → {', '.join(map(str, cloud_ids))}"
    return {"svrkit": SVRKIT_GET_OPEN_DATA, "dataList": [{"cloudId": item["cloudID"], "json": _json(item)}
                                                         for item in items]}


def _json(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


# -- requests ------------------------------------------------------------------------------------


def opendata_actions(services: Services, personas: Callable[[], list],
                     session_key: Callable[[str], str]) -> dict[str, Action]:
    """The client's button and ``wx.getWeRunData``, and the console's per-persona settings."""
    opendata = OpenData(services)

    def signed_in(request: Request, trace: Trace, api: str) -> str:
        openid = request.caller.openid
        if not openid:
            raise InputError(Reason("opendata.needs_persona", "{api} needs a signed-in persona: choose one in the "
                                    "toolbar first.", api=api))
        trace.target = openid
        return openid

    def phone_button(request: Request, trace: Trace) -> dict:
        """The user taps <button open-type="getPhoneNumber">: ``allow`` (true/false) or, when
        not given, the persona's policy decides what the page's handler gets in ``e.detail``."""
        openid = signed_in(request, trace, "getPhoneNumber")
        allow = request.params.get("allow")
        if not isinstance(allow, bool):
            allow = opendata.policy(openid) == "allow"
        if not allow:
            return {"errMsg": "getPhoneNumber:fail user deny"}
        data = opendata.phone_data(openid)
        return {"errMsg": "getPhoneNumber:ok", "code": opendata.issue(PHONE_CODE, openid, data),
                **seal_open_data(data, session_key(openid)), "cloudID": opendata.issue(PHONE, openid, data)}

    def werun(request: Request, trace: Trace) -> dict:
        openid = signed_in(request, trace, "getWeRunData")
        data = opendata.werun_data(openid)
        return {"errMsg": "getWeRunData:ok", **seal_open_data(data, session_key(openid)),
                "cloudID": opendata.issue(WERUN, openid, data)}

    def persona_openid(request: Request, trace: Trace) -> str:
        openid = request.params.get("openid")
        if not any(p.openid == openid for p in personas()):
            raise InputError(Reason("opendata.persona_unknown", "No persona has the openid {openid}.",
                                    openid=str(openid)))
        trace.target = openid
        return openid

    def listing(request: Request, trace: Trace) -> dict:
        found = []
        for persona in personas():
            number = opendata.phone(persona.openid)
            found.append({"openid": persona.openid, "name": persona.name, "phoneNumber": number,
                          "edited": number != opendata.default_phone(persona.openid),
                          "phonePolicy": opendata.policy(persona.openid)})
        trace.target = ", ".join(p["name"] for p in found)
        return {"personas": found}

    def set_phone(request: Request, trace: Trace) -> dict:
        openid, number = persona_openid(request, trace), request.params.get("phoneNumber")
        if not isinstance(number, str):
            raise InputError(Reason("opendata.phone_not_text", "phoneNumber must be text."))
        return {"openid": openid, "phoneNumber": opendata.set_phone(openid, number)}

    def set_policy(request: Request, trace: Trace) -> dict:
        openid, policy = persona_openid(request, trace), request.params.get("phonePolicy")
        opendata.set_policy(openid, policy)
        return {"openid": openid, "phonePolicy": policy}

    return {
        # Open abilities of the base library, not cloud calls: no visit, as wx.login.
        "opendata.getPhoneNumber": Action(phone_button, counts_as_visit=False),
        "opendata.getWeRunData": Action(werun, counts_as_visit=False),
        "opendata.personas": Action(listing, console_only=True),
        "opendata.setPhone": Action(set_phone, console_only=True),
        "opendata.setPhonePolicy": Action(set_policy, console_only=True),
    }
