"""The rule language's tokens and tree nodes, with the error that points at a column.

Every node keeps the span of the text it was read from, so the decision shown to a trainer can
quote each sub-expression exactly as it was typed (``doc._openid``, ``auth.openid``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.errors import InputError
from app.core.reasons import Reason

MAX_LENGTH = 1024  # characters per expression (spec §4.2)


class RuleSyntaxError(InputError):
    """A rule text that cannot be read; says where (line, column: both from 1) and what.

    ``problem`` is the English text of what is wrong (given as a Reason, so the app says it
    in the person's language); ``reason`` is the whole message as a Reason."""

    def __init__(self, text: str, offset: int, problem: str | Reason, key: str | None = None) -> None:
        self.text = text
        self.offset = offset
        self._problem = problem
        self.problem = str(problem)
        self.key = key
        self.line, self.column = position(text, offset)
        super().__init__(self._message())

    @property
    def problem_why(self) -> Reason | str:
        """What is wrong, without where: a Reason when core gave one (the rules editor places it)."""
        return self._problem

    def named(self, key: str) -> "RuleSyntaxError":
        """The same error, naming the rules key (``read``, ``write`` …) it was found under."""
        return RuleSyntaxError(self.text, self.offset, self._problem, key)

    def _message(self) -> Reason:
        source = self.text.split("\n")[self.line - 1] if self.text else ""
        if len(source) > 120:  # show the part around the column, not a whole 1 KB line
            start = max(0, self.column - 60)
            source, caret = source[start:start + 120], self.column - start
        else:
            caret = self.column
        pointer = f"{' ' * (caret - 1)}^"
        if self.key:
            return Reason("rules.syntax_error_in_key", 'The "{key}" rule, line {line}, column {column}: {problem}\n'
                          "    {source}\n    {pointer}", key=self.key, line=self.line, column=self.column,
                          problem=self._problem, source=source, pointer=pointer)
        return Reason("rules.syntax_error", "Line {line}, column {column}: {problem}\n    {source}\n    {pointer}",
                      line=self.line, column=self.column, problem=self._problem, source=source, pointer=pointer)


def position(text: str, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of a character offset."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


# -- tokens --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    kind: str  # "num", "str", "template", "name", "op", "end"
    value: Any
    start: int
    end: int


_OPERATORS = ("===", "!==", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", ".", "[", "]", "(", ")", ",", "-")
_MISTAKES = {  # what people type from JavaScript or SQL, and what the rules want instead
    "=": Reason("rules.hint_assign", "use == to compare (a rule cannot assign)"),
    "&": Reason("rules.hint_and", "use && for 'and'"),
    "|": Reason("rules.hint_or", "use || for 'or'"),
}  # === and !== : rules.strict_equality
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def tokenize(text: str, base: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[base:end]``; offsets are into the whole ``text``."""
    tokens, i, stop = [], base, len(text) if end is None else end
    while i < stop:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < stop and text[i + 1].isdigit()):
            i = _number(text, i, stop, tokens)
        elif ch in "'\"":
            i = _string(text, i, stop, tokens)
        elif ch == "`":
            i = _template(text, i, stop, tokens)
        elif ch.isalpha() or ch in "_$":
            j = i + 1
            while j < stop and (text[j].isalnum() or text[j] in "_$"):
                j += 1
            tokens.append(Token("name", text[i:j], i, j))
            i = j
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op in ("===", "!=="):
                raise RuleSyntaxError(text, i, Reason("rules.strict_equality", "{op}: use {fix} (rules compare "
                                                      "with == and !=)", op=op, fix=op[:2]))
            if op is None:
                hint = _MISTAKES.get(ch)
                if hint is None:
                    raise RuleSyntaxError(text, i, Reason("rules.unexpected_char", "unexpected {char}", char=repr(ch)))
                raise RuleSyntaxError(text, i, Reason("rules.unexpected_char_hint", "unexpected {char}: {hint}",
                                                      char=repr(ch), hint=hint))
            tokens.append(Token("op", op, i, i + len(op)))
            i += len(op)
    tokens.append(Token("end", None, stop, stop))
    return tokens


def _number(text: str, i: int, stop: int, tokens: list[Token]) -> int:
    j = i
    while j < stop and text[j].isdigit():
        j += 1
    if j < stop and text[j] == "." and j + 1 < stop and text[j + 1].isdigit():
        j += 1
        while j < stop and text[j].isdigit():
            j += 1
    if j < stop and text[j] in "eE":
        k = j + 1 + (j + 1 < stop and text[j + 1] in "+-")
        if k < stop and text[k].isdigit():
            j = k
            while j < stop and text[j].isdigit():
                j += 1
    if j < stop and (text[j].isalpha() or text[j] == "_"):
        raise RuleSyntaxError(text, j, Reason("rules.number_runs_into", "a number cannot run into {char}",
                                              char=repr(text[j])))
    literal = text[i:j]
    value = float(literal) if any(c in literal for c in ".eE") else int(literal)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        raise RuleSyntaxError(text, i, Reason("rules.number_too_large", "this number is too large"))
    tokens.append(Token("num", value, i, j))
    return j


def _string(text: str, i: int, stop: int, tokens: list[Token]) -> int:
    value, j = _quoted(text, i, stop, text[i])
    tokens.append(Token("str", value, i, j))
    return j


def _quoted(text: str, i: int, stop: int, quote: str) -> tuple[str, int]:
    """A quoted string's value and the offset after its closing quote."""
    out, j = [], i + 1
    while j < stop:
        ch = text[j]
        if ch == quote:
            return "".join(out), j + 1
        if ch == "\\":
            if j + 1 >= stop:
                break
            nxt = text[j + 1]
            if nxt == "u":
                digits = text[j + 2:j + 6]
                if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise RuleSyntaxError(text, j, Reason("rules.bad_unicode_escape", "\\u takes four hex digits"))
                code = int(digits, 16)
                if 0xD800 <= code <= 0xDFFF:
                    raise RuleSyntaxError(text, j, Reason("rules.lone_surrogate",
                                                          "a lone surrogate (\\ud800–\\udfff) is not text"))
                out.append(chr(code))
                j += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            j += 2
            continue
        out.append(ch)
        j += 1
    raise RuleSyntaxError(text, i, Reason("rules.unclosed_string", "this string has no closing {quote}", quote=quote))


def _template(text: str, i: int, stop: int, tokens: list[Token]) -> int:
    """A template literal: its parts are strings and ``(start, end)`` spans of expressions."""
    parts: list[str | tuple[int, int]] = []
    chunk, j = [], i + 1
    while j < stop:
        ch = text[j]
        if ch == "`":
            if chunk:
                parts.append("".join(chunk))
            tokens.append(Token("template", parts, i, j + 1))
            return j + 1
        if ch == "\\" and j + 1 < stop:
            chunk.append(_ESCAPES.get(text[j + 1], text[j + 1]))
            j += 2
        elif text.startswith("${", j):
            if chunk:
                parts.append("".join(chunk))
                chunk = []
            close = _closing_brace(text, j + 2, stop)
            parts.append((j + 2, close))
            j = close + 1
        else:
            chunk.append(ch)
            j += 1
    raise RuleSyntaxError(text, i, Reason("rules.unclosed_template", "this template string has no closing `"))


def _closing_brace(text: str, j: int, stop: int) -> int:
    start = j
    while j < stop:
        ch = text[j]
        if ch == "}":
            return j
        if ch in "'\"":
            j = _quoted(text, j, stop, ch)[1]
        elif ch == "`":
            raise RuleSyntaxError(text, j, Reason("rules.nested_template", "a template string cannot nest another one"))
        else:
            j += 1
    raise RuleSyntaxError(text, start - 2, Reason("rules.unclosed_placeholder", "this ${{ has no closing }}"))


# -- nodes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True)
class Lit(Node):
    value: Any


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Member(Node):
    """``obj.key`` (``dotted``) or ``obj[key]``."""

    obj: Node
    key: Node
    dotted: bool = False


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "!" or "-"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # == != < <= > >= in && ||
    left: Node
    right: Node


@dataclass(frozen=True)
class Array(Node):
    items: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Template(Node):
    parts: tuple[Any, ...] = field(default=())  # str or Node


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Member):
        return (node.obj, node.key)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Array):
        return node.items
    if isinstance(node, Template):
        return tuple(p for p in node.parts if isinstance(p, Node))
    return ()


def walk(node: Node):
    """Every node of the tree, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))
