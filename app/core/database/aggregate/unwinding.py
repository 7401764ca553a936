"""``$unwind``: one output document per element of an array field.

By default documents whose field is missing, null or an empty array are dropped; with
``preserveNullAndEmptyArrays`` they pass (an empty array's field removed, as MongoDB does;
spec §10 #7), and a scalar counts as a one-element array. The path goes through objects only.

Before a stage that only reads a known set of fields (``pipeline`` works that out), outputs
carry just those fields; before a ``$group`` they are streamed as one reused object instead of
being built at all, since the group keeps values, never the documents (an $unwind of 100k
three-tag documents would otherwise build 300k objects).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.core.database.aggregate.basic import Stage
from app.core.database.aggregate.core import check_budget, fail
from app.core.database.aggregate.shaping import field_path, get_plain, set_field
from app.core.database.fieldpaths import Parts
from app.core.database.values import MISSING, type_name
from app.core.reasons import Reason


def unwind(value: Any, keep: set[str] | None = None, stream: bool = False) -> Stage:
    """``$unwind``; ``keep`` (the fields the next stage reads) trims each output, and ``stream``
    (the next stage reads each document once and keeps none) reuses one output object."""
    if type(value) is str:
        spec: dict = {"path": value}
    elif type(value) is dict:
        spec = value
        for key in spec:
            if key not in ("path", "includeArrayIndex", "preserveNullAndEmptyArrays"):
                raise fail(Reason("aggregate.unwind_option", "unrecognized option to $unwind stage: {key}", key=key))
    else:
        raise fail(Reason("aggregate.unwind_spec", "expected either a string or an object as specification for "
                          "$unwind stage, got {type}", type=type_name(value)))
    path = spec.get("path")
    if path is None:
        raise fail(Reason("aggregate.unwind_no_path", "no path specified to $unwind stage"))
    if type(path) is not str or not path.startswith("$"):
        raise fail(Reason("aggregate.unwind_path", "path option to $unwind stage should be prefixed with a '$': "
                          "{path}", path=repr(path)))
    parts = field_path(path[1:], Reason("aggregate.what_unwind_path", "the $unwind path"))
    index = spec.get("includeArrayIndex")
    index_parts = None
    if index is not None:
        if type(index) is not str or index.startswith("$"):
            raise fail(Reason("aggregate.unwind_index", "includeArrayIndex option to $unwind stage should not be "
                              "prefixed with a '$': {index}", index=repr(index)))
        index_parts = field_path(index, "includeArrayIndex")
    preserve = spec.get("preserveNullAndEmptyArrays", False)
    if type(preserve) is not bool:
        raise fail(Reason("aggregate.unwind_preserve", "expected a boolean for the preserveNullAndEmptyArrays "
                          "option to $unwind stage, got {type}", type=type_name(preserve)))
    unwinder = _Unwinder(parts, index_parts, preserve, None if keep is None else tuple(keep))
    if stream and keep is not None and len(parts) == 1 and (index_parts is None or len(index_parts) == 1):
        return unwinder.stream
    return unwinder.run


class _Unwinder:
    """One ``$unwind``; ``kept`` (when set) are the only fields its outputs need besides the path."""

    __slots__ = ("parts", "index", "preserve", "kept")

    def __init__(self, parts: Parts, index: Parts | None, preserve: bool, kept: tuple | None) -> None:
        self.parts, self.index, self.preserve, self.kept = parts, index, preserve, kept

    def run(self, docs: list, variables: dict) -> list:
        parts, index, kept = self.parts, self.index, self.kept
        field = parts[0]
        out: list = []
        for n, doc in enumerate(docs):
            if not n % 1024:
                check_budget()
            array = doc.get(field, MISSING) if len(parts) == 1 else get_plain(doc, parts)
            base = doc if kept is None else {name: doc[name] for name in kept if name in doc}
            if type(array) is list and array:
                for position, item in enumerate(array):
                    new = dict(base)
                    set_field(new, parts, item)
                    if index is not None:
                        set_field(new, index, position)
                    out.append(new)
                continue
            empty = type(array) is list or array is None or array is MISSING
            if empty and not self.preserve:
                continue
            new = dict(base)
            if type(array) is list:  # an empty array: the field goes
                set_field(new, parts, MISSING)
            elif not empty:  # a scalar is a one-element array
                set_field(new, parts, array)
            if index is not None:
                set_field(new, index, None)
            out.append(new)
        return out

    def stream(self, docs: list, variables: dict) -> Iterator[dict]:
        return self._views(docs)

    def _views(self, docs: list) -> Iterator[dict]:
        """The outputs as one object changed in place between yields (top-level paths only)."""
        field, kept = self.parts[0], self.kept or ()
        index = self.index[0] if self.index is not None else None
        shared: dict = {}
        bare = set(kept) <= {field, index}  # nothing to copy per document: one object for all
        for n, doc in enumerate(docs):
            if not n % 1024:
                check_budget()
            array = doc.get(field, MISSING)
            view = shared if bare else {name: doc[name] for name in kept if name in doc}
            if type(array) is list and array:
                if index is None:
                    for item in array:
                        view[field] = item
                        yield view
                else:
                    for position, item in enumerate(array):
                        view[field] = item
                        view[index] = position
                        yield view
                continue
            if type(array) is list or array is None or array is MISSING:
                if not self.preserve:
                    continue
                if array is None:
                    view[field] = None
                else:
                    view.pop(field, None)
            else:
                view[field] = array
            if index is not None:
                view[index] = None
            yield view
