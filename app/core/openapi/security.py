"""Content security: ``security.msgSecCheck`` (v1 and v2), ``security.imgSecCheck`` and
``security.mediaCheckAsync`` (openapi.md §5), judged offline against the workspace's lists.

The lists live in ``<data>/openapi/security/`` (§5.5, §8.1) and are read on every call, so an
edit counts at once:

- ``words.txt``: one entry a line, ``word<TAB>label<TAB>suggest`` (label and suggest may be
  left out: 21000 and ``risky``); a case-insensitive substring match on the text fields. A
  workspace without the file judges by ``DEFAULT_WORDS``, so a trainer can show a rejection at once.
- ``images.txt``: one SHA-256 (hex) of an image's bytes a line, optionally a TAB and a note.

``mediaCheckAsync`` answers a traceId at once; its verdict is due ``delay`` seconds later on the
simulator clock (``media_checks.json``) and goes out with the console action
``openapi.deliverMediaChecks`` (``security_actions.py``), which the trigger scheduler sends when due.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from app.core.openapi.calls import Call
from app.core.openapi.media_checks import MediaChecks
from app.core.reasons import Reason

DEFAULT_WORDS = (
    "# 词<TAB>标签<TAB>建议（risky / review）。标签：100 正常，10001 广告，20001 时政，20002 色情，\n"
    "# 20003 辱骂，20006 违法犯罪，20008 欺诈，20012 低俗，20013 版权，21000 其他\n"
    "违禁示例\t20001\trisky\n"
    "待审示例\t21000\treview\n"
    "特3456书yuuo莞6543李zxcz蒜7782法fgnv级\t20006\trisky\n"
    "完2347全dfji试3726测asad感3847知qwez到\t20006\trisky\n"
)
SUGGESTS = ("risky", "review")
STRENGTH = {"pass": 0, "review": 1, "risky": 2}
DEFAULT_LABEL = 21000
PASS_LABEL = 100
PROB = LEVEL = 90
MAX_V2_CHARS = 2500
MAX_V1_BYTES = 500 * 1024
MAX_IMAGE_BYTES = 1 << 20  # §10 #17
SCENES = (1, 2, 3, 4)
MEDIA_TYPES = (1, 2)
SHA256 = re.compile(r"[0-9a-f]{64}")
TEXT_FIELDS = ("content", "nickname", "title", "signature")
RISKY = 87014


class ListError(ValueError):
    """A line of a list the console tried to save is not an entry; ``reason`` says which."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class Word:
    word: str
    label: int
    suggest: str


def parse_words(text: str) -> list[Word]:
    """The entries of a words.txt; blank lines and ``#`` comments are skipped."""
    words = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        word = parts[0].strip()
        if not word or len(parts) > 3:
            raise ListError(Reason("openapi.words_line", "Line {line}: write a word, then optionally a tab, "
                                   "a label number, a tab and risky or review.", line=number))
        label = parts[1].strip() if len(parts) > 1 else ""
        if label and not label.isdigit():
            raise ListError(Reason("openapi.words_label", "Line {line}: the label {label} is not a number.",
                                   line=number, label=label))
        suggest = parts[2].strip() if len(parts) > 2 else "risky"
        if suggest not in SUGGESTS:
            raise ListError(Reason("openapi.words_suggest", "Line {line}: the suggestion must be risky or review, "
                                   "not {suggest}.", line=number, suggest=suggest))
        words.append(Word(word, int(label) if label else DEFAULT_LABEL, suggest))
    return words


def parse_images(text: str) -> frozenset[str]:
    """The SHA-256 digests of an images.txt; blank lines and ``#`` comments are skipped."""
    digests = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        digest = line.split("\t")[0].strip().lower()
        if not SHA256.fullmatch(digest):
            raise ListError(Reason("openapi.images_line", "Line {line}: write the SHA-256 of an image (64 hex "
                                   "digits), then optionally a tab and a note.", line=number))
        digests.add(digest)
    return frozenset(digests)


# -- the APIs -------------------------------------------------------------------------------------


def msg_sec_check(call: Call) -> dict[str, Any]:
    data = call.data
    for name in TEXT_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise call.format_error(name)
    content = data.get("content", "")
    if data.get("version") in (2, "2"):
        return _check_v2(call, content)
    if not content:
        raise _empty(call)
    if len(content.encode("utf-8")) > MAX_V1_BYTES:
        raise call.fail(47001, "data format error", Reason("openapi.content_too_long_v1",
                                                           "The content must be at most 500 KB."))
    hit = _strongest(call, [content])
    call.trace.target = f"{call.api} → {hit.suggest if hit else 'pass'}"
    if hit is not None and hit.suggest == "risky":
        raise _risky(call, Reason("openapi.risky_word", "The text contains {word}, listed as risky in the "
                                  "workspace's word list.", word=hit.word))
    return {"errcode": 0, "errmsg": "ok"}


def _check_v2(call: Call, content: str) -> dict[str, Any]:
    """Always answers a valid request, risky or not (§5.2); the verdict is in ``result``."""
    data = call.data
    openid = data.get("openid")
    if not isinstance(openid, str) or call.services.persona_name(openid) is None:
        raise call.fail(40003, "invalid openid", Reason("openapi.security_openid",
                                                        "The openid {openid} is no persona's.", openid=str(openid)))
    if data.get("scene") not in SCENES or isinstance(data.get("scene"), bool):
        raise call.fail(40129, "invalid scene", Reason("openapi.security_scene", "The scene must be 1 (资料), "
                                                       "2 (评论), 3 (论坛) or 4 (社交日志)."))
    if not content:
        raise _empty(call)
    if len(content) > MAX_V2_CHARS:
        raise call.fail(47001, "data format error", Reason("openapi.content_too_long",
                                                           "The content must be at most 2500 characters."))
    hit = _strongest(call, [data.get(name) or "" for name in TEXT_FIELDS])
    suggest, label = (hit.suggest, hit.label) if hit else ("pass", PASS_LABEL)
    keyword: dict[str, Any] = {"strategy": "keyword", "errcode": 0}
    if hit is not None:
        keyword.update(suggest=suggest, label=label, level=LEVEL, keyword=hit.word)
    call.trace.target = f"{call.api} v2 → {suggest}"
    return {"errcode": 0, "errmsg": "ok", "result": {"suggest": suggest, "label": label},
            "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": PROB},
                       keyword],
            "trace_id": trace_id(call)}


def img_sec_check(call: Call) -> dict[str, Any]:
    media = file_param(call.data.get("media"))
    if media is None or not media[1]:
        raise call.fail(41005, "media data missing", Reason(
            "openapi.media_missing", "media must hold contentType and value, a Buffer of the image's bytes."))
    name, data = media
    if len(data) > MAX_IMAGE_BYTES:
        raise call.fail(40006, "data exceed max size", Reason(
            "openapi.media_too_large", "The image is {size} bytes; at most 1 MB may be checked.", size=len(data)))
    digest = hashlib.sha256(data).hexdigest()
    listed = digest in _images(call)
    call.trace.target = f"{call.api} → {name} {'risky' if listed or 'risky' in name.lower() else 'pass'}"
    if listed:
        raise _risky(call, Reason("openapi.risky_image", "The image's SHA-256 {digest} is in the workspace's "
                                  "image list.", digest=digest))
    if "risky" in name.lower():
        raise _risky(call, Reason("openapi.risky_image_name", "The image's name {name} contains risky.", name=name))
    return {"errcode": 0, "errmsg": "ok"}


def media_check_async(call: Call) -> dict[str, Any]:
    data = call.data
    url = data.get("media_url")
    if not isinstance(url, str) or not url:
        raise _empty(call)
    if data.get("media_type") not in MEDIA_TYPES or isinstance(data.get("media_type"), bool):
        raise call.format_error("media_type")
    version = 2 if data.get("version") in (2, "2") else 1
    if version == 2:
        openid = data.get("openid")
        if not isinstance(openid, str) or call.services.persona_name(openid) is None:
            raise call.fail(40003, "invalid openid", Reason("openapi.security_openid",
                                                            "The openid {openid} is no persona's.",
                                                            openid=str(openid)))
        if data.get("scene") not in SCENES or isinstance(data.get("scene"), bool):
            raise call.fail(40129, "invalid scene", Reason("openapi.security_scene", "The scene must be 1 (资料), "
                                                           "2 (评论), 3 (论坛) or 4 (社交日志)."))
    trace = trace_id(call)
    now = call.services.clock()
    store = MediaChecks(call.services.store)
    store.add({"traceId": trace, "due": now + store.delay(), "eventId": call.trace.id,
               "function": call.function, "message": _push(call, trace, url, version, now)})
    call.trace.target = f"{call.api} → {url}"
    return {"errcode": 0, "errmsg": "ok", "trace_id": trace}


def _push(call: Call, trace: str, url: str, version: int, now: float) -> dict[str, Any]:
    """The ``wxa_media_check`` message the platform pushes later (§5.4). A ``cloud://`` URL is not
    downloadable (§5.4): v1 says so with status_code -1008, v2 with a content_model errcode of
    -1008 and a ``review`` verdict. Otherwise a URL naming ``risky`` is risky, the rest pass."""
    downloadable = not url.startswith("cloud://")
    risky = downloadable and "risky" in url.lower()
    message: dict[str, Any] = {"ToUserName": f"gh_{call.services.appid[2:]}",
                               "FromUserName": call.data.get("openid") or "",
                               "CreateTime": int(now), "MsgType": "event", "Event": "wxa_media_check",
                               "appid": call.services.appid, "trace_id": trace}
    if version == 1:
        return {**message, "isrisky": int(risky), "extra_info_json": "",
                "status_code": 0 if downloadable else 4294966288}
    if not downloadable:
        detail = {"strategy": "content_model", "errcode": -1008}
        result = {"suggest": "review", "label": DEFAULT_LABEL}
    else:
        result = {"suggest": "risky", "label": DEFAULT_LABEL} if risky else {"suggest": "pass", "label": PASS_LABEL}
        detail = {"strategy": "content_model", "errcode": 0, **result, "prob": PROB}
    return {**message, "version": 2, "detail": [detail], "errcode": 0, "errmsg": "ok", "result": result}


# -- helpers --------------------------------------------------------------------------------------


def file_param(value: Any) -> tuple[str, bytes] | None:
    """A file pair's name and bytes, as the shim and the gateway carry it:
    ``{"$file": name, "size": n, "base64": "…"}``; None for any other value."""
    if not isinstance(value, dict) or not all(isinstance(value.get(key), str) for key in ("$file", "base64")):
        return None
    try:
        return value["$file"], base64.b64decode(value["base64"], validate=True)
    except ValueError:
        return None


def trace_id(call: Call) -> str:
    """A traceId: three groups of 8 lower-case hex digits, from the seed and a counter."""
    hexed = call.services.store.draw("trace")[1].hex()
    return f"{hexed[0:8]}-{hexed[8:16]}-{hexed[16:24]}"


def _strongest(call: Call, texts: list[str]) -> Word | None:
    """The listed word found in the texts with the strongest suggestion (the first on a tie)."""
    folded = [text.casefold() for text in texts]
    best = None
    for word in read_words(call.services.store.folder):
        if any(word.word.casefold() in text for text in folded):
            if best is None or STRENGTH[word.suggest] > STRENGTH[best.suggest]:
                best = word
    return best


def read_words(folder) -> list[Word]:
    """The workspace's word list (its default when there is no file; a damaged file: its good lines)."""
    text = read_list(folder / "security" / "words.txt", DEFAULT_WORDS)
    try:
        return parse_words(text)
    except ListError:
        return [w for line in text.splitlines() for w in _lenient(parse_words, line)]


def _images(call: Call) -> frozenset[str]:
    text = read_list(call.services.store.folder / "security" / "images.txt", "")
    try:
        return parse_images(text)
    except ListError:
        return frozenset(d for line in text.splitlines() for d in _lenient(parse_images, line))


def _lenient(parse, line: str):
    try:
        return parse(line)
    except ListError:
        return ()


def read_list(path, default: str) -> str:
    """A list file's text: ``default`` when there is none yet, empty when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError):
        return ""


def _empty(call: Call):
    return call.fail(44002, "empty post data", Reason("openapi.security_empty", "Nothing to check: the content "
                                                      "(or the media URL) is empty."))


def _risky(call: Call, why: Reason):
    return call.fail(RISKY, "risky content", why)

