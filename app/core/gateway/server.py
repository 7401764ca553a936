"""The loopback HTTP gateway the real ``wx-server-sdk`` talks to (tcb-wire §1–§4).

A Node process started with ``Gateway.node_env(...)`` sends every cloud API call here
(``TCB_CONTEXT_CNFG`` redirects node-sdk); each becomes one ``Request`` to the workspace's
dispatcher, so it is served by the same code and lands in the same event log as calls from
the GUI or the embedded runtime. Object uploads and downloads go to the storage server,
whose URLs ``storage.getUploadMetadata`` and ``storage.batchGetDownloadUrl`` hand out.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from app.core.errors import CloudError, InputError, SimulatorError, WxApiError
from app.core.gateway import envelope
from app.core.gateway.actions import OPEN_API
from app.core.gateway.callers import InvocationRegistry, Origin, source_of
from app.core.gateway.envelope import BadEnvelope, WireCall
from app.core.gateway.environment import node_env
from app.core.gateway.openapi import (
    API_TYPE_OPEN,
    BadProtobuf,
    decode_request,
    encode_response,
    read_form,
)
from app.core.gateway.wire import to_wire
from app.core.requests import Caller, Request
from app.core.storage.http_body import BadBody, ChunkedReader, LengthReader, Reader

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
PATH = "/admin"
MAX_BODY = 64 << 20  # far above the SDK's own limits; keeps a stray client from filling memory
JSON_TYPE = "application/json; charset=utf-8"  # for wx.openApi this exact type means "an error"
PROTOBUF_TYPE = "application/octet-stream"


class Gateway:
    """Serves ``POST <url>`` for one environment; ``handle`` is the workspace's dispatcher.

    Requests carrying the seqId of a run registered with ``register_invocation`` are made
    as that run's caller, under its invocation; any other request is an admin one whose
    SOURCE comes from its ``X-TCB-Source`` header.
    """

    def __init__(self, handle: Callable[[Request], dict], env_id: str, *, appid: str | None = None) -> None:
        self._handle = handle
        self.env_id = env_id
        self.appid = appid
        self._registry = InvocationRegistry()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """``http://127.0.0.1:<port>/admin`` while serving, else None."""
        with self._lock:
            return f"http://{HOST}:{self._httpd.server_address[1]}{PATH}" if self._httpd else None

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (``port`` 0: any free port) and return the URL.

        Idempotent: a gateway already serving keeps its port and returns its URL.
        """
        with self._lock:
            if self._httpd is None:
                handler = type("BoundGatewayHandler", (_Handler,), {"gateway": self})
                try:
                    httpd = ThreadingHTTPServer((HOST, port), handler)
                except OSError as exc:
                    raise InputError(f"wxsim cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
                httpd.daemon_threads = True
                # A short poll keeps stop() (and the app's quit) quick.
                thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name="wxsim-gateway", daemon=True)
                thread.start()
                self._httpd, self._thread = httpd, thread
        return self.url

    def stop(self) -> None:
        """Stop listening; a request being served finishes on its own thread."""
        with self._lock:
            httpd, thread, self._httpd, self._thread = self._httpd, self._thread, None, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=5)

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
        return node_env(url, self.env_id, source=source, openid=openid, appid=appid or self.appid,
                        unionid=unionid, seq_id=seq_id)

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
            if call.action == OPEN_API and request["apiType"] == API_TYPE_OPEN:
                # An API's own failure travels inside the protobuf, as WeChat's errcode/errmsg;
                # ours reads as the embedded SDK's: "<code> <text>. <detail>".
                if isinstance(exc, WxApiError):
                    return _protobuf({"errcode": exc.errcode, "errmsg": exc.errmsg})
                return _protobuf({"errcode": exc.code, "errmsg": f"{exc.code} {exc}"})
            return _json(envelope.failure(request_id, exc))
        except Exception as exc:  # noqa: BLE001
            return _json(envelope.failure(request_id, exc))
        return _protobuf(result)

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


def _protobuf(result: dict) -> tuple[bytes, str]:
    body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return encode_response(body), PROTOBUF_TYPE


class _Handler(BaseHTTPRequestHandler):
    # Small JSON answers would otherwise wait for the client's delayed ACK (Nagle): ~40 ms
    # per SDK request instead of well under one.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "wxsim-gateway"
    timeout = 120  # a stalled client frees its thread
    gateway: Gateway

    def log_message(self, format: str, *args) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_POST(self) -> None:
        source = self.headers.get("X-TCB-Source")
        try:
            reader = self._body()
            kind, _, params = self.headers.get("Content-Type", "").partition(";")
            if kind.strip().lower() == "multipart/form-data":
                fields = read_form(reader, _param(params, "boundary"))
                # The form's epilogue (and a chunked body's last chunk) must not be left on
                # the socket: the next request on this connection would start with it.
                _read_all(reader)
                body, content_type = self.gateway.answer_form(self.path, fields, source)
            else:
                call = envelope.parse_json_call(self.path, _read_all(reader))
                body, content_type = _json(self.gateway.answer(call, source))
        except (BadBody, BadEnvelope) as exc:
            self.close_connection = True
            body, content_type = _json(envelope.failure(envelope.new_request_id(), BadEnvelope(str(exc))))
        self._send(200, body, content_type)  # errors too: the SDK reads them from the body

    def do_GET(self) -> None:
        """A liveness answer, so ``curl <url>`` shows what is listening."""
        self._send(200, envelope.encode({"service": "wxsim gateway", "env": self.gateway.env_id}), JSON_TYPE)

    def _body(self) -> Reader:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return ChunkedReader(self.rfile)
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit():
            raise BadBody("send a Content-Length or a chunked body")
        if int(length) > MAX_BODY:
            raise BadBody(f"the body is {length} bytes; at most {MAX_BODY} are accepted")
        return LengthReader(self.rfile, int(length))

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


def _read_all(reader: Reader) -> bytes:
    chunks, total = [], 0
    while data := reader.read(1 << 20):
        total += len(data)
        if total > MAX_BODY:
            raise BadBody(f"the body is over {MAX_BODY} bytes")
        chunks.append(data)
    return b"".join(chunks)


def _param(params: str, key: str) -> str:
    for item in params.split(";"):
        name, _, value = item.strip().partition("=")
        if name.lower() == key:
            return value.strip().strip('"')
    return ""
