"""Mini program codes: ``wxacode.get``, ``wxacode.getUnlimited``, ``wxacode.createQRCode`` (openapi.md §3).

Checks run in the spec's order (§3.4): parameter types, then ``scene``, then the page. Each
code is a real QR code (``qrpng.py``) of a ``https://wxsim.invalid/wxacode/…`` URL that carries
what the mini program would open with (page or path, scene, env version), and is recorded in
the ``codes`` registry, so a view can "scan" it as a persona.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote

from app.core.openapi.calls import Binary, Call
from app.core.openapi.pages import PageList
from app.core.openapi.qrpng import qr_png
from app.core.reasons import Reason

PAYLOAD_ROOT = "https://wxsim.invalid/wxacode/"
CONTENT_TYPE = "image/png"  # the platform says image/jpeg (§10 #1)
MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 280, 1280, 430
MAX_PATH_BYTES = 1024  # §10 #4
MAX_SCENE = 32
SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+")  # §10 #21
ENV_VERSIONS = ("release", "trial", "develop")
BLACK = (0, 0, 0)


def get_unlimited(call: Call) -> Binary:
    data = call.data
    look = _look(call, colours=True)
    scene = data.get("scene")
    if not isinstance(scene, str) or not scene or len(scene) > MAX_SCENE:
        raise call.fail(40169, "invalid length for scene, or the data is not json string",
                        Reason("openapi.scene_length", "The scene must be 1 to 32 characters."))
    if not SCENE.fullmatch(scene):
        raise call.fail(40129, "invalid scene", Reason(
            "openapi.scene_characters", "The scene {scene} has a character WeChat does not allow; only "
            "0-9 a-z A-Z and !#$&'()*+,/:;=?@-._~ may be used.", scene=scene))
    page = data.get("page")
    pages = call.services.pages.read()
    if page is None or page == "":
        page = pages.home if pages else ""
    else:
        _check_page(call, page, pages if data.get("check_path") is not False else None)
    payload = f"{PAYLOAD_ROOT}getUnlimited?appid={call.services.appid}&page={quote(page, safe='/')}" \
              f"&scene={quote(scene, safe='')}&env={look['envVersion']}"
    call.trace.target = f"{call.api} → {page or '(home)'} scene={scene}"
    return _issue(call, payload, {"page": page, "scene": scene}, look)


def get(call: Call) -> Binary:
    return _by_path(call, colours=True)


def create_qr_code(call: Call) -> Binary:
    return _by_path(call, colours=False)


def _by_path(call: Call, *, colours: bool) -> Binary:
    """``get`` and ``createQRCode``: a ``path`` with its query; the page part must exist."""
    look = _look(call, colours=colours)
    path = call.data.get("path")
    if not isinstance(path, str) or not path or len(path.encode("utf-8")) > MAX_PATH_BYTES:
        raise call.fail(40159, "invalid length for path or the data is not json string", Reason(
            "openapi.path_length", "The path must be 1 to 1024 bytes of text."))
    page = path.partition("?")[0].removeprefix("/")
    pages = call.services.pages.read()
    if pages is not None and not pages.has(page):
        raise call.fail(41030, "invalid page", _not_a_page(page))
    payload = f"{PAYLOAD_ROOT}{call.api.split('.')[1]}?appid={call.services.appid}" \
              f"&path={quote(path, safe='/')}&env={look['envVersion']}"
    call.trace.target = f"{call.api} → {path}"
    return _issue(call, payload, {"path": path}, look)


def _look(call: Call, *, colours: bool) -> dict[str, Any]:
    """Width, colours and env version, after the type checks (47001 for a wrong type)."""
    data = call.data
    width = data.get("width", DEFAULT_WIDTH)
    if type(width) not in (int, float):
        raise call.format_error("width")
    look: dict[str, Any] = {"width": int(min(max(width, MIN_WIDTH), MAX_WIDTH)), "lineColor": BLACK,
                            "isHyaline": False, "envVersion": "release"}
    if not colours:
        return look
    for name in ("auto_color", "is_hyaline", "check_path"):
        if data.get(name) is not None and not isinstance(data[name], bool):
            raise call.format_error(name)
    env = data.get("env_version", "release")
    if env not in ENV_VERSIONS:
        raise call.format_error("env_version")
    colour = data.get("line_color")
    if colour is not None and not data.get("auto_color"):
        if not isinstance(colour, dict) or not all(
                type(colour.get(c)) in (int, float) and 0 <= colour[c] <= 255 for c in "rgb"):
            raise call.format_error("line_color")
        look["lineColor"] = tuple(int(colour[c]) for c in "rgb")
    look.update(isHyaline=data.get("is_hyaline") is True, envVersion=env)
    return look


def _check_page(call: Call, page: object, pages: PageList | None) -> None:
    """``page``: no leading ``/``, no query (§10 #22); with ``check_path``, one of app.json's."""
    if not isinstance(page, str):
        raise call.format_error("page")
    if page.startswith("/") or "?" in page:
        raise call.fail(41030, "invalid page", Reason(
            "openapi.page_format", "The page {page} must not start with / nor carry a query.", page=page))
    if pages is not None and not pages.has(page):
        raise call.fail(41030, "invalid page", _not_a_page(page))


def _not_a_page(page: str) -> Reason:
    return Reason("openapi.page_unknown", "{page} is not a page of app.json.", page=page)


def _issue(call: Call, payload: str, where: dict[str, str], look: dict[str, Any]) -> Binary:
    """Draw the code, record it in the registry, and answer its PNG."""
    png = qr_png(payload, look["width"], look["lineColor"], look["isHyaline"])
    number, _ = call.services.store.draw("code")
    call.services.store.append("codes", {
        "id": number, "api": call.api, **where, "envVersion": look["envVersion"], "width": look["width"],
        "lineColor": list(look["lineColor"]), "isHyaline": look["isHyaline"], "payload": payload,
        "sha256": hashlib.sha256(png).hexdigest(), **call.record()})
    return Binary(CONTENT_TYPE, png, {"codeId": number, "payload": payload, "width": look["width"]})
