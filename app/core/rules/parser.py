"""Reads a rule expression into a tree and checks it: names, ``get()`` and its limits.

Precedence, loosest first (JavaScript's): ``||``, ``&&``, ``== !=``, ``< <= > >= in``, the
unary ``! -``, then member access ``.`` ``[]`` and calls. Only ``get`` may be called, and only
where the rules read the database. Nothing here or in ``evaluate`` hands text to Python's
``eval``: a rule can name only the variables of its context and read keys of their values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.reasons import Reason
from app.core.rules.syntax import (
    MAX_LENGTH, Array, Binary, Call, Lit, Member, Name, Node, RuleSyntaxError, Template, Token, Unary,
    children, tokenize, walk,
)

MAX_NESTING = 32  # brackets and negations inside each other; deeper is not a rule anyone writes
MAX_DEPTH = 128  # levels of the whole tree (a || b || … chains too): evaluation recurses this deep
MAX_GETS = 3  # distinct get() per expression (spec §4.2)
MAX_GET_DEPTH = 2  # get() inside get()'s argument, at most this deep (spec §4.2)
DATABASE_NAMES = ("auth", "doc", "request", "now")
STORAGE_NAMES = ("auth", "resource")
_KEYWORDS = {"true": True, "false": False, "null": None}
_EQUALITY = ("==", "!=")
_RELATIONAL = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Expression:
    """A parsed rule: its text and tree."""

    text: str
    tree: Node

    def source(self, node: Node) -> str:
        """The text a node was read from."""
        return self.text[node.start:node.end]


def parse(text: str, names: tuple[str, ...] = DATABASE_NAMES, *, allow_get: bool = True) -> Expression:
    """The tree of ``text``; RuleSyntaxError (with line and column) if it is not a rule."""
    if len(text) > MAX_LENGTH:
        raise RuleSyntaxError(text, MAX_LENGTH, Reason("rules.too_long", "an expression may be at most {limit} "
                                                       "characters; this one has {length}", limit=MAX_LENGTH,
                                                       length=len(text)))
    if not text.strip():
        raise RuleSyntaxError(text, 0, Reason("rules.empty", "the expression is empty; write true, false or a "
                                              "condition such as auth != null"))
    tree = _Parser(text, tokenize(text)).whole()
    _check_depth(text, tree)
    _check(text, tree, names, allow_get)
    return Expression(text, tree)


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def whole(self) -> Node:
        node = self.expression()
        token = self.peek()
        if token.kind != "end":
            raise self.error(token, Reason("rules.expected_operator_or_end", "expected an operator or the end, "
                                           "found {found}", found=self.describe(token)))
        return node

    # -- helpers -------------------------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, *ops: str) -> bool:
        token = self.peek()
        return (token.kind == "op" and token.value in ops) or (token.kind == "name" and token.value in ops)

    def expect(self, op: str, what: Reason) -> Token:
        token = self.peek()
        if token.kind != "op" or token.value != op:
            raise self.error(token, Reason("rules.expected_closing", "expected {op} {what}, found {found}",
                                           op=repr(op), what=what, found=self.describe(token)))
        return self.take()

    def error(self, token: Token, problem: Reason) -> RuleSyntaxError:
        return RuleSyntaxError(self.text, token.start, problem)

    @staticmethod
    def describe(token: Token) -> Reason:
        if token.kind == "end":
            return Reason("rules.token_end", "the end of the expression")
        if token.kind in ("str", "template"):
            return Reason("rules.token_string", "a string")
        if token.kind == "num":
            return Reason("rules.token_number", "the number {value}", value=token.value)
        return Reason("rules.token", "{value}", value=repr(token.value))

    def nested(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(token, Reason("rules.nested_too_deep", "nested more than {limit} levels deep",
                                           limit=MAX_NESTING))

    # -- grammar -------------------------------------------------------------------------------

    def expression(self) -> Node:
        return self.binary(0)

    _LEVELS = (("||",), ("&&",), _EQUALITY, (*_RELATIONAL, "in"))

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.at(*self._LEVELS[level]):
            op = self.take()
            if self.peek().kind == "end":
                raise self.error(self.peek(), Reason("rules.expected_value_after", "expected a value after {op}, "
                                                     "found the end of the expression", op=repr(op.value)))
            right = self.binary(level + 1)
            if level >= 2 and isinstance(left, Binary) and left.op in self._LEVELS[level]:
                # a == b == c reads as (a == b) == c in JavaScript: almost always a mistake here.
                raise self.error(op, Reason("rules.chained_comparison", "{op} after a comparison: join conditions "
                                            "with && or ||", op=repr(op.value)))
            left = Binary(left.start, right.end, op.value, left, right)
        return left

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.value in ("!", "-"):
            self.take()
            self.nested(token)
            operand = self.unary()
            self.depth -= 1
            if token.value == "-" and not (isinstance(operand, Lit) and type(operand.value) in (int, float)):
                raise self.error(token, Reason("rules.minus_before_number", "'-' goes only before a number (rules "
                                               "have no arithmetic)"))
            if token.value == "-":
                return Lit(token.start, operand.end, -operand.value)
            return Unary(token.start, operand.end, "!", operand)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            token = self.peek()
            if token.kind != "op" or token.value not in (".", "[", "("):
                return node
            self.take()
            if token.value == ".":
                name = self.take()
                if name.kind != "name":
                    raise self.error(name, Reason("rules.expected_field_name", "expected a field name after '.', "
                                                  "found {found}", found=self.describe(name)))
                node = Member(node.start, name.end, node, Lit(name.start, name.end, name.value), dotted=True)
            elif token.value == "[":
                self.nested(token)
                key = self.expression()
                self.depth -= 1
                close = self.expect("]", Reason("rules.to_close_bracket", "to close '['"))
                node = Member(node.start, close.end, node, key)
            else:
                if not isinstance(node, Name) or node.name != "get":
                    raise self.error(token, Reason("rules.only_get_callable", "only get(…) can be called in a rule"))
                self.nested(token)
                args = self.arguments()
                self.depth -= 1
                close = self.expect(")", Reason("rules.to_close_get", "to close get("))
                node = Call(node.start, close.end, "get", tuple(args))

    def arguments(self) -> list[Node]:
        args = []
        if self.at(")"):
            return args
        while True:
            args.append(self.expression())
            if not self.at(","):
                return args
            self.take()

    def primary(self) -> Node:
        token = self.take()
        if token.kind in ("num", "str"):
            return Lit(token.start, token.end, token.value)
        if token.kind == "template":
            return self.template(token)
        if token.kind == "name":
            if token.value in _KEYWORDS:
                return Lit(token.start, token.end, _KEYWORDS[token.value])
            if token.value == "in":
                raise self.error(token, Reason("rules.expected_value_before_in", "expected a value before 'in'"))
            return Name(token.start, token.end, token.value)
        if token.kind == "op" and token.value == "(":
            self.nested(token)
            inner = self.expression()
            self.depth -= 1
            close = self.expect(")", Reason("rules.to_close_paren", "to close '('"))
            return replace(inner, start=token.start, end=close.end)  # its text keeps the brackets
        if token.kind == "op" and token.value == "[":
            self.nested(token)
            items = [] if self.at("]") else self.arguments()
            self.depth -= 1
            close = self.expect("]", Reason("rules.to_close_list", "to close the list"))
            return Array(token.start, close.end, tuple(items))
        if token.kind == "end":
            raise self.error(token, Reason("rules.expected_value_at_end", "expected a value, found the end of the "
                                           "expression"))
        raise self.error(token, Reason("rules.expected_value", "expected a value, found {found}",
                                       found=self.describe(token)))

    def template(self, token: Token) -> Node:
        parts = []
        for part in token.value:
            if isinstance(part, str):
                parts.append(part)
                continue
            start, end = part
            inner = _Parser(self.text, tokenize(self.text, start, end))
            inner.depth = self.depth + 1
            if inner.peek().kind == "end":
                raise self.error(Token("op", "${", start - 2, start), Reason("rules.empty_placeholder",
                                                                             "an empty ${{}} in a template string"))
            parts.append(inner.whole())
        return Template(token.start, token.end, tuple(parts))


def _check(text: str, tree: Node, names: tuple[str, ...], allow_get: bool) -> None:
    """Names are the context's variables; get() is called right and within its limits."""
    for node in walk(tree):
        if isinstance(node, Name):
            if node.name == "get":
                raise RuleSyntaxError(text, node.start, Reason("rules.get_is_function", "get is a function: "
                                                               "get('database.<collection>.<_id>')"))
            if node.name not in names:
                if allow_get:
                    raise RuleSyntaxError(text, node.start, Reason(
                        "rules.unknown_name_or_get", "unknown name {name}; a rule here can use {names} and get(…)",
                        name=repr(node.name), names=", ".join(names)))
                raise RuleSyntaxError(text, node.start, Reason(
                    "rules.unknown_name", "unknown name {name}; a rule here can use {names}",
                    name=repr(node.name), names=", ".join(names)))
        elif isinstance(node, Call):
            if not allow_get:
                raise RuleSyntaxError(text, node.start, Reason("rules.get_in_storage", "get(…) reads the database; "
                                                               "storage rules cannot use it"))
            if len(node.args) != 1:
                raise RuleSyntaxError(text, node.start, Reason("rules.get_one_argument", "get takes one argument: "
                                                               "get('database.<collection>.<_id>')"))
    gets = [node for node in walk(tree) if isinstance(node, Call)]
    distinct: dict[str, Call] = {}
    for call in gets:
        distinct.setdefault(text[call.args[0].start:call.args[0].end].strip(), call)
    if len(distinct) > MAX_GETS:
        extra = list(distinct.values())[MAX_GETS]
        raise RuleSyntaxError(text, extra.start, Reason("rules.too_many_gets", "at most {limit} different get(…) "
                                                        "per expression", limit=MAX_GETS))
    for call in gets:
        if _get_depth(call) > MAX_GET_DEPTH:
            raise RuleSyntaxError(text, call.start, Reason("rules.get_nested_too_deep", "get(…) may be nested at "
                                                           "most {limit} deep", limit=MAX_GET_DEPTH))


def _get_depth(node: Node) -> int:
    inner = max((_get_depth(n) for n in children(node)), default=0)
    return inner + 1 if isinstance(node, Call) else inner


def _check_depth(text: str, tree: Node) -> None:
    """Refuse a tree deeper than MAX_DEPTH, measured without recursing (the tree may be deep)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RuleSyntaxError(text, node.start, Reason("rules.expression_too_deep", "the expression is nested "
                                                           "more than {limit} levels deep", limit=MAX_DEPTH))
        stack.extend((child, depth + 1) for child in children(node))


__all__ = ["DATABASE_NAMES", "STORAGE_NAMES", "Expression", "RuleSyntaxError", "parse"]
