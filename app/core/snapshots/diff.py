"""What differs between two states of an environment (two snapshots, or a snapshot and now).

Documents come in their stored form (Extended JSON, as ``journal.dumps`` writes them), so a date
is ``{"$date": …}`` on both sides and is shown as it is. Per collection: documents added, removed and changed, each change down to the field (dotted
paths, before and after in Extended JSON), and the permission mode or rules; storage files
added, removed and changed (by content hash, owner or content type); personas, the user list
and the settings. Documents are matched by ``_id``; a collection lists at most
``DOCUMENT_LIMIT`` documents, with the full counts beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.database.journal import id_key

DOCUMENT_LIMIT = 200  # documents listed per collection; the counts are always whole
_MISSING = object()
_SETTINGS = ("storage_permission", "storage_rules", "function_presets", "function_runtimes", "triggers_paused")


@dataclass
class State:
    """One side of a diff."""

    label: str
    collections: dict[str, list[dict]]
    storage: dict[str, dict]  # cloudPath -> {sha256, size, owner, contentType}
    workspace: dict  # WorkspaceState.portable()
    auth: dict


def diff_states(before: State, after: State) -> dict:
    collections = []
    modes_a = before.workspace.get("database_permissions", {})
    modes_b = after.workspace.get("database_permissions", {})
    rules_a = before.workspace.get("database_rules", {})
    rules_b = after.workspace.get("database_rules", {})
    totals = {"added": 0, "removed": 0, "changed": 0}
    for name in sorted(set(before.collections) | set(after.collections)):
        entry = {"name": name, **_collection_diff(before.collections.get(name), after.collections.get(name))}
        mode_a, mode_b = modes_a.get(name), modes_b.get(name)
        if mode_a != mode_b and name in before.collections and name in after.collections:
            entry["mode"] = {"before": mode_a, "after": mode_b}
        if rules_a.get(name) != rules_b.get(name) and name in before.collections and name in after.collections:
            entry["rules"] = {"before": rules_a.get(name), "after": rules_b.get(name)}
        if entry["status"] != "same" or "mode" in entry or "rules" in entry:
            if entry["status"] == "same":
                entry["status"] = "changed"
            collections.append(entry)
            for key in totals:
                totals[key] += entry[key]
    storage = _storage_diff(before.storage, after.storage)
    personas = _personas_diff(before.workspace.get("personas", []), after.workspace.get("personas", []))
    users_a = {u["openid"] for u in before.auth.get("users", [])}
    users_b = {u["openid"] for u in after.auth.get("users", [])}
    settings = [{"setting": key, "before": before.workspace.get(key), "after": after.workspace.get(key)}
                for key in _SETTINGS if before.workspace.get(key) != after.workspace.get(key)]
    same = not (collections or any(storage.values()) or any(personas.values()) or users_a != users_b or settings)
    return {
        "from": before.label, "to": after.label, "same": same,
        "summary": {"collections": len(collections), "documentsAdded": totals["added"],
                    "documentsRemoved": totals["removed"], "documentsChanged": totals["changed"],
                    "filesAdded": len(storage["added"]), "filesRemoved": len(storage["removed"]),
                    "filesChanged": len(storage["changed"])},
        "collections": collections,
        "storage": storage,
        "personas": personas,
        "users": {"added": sorted(users_b - users_a), "removed": sorted(users_a - users_b)},
        "settings": settings,
    }


def _collection_diff(docs_a: list[dict] | None, docs_b: list[dict] | None) -> dict:
    status = "added" if docs_a is None else "removed" if docs_b is None else "same"
    by_id_a = {id_key(doc["_id"]): doc for doc in docs_a or ()}
    by_id_b = {id_key(doc["_id"]): doc for doc in docs_b or ()}
    listed: list[dict] = []
    added = removed = changed = 0
    for key, doc in by_id_b.items():
        old = by_id_a.get(key)
        if old is None:
            added += 1
            if len(listed) < DOCUMENT_LIMIT:
                listed.append({"_id": doc["_id"], "change": "added", "document": doc})
        elif old is not doc and old != doc:
            changed += 1
            if len(listed) < DOCUMENT_LIMIT:
                listed.append({"_id": doc["_id"], "change": "changed", "fields": field_diff(old, doc)})
    for key, doc in by_id_a.items():
        if key not in by_id_b:
            removed += 1
            if len(listed) < DOCUMENT_LIMIT:
                listed.append({"_id": doc["_id"], "change": "removed", "document": doc})
    if status == "same" and (added or removed or changed):
        status = "changed"
    return {"status": status, "count": {"before": len(by_id_a), "after": len(by_id_b)},
            "added": added, "removed": removed, "changed": changed,
            "documents": listed, "truncated": added + removed + changed > len(listed)}


def field_diff(old: Any, new: Any, prefix: str = "") -> list[dict]:
    """The fields that differ, by dotted path: nested objects field by field, anything else
    (arrays, values of another type) whole."""
    out: list[dict] = []
    if _is_object(old) and _is_object(new):
        for key in list(old) + [k for k in new if k not in old]:
            a, b = old.get(key, _MISSING), new.get(key, _MISSING)
            if a is _MISSING or b is _MISSING or not _equal(a, b):
                path = f"{prefix}{key}"
                if _is_object(a) and _is_object(b):
                    out.extend(field_diff(a, b, path + "."))
                else:
                    out.append({"path": path, **({} if a is _MISSING else {"before": a}),
                                **({} if b is _MISSING else {"after": b})})
    elif not _equal(old, new):
        out.append({"path": prefix.rstrip("."), "before": old, "after": new})
    return out


def _is_object(value: Any) -> bool:
    """A document's own object, not a wrapped value such as ``{"$date": …}``."""
    return isinstance(value, dict) and not (len(value) == 1 and next(iter(value))[:1] == "$")


def _equal(a: Any, b: Any) -> bool:
    # True and 1 are equal in Python but not in a document.
    return type(a) is type(b) and a == b


def _storage_diff(a: dict[str, dict], b: dict[str, dict]) -> dict:
    changed = []
    for path in sorted(set(a) & set(b)):
        old, new = a[path], b[path]
        what = [key for key in ("sha256", "owner", "contentType") if old.get(key) != new.get(key)]
        if what:
            changed.append({"path": path, "what": ["content" if k == "sha256" else k for k in what],
                            "sizeBefore": old.get("size"), "sizeAfter": new.get("size"),
                            "ownerBefore": old.get("owner"), "ownerAfter": new.get("owner")})
    return {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)), "changed": changed}


def _personas_diff(a: list[dict], b: list[dict]) -> dict:
    by_openid_a = {p["openid"]: p for p in a}
    by_openid_b = {p["openid"]: p for p in b}
    changed = [{"openid": openid, "before": by_openid_a[openid], "after": by_openid_b[openid]}
               for openid in by_openid_a.keys() & by_openid_b.keys() if by_openid_a[openid] != by_openid_b[openid]]
    return {"added": [p["name"] for o, p in by_openid_b.items() if o not in by_openid_a],
            "removed": [p["name"] for o, p in by_openid_a.items() if o not in by_openid_b],
            "changed": sorted(changed, key=lambda c: c["openid"])}
