"""A recursive-descent reader of the console's JavaScript subset that evaluates as it reads.

The grammar is what spec §8 allows in the 高级操作 script: literals (objects, arrays,
strings, numbers, regexes, true/false/null/undefined), property access, calls, ``new``,
negative numbers and comments; ``script`` adds statements and ``const`` declarations.
Nothing is handed to ``eval``: names resolve only in a fixed table of globals and the
script's own consts, and members only through ``HostObject`` (see ``runtime``).
"""

from __future__ import annotations

import difflib
from typing import Any

from app.core.database.console.lexer import (
    EOF, IDENT, NUM, PUNCT, REGEX, STR, Pos, Token, fail, js_number, tokenize,
)
from app.core.database.console.runtime import (
    UNDEFINED, CallArgs, HostFunction, HostObject, call_value, construct_value, get_member,
    is_data, is_number, js_key, js_object_order, make_regex,
)
from app.core.database.console.scope import GLOBALS

LITERALS = {"true": True, "false": False, "null": None}
NOT_SUPPORTED = {
    **dict.fromkeys(("let", "var"), "is not supported: declare names with const"),
    **dict.fromkeys(("function", "class", "async", "this", "yield", "import", "export",
                     "if", "else", "for", "while", "do", "switch", "case", "try", "catch",
                     "finally", "throw", "return", "typeof", "delete", "void", "with", "in",
                     "instanceof", "super", "debugger", "break", "continue", "default", "enum"),
                    "is not supported in the console: only literals, property access, calls, "
                    "new and const declarations are"),
}
NOT_SUPPORTED["const"] = "can only start a statement of its own"
_OPERATORS = set("+*/%<>!?&|^~=")
# Mongo refuses documents nested deeper than 100; stopping there also bounds our recursion.
MAX_DEPTH = 100


class Reader:
    """Reads (and evaluates) one expression, the content of a box (see ``script`` for scripts)."""

    def __init__(self, text: str, extra: dict[str, Any] | None = None) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.scope = {**GLOBALS, **(extra or {})}
        self.depth = 0

    # -- tokens ------------------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def accept(self, char: str) -> bool:
        if self.tok.is_punct(char):
            self.advance()
            return True
        return False

    def expect(self, char: str, context: str = "") -> Token:
        if not self.tok.is_punct(char):
            raise self.unexpected(f'"{char}"{context}')
        return self.advance()

    def unexpected(self, expected: str) -> Exception:
        token = self.tok
        hint = ""
        if token.kind == PUNCT and token.text in _OPERATORS:
            hint = " (operators such as + - * / = are not supported)"
        return fail(token.at, f"expected {expected} but found {token.describe()}{hint}")

    def source(self, start: Token) -> str:
        """The text typed from ``start`` up to the current token, for messages."""
        end = self.tokens[self.i - 1] if self.i else start
        text = " ".join(self.text[start.offset: end.offset + len(end.text)].split())
        return text if len(text) <= 60 else text[:57] + "..."

    # -- entry points ------------------------------------------------------------------------------

    def is_blank(self) -> bool:
        return self.tokens[0].kind == EOF

    def expression_only(self) -> tuple[Any, Pos]:
        """A box's content: one expression (an optional ``;`` after it), then the end."""
        at = self.tok.at
        value = self.expression()
        self.accept(";")
        if self.tok.kind != EOF:
            raise self.unexpected("the end of the input")
        return value, at

    # -- expressions -------------------------------------------------------------------------------

    def expression(self) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise fail(self.tok.at, f"nested more than {MAX_DEPTH} levels deep")
            return self._expression()
        finally:
            self.depth -= 1

    def _expression(self) -> Any:
        if self.tok.kind == IDENT and self.tok.text == "await":
            self.advance()  # harmless: every call here is already finished
        if self.tok.is_punct("-"):
            sign = self.advance()
            value = self.expression()
            if not is_number(value):
                raise fail(sign.at, 'a "-" sign can only go before a number')
            return js_number(-float(value))
        start = self.tok
        return self.postfix(self.primary(), start, calls=True)

    def postfix(self, value: Any, start: Token, *, calls: bool) -> Any:
        while True:
            token = self.tok
            if token.is_punct("."):
                owner = self.source(start)
                self.advance()
                name = self.advance()
                if name.kind != IDENT:
                    raise fail(name.at, f"expected a property name after \".\" but found "
                                        f"{name.describe()}")
                value = get_member(value, name.text, name.at, owner)
            elif token.is_punct("["):
                owner = self.source(start)
                self.advance()
                key_at = self.tok.at
                key = self.expression()
                self.expect("]")
                if type(key) is not str and not is_number(key):
                    raise fail(key_at, "a property name in [ ] must be a string or number")
                value = get_member(value, js_key(key), key_at, owner)
            elif token.is_punct("(") and calls:
                # A call is reported at the function's name: `gt` in `_.gt(1)`.
                name = self.tokens[self.i - 1]
                at = name.at if name.kind == IDENT else token.at
                value = call_value(value, self.arguments(self.callee(start), at))
            else:
                return value

    def callee(self, start: Token) -> str:
        """How messages name the function being called: ``_.gt``, or ``where`` in a long chain."""
        name = self.source(start)
        last = self.tokens[self.i - 1]
        return last.text if "(" in name and last.kind == IDENT else name

    def arguments(self, name: str, at: Pos) -> CallArgs:
        self.expect("(")
        values, positions = [], []
        while not self.accept(")"):
            if self.tok.is_punct("..."):
                raise fail(self.tok.at, "spread (...) is not supported")
            positions.append(self.tok.at)
            values.append(self.value())
            if not self.accept(","):
                if not self.accept(")"):
                    raise self.unexpected('"," or ")"')
                break
        return CallArgs(name, at, tuple(values), tuple(positions))

    def value(self) -> Any:
        """An expression that will be data: not a bare function or namespace."""
        token = self.tok
        value = self.expression()
        if not is_data(value):
            what = self.source(token)
            if isinstance(value, HostFunction):
                raise fail(token.at, f"{what} is a function: call it, e.g. {what}(…)")
            if isinstance(value, HostObject):
                raise fail(token.at, f"{what} is not a value that can be used here")
            raise fail(token.at, f"{what} is a database call; it cannot be used as a value")
        return value

    def primary(self) -> Any:
        token = self.tok
        if token.kind in (NUM, STR):
            self.advance()
            return token.value
        if token.kind == REGEX:
            self.advance()
            body, flags = token.value
            return make_regex(body, flags, token.at)
        if token.is_punct("{"):
            return self.object_literal()
        if token.is_punct("["):
            return self.array_literal()
        if token.is_punct("("):
            self.advance()
            value = self.expression()
            self.expect(")")
            return value
        if token.kind == IDENT:
            return self.identifier()
        raise self.unexpected("a value")

    def identifier(self) -> Any:
        token = self.advance()
        name = token.text
        if name in LITERALS:
            return LITERALS[name]
        if name == "new":
            return self.new_expression(token)
        if name in NOT_SUPPORTED:
            raise fail(token.at, f'"{name}" {NOT_SUPPORTED[name]}')
        if name in self.scope:
            return self.scope[name]
        close = difflib.get_close_matches(name, list(self.scope), n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise fail(token.at, f"{name} is not defined{hint}")

    def new_expression(self, new: Token) -> Any:
        start = self.tok
        callee = self.postfix(self.primary(), start, calls=False)
        name = self.callee(start)
        if self.tok.is_punct("("):
            args = self.arguments(name, start.at)
        else:
            args = CallArgs(name, start.at)
        return construct_value(callee, args)

    def object_literal(self) -> dict:
        self.advance()
        props: dict[str, Any] = {}
        while not self.tok.is_punct("}"):
            key_token = self.tok
            if key_token.kind == IDENT:
                key = key_token.text
            elif key_token.kind == STR:
                key = key_token.value
            elif key_token.kind == NUM:
                key = js_key(key_token.value)
            elif key_token.is_punct("...") or key_token.is_punct("["):
                raise fail(key_token.at, "spread (...) and computed [keys] are not supported")
            else:
                raise self.unexpected('a property name or "}"')
            self.advance()
            if key_token.kind == IDENT and (self.tok.is_punct(",") or self.tok.is_punct("}")):
                self.i -= 1  # shorthand {name}: the value is the declared name
                value = self.value()
            else:
                self.expect(":", f" after {key_token.describe()}")
                value = self.value()
            props[key] = value
            if not self.accept(","):
                break
        if not self.accept("}"):
            raise self.unexpected('"," or "}"')
        return js_object_order(props)

    def array_literal(self) -> list:
        self.advance()
        items: list = []
        while not self.tok.is_punct("]"):
            if self.accept(","):
                items.append(UNDEFINED)  # a hole, as in [1, , 3]
                continue
            items.append(self.value())
            if not self.accept(","):
                break
        if not self.accept("]"):
            raise self.unexpected('"," or "]"')
        return items
