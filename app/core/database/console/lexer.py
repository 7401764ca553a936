"""Tokens of the console's JavaScript subset, each with its 1-based line and column."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from app.core.errors import InputError

NUM, STR, REGEX, IDENT, PUNCT, EOF = "number", "string", "regex", "identifier", "punct", "eof"

_LINE_BREAKS = "\n\r\u2028\u2029"
_SPACES = " \t\v\f\u00a0\ufeff"
_PUNCT = "{}[](),:;.=-"
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII
)
_DIGITS = "0123456789"
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
# Chinese input methods type these where ASCII was meant; they are never valid code here.
_WIDE = {"“": '"', "”": '"', "‘": "'", "’": "'", "、": ",", "。": ".", "【": "[", "】": "]",
         "《": "<", "》": ">", "…": "..."}


@dataclass(frozen=True)
class Pos:
    """A place in the typed text, as editors count it (1-based)."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"Line {self.line}, column {self.column}"


def fail(at: Pos, message: str) -> InputError:
    """An InputError that says where: ``Line 1, column 14: <message>``."""
    return InputError(f"{at}: {message}")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    value: Any
    at: Pos
    newline_before: bool = False
    offset: int = 0

    def is_punct(self, char: str) -> bool:
        return self.kind == PUNCT and self.text == char

    def describe(self) -> str:
        """How an error message names this token: ``")"``, ``string 'abc'``, ``end of input``."""
        if self.kind == EOF:
            return "end of input"
        text = self.text if len(self.text) <= 30 else self.text[:27] + "..."
        if self.kind == NUM:
            return f"number {text}"
        if self.kind == STR:
            return f"string {text}"
        if self.kind == REGEX:
            return f"regular expression {text}"
        return json.dumps(text, ensure_ascii=False)


def _is_digit(char: str) -> bool:
    """An ASCII digit: JavaScript numbers use no others."""
    return len(char) == 1 and char in _DIGITS


def is_id_start(char: str) -> bool:
    return char in "$_" or char.isidentifier()


def is_id_part(char: str) -> bool:
    return char in "$\u200c\u200d" or ("a" + char).isidentifier()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char in _LINE_BREAKS and not (char == "\r" and text[index + 1: index + 2] == "\n"):
                self.line_starts.append(index + 1)

    def pos(self, index: int) -> Pos:
        line = bisect_right(self.line_starts, index)
        return Pos(line, index - self.line_starts[line - 1] + 1)

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            newline = self._skip_blank()
            start = self.i
            if start >= len(self.text):
                out.append(Token(EOF, "", None, self.pos(start), newline, start))
                return out
            kind, value = self._one(out[-1] if out else None)
            out.append(Token(kind, self.text[start:self.i], value, self.pos(start), newline, start))

    def _skip_blank(self) -> bool:
        """Skip spaces and comments; True if a line break was among them."""
        text, newline = self.text, False
        while self.i < len(text):
            char = text[self.i]
            if char in _LINE_BREAKS:
                newline = True
                self.i += 1
            elif char in _SPACES or unicodedata.category(char) == "Zs":
                self.i += 1
            elif text.startswith("//", self.i):
                while self.i < len(text) and text[self.i] not in _LINE_BREAKS:
                    self.i += 1
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise fail(self.pos(self.i), 'unterminated comment: expected "*/"')
                newline = newline or any(c in _LINE_BREAKS for c in text[self.i:end])
                self.i = end + 2
            else:
                break
        return newline

    def _one(self, previous: Token | None) -> tuple[str, Any]:
        char = self.text[self.i]
        if _is_digit(char) or (char == "." and _is_digit(self.text[self.i + 1: self.i + 2])):
            return NUM, self._number()
        if char in "'\"`":
            return STR, self._string(char)
        if is_id_start(char):
            while self.i < len(self.text) and is_id_part(self.text[self.i]):
                self.i += 1
            return IDENT, None
        if char == "/" and not _ends_value(previous):
            return REGEX, self._regex()
        if self.text.startswith("...", self.i):
            self.i += 3
            return PUNCT, None
        self._refuse_wide(char)
        self.i += 1
        return PUNCT, None

    def _refuse_wide(self, char: str) -> None:
        ascii_char = _WIDE.get(char) or unicodedata.normalize("NFKC", char)
        if ascii_char != char and ascii_char.isascii() and not ascii_char.isalnum():
            raise fail(self.pos(self.i), f'unexpected full-width "{char}": type the ASCII '
                                         f'"{ascii_char}" instead')

    def _number(self) -> int | float:
        start = self.i
        match = _NUMBER.match(self.text, start)
        assert match is not None
        self.i = match.end()
        text = match.group()
        if len(text) > 1 and text[0] == "0" and _is_digit(text[1]):
            raise fail(self.pos(start), f"numbers cannot start with 0 (found {text})")
        if self.i < len(self.text) and (is_id_part(self.text[self.i]) or self.text[self.i] == "."):
            found = self.text[self.i]
            raise fail(self.pos(self.i), f"unexpected {found!r} right after number {text}")
        if text[:2].lower() in ("0x", "0o", "0b"):
            whole = int(text[2:], {"x": 16, "o": 8, "b": 2}[text[1].lower()])
            return js_number(float(whole) if whole < 2**1024 else float("inf"))
        return js_number(float(text))

    def _string(self, quote: str) -> str:
        start = self.i
        self.i += 1
        parts: list[str] = []
        text = self.text
        while True:
            if self.i >= len(text) or (text[self.i] in _LINE_BREAKS and quote != "`"):
                raise fail(self.pos(start), f"unterminated string: expected a closing {quote}")
            char = text[self.i]
            if char == quote:
                self.i += 1
                break
            if quote == "`" and text.startswith("${", self.i):
                raise fail(self.pos(self.i), "${…} in template strings is not supported")
            if char == "\\":
                parts.append(self._escape())
            else:
                parts.append(char)
                self.i += 1
        value = "".join(parts)
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise fail(self.pos(start), "string contains half of a surrogate pair") from None

    def _escape(self) -> str:
        at = self.i
        self.i += 2
        char = self.text[at + 1: at + 2]
        if char in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[char]
        if char == "\r" and self.text[self.i: self.i + 1] == "\n":
            self.i += 1
            return ""
        if char in _LINE_BREAKS:
            return ""
        if char == "0" and not _is_digit(self.text[self.i: self.i + 1]):
            return "\0"
        if _is_digit(char):
            raise fail(self.pos(at), f"octal escape \\{char} is not allowed in strings")
        if char == "x":
            return self._hex(at, 2)
        if char == "u":
            if self.text[self.i: self.i + 1] == "{":
                end = self.text.find("}", self.i)
                digits = self.text[self.i + 1: end] if end > 0 else ""
                if not re.fullmatch(r"[0-9a-fA-F]{1,6}", digits) or int(digits, 16) > 0x10FFFF:
                    raise fail(self.pos(at), "invalid \\u{…} escape")
                self.i = end + 1
                return chr(int(digits, 16))
            return self._hex(at, 4)
        if not char:
            raise fail(self.pos(at), "unterminated string")
        return char

    def _hex(self, at: int, count: int) -> str:
        digits = self.text[self.i: self.i + count]
        if not re.fullmatch(f"[0-9a-fA-F]{{{count}}}", digits):
            kind = self.text[at + 1]
            raise fail(self.pos(at), f"invalid \\{kind} escape: expected {count} hex digits")
        self.i += count
        return chr(int(digits, 16))

    def _regex(self) -> tuple[str, str]:
        start = self.i
        self.i += 1
        in_class = False
        text = self.text
        while True:
            if self.i >= len(text) or text[self.i] in _LINE_BREAKS:
                raise fail(self.pos(start), "unterminated regular expression: expected a closing /")
            char = text[self.i]
            if char == "\\":
                self.i += 1
            elif char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif char == "/" and not in_class:
                break
            self.i += 1
        body = text[start + 1: self.i]
        self.i += 1
        flags_start = self.i
        while self.i < len(text) and is_id_part(text[self.i]):
            self.i += 1
        flags = text[flags_start: self.i]
        if any(f not in "gimsuy" for f in flags) or len(set(flags)) != len(flags):
            raise fail(self.pos(flags_start), f"invalid regular expression flags {flags!r}")
        return body, flags


def _ends_value(token: Token | None) -> bool:
    """After a value a "/" would be division; anywhere else it opens a regex literal."""
    if token is None:
        return False
    if token.kind in (NUM, STR, REGEX):
        return True
    if token.kind == IDENT:
        return token.text not in ("await", "return", "typeof", "new", "const")
    return token.kind == PUNCT and token.text in ")]}"


def js_number(value: float) -> int | float:
    """A JS number as an engine value: integral values within int64 are ints, like BSON does."""
    negative_zero = value == 0 and math.copysign(1.0, value) < 0
    if value.is_integer() and -(2**63) <= value < 2**63 and not negative_zero:
        return int(value)
    return value


def position_of(text: str, offset: int) -> Pos:
    """The line and column of ``offset`` in ``text``."""
    return _Lexer(text).pos(offset)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an EOF token; raises InputError on bad input."""
    return _Lexer(text).tokens()
