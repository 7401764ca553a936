"""The loopback HTTP gateway the real ``wx-server-sdk`` talks to (tcb-wire §1–§4).

A Node process started with ``Gateway.node_env(...)`` sends every cloud API call here
(``TCB_CONTEXT_CNFG`` redirects node-sdk); each becomes one ``Request`` to the workspace's
dispatcher, so it is served by the same code and lands in the same event log as calls from
the GUI or the embedded runtime. Object uploads and downloads go to the storage server,
whose URLs ``storage.getUploadMetadata`` and ``storage.batchGetDownloadUrl`` hand out.

Only local programs holding the workspace secret get answers (DESIGN §7): a request must name
a loopback ``Host``, carry no ``Origin`` (browsers add one; Node never does), and be signed
with the secret as the SDK signs (``signature.py``). Anything else is refused before it is
dispatched, in the backend's error shape, so the SDK shows the reason.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Self

from app.core.errors import CloudError, InputError, SimulatorError, WxApiError
from app.core.gateway import envelope
from app.core.gateway.callers import InvocationRegistry, Origin, source_of
from app.core.gateway.credentials import Credentials
from app.core.gateway.envelope import BadEnvelope, WireCall
from app.core.gateway.environment import SERVE_SOURCE, node_env
from app.core.gateway.openapi import BadProtobuf, decode_request, encode_answer, encode_refusal
from app.core.gateway.signature import BadSignature, Verifier, json_members
from app.core.gateway.wire import to_wire
from app.core.http.base import HOST, LoopbackHandler, LoopbackServer, header_param, read_all
from app.core.http.body import BadBody, MultipartReader, Reader
from app.core.http.loopback import host_refusal, origin_refusal
from app.core.openapi.calls import API_TYPE_OPEN, OPEN_API
from app.core.requests import Caller, Request

log = logging.getLogger(__name__)
PATH = "/admin"
MAX_BODY = 64 << 20  # far above the SDK's own limits; keeps a stray client from filling memory
JSON_TYPE = "application/json; charset=utf-8"  # for wx.openApi this exact type means "an error"
PROTOBUF_TYPE = "application/octet-stream"
# A browser-ish request (foreign Host, an Origin) is from no SDK; -501008 "invalid request source"
# is the backend's own word for a caller it does not serve.
INVALID_REQUEST_SOURCE = "INVALID_REQUEST_SOURCE"
_FORM_LIMIT = 16 << 20  # a wx.openApi form: parameters and at most one imgSecCheck picture (1 MB)


class Gateway:
    """Serves ``POST <url>`` for one environment; ``handle`` is the workspace's dispatcher.

    Requests carrying the seqId of a run registered with ``register_invocation`` are made
    as that run's caller, under its invocation; any other request is an admin one whose
    SOURCE comes from its ``X-TCB-Source`` header.

    Every request must be signed with ``credentials`` (the workspace secret; without one, a
    gateway makes up its own, so there is never an open one). ``clock`` is the real time the
    signatures are dated in, not a workspace's simulated clock.
    """

    def __init__(self, handle: Callable[[Request], dict], env_id: str, *, appid: str | None = None,
                 credentials: Credentials | None = None, clock: Callable[[], float] = time.time) -> None:
        self._handle = handle
        self.env_id = env_id
        self.appid = appid
        self.credentials = credentials or Credentials.generate()
        self.verifier = Verifier(self.credentials, clock)
        self._registry = InvocationRegistry()
        self._lock = threading.Lock()
        self._server: LoopbackServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """``http://127.0.0.1:<port>/admin`` while serving, else None."""
        with self._lock:
            return f"{self._server.base_url}{PATH}" if self._server else None

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (``port`` 0: any free port) and return the URL.

        Idempotent: a gateway already serving keeps its port and returns its URL.
        """
        with self._lock:
            if self._server is None:
                handler = type("BoundGatewayHandler", (_Handler,), {"gateway": self})
                try:
                    self._server = LoopbackServer(handler, port, name="wxsim-gateway")
                except OSError as exc:
                    raise InputError(f"wxsim cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        return self.url

    def stop(self) -> None:
        """Stop listening; a request being served finishes on its own thread."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- callers -------------------------------------------------------------------------------

    def register_invocation(self, seq_id: str, caller: Caller, parent_id: str | None) -> AbstractContextManager[None]:
        """While the ``with`` block runs, requests sent with ``TCB_SEQID=seq_id`` are ``caller``'s,
        nested under ``parent_id`` (the run's own request id)."""
        return self._registry.register(seq_id, caller, parent_id)

    def node_env(self, source: str, openid: str | None = None, appid: str | None = None,
                 unionid: str | None = None, seq_id: str | None = None) -> dict[str, str]:
        """The environment a Node process needs to send its cloud calls here (tcb-wire §2)."""
        url = self.url
        if url is None:
            raise RuntimeError("start the gateway before asking for its environment")
        return node_env(url, self.env_id, credentials=self.credentials, source=source, openid=openid,
                        appid=appid or self.appid, unionid=unionid, seq_id=seq_id)

    def serve_info(self, data_dir: Path) -> dict:
        """The one JSON line ``wxsim serve`` prints (DESIGN §5): where to send calls, and how.

        ``env`` is ready for ``env`` / ``export``: a Node process started with it (and with
        ``NODE_PATH`` reaching a ``wx-server-sdk`` install) sends its cloud calls here, signed
        with the workspace secret it carries (so this line is for the user's eyes only).
        """
        url = self.url or self.start()
        return {
            "url": url,
            "envId": self.env_id,
            "appid": self.appid,
            "dataDir": str(data_dir),
            "env": self.node_env(SERVE_SOURCE, appid=self.appid),
        }

    def origin(self, seq_id: str | None, source_header: str | None) -> Origin:
        """Whom a request is from: a registered run by its seqId, else an admin by its header."""
        return self._registry.lookup(seq_id) or Origin(Caller.admin(source_of(source_header)))

    # -- answers -------------------------------------------------------------------------------

    def answer(self, call: WireCall, source_header: str | None) -> dict:
        """The JSON answer to one call: its data in the wire's shape, or its error."""
        request_id = envelope.new_request_id()
        try:
            result = self._dispatch(call, source_header)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an answer; bugs are logged
            return envelope.failure(request_id, exc)
        data, top = to_wire(call.action, result)
        return envelope.success(request_id, data, top)

    def answer_form(self, target: str, fields: dict[str, bytes], source_header: str | None) -> tuple[bytes, str]:
        """The answer to a multipart call (``wx.openApi``, ``wx.wxPayApi``): body and content type."""
        request_id = envelope.new_request_id()
        text = {key: value.decode("utf-8", errors="replace") for key, value in fields.items() if key != "requestData"}
        try:
            call = envelope.split_params(text, envelope.query_of(target))
            request = decode_request(fields.get("requestData", b""))
        except (BadEnvelope, BadProtobuf) as exc:
            return _json(envelope.failure(request_id, BadEnvelope(str(exc))))
        call = WireCall(call.action, {**call.params, **request}, call.env, call.seq_id)
        try:
            result = self._dispatch(call, source_header)
        except (CloudError, WxApiError) as exc:
            # A cloud call's refusal travels inside the protobuf (WeChat's errcode/errmsg, or the
            # platform's code); anything else as the backend's JSON error.
            refusal = encode_refusal(exc) if call.action == OPEN_API and request["apiType"] == API_TYPE_OPEN else None
            if refusal is not None:
                return refusal, PROTOBUF_TYPE
            return _json(envelope.failure(request_id, exc))
        except Exception as exc:  # noqa: BLE001
            return _json(envelope.failure(request_id, exc))
        return encode_answer(result), PROTOBUF_TYPE

    def _dispatch(self, call: WireCall, source_header: str | None) -> dict:
        origin = self.origin(call.seq_id, source_header)
        try:
            return self._handle(Request(call.action, call.params, origin.caller, origin.parent_id))
        except SimulatorError:
            raise
        except Exception:
            log.exception("the gateway's %s failed", call.action)
            raise


def _json(answer: dict) -> tuple[bytes, str]:
    return envelope.encode(answer), JSON_TYPE


class _Handler(LoopbackHandler):
    # Small JSON answers would otherwise wait for the client's delayed ACK (Nagle): ~40 ms
    # per SDK request instead of well under one.
    disable_nagle_algorithm = True
    server_version = "wxsim-gateway"
    max_body = MAX_BODY
    missing_length_is_empty = True
    gateway: Gateway

    def do_POST(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        source = headers.get("x-tcb-source")
        verifier = self.gateway.verifier
        reader: Reader | None = None
        try:
            _check_sender(headers)
            auth = verifier.check_headers(headers)  # before reading a body it would refuse anyway
            reader = self.body_reader()
            kind, _, params = headers.get("content-type", "").partition(";")
            if kind.strip().lower() == "multipart/form-data":
                fields, buffers = _read_form(reader, header_param(params, "boundary"))
                # The form's epilogue (and a chunked body's last chunk) must not be left on
                # the socket: the next request on this connection would start with it.
                read_all(reader, MAX_BODY)
                signed = {name: value if name in buffers else value.decode("utf-8", "replace")
                          for name, value in fields.items()}
                verifier.check_payload(auth, self.command, self.path, headers, signed)
                body, content_type = self.gateway.answer_form(self.path, fields, source)
            else:
                raw = read_all(reader, MAX_BODY)
                try:
                    members = json_members(raw)
                except RecursionError:  # far past what the envelope accepts, signed or not
                    raise BadEnvelope("the request body is nested too deep") from None
                # A body that is not a JSON object was signed (by wxsim's own signer) as one string.
                verifier.check_payload(auth, self.command, self.path, headers, raw if members is None else members)
                call = envelope.parse_json_call(self.path, raw)
                body, content_type = _json(self.gateway.answer(call, source))
        except (ForeignSender, BadSignature) as exc:
            self._refuse(exc, reader)
            return
        except (BadBody, BadEnvelope) as exc:
            self.close_connection = True
            body, content_type = _json(envelope.failure(envelope.new_request_id(), BadEnvelope(str(exc))))
        self._send(200, body, content_type)  # errors too: the SDK reads them from the body

    def do_GET(self) -> None:
        """A liveness answer, so ``curl <url>`` shows what is listening (to local programs only)."""
        try:
            _check_sender({name.lower(): value for name, value in self.headers.items()})
        except ForeignSender as exc:
            self._refuse(exc, None)
            return
        self._send(200, envelope.encode({"service": "wxsim gateway", "env": self.gateway.env_id}), JSON_TYPE)

    def _refuse(self, refusal: ForeignSender | BadSignature, reader: Reader | None) -> None:
        """Answer a refused request as the backend does (HTTP 200, ``{code, message, requestId}``).

        What is left of its body is read first, up to a limit: closing a socket with unread
        data resets it, and the client could lose the answer that says what is wrong.
        """
        log.warning("gateway refused %s %s: %s", self.command, self.path.partition("?")[0], refusal)
        self.drain(reader)
        answer = {"code": refusal.code, "message": str(refusal), "requestId": envelope.new_request_id()}
        self._send(200, envelope.encode(answer), JSON_TYPE)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class ForeignSender(Exception):
    """The request comes from a web page (DNS rebinding, cross-site), not a local program."""

    code = INVALID_REQUEST_SOURCE


def _check_sender(headers: dict[str, str]) -> None:
    """Refuse a non-loopback ``Host`` or any ``Origin``, before anything else is looked at."""
    problem = host_refusal(headers.get("host")) or origin_refusal(headers.get("origin"))
    if problem:
        raise ForeignSender(problem)


def _read_form(reader: Reader, boundary: str) -> tuple[dict[str, bytes], set[str]]:
    """Every field of a multipart form, and which were Buffers to the signer.

    The form-data package gives a Buffer part a ``Content-Type`` and a string part none; the
    signer hashes a Buffer's bytes as they are but a string trimmed, so the two must be told apart.
    """
    fields: dict[str, bytes] = {}
    buffers: set[str] = set()
    total = 0
    for part in MultipartReader(reader, boundary).parts():
        chunks = []
        while data := part.read():
            total += len(data)
            if total > _FORM_LIMIT:
                raise BadBody(f"the form is over {_FORM_LIMIT} bytes")
            chunks.append(data)
        fields[part.name] = b"".join(chunks)
        if "content-type" in part.headers:
            buffers.add(part.name)
        else:
            buffers.discard(part.name)
    return fields, buffers
