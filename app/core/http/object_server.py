"""The loopback object server: temp-URL downloads and the SDK's object uploads (tcb-wire §6).

Routes, all under ``/<bucket>/<cloudPath>``:

- ``GET``/``HEAD`` with ``?sign=…&t=…``: streams the file (single ``Range`` supported);
  403 for a missing, forged or expired signature, 404 for a file that is gone.
- ``PUT`` with the upload token in ``x-cos-security-token``: the raw body, chunked or with a
  Content-Length (SDK 4.x). 200 with an empty body.
- ``POST`` ``multipart/form-data`` with the fields ``x-cos-security-token``, ``key`` and then
  ``file`` (SDK 2.x/3.x). 204.

Errors come as COS's XML (``<Error><Code/><Message/><RequestId/><TraceId/></Error>``), all
four elements present as the SDK requires. Binds 127.0.0.1 only; one daemon thread per
connection; nothing here knows about permissions: ``ObjectBackend`` decides.

Web pages are kept out as at the gateway (``app.core.http.loopback``): every route wants a loopback
``Host`` (no DNS rebinding), and the upload routes refuse an ``Origin`` (no cross-site form or
fetch can write). Downloads keep answering one: a temp URL is meant to be opened in a
browser, and though a top-level navigation sends no ``Origin``, an ``<img>`` with
``crossorigin`` or a page's ``fetch`` of it does; the URL's signature guards what is read.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from email.utils import formatdate
from typing import BinaryIO, Protocol
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from app.core.http.loopback import host_refusal, origin_refusal
from app.core.http.base import LoopbackHandler, LoopbackServer, header_param
from app.core.http.body import BadBody, MultipartReader, Reader

log = logging.getLogger(__name__)
_DRAIN_LIMIT = 4 << 20


class Refusal(Exception):
    """An HTTP error answer: status, COS error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Served:
    """An open file to send."""

    file: BinaryIO
    size: int
    content_type: str
    mtime: float


class ObjectBackend(Protocol):
    bucket: str

    def open_signed(self, raw_path: str, sign: str, t: str) -> Served: ...

    def receive_upload(self, raw_path: str, token: str | None, body: Reader) -> str: ...


class ObjectServer(LoopbackServer):
    """Owns the listening socket and its serving thread; ``close`` stops both."""

    def __init__(self, backend: ObjectBackend, port: int = 0) -> None:
        handler = type("BoundHandler", (_Handler,), {"backend": backend})
        super().__init__(handler, port, name="wxsim-storage-http", fallback=True)  # the old port may be taken


class _Handler(LoopbackHandler):
    server_version = "wxsim-storage"
    backend: ObjectBackend
    _reader: Reader | None = None

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_PUT(self) -> None:
        self._guard(self._put)

    def do_POST(self) -> None:
        self._guard(self._post)

    # -- routes --------------------------------------------------------------------------------

    def _serve(self, head: bool) -> None:
        try:
            self._check_host()
            raw, query = self._target()
            served = self.backend.open_signed(raw, _first(query, "sign"), _first(query, "t"))
        except Refusal as refusal:
            self._error(refusal, head=head)
            return
        with served.file:
            start, end = 0, served.size - 1
            status = 200
            wanted = self.headers.get("Range")
            span = _byte_range(wanted, served.size) if wanted else _WHOLE
            if span is not _WHOLE:
                if span is None:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{served.size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                start, end = span
                status = 206
            length = max(0, end - start + 1)
            self.send_response(status)
            self.send_header("Content-Type", served.content_type)
            self.send_header("Content-Length", str(length))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Last-Modified", formatdate(served.mtime, usegmt=True))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Access-Control-Allow-Origin", "*")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{served.size}")
            self.end_headers()
            if not head and length:
                try:
                    self.connection.sendfile(served.file, start, length)
                except OSError:  # the client went away (a closed tab, a cancelled download)
                    self.close_connection = True

    def _put(self) -> None:
        self._check_writer()
        raw, _ = self._target()
        body = self._body()
        self.backend.receive_upload(raw, self.headers.get("x-cos-security-token"), body)
        self._empty(200)

    def _post(self) -> None:
        self._check_writer()
        raw, _ = self._target()
        kind, _, params = self.headers.get("Content-Type", "").partition(";")
        if kind.strip().lower() != "multipart/form-data":
            raise Refusal(400, "InvalidArgument", "POST uploads must be multipart/form-data")
        boundary = header_param(params, "boundary")
        fields: dict[str, str] = {}
        uploaded = False
        for part in MultipartReader(self._body(), boundary).parts():
            if part.name == "file":
                target = raw or fields.get("key", "")
                self.backend.receive_upload(target, fields.get("x-cos-security-token"), part)
                uploaded = True
            else:
                fields[part.name] = part.text()
        if not uploaded:
            raise Refusal(400, "InvalidArgument", "the form has no 'file' field")
        self._empty(204)

    # -- plumbing ------------------------------------------------------------------------------

    def _guard(self, route) -> None:
        """Run an upload route; errors become COS XML, and an unread body closes the socket."""
        self._reader: Reader | None = None
        try:
            route()
        except Refusal as refusal:
            self._drain()
            self._error(refusal)
        except BadBody as exc:
            self.close_connection = True
            self._error(Refusal(400, "MalformedBody", str(exc)))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client went away mid-upload
        except Exception:
            log.exception("storage upload failed")
            self.close_connection = True
            self._error(Refusal(500, "InternalError", "the simulator could not store the upload"))

    def _check_host(self) -> None:
        problem = host_refusal(self.headers.get("Host"))
        if problem:
            raise Refusal(403, "AccessDenied", problem)

    def _check_writer(self) -> None:
        """Uploads come from the SDK in Node, never from a page: browsers send an Origin with
        every POST and PUT (and a cross-site form needs no CORS preflight to send one)."""
        self._check_host()
        problem = origin_refusal(self.headers.get("Origin"))
        if problem:
            raise Refusal(403, "AccessDenied", problem)

    def _target(self) -> tuple[str, dict]:
        parts = urlsplit(self.path)
        segments = parts.path.lstrip("/").split("/", 1)
        if segments[0] != self.backend.bucket:
            raise Refusal(404, "NoSuchBucket", f"this server holds bucket {self.backend.bucket} only")
        return (segments[1] if len(segments) > 1 else ""), parse_qs(parts.query)

    def _body(self) -> Reader:
        try:
            self._reader = self.body_reader()
        except BadBody as exc:
            raise Refusal(411, "MissingContentLength", str(exc)) from None
        return self._reader

    def _drain(self) -> None:
        """Read what is left of a refused upload's body (a bounded amount) before answering."""
        if self._reader is None:
            self.close_connection = True
            return
        self.drain(self._reader, _DRAIN_LIMIT)

    def _empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _error(self, refusal: Refusal, head: bool = False) -> None:
        request_id = uuid.uuid4().hex
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(refusal.code)}</Code>'
            f"<Message>{escape(refusal.message)}</Message><RequestId>{request_id}</RequestId>"
            f"<TraceId>{request_id}</TraceId></Error>"
        ).encode("utf-8")
        self.send_response(refusal.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _first(query: dict, key: str) -> str:
    values = query.get(key) or [""]
    return values[0]


_WHOLE = (0, -1)  # no usable Range header: send the whole file with 200


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one ``bytes=a-b`` range asked for, clamped; None when it cannot be satisfied.

    Multiple ranges and malformed headers are ignored (``_WHOLE``), as RFC 9110 allows.
    """
    unit, _, spec = header.partition("=")
    first, _, last = spec.strip().partition("-")
    if unit.strip().lower() != "bytes" or "," in spec or not (first + last).isdigit():
        return _WHOLE
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    return (start, end) if 0 <= start <= end else None
