"""Streaming request bodies for the object routes: Content-Length, chunked, multipart.

``http.server`` hands the handler a raw socket file and decodes neither chunked transfer
encoding (the SDK's PUT uses it, tcb-wire §6) nor multipart forms (the older SDKs' POST);
``cgi`` is deprecated and reads whole parts into memory. These readers never hold more
than a buffer of the body, so a 1 GB upload costs a few hundred KB.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator, Protocol

BLOCK = 1 << 20
_LINE_LIMIT = 8192
_HEADERS_LIMIT = 16384


class BadBody(Exception):
    """The request body is malformed (HTTP 400)."""


class Reader(Protocol):
    def read(self, size: int = -1) -> bytes: ...


class LengthReader:
    """Exactly ``length`` bytes of the socket file."""

    def __init__(self, source: BinaryIO, length: int) -> None:
        self._source = source
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self._source.read(size)
        if not data:
            raise BadBody(f"the body ended {self.remaining} bytes before its Content-Length")
        self.remaining -= len(data)
        return data


class ChunkedReader:
    """A ``Transfer-Encoding: chunked`` body, decoded; trailers are read and ignored."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self._left = 0  # bytes left in the current chunk
        self._done = False

    def read(self, size: int = -1) -> bytes:
        if self._done:
            return b""
        if self._left == 0:
            self._left = self._chunk_size()
            if self._left == 0:
                while self._line():  # trailers, up to the empty line
                    pass
                self._done = True
                return b""
        want = self._left if size < 0 else min(size, self._left)
        data = self._source.read(want)
        if not data:
            raise BadBody("the chunked body ended inside a chunk")
        self._left -= len(data)
        if self._left == 0 and self._line():
            raise BadBody("a chunk is not followed by CRLF")
        return data

    def _chunk_size(self) -> int:
        line = self._line().split(b";", 1)[0].strip()
        try:
            return int(line, 16)
        except ValueError:
            raise BadBody(f"bad chunk size {line[:20]!r}") from None

    def _line(self) -> bytes:
        line = self._source.readline(_LINE_LIMIT + 1)
        if len(line) > _LINE_LIMIT or not line.endswith(b"\n"):
            raise BadBody("a chunk header line is missing or too long")
        return line.rstrip(b"\r\n")


class Part:
    """One part of a multipart form; ``read`` streams its data up to the next boundary."""

    def __init__(self, form: "MultipartReader", headers: dict[str, str]) -> None:
        self._form = form
        self.headers = headers
        self.name, self.filename = _disposition(headers.get("content-disposition", ""))
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        if self.ended:
            return b""
        data = self._form.read_part(BLOCK if size < 0 else size)
        if not data:
            self.ended = True
        return data

    def text(self, limit: int = 65536) -> str:
        chunks, total = [], 0
        while data := self.read(BLOCK):
            total += len(data)
            if total > limit:
                raise BadBody(f"form field {self.name!r} is over {limit} bytes")
            chunks.append(data)
        return b"".join(chunks).decode("utf-8", errors="replace")

    def drain(self) -> None:
        while self.read(BLOCK):
            pass


class MultipartReader:
    """A ``multipart/form-data`` body, part by part, never buffering a whole part."""

    def __init__(self, source: Reader, boundary: str) -> None:
        if not boundary or len(boundary) > 200:
            raise BadBody("multipart body without a usable boundary")
        self._source = source
        self._delim = b"\r\n--" + boundary.encode("latin-1")
        self._buf = b"\r\n"  # so the first boundary looks like every other one
        self._at_delim = False

    def parts(self) -> Iterator[Part]:
        while self.read_part(BLOCK):  # the preamble
            pass
        while True:
            tail = self._take_line()
            if tail.startswith(b"--"):
                return
            part = Part(self, self._headers())
            yield part
            part.drain()

    def read_part(self, size: int) -> bytes:
        """Data of the current part; b"" once its closing boundary is reached (and consumed)."""
        while True:
            at = self._buf.find(self._delim)
            if at == 0:
                self._buf = self._buf[len(self._delim):]
                return b""
            limit = at if at > 0 else len(self._buf) - len(self._delim) + 1
            if limit > 0:
                data, self._buf = self._buf[:min(limit, size)], self._buf[min(limit, size):]
                return data
            if not self._fill():
                raise BadBody("the multipart body ended before its closing boundary")

    def _fill(self) -> bool:
        data = self._source.read(BLOCK // 4)
        self._buf += data
        return bool(data)

    def _take_line(self) -> bytes:
        while b"\r\n" not in self._buf[:_LINE_LIMIT]:
            if len(self._buf) > _LINE_LIMIT or not self._fill():
                if self._buf.startswith(b"--"):
                    return b"--"  # the closing boundary with nothing after it
                raise BadBody("a multipart boundary line is missing or too long")
        line, self._buf = self._buf.split(b"\r\n", 1)
        return line

    def _headers(self) -> dict[str, str]:
        while b"\r\n\r\n" not in self._buf and not self._buf.startswith(b"\r\n"):
            if len(self._buf) > _HEADERS_LIMIT or not self._fill():
                raise BadBody("multipart part headers are missing or too long")
        if self._buf.startswith(b"\r\n"):
            self._buf = self._buf[2:]
            return {}
        block, self._buf = self._buf.split(b"\r\n\r\n", 1)
        headers = {}
        for line in block.decode("utf-8", errors="replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return headers


def _disposition(value: str) -> tuple[str, str | None]:
    """``name`` and ``filename`` of a Content-Disposition header."""
    params: dict[str, str] = {}
    for item in value.split(";")[1:]:
        key, _, val = item.strip().partition("=")
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1].replace('\\"', '"')
        params[key.strip().lower()] = val
    return params.get("name", ""), params.get("filename")
