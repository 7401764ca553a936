"""TC3-HMAC-SHA256 exactly as wx-server-sdk signs each request, checked (and produced) in Python.

Read from the SDK's own sources (the same in every version we test, apart from which keys the
header lists; see ``payload_hash``):

- ``@cloudbase/signature-nodejs`` ``lib/signer.js`` (``Signer.tc3sign``, ``formatKeyAndValue``,
  ``calcParamsHash``), ``lib/keyvalue.js``, ``lib/utils.js`` and ``lib/index.js`` (``sign``):
  2.2.0 under wx-server-sdk 4.x; 1.0.0-beta.0 under 2.6.x and 3.x (node-sdk 2.9/2.10);
- the callers, which sign ``method`` as the lowercase ``'post'``, every header they send but the
  signature's own and ``accept``, and the very params object they send as the JSON body or the
  multipart form: ``@cloudbase/node-sdk`` 3.17.2 ``src/utils/tcbapirequester.ts``
  (``makeParams``, ``getHeaders``) under wx-server-sdk 4.x, ``lib/utils/httpRequest.js``
  (``getHeaders``, ``makeReqOpts``) in 2.9.1/2.10.0 under 2.6.x/3.x, and ``src/wx/index.ts`` /
  ``lib/wx/index.js`` for ``wx.openApi`` (a form whose ``requestData`` is a Buffer).

The computation::

    key(k)        = camSafeUrlEncode(k.toLowerCase().trim())
    value(v)      = v when a Buffer in a multipart form, else (v if a string else JSON.stringify(v)).trim()
    payload hash  = sha256hex(concat("&" key "=" value "\\r\\n" for each key in SignedParams order,
                                     skipping empty values))
    canonical     = method "\\n" "//" host path "\\n" query "\\n"
                    concat(name ":" lower(trim(header)) "\\n" for each of SignedHeaders) "\\n"
                    SignedHeaders joined by ";" "\\n" payload hash
    string        = "TC3-HMAC-SHA256\\n" X-Timestamp "\\n" date "/tcb/tc3_request\\n" sha256hex(canonical)
    Signature     = hex HMAC(HMAC(HMAC(HMAC("TC3" secretKey, date), "tcb"), "tc3_request"), string)

with ``date`` the UTC day of ``X-Timestamp``, and a multipart ``content-type`` signed without
its boundary. The SDK signs at ``now - 1`` s and sends ``X-Signature-Expires: 600``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from json.decoder import scanstring
from typing import Any
from urllib.parse import quote, urlsplit

from app.core.gateway.credentials import Credentials

ALGORITHM = "TC3-HMAC-SHA256"
SERVICE = "tcb"
# The code the real backend answers a bad, foreign or expired CAM (TC3) signature with: the SDK
# family's own error table names it "cam签名无效" (@cloudbase/database src/typings/realtime.ts,
# which retries on it), and users of the real service report "SIGN_PARAM_INVALID: secret id
# error" for a wrong key and "SIGN_PARAM_INVALID signature is expired" for a skewed clock.
# wx-server-sdk has no errCode for it, so the user sees -501001 with our message.
SIGN_PARAM_INVALID = "SIGN_PARAM_INVALID"
EXPIRES = 600  # what every SDK sends; X-Signature-Expires is not signed, so it may only shorten this
CLOCK_SKEW = 60  # seconds either way: Node and we share the clock, but a busy machine stalls
_MULTIPART = "multipart/form-data"
# String.prototype.trim's whitespace (WhiteSpace and LineTerminator), not Python's isspace set.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000\ufeff"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]{1,12}")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

# A request's params as the signer saw them: each a string (a string param, or the JSON text of
# any other value) or bytes (a Buffer field of a multipart form); or, for a body that is neither
# a JSON object nor a form, the body itself, which the signer hashes whole.
Params = Mapping[str, str | bytes] | bytes


class BadSignature(Exception):
    """The request is not signed with the workspace's secret (answered as SIGN_PARAM_INVALID)."""

    code = SIGN_PARAM_INVALID


@dataclass(frozen=True)
class Authorization:
    """What a request claims in its ``Authorization`` and ``X-Timestamp`` headers."""

    secret_id: str
    date: str
    timestamp: int
    expires: int
    signed_headers: tuple[str, ...]
    signed_params: tuple[str, ...] | None  # None: the header lists none (all keys are hashed, sorted)
    signature: str

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Authorization:
        """Parse ``headers`` (lowercase names); raises BadSignature when a part is missing or malformed."""
        value = headers.get("authorization")
        if not value:
            raise BadSignature("missing authorization: sign the request with the workspace's secret "
                               "(TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY of `wxsim serve`)")
        algorithm, _, rest = value.strip().partition(" ")
        if algorithm != ALGORITHM:
            raise BadSignature(f"authorization must be {ALGORITHM}")
        fields = {}
        for item in rest.split(","):
            name, _, field = item.strip().partition("=")
            fields[name] = field.strip()
        credential = fields.get("Credential", "").rsplit("/", 3)
        if len(credential) != 4 or credential[2:] != [SERVICE, "tc3_request"]:
            raise BadSignature(f"the credential must be <secretId>/<date>/{SERVICE}/tc3_request")
        signed_headers = tuple(fields.get("SignedHeaders", "").split(";"))
        if "host" not in signed_headers or "content-type" not in signed_headers:
            # Both are always signed by the SDK (its signer refuses to sign without them).
            raise BadSignature("SignedHeaders must include host and content-type")
        signature = fields.get("Signature", "")
        if not _HEX64.fullmatch(signature):
            raise BadSignature("the signature must be 64 lowercase hex digits")
        timestamp = headers.get("x-timestamp", "")
        if not _DIGITS.fullmatch(timestamp):
            raise BadSignature("missing x-timestamp (the signing time, in seconds)")
        expires = headers.get("x-signature-expires", str(EXPIRES))
        if not _DIGITS.fullmatch(expires):
            raise BadSignature("x-signature-expires must be a number of seconds")
        listed = fields.get("SignedParams")
        return cls(
            credential[0], credential[1], int(timestamp), min(int(expires), EXPIRES), signed_headers,
            tuple(key for key in listed.split(";") if key) if listed is not None else None, signature,
        )


class Verifier:
    """Checks requests against one secret. ``check_headers`` runs before the body is read."""

    def __init__(self, credentials: Credentials, clock: Callable[[], float] = time.time) -> None:
        self._credentials = credentials
        self._clock = clock
        self._keys: dict[str, bytes] = {}  # signing key by date: three HMACs saved per request

    def verify(self, method: str, target: str, headers: Mapping[str, str], params: Params) -> None:
        """Raise BadSignature unless the request is signed with our secret, now."""
        self.check_payload(self.check_headers(headers), method, target, headers, params)

    def check_headers(self, headers: Mapping[str, str]) -> Authorization:
        """The request's claims, once its key id and signing time are ours and current."""
        auth = Authorization.from_headers(headers)
        if auth.secret_id != self._credentials.secret_id:  # the id is not secret: == is fine
            raise BadSignature(f"secret id error: {auth.secret_id!r} is not this workspace's TENCENTCLOUD_SECRETID")
        now = self._clock()
        if now > auth.timestamp + auth.expires + CLOCK_SKEW:
            raise BadSignature(f"signature is expired (signed at {auth.timestamp}, valid for {auth.expires} s)")
        if auth.timestamp > now + CLOCK_SKEW:
            raise BadSignature(f"signature is not valid yet (x-timestamp {auth.timestamp} is in the future)")
        if auth.date != utc_date(auth.timestamp):
            raise BadSignature("the credential's date is not the UTC day of x-timestamp")
        return auth

    def check_payload(self, auth: Authorization, method: str, target: str, headers: Mapping[str, str],
                      params: Params) -> None:
        """Recompute the signature over the request as received; raise BadSignature on a mismatch."""
        values = params if isinstance(params, bytes) else _normalized(params)
        payload = payload_hash(values, auth.signed_params, normalized=True)
        key = self._signing_key(auth.date)
        # node-sdk signs the lowercase 'post' it passes around; a client may sign the wire's POST.
        for spelling in dict.fromkeys((method.lower(), method.upper())):
            canonical = canonical_request(spelling, target, headers, auth.signed_headers, payload)
            if hmac.compare_digest(_signature(key, auth.timestamp, auth.date, canonical), auth.signature):
                break
        else:
            raise BadSignature("signature error: the request is not signed with this workspace's "
                               "TENCENTCLOUD_SECRETKEY, or was changed after signing")
        # The signed body carries TENCENTCLOUD_SESSIONTOKEN as ``sessionToken`` unless it was unset
        # (node-sdk drops undefined fields), so check it only when present.
        if not isinstance(values, bytes):
            token = _hashed(values.get("sessiontoken"))
            if token and not hmac.compare_digest(token, self._credentials.session_token.encode()):
                raise BadSignature("session token error: sessionToken is not this workspace's "
                                   "TENCENTCLOUD_SESSIONTOKEN")

    def _signing_key(self, date: str) -> bytes:
        key = self._keys.get(date)
        if key is None:
            key = _hmac(("TC3" + self._credentials.secret_key).encode(), date)
            key = _hmac(_hmac(key, SERVICE), "tc3_request")
            if len(self._keys) > 4:  # only today's (and yesterday's, around midnight) are ever used
                self._keys.clear()
            self._keys[date] = key
        return key


def sign(credentials: Credentials, method: str, url: str, headers: Mapping[str, str],
         params: Mapping[str, Any] | bytes, timestamp: int | None = None) -> dict[str, str]:
    """The ``Authorization``, ``X-Timestamp`` and ``X-Signature-Expires`` headers for a request.

    For wxsim's own clients. ``headers`` are those the request will send (they are all signed;
    ``Content-Type`` is required, ``Host`` defaults to the URL's); ``params`` the body's JSON
    object or form fields (bytes values are Buffer fields), or a raw body.
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lowered = {name.lower(): str(value) for name, value in headers.items()}
    lowered.setdefault("host", parts.netloc)
    formatted = format_params(params)
    signed_params = None if isinstance(formatted, bytes) else tuple(
        key for key, value in sorted(_normalized(formatted).items()) if _hashed(value) is not None)
    signed_headers = tuple(sorted(lowered))
    timestamp = int(time.time()) - 1 if timestamp is None else timestamp  # as the SDK: a second back
    date = utc_date(timestamp)
    canonical = canonical_request(method, target, lowered, signed_headers, payload_hash(formatted, signed_params))
    key = _hmac(_hmac(_hmac(("TC3" + credentials.secret_key).encode(), date), SERVICE), "tc3_request")
    listed = "" if signed_params is None else f" SignedParams={';'.join(signed_params)},"
    signature = _signature(key, timestamp, date, canonical)
    return {
        "Authorization": f"{ALGORITHM} Credential={credentials.secret_id}/{date}/{SERVICE}/tc3_request,{listed} "
                         f"SignedHeaders={';'.join(signed_headers)}, Signature={signature}",
        "X-Timestamp": str(timestamp),
        "X-Signature-Expires": str(EXPIRES),
    }


def format_params(params: Mapping[str, Any] | bytes | str) -> Params:
    """Params as ``formatKeyAndValue`` turns them into strings: JSON.stringify but for strings and Buffers."""
    if isinstance(params, str):
        return params.encode("utf-8")
    if isinstance(params, bytes):
        return params
    return {key: value if isinstance(value, str | bytes) else _compact_json(value) for key, value in params.items()}


def json_members(body: bytes) -> dict[str, str] | None:
    """A JSON object body's members as the signer saw them; None if the body is not one.

    The SDK signs ``JSON.stringify(value)`` of each non-string member and sends
    ``JSON.stringify(params)``, so each member's text in the body is exactly what was signed;
    taking it from there (not re-encoding the decoded value) keeps numbers like ``1e-7``,
    which Python would spell differently, byte for byte. Only for the signature: the call
    itself is read by the envelope's strict parser. A body nested past Python's recursion
    limit raises RecursionError.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    signed: dict[str, str] = {}
    scan = _DECODER.scan_once  # the C scanner json.loads runs, called once per member
    try:
        at = _skip(text, 0)
        if text[at] != "{":
            return None
        at = _skip(text, at + 1)
        if text[at] == "}":
            return signed if _skip(text, at + 1) == len(text) else None
        while text[at] == '"':
            key, at = scanstring(text, at + 1)
            at = _skip(text, at)
            if text[at] != ":":
                return None
            start = _skip(text, at + 1)
            value, at = scan(text, start)
            signed[key] = value if value.__class__ is str else text[start:at]
            at = _skip(text, at)
            if text[at] == ",":
                at = _skip(text, at + 1)
            elif text[at] == "}":
                return signed if _skip(text, at + 1) == len(text) else None
            else:
                return None
        return None
    except (IndexError, StopIteration, ValueError):  # scan_once raises StopIteration where no value starts
        return None


def _skip(text: str, at: int) -> int:
    """The index of the next non-whitespace character (the SDK's compact JSON has none)."""
    if at < len(text) and text[at] in " \t\n\r":
        return _JSON_SPACE.match(text, at).end()
    return at


def payload_hash(params: Params, signed_params: Sequence[str] | None, *, normalized: bool = False) -> str:
    """``calcParamsHash``: the hex SHA-256 over the params in the order the signer hashed them.

    signature-nodejs 2.x lists exactly the keys it hashed in ``SignedParams``; 1.0.0-beta.0
    lists every key, sorted, empty or not. Either way the order there is the order hashed (JS
    ``localeCompare``, which we need not reproduce), and a key the list lacks must have been
    skipped as empty: anything else in the body was not signed.
    """
    if isinstance(params, bytes):
        return hashlib.sha256(params).hexdigest()
    values = params if normalized else _normalized(params)
    if signed_params is None:
        signed_params = sorted(values)
    else:
        listed = set(signed_params)
        for key, value in values.items():
            if key not in listed and _hashed(value) is not None:
                raise BadSignature(f"signature error: param {key} is not signed")
    digest = hashlib.sha256()
    for key in signed_params:
        data = _hashed(values.get(key))
        if data is not None:  # calcParamsHash skips falsy values: "" (after trim) and missing keys
            digest.update(b"&" + key.encode() + b"=" + data + b"\r\n")
    return digest.hexdigest()


def canonical_request(method: str, target: str, headers: Mapping[str, str], signed_headers: Sequence[str],
                      payload: str) -> str:
    """``tc3sign``'s canonical request; ``target`` is the request line's path and query."""
    path, _, query = target.partition("?")
    lines = "".join(f"{name}:{_header_value(name, headers.get(name, ''))}\n" for name in signed_headers)
    return f"{method}\n//{headers.get('host', '')}{path}\n{query}\n{lines}\n{';'.join(signed_headers)}\n{payload}"


def utc_date(timestamp: int) -> str:
    """``new Date(ts * 1000).toISOString().split('T')[0]``."""
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def _header_value(name: str, value: str) -> str:
    if name == "content-type":  # kept as is, bar a multipart boundary (the signer adds it later)
        return _MULTIPART if value.startswith(_MULTIPART) else value
    return value.strip(_JS_SPACE).lower()


def _signature(key: bytes, timestamp: int, date: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8", "replace")).hexdigest()
    return hmac.new(key, f"{ALGORITHM}\n{timestamp}\n{date}/{SERVICE}/tc3_request\n{digest}".encode(),
                    hashlib.sha256).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _normalized(params: Mapping[str, str | bytes]) -> dict[str, str | bytes]:
    return {_param_key(key): value for key, value in params.items()}


@lru_cache(maxsize=512)
def _param_key(key: str) -> str:
    # encodeURIComponent plus camSafeUrlEncode's !'()* leaves exactly quote()'s own safe set.
    return quote(key.lower().strip(_JS_SPACE), safe="")


def _hashed(value: str | bytes | None) -> bytes | None:
    """The bytes the signer hashes for one value, or None when it skips it."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value  # a Buffer is truthy even when empty, and is not trimmed
    text = value.strip(_JS_SPACE)
    if not text:
        return None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: Node's hash.update() writes U+FFFD for it
        return re.sub("[\ud800-\udfff]", "\ufffd", text).encode("utf-8")


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
