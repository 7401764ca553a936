"""Reasons several expression operators share ("$op needs …, found …"), with the operator as a param.

The English is MongoDB's wording (the gateway's errMsg and the tests hold it); the UI says the
same ids in its language. A word that fills a template ("starting", "Second") is itself a
Reason, so the Chinese text gets a Chinese word.
"""

from __future__ import annotations

from typing import Any

from app.core.database.values import type_name
from app.core.reasons import Reason

# Words some templates take; each said in the UI's language too.
_WORDS = {
    "starting": Reason("expr.word_starting", "starting"),
    "ending": Reason("expr.word_ending", "ending"),
    "First": Reason("expr.word_first", "First"),
    "Second": Reason("expr.word_second", "Second"),
    "Third": Reason("expr.word_third", "Third"),
    "second argument": Reason("expr.word_second_argument", "second argument"),
    "limit": Reason("expr.word_limit", "limit"),
    "starting value": Reason("expr.word_starting_value", "starting value"),
    "ending value": Reason("expr.word_ending_value", "ending value"),
    "step value": Reason("expr.word_step_value", "step value"),
    "starting index": Reason("expr.word_starting_index", "starting index"),
    "length": Reason("expr.word_length", "length"),
}


def word(english: str) -> Reason:
    """One of the words above as a Reason (its English text is ``english``)."""
    return _WORDS[english]


def index_not_integral(name: str, which: str, value: Any) -> Reason:
    """``$indexOfBytes``/``$indexOfCP``/``$indexOfArray``: a start or end index that is not whole."""
    return Reason("expr.index_not_integral", "{name} requires an integral {which} index, found a value of type: "
                  "{type}, with value: {value}", name=name, which=word(which), type=type_name(value), value=value)


def index_negative(name: str, which: str, value: Any) -> Reason:
    """The same family: a negative start or end index."""
    return Reason("expr.index_negative", "{name} requires a nonnegative {which} index, found: {value}",
                  name=name, which=word(which), value=value)


def argument_not_array(name: str, value: Any) -> Reason:
    """``$first``/``$last``/``$allElementsTrue``/``$anyElementTrue`` on a non-array."""
    return Reason("expr.argument_not_array", "{name}'s argument must be an array, but is {type}",
                  name=name, type=type_name(value))


def cannot_convert(name: str, value: Any, target: str) -> Reason:
    """A value a string or date operator cannot read as a ``String``/``Date``."""
    return Reason("expr.cannot_convert", "{name}: can't convert from BSON type {type} to {target}",
                  name=name, type=type_name(value), target=target)


def date_parse_error(text: Any) -> Reason:
    """A date string that does not read (``$dateFromString``, ``$convert`` to date)."""
    return Reason("expr.date_parse_error", "Error parsing date string '{text}'", text=text)


def conversion_overflow() -> Reason:
    """``$convert`` to a number or date that does not fit."""
    return Reason("expr.conversion_overflow", "Conversion would overflow target type in $convert with no onError value")
