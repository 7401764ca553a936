"""A whole 高级操作 script: ``const`` declarations and the one statement that runs (spec §8)."""

from __future__ import annotations

from typing import Any

from app.core.database.console.lexer import EOF, IDENT, Pos, fail
from app.core.database.console.parser import LITERALS, NOT_SUPPORTED, Reader
from app.core.database.console.runtime import get_member


class ScriptReader(Reader):
    """Reads statements separated by ``;`` or line breaks, as JavaScript's ASI allows."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.consts: set[str] = set()

    def program(self) -> tuple[Any, Pos]:
        """A script: const declarations and one expression statement, whose value it returns."""
        result: tuple[Any, Pos] | None = None
        while self.tok.kind != EOF:
            if self.accept(";"):
                continue
            token = self.tok
            if token.kind == IDENT and token.text == "const":
                self.declaration()
            else:
                if result is not None:
                    raise fail(token.at, "only one statement may run per script; "
                                         "this is a second one")
                result = (self.expression(), token.at)
            if not (self.tok.kind == EOF or self.tok.is_punct(";") or self.tok.newline_before):
                if self.tok.is_punct("="):
                    raise fail(self.tok.at, "assignment is not supported (names declared with "
                                            "const cannot change)")
                raise self.unexpected('";" or a line break')
        if result is None:
            raise fail(self.tok.at, "nothing to run: end the script with a database call "
                                    "such as db.collection('todos').get()")
        return result

    def declaration(self) -> None:
        self.advance()  # const
        if self.tok.is_punct("{"):
            names = self.pattern()
            self.expect("=", " after the destructuring pattern")
            at = self.tok.at
            value = self.expression()
            for key, (name, name_at) in names.items():
                self.declare(name, name_at, get_member(value, key, at, "the value"))
            return
        token = self.advance()
        if token.is_punct("["):
            raise fail(token.at, "array destructuring is not supported; use const {a, b} = …")
        if token.kind != IDENT or token.text in LITERALS or token.text in NOT_SUPPORTED:
            raise fail(token.at, f"expected a name after const but found {token.describe()}")
        self.expect("=", f" after const {token.text}")
        self.declare(token.text, token.at, self.expression())

    def pattern(self) -> dict[str, tuple[str, Pos]]:
        """``{a, b: c}`` of ``const {a, b: c} = …``: property → (name, where)."""
        self.advance()
        names: dict[str, tuple[str, Pos]] = {}
        while not self.accept("}"):
            key = self.advance()
            if key.kind != IDENT:
                raise fail(key.at, f"expected a property name but found {key.describe()} "
                                   "(only simple object destructuring is supported)")
            target = key
            if self.accept(":"):
                target = self.advance()
                if target.kind != IDENT:
                    raise fail(target.at, "only simple names can be destructured into")
            names[key.text] = (target.text, target.at)
            if not self.accept(","):
                self.expect("}", " or \",\" in the destructuring pattern")
                break
        return names

    def declare(self, name: str, at: Pos, value: Any) -> None:
        if name in self.consts:
            raise fail(at, f"Identifier '{name}' has already been declared")
        self.consts.add(name)
        self.scope[name] = value
