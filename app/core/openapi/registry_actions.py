"""Scanning an issued code and opening an issued link as a persona (openapi.md §3.4, §6.3): what
the mini program would be launched with, from the ``codes`` and ``links`` registries.

- ``openapi.scanCode``: ``{persona, codeId}`` (picked from the registry: a scan with the camera)
  or ``{persona, image: <base64 PNG>}`` (a picture chosen from the album). The registry keeps
  each PNG's SHA-256, so an image is matched by its bytes; no QR decoder is needed.
- ``openapi.openLink``: ``{persona, linkId}`` or ``{persona, link: "weixin://…" | "https://wxaurl.cn/…"}``.

Both answer the registry entry, the code's PNG (drawn again from its payload: the same bytes)
and ``opens``: ``{path, query, scene}`` as ``wx.getLaunchOptionsSync()`` would give them.
Scene values are WeChat's: 1047/1049 a mini program code scanned / chosen from the album,
1011/1013 a plain QR code scanned / chosen, 1065 a URL scheme, 1194 a URL link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any, Callable
from urllib.parse import parse_qsl, quote

from app.core.dispatcher import Action
from app.core.errors import InputError
from app.core.openapi.calls import Services
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace

SCENES = {("camera", True): 1047, ("album", True): 1049, ("camera", False): 1011, ("album", False): 1013}
LINK_SCENES = {"urlscheme": 1065, "urllink": 1194}


def registry_actions(services: Services, client_caller: Callable[[str | None], Caller]) -> dict[str, Action]:
    store = services.store

    def scan(request: Request, trace: Trace) -> dict:
        params = request.params
        who = _who(client_caller, params.get("persona"))
        codes = store.entries("codes")
        if "image" in params:
            digest = hashlib.sha256(_image_bytes(params["image"])).hexdigest()
            entry = next((c for c in codes if c.get("sha256") == digest), None)
            if entry is None:
                raise InputError(Reason("openapi.scan_unknown", "This image is not a code this workspace issued "
                                        "(no code's SHA-256 is {digest}).", digest=digest))
            how = "album"
        else:
            entry = next((c for c in codes if c.get("id") == params.get("codeId")), None)
            if entry is None:
                raise InputError(Reason("openapi.code_unknown", "There is no code {code} in the registry.",
                                        code=str(params.get("codeId"))))
            how = "camera"
        opens = _code_opens(entry, how)
        trace.target = f"{who['persona'] or '—'} → #{entry['id']} → {_where(opens)}"
        from app.core.openapi.qrpng import qr_png  # segno: loaded when a code is first drawn

        png = qr_png(entry["payload"], entry["width"], tuple(entry["lineColor"]), entry["isHyaline"])
        return {"entry": entry, "png": base64.b64encode(png).decode("ascii"), "opens": opens, **who}

    def open_link(request: Request, trace: Trace) -> dict:
        params = request.params
        who = _who(client_caller, params.get("persona"))
        links = store.entries("links")
        if "link" in params:
            text = str(params["link"]).strip()
            entry = next((k for k in links if k.get("link") == text), None)
        else:
            text = str(params.get("linkId"))
            entry = next((k for k in links if k.get("id") == params.get("linkId")), None)
        if entry is None:
            raise InputError(Reason("openapi.link_unknown", "{link} is not a link this workspace issued.", link=text))
        if entry.get("expireAt") is not None and entry["expireAt"] <= services.clock():
            raise InputError(Reason("openapi.link_expired", "The link {link} has expired.", link=entry["link"]))
        opens = {"path": entry["path"], "query": dict(parse_qsl(entry.get("query") or "", keep_blank_values=True)),
                 "scene": LINK_SCENES.get(entry.get("kind"), 1065)}
        trace.target = f"{who['persona'] or '—'} → {entry['link']} → {_where(opens)}"
        return {"entry": entry, "opens": opens, **who}

    return {
        "openapi.scanCode": Action(scan, console_only=True),
        "openapi.openLink": Action(open_link, console_only=True),
    }


def _who(client_caller: Callable[[str | None], Caller], persona: Any) -> dict[str, Any]:
    if persona is not None and not isinstance(persona, str):
        raise InputError(Reason("openapi.scan_persona", "persona must be a persona's name."))
    caller = client_caller(persona)
    return {"persona": caller.persona, "openid": caller.openid}


def _image_bytes(value: Any) -> bytes:
    if not isinstance(value, str):
        raise InputError(Reason("openapi.scan_image", "image must be the picture's bytes in base64."))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(Reason("openapi.scan_image", "image must be the picture's bytes in base64.")) from None


def _code_opens(entry: dict[str, Any], how: str) -> dict[str, Any]:
    """Where a code launches: getUnlimited's scene arrives url-encoded as ``query.scene`` (§3.1);
    get's and createQRCode's path carries its own query."""
    if "scene" in entry:
        page, query = entry["page"], {"scene": quote(entry["scene"], safe="")}
    else:
        page, _, text = entry["path"].partition("?")
        query = dict(parse_qsl(text, keep_blank_values=True))
    sun_code = entry["api"] != "wxacode.createQRCode"  # createQRCode makes a plain QR code
    return {"path": page.removeprefix("/"), "query": query, "scene": SCENES[(how, sun_code)]}


def _where(opens: dict[str, Any]) -> str:
    query = "&".join(f"{k}={v}" for k, v in opens["query"].items())
    return (opens["path"] or "/") + (f"?{query}" if query else "") + f" · {opens['scene']}"
