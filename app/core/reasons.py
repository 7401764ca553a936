"""What core has to say to a person, as a message id and its parameters.

Core speaks English (the CLI, the logs, ``events.jsonl``); the app speaks the person's language.
So a reason or a validation error is a ``Reason``: a stable ``id`` (``"persona.name_taken"``),
the English ``template`` it renders with, and the ``params`` that fill it. ``str()`` of an error
built from a Reason is exactly the English text, so the CLI and the gateway say what they always
said; the UI looks the id up in its own catalog (``app/ui/reason_texts``) and fills the same
params. A test checks that every id used in core has a Chinese text with the same placeholders.

A param may itself be a Reason (a line number around a JSON error, say): it is rendered in the
same language as the text around it.
"""

from __future__ import annotations

import string
from typing import Any

_FORMATTER = string.Formatter()


class Reason:
    """A message id, its English template and the values that fill it."""

    __slots__ = ("id", "template", "params")

    def __init__(self, id: str, template: str, **params: Any) -> None:  # noqa: A002 (the message id)
        self.id = id
        self.template = template
        self.params = params

    @property
    def text(self) -> str:
        """The English text (CLI, logs, events.jsonl)."""
        return self.render(lambda reason: reason.template)

    def render(self, template_of) -> str:
        """The text in another language: ``template_of(reason)`` gives each reason's template
        (nested reasons included); unknown placeholders are left as written."""
        values = {
            name: value.render(template_of) if isinstance(value, Reason) else value
            for name, value in self.params.items()
        }
        return _fill(template_of(self), values)

    def to_dict(self) -> dict:
        """JSON for the event log and the attach link; ``from_dict`` reads it back."""
        return {
            "id": self.id,
            "template": self.template,
            "params": {k: v.to_dict() if isinstance(v, Reason) else _plain(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Reason | None:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return None
        params = {
            k: (cls.from_dict(v) if isinstance(v, dict) and "id" in v and "template" in v else v)
            for k, v in (data.get("params") or {}).items()
        }
        return cls(data["id"], str(data.get("template", "")), **params)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Reason({self.id!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reason) and (self.id, self.params) == (other.id, other.params)

    def __hash__(self) -> int:
        return hash(self.id)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses (the catalog test compares languages by them)."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _fill(template: str, values: dict) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template  # a translation that names another param shows its words, not a crash


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)
