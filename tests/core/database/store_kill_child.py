"""Child of test_store_kill: writes to a DocumentStore in a loop until it is killed.

    python store_kill_child.py DB_DIR FIRST_OP SEED BACKGROUND(0|1) COMPACT_AFTER_BYTES

Prints one JSON line per event, flushed: ``{"ready": true}`` once the store is open, then per
operation ``{"intent": n, "op": {...}}`` before the store call and ``{"ack": n}`` after it
returned. ``op`` says exactly what the call does (documents in Extended JSON; a ``blob`` field,
"x" repeated, is printed as its length), so the parent can keep its own model of what must be
on disk. One operation in ten writes a record of hundreds of KB: a write() that long is the
kind a SIGKILL can cut short, which exercises the torn-record path.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.database.ejson import to_ejson
from app.core.database.store import DocumentStore, DuplicateIdError

FIXED = ("a", "b", "big")
TEMPORARY = "tmp"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def new_doc(rng: random.Random, n: int, doc_id) -> dict:
    return {
        "_id": doc_id,
        "n": n,
        "at": EPOCH + timedelta(milliseconds=n),
        "pad": "数据" * rng.randint(0, 120),
        "tags": [n % 7, str(n % 5)],
    }


def choose(rng: random.Random, store: DocumentStore, n: int) -> dict:
    """One operation, chosen from what is in the store now."""
    for name in FIXED:
        if not store.has_collection(name):
            return {"k": "create", "c": name}
    if rng.random() < 0.1:
        # A record of many pages: the one kind of write() a SIGKILL can cut short mid-way.
        big = {"_id": f"big{n}", "n": n, "blob": "x" * rng.randint(200_000, 800_000)}
        ops = [{"k": "insert", "c": "big", "docs": [big]}]
        old = [d["_id"] for d in store.documents("big")]
        return {
            "k": "batch",
            "ops": ops + ([{"k": "remove", "c": "big", "ids": old}] if old else []),
        }
    name = rng.choice(("a", "b") + ((TEMPORARY,) if store.has_collection(TEMPORARY) else ()))
    docs = store.documents(name)
    doc_id = n if n % 3 == 0 else f"d{n}"  # int and str _ids both
    roll = rng.random()
    if roll < 0.05:
        return {"k": "drop" if store.has_collection(TEMPORARY) else "create", "c": TEMPORARY}
    if roll < 0.10 and docs:
        return {"k": "duplicate", "c": name, "docs": [new_doc(rng, n, docs[0]["_id"])]}
    if roll < 0.20:
        others = [c for c in ("a", "b") if c != name]
        ops = [
            {"k": "insert", "c": name, "docs": [new_doc(rng, n, doc_id)]},
            {"k": "insert", "c": others[0], "docs": [new_doc(rng, n, f"b{n}")]},
        ]
        if docs:
            ops.append(
                {"k": "replace", "c": name, "docs": [new_doc(rng, n, rng.choice(docs)["_id"])]}
            )
            ops.append({"k": "remove", "c": name, "ids": [rng.choice(docs)["_id"]]})
        return {"k": "batch", "ops": ops}
    if docs and (roll < 0.45 or len(docs) > 150):
        picked = rng.sample(docs, min(len(docs), rng.randint(1, 4)))
        if roll < 0.30:
            return {"k": "replace", "c": name, "docs": [new_doc(rng, n, d["_id"]) for d in picked]}
        return {"k": "remove", "c": name, "ids": [d["_id"] for d in picked]}
    many = rng.randint(1, 3)
    return {
        "k": "insert",
        "c": name,
        "docs": [new_doc(rng, n, doc_id if i == 0 else f"m{n}-{i}") for i in range(many)],
    }


def printable(value):
    """The op as printed: a big ``blob`` string is sent as its length (the parent expands it)."""
    if isinstance(value, dict):
        return {k: len(v) if k == "blob" else printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


def perform(store: DocumentStore, op: dict) -> None:
    kind = op["k"]
    if kind == "batch":
        with store.batch():
            for sub in op["ops"]:
                perform(store, sub)
    elif kind == "create":
        store.create_collection(op["c"])
    elif kind == "drop":
        store.drop_collection(op["c"])
    elif kind == "insert":
        store.insert(op["c"], op["docs"])
    elif kind == "replace":
        store.replace(op["c"], op["docs"])
    elif kind == "remove":
        store.remove(op["c"], op["ids"])
    elif kind == "duplicate":
        try:
            store.insert(op["c"], op["docs"])
        except DuplicateIdError:
            return
        raise AssertionError("a duplicate _id was accepted")


def main() -> None:
    folder, first, seed, background, compact = sys.argv[1:]
    store = DocumentStore(
        Path(folder), compact_after_bytes=int(compact), background=background == "1"
    )
    rng = random.Random(int(seed))
    say({"ready": True})
    n = int(first)
    while True:
        op = choose(rng, store, n)
        say({"intent": n, "op": printable(to_ejson(op))})
        perform(store, op)
        say({"ack": n})
        n += 1


if __name__ == "__main__":
    main()
