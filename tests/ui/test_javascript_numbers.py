"""Numbers read as the mini program sees them: JavaScript has one number type, so an ``$avg``
of 90 and 110 is 100 there, not 100.0."""

from app.ui.panes.database.models import compact
from app.ui.widgets import pretty_json


def test_a_whole_float_is_shown_as_javascript_shows_it():
    assert compact(100.0) == "100"
    assert compact({"avg": 100.0, "n": [2.0, 2.5]}) == '{"avg":100,"n":[2,2.5]}'
    assert pretty_json({"avg": 100.0, "half": 47.5}) == '{\n  "avg": 100,\n  "half": 47.5\n}'


def test_other_values_are_unchanged():
    assert compact(True) == "true"
    assert compact(3) == "3"
    assert compact(float("inf")) == "Infinity"
    assert compact(1e300) == "1e+300"  # as JavaScript writes it, not 301 digits
    assert pretty_json(["a", None, False]) == '[\n  "a",\n  null,\n  false\n]'
