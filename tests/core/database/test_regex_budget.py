"""$regex matching: the regex engine's results equal re's, and each query has one time budget."""

from __future__ import annotations

import re

import pytest

from app.core.database import find
from app.core.database.regex import compile_regex
from app.core.database.regex_budget import RegexBudget, matcher
from app.core.database.service import DatabaseService
from app.core.database.store import DocumentStore
from app.core.errors import CloudError
from app.core.requests import Caller

CATASTROPHIC = "(a|a)+$"  # exponential in the regex engine as well as in re
EVIL_TEXT = "a" * 64 + "!"


@pytest.mark.parametrize(
    ("pattern", "options", "text"),
    [
        ("^abc", "i", "ABCdef"),
        ("ÉTÉ", "i", "un été"),
        ("^two$", "m", "one\ntwo\nthree"),
        ("^two$", "", "one\ntwo\nthree"),
        ("a.b", "s", "a\nb"),
        ("a.b", "", "a\nb"),
        ("a b  # the letters\n c", "x", "abc"),
        ("(?<year>\\d{4})-(?P=year)", "", "2024-2024"),
        ("(?<=a)b", "", "ab"),
        ("(?<!a)b", "", "ab"),
        ("\\w+", "", "中文"),
        ("\\bcat\\b", "", "concatenate"),
        ("[\\[]", "", "a[b"),
        ("colou?r", "gim", "COLOR"),
        ("\\d{3,}", "", "12"),
        ("a{,2}x", "", "aaax"),
    ],
)
def test_matching_agrees_with_re(pattern, options, text):
    """The regex package (VERSION0) gives re's answers for the patterns and flags queries use."""
    compiled = compile_regex(pattern, options)
    expected = compiled.search(text) is not None
    assert (matcher(compiled).search(text) is not None) == expected
    docs = [{"_id": 1, "s": text}]
    assert len(find(docs, {"s": {"$regex": pattern, "$options": options}})) == int(expected)


def test_nested_quantifier_that_re_cannot_survive_is_answered():
    """The issue's example: re backtracks for ~21 s on it; the regex engine answers at once."""
    assert find([{"_id": 1, "s": "a" * 29 + "!"}], {"s": {"$regex": "(a+)+$"}}) == []


def test_a_catastrophic_pattern_fails_with_the_time_limit_error():
    with pytest.raises(CloudError) as raised:
        find([{"_id": 1, "s": EVIL_TEXT}], {"s": {"$regex": CATASTROPHIC}})
    assert raised.value.code == -502001
    assert "operation exceeded time limit" in raised.value.detail
    assert f"/{CATASTROPHIC}/" in raised.value.detail


def test_one_budget_serves_every_document_and_clause_of_a_query(monkeypatch):
    """50 catastrophic documents under $or, $in and $not: one budget, and matching stops at it."""
    budgets: list[RegexBudget] = []
    searches: list[str] = []
    init, search = RegexBudget.__init__, RegexBudget.search

    def counted_init(self, seconds=None):
        budgets.append(self)
        init(self, seconds)

    def counted_search(self, pattern, text):
        searches.append(text)
        return search(self, pattern, text)

    monkeypatch.setattr(RegexBudget, "__init__", counted_init)
    monkeypatch.setattr(RegexBudget, "search", counted_search)
    docs = [{"_id": i, "s": EVIL_TEXT, "t": "x"} for i in range(50)]
    query = {"$or": [{"t": {"$in": [re.compile("^y")]}}, {"s": {"$not": re.compile(CATASTROPHIC)}}]}
    with pytest.raises(CloudError):
        find(docs, query)
    assert len(budgets) == 1
    # The first document spent the whole budget: no other document was matched afterwards.
    assert searches == ["x", EVIL_TEXT]


def test_an_update_shares_one_budget_across_its_pull_conditions(tmp_path, monkeypatch):
    """An update applies a $pull regex once per document; all of them draw on one budget."""
    service = DatabaseService(DocumentStore(tmp_path / "db"), lambda _name: "ADMINONLY")
    service.create_collection("tags")
    admin = Caller.admin("scf")
    service.insert(admin, "tags", [{"tags": ["keep", "drop-me"]} for _ in range(5)])
    budgets: list[RegexBudget] = []
    init = RegexBudget.__init__

    def counted_init(self, seconds=None):
        budgets.append(self)
        init(self, seconds)

    monkeypatch.setattr(RegexBudget, "__init__", counted_init)
    service.modify(admin, "tags", {}, {"$pull": {"tags": re.compile("^drop")}}, multi=True, merge=True, upsert=False)
    assert len(budgets) == 1
    docs, _ = service.get(admin, "tags", {})
    assert [doc["tags"] for doc in docs] == [["keep"]] * 5


def test_a_spent_budget_refuses_more_matching():
    budget = RegexBudget()
    budget.spent = budget.seconds
    with pytest.raises(CloudError) as raised:
        budget.search(matcher(re.compile("a")), "a")
    assert raised.value.code == -502001
