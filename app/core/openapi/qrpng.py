"""A QR code as a PNG of an exact size (openapi.md §3.4): segno makes the symbol, this writes it.

The platform sends JPEG; wxsim sends PNG (§10 #1): the standard library writes PNG, and a
transparent background (``is_hyaline``) needs an alpha channel JPEG does not have. The image is
``width`` pixels square: the symbol with its 4-module quiet zone, scaled by ``width // modules``,
centred, padded with the light colour (transparent when hyaline).
"""

from __future__ import annotations

import struct
import zlib

import segno

QUIET_ZONE = 4


def qr_png(payload: str, width: int, dark: tuple[int, int, int], transparent: bool) -> bytes:
    """A scannable QR code of ``payload``: RGB, or RGBA with a transparent background."""
    symbol = segno.make(payload, error="m", micro=False)
    rows = [bytes(row) for row in symbol.matrix_iter(scale=1, border=QUIET_ZONE)]
    modules = len(rows)
    scale = width // modules
    offset = (width - modules * scale) // 2
    if transparent:
        ink, paper, channels = bytes((*dark, 255)), bytes((255, 255, 255, 0)), 4
    else:
        ink, paper, channels = bytes(dark), bytes((255, 255, 255)), 3
    left = paper * offset
    right = paper * (width - offset - modules * scale)
    blank = b"\x00" + paper * width  # filter byte 0 (None), then the pixels
    lines = [blank] * offset
    for row in rows:
        line = b"\x00" + left + b"".join((ink if cell else paper) * scale for cell in row) + right
        lines.extend([line] * scale)
    lines.extend([blank] * (width - len(lines)))
    header = struct.pack(">IIBBBBB", width, width, 8, 6 if channels == 4 else 2, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(b"".join(lines), 6)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
