"""``$jsonSchema`` queries (``db.command.jsonSchema``, spec §3.3): MongoDB's keyword subset,
each keyword constraining only values of its own type (issue 19)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from bson.objectid import ObjectId

from app.core.database import compile_query
from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

DOCS = [
    {"_id": "p1", "name": "Ann", "age": 30, "tags": ["a", "b"], "address": {"city": "Shanghai", "zip": "200000"}},
    {"_id": "p2", "name": "Bo", "age": 17.5, "tags": [], "address": {"city": "Beijing"}},
    {"_id": "p3", "name": "carl", "tags": ["a", "a"], "extra": True},
    {"_id": "p4", "name": 7, "age": "old", "ref": ObjectId("5f1b2c3d4e5f60718293a4b5"),
     "at": datetime(2024, 1, 1, tzinfo=timezone.utc)},
]


def matching(schema: dict) -> list[str]:
    match = compile_query({"$jsonSchema": schema})
    return [doc["_id"] for doc in DOCS if match(doc)]


SCHEMAS = [
    ({"required": ["age"]}, ["p1", "p2", "p4"]),
    ({"required": ["name", "address"]}, ["p1", "p2"]),
    ({"properties": {"name": {"bsonType": "string"}}}, ["p1", "p2", "p3"]),
    ({"properties": {"age": {"bsonType": "int"}}}, ["p1", "p3"]),  # absent passes: not required
    ({"properties": {"age": {"bsonType": ["double", "string"]}}}, ["p2", "p3", "p4"]),
    ({"properties": {"age": {"bsonType": "number", "minimum": 18}}}, ["p1", "p3"]),
    ({"properties": {"age": {"minimum": 18}}}, ["p1", "p3", "p4"]),  # "old" is not a number
    ({"properties": {"age": {"maximum": 30, "exclusiveMaximum": True}}}, ["p2", "p3", "p4"]),
    ({"properties": {"age": {"type": "number"}}, "required": ["age"]}, ["p1", "p2"]),
    ({"properties": {"name": {"enum": ["Ann", 7]}}}, ["p1", "p4"]),
    ({"properties": {"name": {"minLength": 3, "maxLength": 3}}}, ["p1", "p4"]),
    ({"properties": {"name": {"pattern": "^[A-Z]"}}}, ["p1", "p2", "p4"]),
    ({"properties": {"tags": {"minItems": 1, "items": {"enum": ["a"]}}}}, ["p3", "p4"]),
    ({"properties": {"tags": {"maxItems": 0}}}, ["p2", "p4"]),
    ({"properties": {"tags": {"uniqueItems": True}}}, ["p1", "p2", "p4"]),
    ({"properties": {"address": {"required": ["zip"], "properties": {"city": {"bsonType": "string"}}}}},
     ["p1", "p3", "p4"]),
    ({"properties": {"_id": {}, "name": {}, "age": {}, "tags": {}, "address": {}}, "additionalProperties": False},
     ["p1", "p2"]),
    ({"additionalProperties": {"bsonType": ["string", "number", "array", "object"]}}, ["p1", "p2"]),
    ({"properties": {"ref": {"bsonType": "objectId"}, "at": {"bsonType": "date"}}, "required": ["ref"]}, ["p4"]),
    ({"anyOf": [{"required": ["extra"]}, {"required": ["ref"]}]}, ["p3", "p4"]),
    ({"not": {"required": ["age"]}}, ["p3"]),
    ({"bsonType": "object", "title": "t", "description": "d"}, ["p1", "p2", "p3", "p4"]),
]


@pytest.mark.parametrize(("schema", "expected"), SCHEMAS)
def test_schema_keywords(schema, expected):
    assert matching(schema) == expected


BAD = [
    ({"required": "age"}, "$jsonSchema: 'required' must be a nonempty array of strings"),
    ({"bsonType": "integer"}, "$jsonSchema: unknown type name 'integer'"),
    ({"properties": {"a": {"minimum": "1"}}}, "$jsonSchema (a): 'minimum' must be a number"),
    ({"$ref": "#/x"}, "$jsonSchema: keyword '$ref' is not supported"),
    ({"properties": {"a": 5}}, "$jsonSchema (a) must be an object"),
    ([], "$jsonSchema must be an object"),
]


@pytest.mark.parametrize(("schema", "detail"), BAD)
def test_bad_schemas_are_refused_when_compiled(schema, detail):
    with pytest.raises(CloudError) as caught:
        compile_query({"$jsonSchema": schema})
    assert (caught.value.code, caught.value.detail) == (-502001, detail)


def test_a_schema_query_over_the_wire_with_other_conditions(tmp_path):
    """As the SDK sends it: ``where(_.and([_.jsonSchema(s), {…}]))`` in canonical EJSON."""
    ws = Workspace.open(tmp_path / "d")
    try:
        ws.database.create_collection("c")
        ws.database.import_documents("c", [d for d in DOCS if "ref" not in d], upsert=False, atomic=True)
        query = {"$and": [{"$jsonSchema": {"required": ["age"], "properties": {"age": {
            "bsonType": "number", "minimum": {"$numberInt": "18"}}}}}, {"name": {"$exists": True}}]}
        answer = ws.handle(Request("database.getDocument", {"collectionName": "c", "queryType": "WHERE",
                                                            "query": json.dumps(query)}, Caller.admin("scf")))
        assert [doc["_id"] for doc in answer["list"]] == ["p1"]
    finally:
        ws.close()
