"""``$jsonSchema`` in a query (``db.command.jsonSchema(schema)``, spec §3.3): MongoDB's subset.

The keywords MongoDB takes (draft 4 plus ``bsonType``), compiled once into a closure over
the document, as the rest of the query is. As in MongoDB, a keyword only constrains values of
the type it is about (``minimum`` passes a string), ``properties`` only the fields present,
and nothing reaches into arrays unless ``items`` says so. ``$ref``, ``format`` and
``default`` are refused as MongoDB refuses them; an unknown keyword is refused too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.database.failures import request_failed
from app.core.database.regex import compile_regex
from app.core.database.values import is_number, is_whole, type_name, value_key
from app.core.reasons import Reason

Check = Callable[[Any], bool]

_NUMBER = frozenset({"int", "long", "double", "decimal"})
_BSON_TYPES = frozenset({"double", "string", "object", "array", "binData", "objectId", "bool", "date", "null",
                         "regex", "int", "long", "decimal", "timestamp", "minKey", "maxKey", "undefined",
                         "javascript", "symbol", "dbPointer", "number"})
_JSON_TYPES = {"object": {"object"}, "array": {"array"}, "string": {"string"}, "boolean": {"bool"},
               "null": {"null"}, "number": set(_NUMBER)}
_IGNORED = frozenset({"title", "description"})
# What an operand must be, said in the person's language.
_TYPE_NAMES = Reason("query.json_schema_kind_type_names", "a string or an array of strings")
_NAMES = Reason("query.json_schema_kind_names", "a nonempty array of strings")
_OBJECT = Reason("query.json_schema_kind_object", "an object")
_NONEMPTY = Reason("query.json_schema_kind_nonempty", "a nonempty array")
_A_NUMBER = Reason("query.json_schema_kind_number", "a number")
_COUNT = Reason("query.json_schema_kind_count", "a non-negative whole number")
_STRING = Reason("query.json_schema_kind_string", "a string")
_POSITIVE = Reason("query.json_schema_kind_positive", "a positive number")
_SCHEMAS = Reason("query.json_schema_kind_schemas", "an object or an array of objects")
_BOOLEAN = Reason("query.json_schema_kind_boolean", "a boolean")
_SCHEMA_LIST = Reason("query.json_schema_kind_schema_list", "a nonempty array of objects")
# Read by the keyword they qualify (items, minimum, maximum).
_READ_WITH_OTHERS = frozenset({"additionalItems", "exclusiveMinimum", "exclusiveMaximum"})


def schema_predicate(schema: Any) -> Callable[[dict], bool]:
    """The query predicate of ``{"$jsonSchema": schema}`` (the whole document is validated)."""
    return _compile(schema, "")


def _compile(schema: Any, where: str) -> Check:
    if type(schema) is not dict:
        raise request_failed(Reason("query.json_schema_not_object", "$jsonSchema{where} must be an object",
                                    where=_at(where)))
    checks: list[Check] = []
    for keyword, arg in schema.items():
        compiler = _KEYWORDS.get(keyword)
        if compiler is None:
            if keyword in _IGNORED or keyword in _READ_WITH_OTHERS:
                continue
            raise request_failed(Reason("query.json_schema_keyword", "$jsonSchema{where}: keyword '{keyword}' is not "
                                        "supported", where=_at(where), keyword=keyword))
        checks.append(compiler(arg, schema, where))
    return lambda value: all(check(value) for check in checks)


def _at(where: str) -> str:
    return f" ({where})" if where else ""  # a path: the same in every language


def _operand(keyword: str, where: str, kind: Reason) -> Exception:
    return request_failed(Reason("query.json_schema_operand", "$jsonSchema{where}: '{keyword}' must be {kind}",
                                 where=_at(where), keyword=keyword, kind=kind))


def _types(keyword: str, arg: Any, where: str, known) -> set[str]:
    names = arg if type(arg) is list else [arg]
    if not names or any(type(name) is not str for name in names):
        raise _operand(keyword, where, _TYPE_NAMES)
    out: set[str] = set()
    for name in names:
        if name not in known:
            raise request_failed(Reason("query.json_schema_type_name", "$jsonSchema{where}: unknown type name {name}",
                                        where=_at(where), name=repr(name)))
        out |= set(_NUMBER) if name == "number" else (_JSON_TYPES[name] if known is _JSON_TYPES else {name})
    return out


def _bson_type(arg: Any, schema: dict, where: str) -> Check:
    allowed = _types("bsonType", arg, where, _BSON_TYPES)
    return lambda value: type_name(value) in allowed


def _json_type(arg: Any, schema: dict, where: str) -> Check:
    allowed = _types("type", arg, where, _JSON_TYPES)
    return lambda value: type_name(value) in allowed


def _required(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not list or not arg or any(type(name) is not str for name in arg):
        raise _operand("required", where, _NAMES)
    return lambda value: type(value) is not dict or all(name in value for name in arg)


def _properties(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not dict:
        raise _operand("properties", where, _OBJECT)
    subs = {name: _compile(sub, f"{where}.{name}".lstrip(".")) for name, sub in arg.items()}
    return lambda value: type(value) is not dict or all(
        check(value[name]) for name, check in subs.items() if name in value)


def _additional(arg: Any, schema: dict, where: str) -> Check:
    known = set(schema.get("properties") or {}) if type(schema.get("properties")) is dict else set()
    patterns = [compile_regex(p, "") for p in (schema.get("patternProperties") or {})]
    if type(arg) is bool:
        sub = (lambda value: True) if arg else (lambda value: False)
    else:
        sub = _compile(arg, f"{where}.additionalProperties".lstrip("."))

    def extra(value: Any) -> bool:
        if type(value) is not dict:
            return True
        return all(sub(item) for name, item in value.items()
                   if name not in known and not any(p.search(name) for p in patterns))
    return extra


def _pattern_properties(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not dict:
        raise _operand("patternProperties", where, _OBJECT)
    subs = [(compile_regex(pattern, ""), _compile(sub, f"{where}.{pattern}".lstrip(".")))
            for pattern, sub in arg.items()]
    return lambda value: type(value) is not dict or all(
        check(item) for name, item in value.items() for regex, check in subs if regex.search(name))


def _enum(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not list or not arg:
        raise _operand("enum", where, _NONEMPTY)
    keys = [value_key(item) for item in arg]
    return lambda value: value_key(value) in keys


def _bound(keyword: str, exclusive: str, below: bool) -> Callable[[Any, dict, str], Check]:
    def compile_bound(arg: Any, schema: dict, where: str) -> Check:
        if not is_number(arg):
            raise _operand(keyword, where, _A_NUMBER)
        strict = schema.get(exclusive) is True
        if below:
            return lambda v: not is_number(v) or (v < arg if strict else v <= arg)
        return lambda v: not is_number(v) or (v > arg if strict else v >= arg)
    return compile_bound


def _count(keyword: str, kind: type, size: Callable[[Any], int], at_most: bool) -> Callable[[Any, dict, str], Check]:
    def compile_count(arg: Any, schema: dict, where: str) -> Check:
        if not is_whole(arg) or arg < 0:
            raise _operand(keyword, where, _COUNT)
        return lambda v: type(v) is not kind or ((size(v) <= arg) if at_most else (size(v) >= arg))
    return compile_count


def _pattern(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not str:
        raise _operand("pattern", where, _STRING)
    regex = compile_regex(arg, "")
    return lambda v: type(v) is not str or regex.search(v) is not None


def _multiple_of(arg: Any, schema: dict, where: str) -> Check:
    if not is_number(arg) or arg <= 0:
        raise _operand("multipleOf", where, _POSITIVE)
    return lambda v: not is_number(v) or v % arg == 0


def _items(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is dict:
        each = _compile(arg, f"{where}.items".lstrip("."))
        return lambda v: type(v) is not list or all(each(item) for item in v)
    if type(arg) is not list:
        raise _operand("items", where, _SCHEMAS)
    tuple_checks = [_compile(sub, f"{where}.items.{i}".lstrip(".")) for i, sub in enumerate(arg)]
    extra = schema.get("additionalItems", True)
    rest = (lambda item: extra) if type(extra) is bool else _compile(extra, f"{where}.additionalItems".lstrip("."))
    return lambda v: type(v) is not list or all(
        (tuple_checks[i](item) if i < len(tuple_checks) else rest(item)) for i, item in enumerate(v))


def _unique_items(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not bool:
        raise _operand("uniqueItems", where, _BOOLEAN)
    return lambda v: not arg or type(v) is not list or len({value_key(item) for item in v}) == len(v)


def _combinator(keyword: str) -> Callable[[Any, dict, str], Check]:
    def compile_combinator(arg: Any, schema: dict, where: str) -> Check:
        if type(arg) is not list or not arg:
            raise _operand(keyword, where, _SCHEMA_LIST)
        subs = [_compile(sub, f"{where}.{keyword}.{i}".lstrip(".")) for i, sub in enumerate(arg)]
        if keyword == "allOf":
            return lambda v: all(check(v) for check in subs)
        if keyword == "anyOf":
            return lambda v: any(check(v) for check in subs)
        return lambda v: sum(1 for check in subs if check(v)) == 1
    return compile_combinator


def _not(arg: Any, schema: dict, where: str) -> Check:
    sub = _compile(arg, f"{where}.not".lstrip("."))
    return lambda v: not sub(v)


def _dependencies(arg: Any, schema: dict, where: str) -> Check:
    if type(arg) is not dict:
        raise _operand("dependencies", where, _OBJECT)
    rules: list[tuple[str, Check]] = []
    for name, dep in arg.items():
        if type(dep) is list and all(type(d) is str for d in dep):
            rules.append((name, lambda v, dep=dep: all(d in v for d in dep)))
        else:
            rules.append((name, _compile(dep, f"{where}.dependencies.{name}".lstrip("."))))
    return lambda v: type(v) is not dict or all(check(v) for name, check in rules if name in v)


_KEYWORDS: dict[str, Callable[[Any, dict, str], Check]] = {
    "bsonType": _bson_type,
    "type": _json_type,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "patternProperties": _pattern_properties,
    "enum": _enum,
    "minimum": _bound("minimum", "exclusiveMinimum", below=False),
    "maximum": _bound("maximum", "exclusiveMaximum", below=True),
    "multipleOf": _multiple_of,
    "minLength": _count("minLength", str, len, at_most=False),
    "maxLength": _count("maxLength", str, len, at_most=True),
    "pattern": _pattern,
    "items": _items,
    "minItems": _count("minItems", list, len, at_most=False),
    "maxItems": _count("maxItems", list, len, at_most=True),
    "uniqueItems": _unique_items,
    "minProperties": _count("minProperties", dict, len, at_most=False),
    "maxProperties": _count("maxProperties", dict, len, at_most=True),
    "allOf": _combinator("allOf"),
    "anyOf": _combinator("anyOf"),
    "oneOf": _combinator("oneOf"),
    "not": _not,
    "dependencies": _dependencies,
}
