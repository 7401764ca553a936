"""Stages that reshape each document: ``$project``, ``$addFields`` (``$set``), ``$unset``,
``$replaceRoot`` (``$replaceWith``) and ``$unwind``.

New documents are built copy-on-write: only the objects along a changed path are copied, the
rest is shared with the input (which nobody mutates). An exclusion ``$project`` is
``projection.py``'s find projection; inclusions and computed fields are built here, because
``find`` projections have no expressions.
"""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import fail
from app.core.database.aggregate.expressions import compile_expression
from app.core.database.fieldpaths import Parts
from app.core.database.projection import compile_projection
from app.core.database.values import MISSING, is_number, type_name
from app.core.reasons import Reason

_INCLUDE = True


# -- paths ------------------------------------------------------------------------------------


def field_path(text: Any, what: str | Reason) -> Parts:
    """A dotted output path (``a.b``): no empty parts, no ``$`` at the start of any. ``what``
    names the option (a Reason when it is words rather than an option's name)."""
    if type(text) is not str or not text:
        raise fail(Reason("aggregate.path_empty", "{what} must be a non-empty string", what=what))
    parts = tuple(text.split("."))
    if "" in parts:
        raise fail(Reason("aggregate.path_empty_part", "FieldPath field names may not be empty strings: '{path}'",
                          path=text))
    if any(part.startswith("$") for part in parts):
        raise fail(Reason("aggregate.path_dollar", "FieldPath field names may not start with '$': '{path}'",
                          path=text))
    return parts


def set_field(doc: dict, parts: Parts, value: Any) -> None:
    """Set ``parts`` in ``doc`` (a copy the caller owns); MISSING removes the field.

    Objects on the way are copied; through an array every element gets the field, and a
    scalar element becomes an object holding just it (MongoDB's ``$addFields`` rule).
    """
    key = parts[0]
    if len(parts) == 1:
        if value is MISSING:
            doc.pop(key, None)
        else:
            doc[key] = value
        return
    child = doc.get(key, MISSING)
    if value is MISSING and type(child) not in (dict, list):
        return
    doc[key] = _descend(child, parts[1:], value)


def _descend(child: Any, rest: Parts, value: Any) -> Any:
    if type(child) is list:
        return [_descend(item, rest, value) for item in child]
    copy = dict(child) if isinstance(child, dict) else {}
    set_field(copy, rest, value)
    return copy


def get_plain(doc: dict, parts: Parts) -> Any:
    """The value at a path through objects only (``$unwind`` does not look into arrays)."""
    node: Any = doc
    for part in parts:
        if not isinstance(node, dict):
            return MISSING
        node = node.get(part, MISSING)
    return node


# -- $addFields, $replaceRoot, $unset ---------------------------------------------------------


def _flatten(spec: dict, prefix: Parts) -> list[tuple[Parts, Any]]:
    """Nested plain objects become dotted paths; an operator object is one expression."""
    pairs = []
    for key, value in spec.items():
        parts = prefix + field_path(key, Reason("aggregate.what_field_name", "a field name"))
        if type(value) is dict and value and not next(iter(value)).startswith("$"):
            pairs.extend(_flatten(value, parts))
        else:
            pairs.append((parts, value))
    return pairs


def add_fields(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.add_fields_not_object", "$addFields specification stage must be an object, "
                          "got {type}", type=type_name(value)))
    if not value:
        raise fail(Reason("aggregate.add_fields_empty", "$addFields specification must have at least one field"))
    fields = [(parts, compile_expression(spec)) for parts, spec in _flatten(value, ())]
    _check_collisions([parts for parts, _ in fields])

    def run(docs: list, variables: dict) -> list:
        out = []
        for doc in docs:
            # Every expression sees the input document, not the fields set before it.
            values = [(parts, expr(doc, variables)) for parts, expr in fields]
            new = dict(doc)
            for parts, computed in values:
                set_field(new, parts, computed)
            out.append(new)
        return out

    return run


def replace_root(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.replace_root_not_object", "expected an object as specification for "
                          "$replaceRoot stage, got {type}", type=type_name(value)))
    for key in value:
        if key != "newRoot":
            raise fail(Reason("aggregate.replace_root_option", "unrecognized option to $replaceRoot stage: {key}, "
                              "only valid option is 'newRoot'.", key=key))
    if "newRoot" not in value:
        raise fail(Reason("aggregate.replace_root_missing", "no newRoot specified for the $replaceRoot stage"))
    return replace_with(value["newRoot"])


def replace_with(spec: Any) -> Stage:
    new_root = compile_expression(spec)

    def run(docs: list, variables: dict) -> list:
        out = []
        for doc in docs:
            root = new_root(doc, variables)
            if not isinstance(root, dict):
                raise fail(Reason("aggregate.new_root_not_object", "'newRoot' expression must evaluate to an "
                                  "object, but resulting value was: {value}. Type of resulting value: '{type}'. "
                                  "Input document: {document}", value="MISSING" if root is MISSING else repr(root),
                                  type=type_name(root), document=_short(doc)))
            out.append(root)
        return out

    return run


def unset(value: Any) -> Stage:
    names = [value] if type(value) is str else value
    if type(names) is not list or not names or any(type(name) is not str for name in names):
        raise fail(Reason("aggregate.unset_spec", "$unset specification must be a string or an array of strings"))
    return project({name: 0 for name in names})


# -- $project ---------------------------------------------------------------------------------


def project(value: Any) -> Stage:
    if type(value) is not dict:
        raise fail(Reason("aggregate.project_not_object", "$project specification must be an object, got {type}",
                          type=type_name(value)))
    if not value:
        raise fail(Reason("aggregate.project_empty", "Invalid $project :: caused by :: projection specification "
                          "must have at least one field"))
    includes, excludes, computed = [], [], []
    keep_id = True
    for parts, spec in _flatten_projection(value, ()):
        if type(spec) is bool or is_number(spec):
            if parts == ("_id",):
                keep_id = bool(spec)
                if spec:
                    includes.append(parts)
            else:
                (includes if spec else excludes).append(parts)
        else:
            computed.append((parts, compile_expression(spec)))
    _check_collisions([parts for parts, _ in computed] + includes + excludes)
    inclusive = computed or [parts for parts in includes if parts != ("_id",)]
    if excludes and inclusive:
        if computed:
            raise fail(Reason("aggregate.project_expression_in_exclusion", "Invalid $project :: caused by :: "
                              "Cannot use expression other than $meta in exclusion projection"))
        raise fail(Reason("aggregate.project_exclusion_in_inclusion", "Invalid $project :: caused by :: Cannot do "
                          "exclusion on field {field} in inclusion projection", field=".".join(excludes[0])))
    if excludes or not (inclusive or includes):  # `{_id: 0}` alone, or `_id: 1` beside exclusions
        spec = {".".join(parts): 0 for parts in excludes}
        if not keep_id:
            spec["_id"] = 0
        return _each(compile_projection(spec))
    tree: dict = {}
    for parts in includes:
        _plant(tree, parts, _INCLUDE)
    for parts, expr in computed:
        _plant(tree, parts, expr)
    if keep_id and "_id" not in tree:
        tree["_id"] = _INCLUDE
    node = _Node(tree)
    return lambda docs, variables: [node.apply(doc, doc, variables) for doc in docs]


def _flatten_projection(spec: dict, prefix: Parts) -> list[tuple[Parts, Any]]:
    pairs = []
    for key, value in spec.items():
        parts = prefix + field_path(key, Reason("aggregate.what_project_field", "a field name in $project"))
        if type(value) is dict and not value:
            raise fail(Reason("aggregate.project_empty_object", "An empty sub-projection is not a valid value. "
                              "Found empty object at path {path}", path=".".join(parts)))
        if type(value) is dict and not next(iter(value)).startswith("$"):
            pairs.extend(_flatten_projection(value, parts))
        else:
            pairs.append((parts, value))
    return pairs


def _plant(tree: dict, parts: Parts, leaf: Any) -> None:
    for part in parts[:-1]:
        tree = tree.setdefault(part, {})
    tree[parts[-1]] = leaf


class _Node:
    """One object level of an inclusion projection: included names, sub-levels, computed fields."""

    __slots__ = ("kept", "computed", "has_computed")

    def __init__(self, tree: dict) -> None:
        self.kept: dict[str, Any] = {}
        self.computed: list[tuple[str, Any]] = []
        for name, leaf in tree.items():
            if leaf is _INCLUDE:
                self.kept[name] = _INCLUDE
            elif type(leaf) is dict:
                child = _Node(leaf)
                self.kept[name] = child
                if child.has_computed:
                    self.computed.append((name, child))
            else:
                self.computed.append((name, leaf))
        self.has_computed = bool(self.computed)

    def apply(self, value: dict, root: dict, variables: dict) -> dict:
        out = {}
        kept = self.kept
        for name, item in value.items():
            rule = kept.get(name)
            if rule is _INCLUDE:
                out[name] = item
            elif rule is not None and type(item) in (dict, list):
                out[name] = rule.nested(item, root, variables)
        for name, rule in self.computed:
            if type(rule) is _Node:
                if name not in out:  # missing or a scalar: an object of the computed fields alone
                    out[name] = rule.apply({}, root, variables)
            else:
                result = rule(root, variables)
                if result is not MISSING:
                    out[name] = result
        return out

    def nested(self, item: Any, root: dict, variables: dict) -> Any:
        if isinstance(item, dict):
            return self.apply(item, root, variables)
        # Through arrays: objects are projected, scalars dropped (or replaced by the computed
        # fields alone, when there are some), as MongoDB does.
        out = []
        for element in item:
            if isinstance(element, dict) or type(element) is list:
                out.append(self.nested(element, root, variables))
            elif self.has_computed:
                out.append(self.apply({}, root, variables))
        return out


def _each(projector) -> Stage:
    return lambda docs, variables: [projector(doc) for doc in docs]


def _check_collisions(paths: list[Parts]) -> None:
    ordered = sorted(paths)
    for before, after in zip(ordered, ordered[1:]):
        if after[: len(before)] == before:
            raise fail(Reason("aggregate.path_collision", "Invalid specification :: caused by :: Path collision at "
                              "{path}", path=".".join(after)))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
