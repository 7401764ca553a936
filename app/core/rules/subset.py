"""The query-subset rule (spec §4.2): prove from a query's conditions that a rule holds for
every document the query could return, or say which condition is missing.

For a query, ``doc`` is the query's condition. The prover walks the rule: ``&&`` needs both
sides, ``||`` either, ``!`` flips what is needed; a comparison of a doc field with a value
holds when the query's facts on that field imply it (``_openid == 'oA…'`` implies
``doc._openid == auth.openid`` for the caller oA…; ``status in ['a']`` implies
``doc.status in ['a', 'b']``; ``n > 5`` implies ``doc.n >= 5``). Parts without ``doc`` are
simply evaluated for the caller. A sub-expression over doc fields the query pins to one value
each (``get(`database.rooms.${doc.room}`)``) is evaluated with those values. Anything else is
not proven, and the whole request is refused: wxsim never filters a query silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from app.core.reasons import Reason
from app.core.rules.evaluate import Run, Scope
from app.core.rules.facts import MAX_BRANCHES, Branch, Facts, TooComplex, branches, facts_at
from app.core.rules.parser import Expression
from app.core.rules.syntax import Binary, Lit, Member, Name, Node, Unary, children, walk
from app.core.rules.implies import FLIPPED, NEGATED, apply, implies, suggestion
from app.core.rules.values import EvalError, literal, truthy



@dataclass(frozen=True)
class Proof:
    """Whether the rule holds for every document of the query; if not, ``reason`` says which
    part of the rule the query does not guarantee and what to add (``missing``). ``reason`` may
    be given as a Reason: it is kept as ``why`` and ``reason`` is its English text."""

    ok: bool
    reason: str
    missing: dict | None
    values: list[dict]
    why: Reason | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.reason, Reason):
            object.__setattr__(self, "why", self.reason)
            object.__setattr__(self, "reason", self.reason.text)


def prove(expression: Expression, query: Mapping | None, scope: Scope, openid: str | None) -> Proof:
    run = Run(expression, scope)
    try:
        cases = branches(query)
    except TooComplex:
        return Proof(False, Reason("rules.query_too_many_cases", "your query's or(…) conditions combine into more "
                                   "than {limit} cases, too many to prove the rule for", limit=MAX_BRANCHES),
                     None, run.values)
    for index, branch in enumerate(cases):
        if any(facts.empty for facts in branch.values()):
            continue  # contradictory conditions: no document, so nothing to prove
        gap = _Prover(expression, branch, run, openid).prove(expression.tree, True)
        if gap is not None:
            if len(cases) > 1:
                reason = Reason("rules.rule_needs_in_case", "the rule needs {needs}; {fix} (in case {case} of your "
                                "query's or(…))", needs=gap.needs, fix=gap.fix(), case=index + 1)
            else:
                reason = Reason("rules.rule_needs", "the rule needs {needs}; {fix}", needs=gap.needs, fix=gap.fix())
            return Proof(False, reason, gap.first_missing(), run.values)
    return Proof(True, "", None, run.values)


@dataclass
class _Gap:
    """A part of the rule the query does not guarantee."""

    needs: str  # the rule's words that do not hold
    problem: Reason  # what the query (or the caller) lacks
    missing: dict | None = None  # {"field", "condition", "needs"}: the condition to add
    verb: str = "add"  # "use" when the query has a condition on the field, but not that one
    alternatives: list["_Gap"] = field(default_factory=list)

    def fix(self) -> Reason:
        if self.alternatives:
            options = self.options()
            shown = _joined([g.fix() for g in options[:3]])
            if len(options) > 3:
                shown = Reason("rules.or_more", "{shown}; or {more} more", shown=shown, more=len(options) - 3)
            if len(options) == 2:
                return Reason("rules.neither_side", "neither side holds for your query: {shown}", shown=shown)
            return Reason("rules.no_alternative", "none of its {count} alternatives holds for your query: {shown}",
                          count=len(options), shown=shown)
        if self.missing:
            if self.verb == "use":
                return Reason("rules.fix_use", "{problem}; use {condition}", problem=self.problem,
                              condition=self.missing["condition"])
            return Reason("rules.fix_add", "{problem}; add {condition}", problem=self.problem,
                          condition=self.missing["condition"])
        return self.problem

    def options(self) -> list["_Gap"]:
        """The alternatives of an a || b || … chain, flattened."""
        out = []
        for gap in self.alternatives:
            out.extend(gap.options() if gap.alternatives else [gap])
        return out

    def first_missing(self) -> dict | None:
        if self.missing or not self.alternatives:
            return self.missing
        for gap in self.alternatives:  # each asked once: a long a || b || … chain nests deep
            missing = gap.first_missing()
            if missing:
                return missing
        return None


@dataclass(frozen=True)
class _Side:
    """One operand of a comparison: a value, a doc field the query does not pin, or neither."""

    kind: str  # "value", "path", "unknown", "error"
    value: Any = None
    path: str | None = None  # the doc field (for "value": the field the query pinned it from)
    facts: Facts | None = None
    message: str | Reason = ""


class _Prover:
    def __init__(self, expression: Expression, branch: Branch, run: Run, openid: str | None) -> None:
        self.expression = expression
        self.branch = branch
        self.run = run
        self.openid = openid

    def text(self, node: Node, positive: bool = True) -> str:
        words = self.expression.source(node)
        return words if positive else f"!({words})" if not words.startswith("!") else words[1:]

    def prove(self, node: Node, positive: bool) -> _Gap | None:
        if isinstance(node, Unary):
            return self.prove(node.operand, not positive)
        if isinstance(node, Binary) and node.op in ("&&", "||"):
            every = (node.op == "&&") == positive
            gaps = []
            for part in (node.left, node.right):
                gap = self.prove(part, positive)
                if every and gap is not None:
                    return gap
                if not every and gap is None:
                    return None
                gaps.append(gap)
            if every:
                return None
            return _Gap(self.text(node, positive), Reason("rules.neither_side_short", "neither side holds"),
                        alternatives=gaps)
        if isinstance(node, Binary):
            return self.compare(node, node.op if positive else NEGATED[node.op], positive)
        return self.truth(node, positive)

    # -- comparisons ---------------------------------------------------------------------------

    def compare(self, node: Binary, op: str, positive: bool) -> _Gap | None:
        needs = self.text(node, positive)
        left, right = self.resolve(node.left), self.resolve(node.right)
        for side in (left, right):
            if side.kind == "error":
                return _Gap(needs, side.message)
        if left.kind == "value" and right.kind == "value":
            holds = apply(op, left.value, right.value)
            self.run.note(node, holds if positive else not holds)
            if holds:
                return None
            pinned = left if left.path else right if right.path else None
            if pinned is None:
                return _Gap(needs, _false_for_caller())
            other, flip = (right, False) if pinned is left else (left, True)
            return self.field_gap(needs, pinned, FLIPPED[op] if flip else op, other.value,
                                  node.right if pinned is left else node.left)
        if left.kind == "path" and right.kind == "value":
            return self.implied(node, needs, left, op, right.value, node.right, positive)
        if left.kind == "value" and right.kind == "path":
            return self.implied(node, needs, right, FLIPPED[op], left.value, node.left, positive)
        unpinned = next((s for s in (left, right) if s.path), None)
        if unpinned is not None and unpinned.kind == "unknown":
            gap = _Gap(needs, Reason("rules.depends_on_unpinned", "it depends on doc.{path}, which your query does "
                                     "not fix to one value", path=unpinned.path))
            gap.missing = {"field": unpinned.path, "condition": f"{unpinned.path}: …", "needs": needs}
            return gap
        return _Gap(needs, Reason("rules.not_a_field_comparison", "wxsim proves a rule for a query only where it "
                                  "compares a doc field with a value (doc.x == auth.openid, doc.x in [...]); {text} "
                                  "is not one", text=self.expression.source(node)))

    def implied(self, node: Node, needs: str, side: _Side, op: str, value: Any, value_node: Node,
                positive: bool) -> _Gap | None:
        if implies(side.facts, op, value):
            self.run.note(node, positive)  # what the comparison is for every document of the query
            return None
        return self.field_gap(needs, side, op, value, value_node)

    def field_gap(self, needs: str, side: _Side, op: str, value: Any, value_node: Node) -> _Gap:
        facts = side.facts
        if facts is None:
            problem = Reason("rules.query_no_condition", "your query has no condition on {path}", path=side.path)
        else:
            problem = Reason("rules.query_condition_short", "your query's condition on {path} ({condition}) does "
                             "not ensure it", path=side.path, condition=literal(facts.summary()))
        condition = suggestion(side.path, op, value, self.expression.source(value_node), self.openid)
        return _Gap(needs, problem, {"field": side.path, "condition": condition, "needs": needs},
                    "add" if facts is None else "use")

    # -- a value used as true or false ---------------------------------------------------------

    def truth(self, node: Node, positive: bool) -> _Gap | None:
        needs = self.text(node, positive)
        side = self.resolve(node)
        if side.kind == "error":
            return _Gap(needs, side.message)
        if side.kind == "value":
            if truthy(side.value) == positive:
                return None
            if side.path:
                return self.field_gap(needs, side, "==", positive, node)
            return _Gap(needs, _false_for_caller())
        if side.kind == "path":
            facts = side.facts
            if facts is not None and facts.one_of is not None and all(truthy(v) == positive for v in facts.one_of):
                return None
            return self.field_gap(needs, side, "==", positive, node)
        return _Gap(needs, Reason("rules.cannot_prove", "wxsim cannot prove {text} from a query",
                                  text=self.expression.source(node)))

    # -- operands ------------------------------------------------------------------------------

    def resolve(self, node: Node) -> _Side:
        try:
            if not _uses_doc(node):
                return _Side("value", self.run.value(node))
            path = self.doc_path(node)
            if path is not None:
                facts = facts_at(self.branch, path)
                self.run.note(node, facts.summary() if facts else None, "query")
                if facts is not None and facts.pinned:
                    return _Side("value", facts.eq, path, facts)
                return _Side("path", None, path, facts)
            return self.pinned_value(node)
        except EvalError as exc:
            return _Side("error", message=exc.reason or exc.message)

    def pinned_value(self, node: Node) -> _Side:
        """A larger expression over doc fields, evaluated when the query pins each of them."""
        synthetic: dict = {}
        for chain in _doc_chains(node):
            path = self.doc_path(chain)
            facts = facts_at(self.branch, path) if path else None
            if facts is None or not facts.pinned:
                return _Side("unknown", path=path, facts=facts)
            _put(synthetic, path, facts.eq)
        scope: Scope = self.run.scope
        saved, scope.doc = scope.doc, synthetic
        try:
            return _Side("value", self.run.value(node))
        finally:
            scope.doc = saved

    def doc_path(self, node: Node) -> str | None:
        """``doc.a.b`` / ``doc['a'][0]`` as the path ``a.b`` / ``a.0``; None if not such a chain."""
        keys = []
        while isinstance(node, Member):
            if node.dotted:
                key = node.key.value
            elif _uses_doc(node.key):
                return None
            else:
                key = self.run.value(node.key)
                if type(key) not in (str, int):
                    return None
            keys.append(str(key))
            node = node.obj
        if isinstance(node, Name) and node.name == "doc" and keys:
            return ".".join(reversed(keys))
        return None


def _false_for_caller() -> Reason:
    return Reason("rules.false_for_caller", "it is false for this caller")


def _joined(fixes: list[Reason]) -> Reason:
    """``a; or b; or c``."""
    shown = fixes[0]
    for fix in fixes[1:]:
        shown = Reason("rules.or_next", "{before}; or {after}", before=shown, after=fix)
    return shown


def _uses_doc(node: Node) -> bool:
    return any(isinstance(n, Name) and n.name == "doc" for n in walk(node))


def _doc_chains(node: Node) -> list[Node]:
    """The outermost ``doc…`` member chains inside a node."""
    root = node
    while isinstance(root, Member):
        root = root.obj
    if isinstance(root, Name) and root.name == "doc":
        return [node]
    if isinstance(node, Lit):
        return []
    return [chain for child in children(node) for chain in _doc_chains(child)]


def _put(doc: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
        if not isinstance(doc, dict):
            return
    doc[last] = value
