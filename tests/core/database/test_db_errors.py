"""Invalid queries and updates fail as CloudError with the backend's codes and Mongo's words.

-502002 (database invalid command): unknown or unsupported operators.
-502001 (database request fail): malformed operands and type mismatches.
"""

from __future__ import annotations

import pytest

from app.core.database import apply_update, compile_query
from app.core.errors import CloudError

T1 = {"_id": "t1", "title": "Alpha", "progress": 50, "tags": ["cloud", "db"],
      "style": {"color": "red"}}

QUERY_ERRORS = [
    ({"a": {"$foo": 1}}, -502002, "unknown operator: $foo"),
    ({"$foo": [{"a": 1}]}, -502002, "unknown top level operator: $foo"),
    ({"$where": "this.a > 1"}, -502002, "$where is not supported by the simulator"),
    ({"loc": {"$geoWithin": {}}}, -502001, "$geoWithin: unknown geo specifier: {}"),
    ({"$expr": {"$foo": [1]}}, -502002, "Unrecognized expression '$foo'"),
    ({"a": {"$in": 5}}, -502001, "$in needs an array"),
    ({"a": {"$nin": "x"}}, -502001, "$nin needs an array"),
    ({"a": {"$all": 1}}, -502001, "$all needs an array"),
    ({"a": {"$mod": [0, 1]}}, -502001, "divisor cannot be 0"),
    ({"a": {"$mod": [1, 2, 3]}}, -502001,
     "malformed mod, needs to be an array of [divisor, remainder]"),
    ({"a": {"$size": -1}}, -502001, "Failed to parse $size. Expected a non-negative number"),
    ({"a": {"$size": 1.5}}, -502001, "$size needs a whole number"),
    ({"a": {"$options": "i"}}, -502001, "$options needs a $regex"),
    ({"a": {"$regex": "x", "$options": "q"}}, -502001, "invalid flag in regex options: q"),
    ({"$and": []}, -502001, "$and must be a nonempty array"),
    ({"$or": [1]}, -502001, "$or argument's entries must be objects"),
    ({"a": {"$not": 5}}, -502001, "$not needs a regex or a document"),
    ({"a": {"$not": {}}}, -502001, "$not cannot be empty"),
    ({"a": {"$elemMatch": 3}}, -502001, "$elemMatch needs an Object"),
    ({"a..b": 1}, -502001, "FieldPath field names may not be empty strings: 'a..b'"),
    ({"$expr": {"$gt": [1]}}, -502001,
     "Expression $gt takes exactly 2 arguments. 1 were passed in."),
]


@pytest.mark.parametrize(("query", "code", "detail"), QUERY_ERRORS)
def test_bad_queries_fail_at_compile_time(query, code, detail):
    """A bad query is refused when compiled, before any document is read."""
    with pytest.raises(CloudError) as caught:
        compile_query(query)
    assert (caught.value.code, caught.value.detail) == (code, detail)


def test_bad_regex_is_a_request_failure():
    """A pattern Python cannot compile is -502001 with the reason."""
    with pytest.raises(CloudError) as caught:
        compile_query({"a": {"$regex": "(unclosed"}})
    assert caught.value.code == -502001
    assert caught.value.detail.startswith("Regular expression is invalid:")


def test_expression_type_errors_surface_when_run():
    """$expr errors that depend on data are raised while matching, as on the server."""
    match = compile_query({"$expr": {"$gt": [{"$size": "$title"}, 1]}})
    with pytest.raises(CloudError) as caught:
        match(T1)
    assert (caught.value.code, caught.value.detail) == (
        -502001, "The argument to $size must be an array. Type of argument is string")


def test_error_message_format():
    """The CloudError text carries the code's text and the detail (errors.py)."""
    with pytest.raises(CloudError) as caught:
        compile_query({"a": {"$foo": 1}})
    assert caught.value.errmsg_for("collection.get") == (
        "collection.get:fail -502002 database invalid command. unknown operator: $foo")


UPDATE_ERRORS = [
    ({"$foo": {"a": 1}}, -502002, "Unknown modifier: $foo"),
    ({"$set": {"a": 1}, "title": "x"}, -502002,
     "Unknown modifier: title. Expected a $-operator"),
    ({"$set": 5}, -502001, "Modifiers operate on fields but we found type int instead"),
    ({"$push": {"title": "x"}}, -502001,
     "The field 'title' must be an array but is of type string in document {_id: 't1'} ($push)"),
    ({"$addToSet": {"progress": 1}}, -502001,
     "The field 'progress' must be an array but is of type int in document {_id: 't1'} "
     "($addToSet)"),
    ({"$inc": {"progress": "1"}}, -502001,
     "Cannot increment with non-numeric argument: {progress: '1'}"),
    ({"$inc": {"title": 1}}, -502001, "Cannot apply $inc to a value of non-numeric type string"),
    ({"$mul": {"tags": 2}}, -502001, "Cannot apply $mul to a value of non-numeric type array"),
    ({"$pop": {"tags": 2}}, -502001, "$pop expects 1 or -1, found: 2"),
    ({"$pullAll": {"tags": "db"}}, -502001,
     "$pullAll requires an array argument but was given a string"),
    ({"$set": {"style": 1}, "$inc": {"style.n": 1}}, -502001,
     "Updating the path 'style.n' would create a conflict at 'style'"),
    ({"$set": {"title.x": 1}}, -502001, "Cannot create field 'x' in element {title: 'Alpha'}"),
    ({"$set": {"tags.x": 1}}, -502001,
     "Cannot create field 'x' in element {tags: ['cloud', 'db']}"),
    ({"$rename": {"title": "title"}}, -502001,
     "The source and target field for $rename must differ"),
    ({"$rename": {"style": "style.inner"}}, -502001,
     "The source and target field for $rename must not be on the same path"),
    ({"$rename": {"tags.0": "first"}}, -502001, "The source field cannot be an array element"),
    ({"$set": {"when": {"$date": "2020-01-01T00:00:00Z"}}}, -502001,
     "The dollar ($) prefixed field '$date' is not valid for storage."),
    ({"$push": {"tags": {"$each": "x"}}}, -502001,
     "The argument to $each in $push must be an array but it was of type: string"),
    ({"$push": {"tags": {"$each": [], "$sort": 2}}}, -502001,
     "The $sort is invalid: use 1/-1 to sort the whole element, or {field: 1/-1} to sort "
     "embedded fields"),
    ({"$currentDate": {"at": "now"}}, -502001,
     "$currentDate takes true or {$type: 'date'|'timestamp'} (timestamps are stored as dates)"),
]


@pytest.mark.parametrize(("update", "code", "detail"), UPDATE_ERRORS)
def test_bad_updates(update, code, detail):
    """Mongo's update errors, as CloudError; the input document is untouched."""
    before = repr(T1)
    with pytest.raises(CloudError) as caught:
        apply_update(T1, update)
    assert (caught.value.code, caught.value.detail) == (code, detail)
    assert repr(T1) == before
