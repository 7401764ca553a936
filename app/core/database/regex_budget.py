"""Regex matching with one time budget per query, so a catastrophic pattern cannot hold the lock.

Queries run under the database lock (``DocumentStore.lock``). Python's ``re`` cannot be
interrupted, so ``db.RegExp({regexp: '(a|a)+$'})`` against a long run of ``a`` would backtrack
for hours while every other request waits. Matching therefore goes through the ``regex``
package (same syntax as ``re`` in its default VERSION0 mode), whose matches take a ``timeout``.

Query values keep being compiled ``re.Pattern`` objects (the engine's regex type in documents,
Extended JSON and the journal); each gets a ``regex`` twin used only for matching. All the
matches of one query draw on one :class:`RegexBudget`: ``compile_query`` opens it, and a
request that compiles several queries (an update's ``$pull`` conditions, once per document)
opens one around them all with :func:`regex_budget`, so the total stays bounded however many
documents there are.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import regex

from app.core.database.failures import request_failed
from app.core.database.regex import regex_invalid
from app.core.errors import CloudError
from app.core.reasons import Reason

__all__ = ["MATCH_BUDGET_S", "RegexBudget", "current_budget", "matcher", "regex_budget", "timed_out"]

# Time one query (or one update request) may spend matching regexes, in total. Generous for
# real patterns (a simple pattern tests a million documents in about a second) and short enough
# that other requests waiting for the database lock are not noticeably held up.
MATCH_BUDGET_S = 1.0
_SHOWN_PATTERN_CHARS = 80

_RE_TO_REGEX_FLAGS = (
    (re.IGNORECASE, regex.IGNORECASE),
    (re.MULTILINE, regex.MULTILINE),
    (re.DOTALL, regex.DOTALL),
    (re.VERBOSE, regex.VERBOSE),
)

_active = threading.local()  # the budget of the query being compiled or run on this thread


class RegexBudget:
    """Matching time left for one query; every regex test of the query spends from it."""

    __slots__ = ("seconds", "spent")

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = MATCH_BUDGET_S if seconds is None else seconds
        self.spent = 0.0

    def search(self, pattern: regex.Pattern, text: str) -> bool:
        """Whether ``pattern`` finds a match in ``text``; a CloudError once the budget is spent."""
        left = self.seconds - self.spent
        if left <= 0:
            raise timed_out(pattern, self.seconds)
        started = time.perf_counter()
        try:
            # Positional arguments are measurably cheaper than keywords here. concurrent=True
            # releases the GIL while matching, so threads that need no lock keep running.
            return pattern.search(text, None, None, True, False, left) is not None
        except TimeoutError:
            self.spent = self.seconds
            raise timed_out(pattern, self.seconds) from None
        finally:
            self.spent += time.perf_counter() - started


@contextmanager
def regex_budget() -> Iterator[RegexBudget]:
    """The budget of the query (or request) compiled and run in this block on this thread.

    Nested blocks share the outermost one's budget.
    """
    current = getattr(_active, "budget", None)
    if current is not None:
        yield current
        return
    _active.budget = budget = RegexBudget()
    try:
        yield budget
    finally:
        _active.budget = None


def current_budget() -> RegexBudget:
    """The open budget, or a fresh one for a query compiled outside any block."""
    return getattr(_active, "budget", None) or RegexBudget()


def matcher(pattern: re.Pattern) -> regex.Pattern:
    """The ``regex`` twin of a compiled ``re`` pattern: same source, same flags."""
    return _twin(pattern.pattern, pattern.flags)


@lru_cache(maxsize=256)
def _twin(source: str, re_flags: int) -> regex.Pattern:
    flags = regex.VERSION0  # re's semantics (VERSION1 would change sets and case folding)
    for re_flag, regex_flag in _RE_TO_REGEX_FLAGS:
        if re_flags & re_flag:
            flags |= regex_flag
    try:
        return regex.compile(source, flags)
    except regex.error as exc:  # re accepted it (compile_regex ran first), so hardly ever
        raise request_failed(regex_invalid(exc)) from None


def timed_out(pattern: regex.Pattern, seconds: float) -> CloudError:
    """The failure of a query whose regex matching ran past its budget.

    The real backend is MongoDB: an operation past its maxTimeMS fails with MaxTimeMSExpired
    (code 50, "operation exceeded time limit"), and TCB passes database failures on as
    DATABASE_REQUEST_FAILED, -502001 "database request fail", with Mongo's words after it.
    """
    source = pattern.pattern
    if len(source) > _SHOWN_PATTERN_CHARS:
        source = source[:_SHOWN_PATTERN_CHARS] + "…"
    return request_failed(Reason(
        "query.regex_timed_out", "operation exceeded time limit (MaxTimeMSExpired): matching the regular expression "
        "/{source}/ took more than the {seconds:g} s a query may spend on regular expressions; "
        "patterns with nested repetition such as (a|a)+ backtrack exponentially",
        source=source, seconds=seconds,
    ))
