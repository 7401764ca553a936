"""The rule language on its own: parsing, errors that point at the column, evaluation, limits."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.core.rules.evaluate import MAX_DOCS_READ, Reads, Scope, evaluate
from app.core.rules.parser import MAX_DEPTH, parse
from app.core.rules.syntax import RuleSyntaxError
from app.core.rules.values import EvalError

A = {"openid": "oA"}


def run(text: str, **scope) -> bool:
    outcome = evaluate(parse(text), Scope(auth=scope.pop("auth", A), **scope))
    return outcome.allowed


@pytest.mark.parametrize("text, doc, expected", [
    ("doc.a == 1", {"a": 1}, True),
    ("doc.a == 1.0", {"a": 1}, True),
    ("doc.a == '1'", {"a": 1}, False),  # no coercion
    ("doc.a != null", {}, False),  # a missing field is null
    ("doc.a == null", {"a": None}, True),
    ("doc.a > 1 && doc.a < 3", {"a": 2}, True),
    ("doc.a >= 'b'", {"a": "c"}, True),
    ("doc.a < 'b'", {"a": 1}, False),  # a number and a string do not compare
    ("doc.a <= 2", {"a": 2}, True),
    ("doc.tags[1] == 'y'", {"tags": ["x", "y"]}, True),
    ("doc['tags'][5] == null", {"tags": ["x"]}, True),
    ("'y' in doc.tags", {"tags": ["x", "y"]}, True),
    ("'k' in doc.map", {"map": {"k": 0}}, True),
    ("doc.a in [1, 2, 3]", {"a": 4}, False),
    ("!doc.flag", {"flag": False}, True),
    ("!!doc.flag", {"flag": 1}, True),
    ("doc.a == 1 || doc.b == 2 && doc.c == 3", {"a": 1}, True),  # && binds tighter
    ("(doc.a == 1 || doc.b == 2) && doc.c == 3", {"a": 1}, False),
    ("doc.n > -1.5e2", {"n": -100}, True),
    ("doc.s == 'it\\'s \\u4e2d'", {"s": "it's 中"}, True),
    ("doc.s == \"double\"", {"s": "double"}, True),
    ("`${doc.a}-${doc.b}-${doc.c}` == '1-null-true'", {"a": 1.0, "c": True}, True),
    ("doc.due > now", {"due": datetime(2030, 1, 1, tzinfo=timezone.utc)}, True),
])
def test_operators(text, doc, expected):
    assert run(text, doc=doc, now=1_700_000_000_000) is expected


def test_errors_make_the_rule_false_with_a_reason():
    outcome = evaluate(parse("doc.a in 5"), Scope(auth=A, doc={"a": 1}))
    assert not outcome.allowed and outcome.error == "'in' needs a list on its right, not a number"
    outcome = evaluate(parse("auth.openid == 'x' || true"), Scope(auth=None))
    assert not outcome.allowed and "auth is null (the caller is signed out)" in outcome.error


def test_values_are_noted_for_the_decision():
    outcome = evaluate(parse("doc.owner == auth.openid && doc.n > 3"), Scope(auth=A, doc={"owner": "oA", "n": 2}))
    assert outcome.values == [
        {"text": "doc.owner", "value": "oA"}, {"text": "auth.openid", "value": "oA"},
        {"text": "doc.owner == auth.openid", "value": True}, {"text": "doc.n", "value": 2},
        {"text": "doc.n > 3", "value": False},
        {"text": "doc.owner == auth.openid && doc.n > 3", "value": False}]


def test_long_values_are_cut_short():
    outcome = evaluate(parse("doc.big != null"), Scope(auth=A, doc={"big": "x" * 5000}))
    assert len(outcome.values[0]["value"]) < 400 and outcome.values[0]["value"].endswith("…")


@pytest.mark.parametrize("text, column, words", [
    ("doc.a ==", 9, "expected a value after '==', found the end"),
    ("doc.a == 1 )", 12, "expected an operator or the end, found ')'"),
    ("(doc.a == 1", 12, "expected ')' to close '('"),
    ("doc.a === 1", 7, "===: use =="),
    ("doc.a & doc.b", 7, "use && for 'and'"),
    ("doc.a | doc.b", 7, "use || for 'or'"),
    ("doc.a + 1", 7, "unexpected '+'"),
    ("doc.", 5, "expected a field name after '.'"),
    ("doc.a == 'open", 10, "this string has no closing '"),
    ("doc.a == `x${}`", 12, "an empty ${} in a template string"),
    ("window.alert(1)", 13, "only get(…) can be called"),
    ("process.env", 1, "unknown name 'process'"),
    ("get", 1, "get is a function"),
    ("get('a', 'b')", 1, "get takes one argument"),
    ("doc.a == 1 == true", 12, "'==' after a comparison"),
    ("-doc.a", 1, "'-' goes only before a number"),
    ("doc.a == '\\ud800'", 11, "lone surrogate"),
    ("doc.a == 1e999", 10, "too large"),
    ("12abc", 3, "a number cannot run into 'a'"),
    ("   ", 1, "the expression is empty"),
])
def test_syntax_errors_point_at_the_column(text, column, words):
    with pytest.raises(RuleSyntaxError) as caught:
        parse(text)
    assert caught.value.column == column and words in str(caught.value), str(caught.value)


def test_the_error_shows_the_line_with_a_caret():
    with pytest.raises(RuleSyntaxError) as caught:
        parse("doc.a == 1 &&\n  doc.b = 2")
    assert str(caught.value) == ("Line 2, column 9: unexpected '=': use == to compare (a rule cannot assign)\n"
                                 "      doc.b = 2\n"
                                 "            ^")


def test_nesting_and_length_limits():
    with pytest.raises(RuleSyntaxError, match="nested more than 32 levels deep"):
        parse("(" * 40 + "true" + ")" * 40)
    with pytest.raises(RuleSyntaxError, match="nested more than 32 levels deep"):
        parse("!" * 40 + "true")
    with pytest.raises(RuleSyntaxError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse("||".join(["now"] * 200))  # 1 KB of ||: refused, never a RecursionError
    chain = " || ".join(["doc.a == 1"] * 70)  # long but fine
    assert len(chain) <= 1024 and run(chain, doc={"a": 1})
    with pytest.raises(RuleSyntaxError, match="at most 1024 characters"):
        parse("true" + " " * 1021)


def test_get_reads_at_most_ten_documents_per_request():
    reads = Reads(lambda collection, doc_id: {"_id": doc_id, "ok": True})
    for i in range(MAX_DOCS_READ):
        assert reads.get(f"database.c.{i}")["ok"]
    assert reads.get("database.c.0")["ok"]  # read before: no new document
    with pytest.raises(EvalError, match="at most 10"):
        reads.get("database.c.10")
    with pytest.raises(EvalError, match="must be 'database.<collection>.<_id>'"):
        Reads(None).get("db.c.1")


def test_storage_names():
    from app.core.rules.parser import STORAGE_NAMES

    parse("resource.openid == auth.openid && resource.path != 'x'", STORAGE_NAMES, allow_get=False)
    with pytest.raises(RuleSyntaxError, match="unknown name 'doc'"):
        parse("doc.a == 1", STORAGE_NAMES, allow_get=False)
    with pytest.raises(RuleSyntaxError, match="storage rules cannot use it"):
        parse("get('database.a.b') != null", STORAGE_NAMES, allow_get=False)


def test_a_long_or_chain_is_refused_quickly_with_a_short_reason():
    from app.core.rules.subset import prove

    chain = parse("||".join(["doc.a"] * 127))  # as deep as a rule may be
    proof = prove(chain, {}, Scope(auth=A), "oA")
    assert not proof.ok and "none of its 127 alternatives holds" in proof.reason and "124 more" in proof.reason
    assert prove(chain, {"a": True}, Scope(auth=A), "oA").ok
