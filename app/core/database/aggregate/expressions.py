"""Compile aggregation expressions (``db.command.aggregate``, ``$``) into closures, once.

``compile_expression(spec)`` gives ``expr(doc, variables) -> value`` (see ``core``). Field
paths (``'$a.b'``) map over arrays as MongoDB does; ``'$$name'`` reads a variable; objects
without ``$`` keys build documents; ``$literal`` and ``$let`` are handled here and every other
operator comes from the family modules' tables.
"""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate import (
    accumulators,
    arithmetic,
    arrays,
    dates,
    iterating,
    logic,
    objects,
    sets,
    strings,
    types,
)
from app.core.database.aggregate.core import Builder, Expr, check_variable_name, constant, fail, now, options
from app.core.database.failures import invalid_command
from app.core.database.values import MISSING
from app.core.reasons import Reason

OPERATORS: dict[str, Builder] = {
    **logic.OPERATORS,
    **arithmetic.OPERATORS,
    **arrays.OPERATORS,
    **iterating.OPERATORS,
    **strings.OPERATORS,
    **sets.OPERATORS,
    **objects.OPERATORS,
    **types.OPERATORS,
    **dates.OPERATORS,
    **accumulators.EXPRESSIONS,
}
# Operators of db.command.aggregate whose backend feature wxsim does not have.
UNSUPPORTED = {
    "$meta": Reason("expr.meta_unsupported", "text search scores ($meta) need a text index, which wxsim does not have"),
}


def compile_expression(spec: Any) -> Expr:
    """The closure computing ``spec`` for a document; CloudErrors for malformed specs."""
    kind = type(spec)
    if kind is str:
        return _path(spec) if spec.startswith("$") else constant(spec)
    if kind is list:
        items = [compile_expression(item) for item in spec]
        # A missing value inside an array literal becomes null (Mongo).
        return lambda doc, v: [None if (value := item(doc, v)) is MISSING else value for item in items]
    if kind is dict:
        return _object(spec)
    return constant(spec)


def _object(spec: dict) -> Expr:
    keys = list(spec)
    if keys and keys[0].startswith("$"):
        if len(keys) != 1:
            raise fail(Reason("expr.object_many_operators", "an expression specification must contain exactly one "
                              "field, the name of the expression. Found {count} fields in {spec}",
                              count=len(keys), spec=_show(spec)))
        return _operator(keys[0], spec[keys[0]])
    for key in keys:
        if key.startswith("$"):
            raise fail(Reason("expr.object_dollar_field", "FieldPath field names may not start with '$': '{key}' "
                              "(an object is either an expression, with one $-operator key, or a document of "
                              "fields)", key=key))
        if "." in key:
            raise fail(Reason("expr.object_dotted_field", "FieldPath field names may not contain '.': '{key}'",
                              key=key))
    fields = [(key, compile_expression(value)) for key, value in spec.items()]

    def build(doc: Any, v: dict) -> dict:
        out = {}
        for key, field in fields:
            value = field(doc, v)
            if value is not MISSING:
                out[key] = value
        return out

    return build


def _operator(name: str, argument: Any) -> Expr:
    if name == "$literal":
        return constant(argument)
    if name == "$let":
        return _let(argument)
    builder = OPERATORS.get(name)
    if builder is None:
        if name in UNSUPPORTED:
            raise invalid_command(Reason("expr.operator_unsupported", "{name} is not supported by wxsim: {why}",
                                         name=name, why=UNSUPPORTED[name]))
        raise invalid_command(Reason("expr.operator_unknown", "Unrecognized expression '{name}'", name=name))
    return builder(argument, compile_expression, name)


def _let(argument: Any) -> Expr:
    spec = options("$let", argument, ("vars", "in"))
    if type(spec["vars"]) is not dict:
        raise fail(Reason("expr.let_vars_not_object", "invalid parameter: expected an object (vars)"))
    bindings = [(check_variable_name(name), compile_expression(value)) for name, value in spec["vars"].items()]
    body = compile_expression(spec["in"])

    def run(doc: Any, v: dict) -> Any:
        # Every binding sees the outer scope only, as in Mongo.
        inner = dict(v)
        for name, value in bindings:
            inner[name] = value(doc, v)
        return body(doc, inner)

    return run


def _path(spec: str) -> Expr:
    if spec.startswith("$$"):
        return _variable(spec[2:])
    if spec == "$":
        raise fail(Reason("expr.path_dollar_alone", "'{path}' by itself is not a valid FieldPath", path="$"))
    parts = tuple(spec[1:].split("."))
    if "" in parts:
        raise fail(_empty_field(spec))
    if any(part.startswith("$") for part in parts):
        raise fail(Reason("expr.path_dollar_field", "FieldPath field names may not start with '$': '{path}'",
                          path=spec))
    if len(parts) == 1:
        (field,) = parts

        def top(doc: Any, v: dict) -> Any:
            return doc.get(field, MISSING)

        top.field = field  # type: ignore[attr-defined]  # lets stages take a faster route
        return top
    return lambda doc, v: follow(doc, parts)


def _variable(text: str) -> Expr:
    name, _, rest = text.partition(".")
    if not name:
        raise fail(Reason("expr.path_dollar_alone", "'{path}' by itself is not a valid FieldPath", path="$$"))
    parts = tuple(rest.split(".")) if rest else ()
    if "" in parts:
        raise fail(_empty_field(f"$${text}"))
    if name in ("ROOT", "CURRENT"):
        return (lambda doc, v: follow(doc, parts)) if parts else (lambda doc, v: doc)
    if name == "REMOVE":
        return lambda doc, v: MISSING
    if name == "NOW":
        return (lambda doc, v: follow(now(v), parts)) if parts else (lambda doc, v: now(v))
    if name[0].isupper() and name.isascii():
        raise invalid_command(Reason("expr.system_variable_unsupported", "the system variable $${name} is not "
                                     "supported by wxsim", name=name))
    check_variable_name(name)

    def read(doc: Any, v: dict) -> Any:
        try:
            value = v[name]
        except KeyError:
            raise fail(Reason("expr.undefined_variable", "Use of undefined variable: {name}", name=name)) from None
        return follow(value, parts) if parts else value

    return read


def _empty_field(path: str) -> Reason:
    return Reason("expr.path_empty_field", "FieldPath field names may not be empty strings: '{path}'", path=path)


def follow(node: Any, parts: tuple[str, ...]) -> Any:
    """Aggregation path semantics: an array maps the rest of the path over its elements.

    Numeric segments are field names here, never indexes (unlike queries); elements that are
    neither objects nor arrays are skipped, nested arrays give nested results.
    """
    for i, part in enumerate(parts):
        if isinstance(node, dict):  # the root may be a dict subclass
            node = node.get(part, MISSING)
        elif type(node) is list:
            found = (follow(item, parts[i:]) for item in node if type(item) in (dict, list))
            return [value for value in found if value is not MISSING]
        else:
            return MISSING
    return node


def referenced_fields(spec: Any) -> set[str] | None:
    """The top-level fields an expression reads, or None when it reads the whole document.

    Over-approximates (a string option such as a format is never a field, but a ``'$x'``
    anywhere counts), which is safe for the one use: trimming documents for a later stage.
    """
    found: set[str] = set()
    return found if _collect(spec, found) else None


def _collect(spec: Any, found: set[str]) -> bool:
    kind = type(spec)
    if kind is str:
        if spec.startswith("$$"):
            name = spec[2:].partition(".")[0]
            return name not in ("ROOT", "CURRENT")
        if spec.startswith("$"):
            found.add(spec[1:].partition(".")[0])
        return True
    if kind is list:
        return all(_collect(item, found) for item in spec)
    if kind is dict:
        if len(spec) == 1 and "$literal" in spec:
            return True
        return all(_collect(value, found) for value in spec.values())
    return True


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

