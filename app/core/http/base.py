"""What both loopback servers share: a listening thread on 127.0.0.1 and a handler base that
reads bodies (chunked or sized), drains refused ones and logs quietly."""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.core.http.body import BadBody, ChunkedReader, LengthReader, Reader

log = logging.getLogger(__name__)
HOST = "127.0.0.1"  # DESIGN §7: anything that listens binds loopback only
DRAIN_LIMIT = 1 << 20


class LoopbackServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 and the daemon thread serving it; ``close`` stops both.

    ``port`` 0 takes any free port; with ``fallback`` a taken port falls back to a free one
    (storage keeps its last port so temp URLs survive a restart when they can).
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0, *, name: str,
                 fallback: bool = False) -> None:
        try:
            self._httpd = ThreadingHTTPServer((HOST, port), handler)
        except OSError:
            if not (port and fallback):
                raise
            self._httpd = ThreadingHTTPServer((HOST, 0), handler)
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://{HOST}:{self.port}"
        # A short poll keeps close() (and the app's quit) quick; idle cost is negligible.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name=name, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening; a request being served finishes on its own thread."""
        stopping = threading.Thread(target=self._httpd.shutdown, daemon=True)
        stopping.start()
        # serve_forever sees the stop request only when its select() returns: an empty
        # connection ends that wait now rather than at the next poll (a terminal command's
        # exit would otherwise wait up to 50 ms for it).
        while stopping.is_alive():
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
            except OSError:
                pass
            stopping.join(timeout=0.01)
        self._httpd.server_close()
        self._thread.join(timeout=5)


class LoopbackHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 with the body helpers both servers need."""

    protocol_version = "HTTP/1.1"
    timeout = 120  # a stalled client frees its thread
    max_body: int | None = None  # a sized body over this is refused before it is read
    missing_length_is_empty = False  # whether a body with neither length nor chunks is empty

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    def body_reader(self) -> Reader:
        """The request body as a stream: chunked, or exactly Content-Length bytes."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return ChunkedReader(self.rfile)
        length = self.headers.get("Content-Length", "0" if self.missing_length_is_empty else None)
        if length is None or not length.isdigit():
            raise BadBody("send a Content-Length or a chunked body")
        if self.max_body is not None and int(length) > self.max_body:
            raise BadBody(f"the body is {length} bytes; at most {self.max_body} are accepted")
        return LengthReader(self.rfile, int(length))

    def drain(self, reader: Reader | None, limit: int = DRAIN_LIMIT) -> None:
        """Read what is left of a refused body, up to ``limit``, then mark the connection closed.

        Closing a socket with unread data makes the kernel reset the connection, and the client
        may then lose the answer that says what is wrong; a huge body is cut off instead.
        """
        try:
            if reader is None:
                reader = self.body_reader()
            left = limit
            while left > 0 and (data := reader.read(min(left, 1 << 16))):
                left -= len(data)
        except (BadBody, OSError):
            pass
        self.close_connection = True


def read_all(reader: Reader, limit: int) -> bytes:
    """The whole body, refused (BadBody) once it passes ``limit`` bytes, chunked ones included."""
    chunks, total = [], 0
    while data := reader.read(1 << 20):
        total += len(data)
        if total > limit:
            raise BadBody(f"the body is over {limit} bytes")
        chunks.append(data)
    return b"".join(chunks)


def header_param(params: str, key: str) -> str:
    """A parameter of a header's value, e.g. the ``boundary`` of ``multipart/form-data; boundary=…``."""
    for item in params.split(";"):
        name, _, value = item.strip().partition("=")
        if name.lower() == key:
            return value.strip().strip('"')
    return ""
