"""Runs a parsed rule for one caller and one document, noting each sub-expression's value.

A rule that cannot be evaluated (``auth.openid`` for a signed-out visitor, a get() past its
limits, ``'in'`` on a number) is false, never an exception for the request: the reason says
what went wrong, and the decision lists what each part was worth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from app.core.reasons import Reason
from app.core.rules.parser import MAX_GETS, Expression
from app.core.rules.syntax import Array, Binary, Call, Lit, Member, Name, Node, Template, Unary
from app.core.rules.values import EvalError, compare, contains, equal, member, shown, text_of, truthy

MAX_DOCS_READ = 10  # get() documents per request (spec §4.2)
MAX_VALUES = 24  # sub-expression values kept for a decision

Reader = Callable[[str, str], Any]  # (collection, _id) -> the document, or None


class Reads:
    """The documents get() read for one request: each read once, at most MAX_DOCS_READ."""

    def __init__(self, reader: Reader | None) -> None:
        self._reader = reader
        self._docs: dict[str, Any] = {}

    def get(self, path: Any) -> Any:
        if not isinstance(path, str):
            raise EvalError(Reason("rules.get_needs_string", "get() takes a string 'database.<collection>.<_id>', "
                                   "not {value}", value=text_of(path)))
        if path in self._docs:
            return self._docs[path]
        parts = path.split(".", 2)
        if len(parts) != 3 or parts[0] != "database" or not parts[1] or not parts[2]:
            raise EvalError(Reason("rules.get_bad_path", "get({path}): the path must be 'database.<collection>.<_id>'",
                                   path=repr(path)))
        if len(self._docs) >= MAX_DOCS_READ:
            raise EvalError(Reason("rules.get_too_many_docs", "get({path}) would read an {nth}th document; "
                                   "a request may read at most {limit}", path=repr(path), nth=MAX_DOCS_READ + 1,
                                   limit=MAX_DOCS_READ))
        doc = self._reader(parts[1], parts[2]) if self._reader else None
        self._docs[path] = doc
        return doc


@dataclass
class Scope:
    """What the rule's names mean for this evaluation (None: null)."""

    auth: dict | None
    doc: Any = None
    request: dict | None = None
    now: int | None = None
    resource: dict | None = None
    reads: Reads = field(default_factory=lambda: Reads(None))

    def lookup(self, name: str) -> Any:
        return {"auth": self.auth, "doc": self.doc, "request": self.request, "now": self.now,
                "resource": self.resource}[name]


@dataclass(frozen=True)
class Outcome:
    """The rule's verdict for this scope; ``error`` says why it could not be evaluated
    (``why``: the same as a Reason, for the app to say in the person's language)."""

    allowed: bool
    error: str | None
    values: list[dict]
    why: Reason | None = None


def evaluate(expression: Expression, scope: Scope) -> Outcome:
    run = Run(expression, scope)
    try:
        result = truthy(run.value(expression.tree))
    except EvalError as exc:
        return Outcome(False, exc.message, run.values, exc.reason)
    return Outcome(result, None, run.values)


class Run:
    """One evaluation: node values (noted for the decision) and the get() paths it used."""

    def __init__(self, expression: Expression, scope: Scope) -> None:
        self.expression = expression
        self.scope = scope
        self.values: list[dict] = []
        self._noted: set[str] = set()
        self._gets: set[str] = set()

    def note(self, node: Node, value: Any, source: str | None = None) -> None:
        """Keep a sub-expression's value for the decision; ``source`` says where it came from
        when not from evaluating it (``"query"``: the query's condition on that field)."""
        text = self.expression.source(node)
        if text not in self._noted and len(self.values) < MAX_VALUES:
            self._noted.add(text)
            entry = {"text": text, "value": shown(value)}
            if source:
                entry["source"] = source
            self.values.append(entry)

    def value(self, node: Node, *, noted: bool = True) -> Any:
        if isinstance(node, Lit):
            return node.value
        result = self._value(node)
        if noted:
            self.note(node, result)
        return result

    def _value(self, node: Node) -> Any:
        if isinstance(node, Name):
            return self.scope.lookup(node.name)
        if isinstance(node, Member):
            base = self.value(node.obj, noted=not isinstance(node.obj, (Name, Member)))
            key = node.key.value if node.dotted else self.value(node.key)
            if base is None and isinstance(node.obj, Name) and node.obj.name == "auth":
                raise EvalError(Reason("rules.auth_null", "auth is null (the caller is signed out), so {text} cannot "
                                       "be read", text=self.expression.source(node)))
            return member(base, key, self.expression.source(node.obj))
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, Unary):
            return not truthy(self.value(node.operand))
        if isinstance(node, Call):
            path = self.value(node.args[0])
            if isinstance(path, str) and path not in self._gets:
                if len(self._gets) >= MAX_GETS:
                    raise EvalError(Reason("rules.too_many_gets_at_run", "{text} is a {nth}th different get() in "
                                           "one expression; at most {limit}", text=self.expression.source(node),
                                           nth=MAX_GETS + 1, limit=MAX_GETS))
                self._gets.add(path)
            return self.scope.reads.get(path)
        if isinstance(node, Array):
            return [self.value(item) for item in node.items]
        if isinstance(node, Template):
            return "".join(p if isinstance(p, str) else text_of(self.value(p)) for p in node.parts)
        raise EvalError(Reason("rules.cannot_evaluate", "cannot evaluate {text}", text=self.expression.source(node)))

    def _binary(self, node: Binary) -> Any:
        op = node.op
        if op == "&&":
            return truthy(self.value(node.left)) and truthy(self.value(node.right))
        if op == "||":
            return truthy(self.value(node.left)) or truthy(self.value(node.right))
        left, right = self.value(node.left), self.value(node.right)
        if op == "==":
            return equal(left, right)
        if op == "!=":
            return not equal(left, right)
        if op == "in":
            return contains(right, left)
        return compare(op, left, right)
