"""Signed, expiring temp URLs (spec §5.3): ``…/<bucket>/<cloudPath>?sign=<32 hex>&t=<expiry>``.

``sign`` is an HMAC-SHA256 (first 32 hex digits) over the normalised cloudPath and ``t``,
with a per-workspace secret kept in the storage index, so URLs handed out stay valid across
restarts until ``t``. As §4.4 says, a temp URL works for whoever holds it: no permission is
checked when it is served, only the signature and the expiry.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from typing import Callable
from urllib.parse import unquote

from app.core.reasons import Reason
from app.core.storage.cloudpaths import url_path

DEFAULT_MAX_AGE = 86400  # seconds (spec §10 #3)
MAX_MAX_AGE = 10 * 365 * 86400  # keeps t a plain Unix time; far beyond any real use


class BadMaxAge(ValueError):
    """A max_age that is not a positive number of seconds; ``reason`` says why as a Reason."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


def check_max_age(value: object, what: str = "max_age") -> int:
    """A positive number of seconds, as an int; raises BadMaxAge (a ValueError) with the reason."""
    if value is None:
        return DEFAULT_MAX_AGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadMaxAge(Reason("storage.max_age_not_number", "{what} must be a number of seconds, not {value}",
                               what=what, value=repr(value)))
    if not 0 < value <= MAX_MAX_AGE:
        raise BadMaxAge(Reason("storage.max_age_out_of_range", "{what} must be between 1 and {limit} seconds, "
                               "not {value}", what=what, limit=MAX_MAX_AGE, value=repr(value)))
    return math.ceil(value)


class UrlSigner:
    """Signs and verifies the ``sign``/``t`` pair of one workspace's temp URLs."""

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        self._key = bytes.fromhex(secret) if _is_hex(secret) else secret.encode("utf-8")
        self._clock = clock

    def sign(self, path: str, expires: int) -> str:
        message = f"{path}\n{expires}".encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def url(self, base: str, bucket: str, path: str, max_age: int) -> str:
        expires = math.floor(self._clock()) + max_age
        return f"{base}/{bucket}/{url_path(path)}?sign={self.sign(path, expires)}&t={expires}"

    def verify(self, path: str, sign: str, t: str) -> str | None:
        """None when ``sign`` and ``t`` are good for ``path``; else why not."""
        if not sign or not t:
            return "the URL has no sign or t parameter"
        if not t.isdigit() or len(t) > 12:
            return f"t={t!r} is not a Unix time"
        if not hmac.compare_digest(self.sign(path, int(t)), sign.lower()):
            return "the signature does not match this file"
        if int(t) < self._clock():
            return f"the URL expired at t={t}"
        return None


def path_candidates(raw: str) -> list[str]:
    """The cloudPaths a URL path may stand for: decoded once, or twice.

    Browsers and ``urllib`` send our percent-encoded path as it is; the SDK's downloadFile
    runs ``encodeURI`` over it first (tcb-wire §6), which encodes every ``%`` once more.
    Only a path whose signature verifies is served, so trying both is safe.
    """
    once = unquote(raw, errors="strict") if _decodes(raw) else raw
    twice = unquote(once, errors="strict") if _decodes(once) else once
    return list(dict.fromkeys([once, twice]))


def _decodes(text: str) -> bool:
    try:
        unquote(text, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _is_hex(text: str) -> bool:
    return len(text) % 2 == 0 and all(c in "0123456789abcdef" for c in text)
