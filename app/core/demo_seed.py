"""Fills a new demo workspace with collections that show the four permission modes and a
collection under security rules (CUSTOM)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.core.database.rules_guard import custom_rules
from app.core.database.transfer import parse_import
from app.core.identity.service import Persona


def seed_database(database, set_mode, personas: list[Persona], folder: Path) -> None:
    """Create each ``database/<name>.jsonl`` collection, owned as its ``{{persona}}`` marks say.

    ``{{学生A}}`` stands for that persona's openid, which depends on the workspace seed, so
    the files can be shared while every workspace gets its own consistent owners.
    ``permissions.json`` gives each collection its mode: a name (``"PRIVATE"``) or, for
    security rules, ``{"mode": "CUSTOM", "rules": {...}}``.
    """
    openids = {f"{{{{{p.name}}}}}": p.openid for p in personas}
    modes = json.loads((folder / "permissions.json").read_text(encoding="utf-8"))
    for path in sorted((folder / "database").glob("*.jsonl")):
        with path.open(encoding="utf-8") as stream:
            parsed = parse_import(stream, "jsonl")
        if parsed.errors:
            raise ValueError(f"bad demo data in {path}: {parsed.errors[0].message}")
        name = path.stem
        database.create_collection(name)
        database.import_documents(
            name, [_fill(doc, openids) for doc in parsed.documents], upsert=False, atomic=True
        )
        mode, rules = _mode(modes.get(name))
        if rules is None:
            set_mode(name, mode)
        else:
            set_mode(name, mode, rules)


def _mode(entry: Any) -> tuple[str | None, dict | None]:
    """A ``permissions.json`` entry as (mode, security rules or None), the rules checked whole."""
    if not isinstance(entry, dict):
        return entry, None
    mode = entry.get("mode")
    return mode, custom_rules(entry.get("rules"), mode, None)


def _fill(value: Any, openids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, openids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, openids) for v in value]
    return openids.get(value, value) if isinstance(value, str) else value


def seed_storage(storage, personas: list[Persona], folder: Path) -> None:
    """Upload ``storage/…`` as the personas ``storage.json`` names, so each file has an owner."""
    from app.core.requests import Caller

    owners = json.loads((folder / "storage.json").read_text(encoding="utf-8"))
    by_name = {p.name: p for p in personas}
    for path, owner in owners.items():
        persona = by_name.get(owner)
        caller = Caller.client(persona.openid, "", persona=persona.name) if persona else Caller.console("seed")
        storage.upload(caller, path, folder / "storage" / path)
