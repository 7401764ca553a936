"""Index definitions (``IndexSpec``) and the errors indexes give (``indexes.py`` keeps the entries)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.database.values import RANK_MISSING, RANK_NULL
from app.core.errors import CloudError
from app.core.reasons import Reason

ID_INDEX = "_id_"
MAX_INDEXES = 20  # per collection, _id_ included (spec §3.11: "10 (old quota; later 20)")
NULL = (RANK_NULL,)
EMPTY = (RANK_MISSING,)  # an empty array: sorts below null, as ``ordering`` sorts it


@dataclass(frozen=True)
class IndexSpec:
    name: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False

    def to_json(self) -> dict:
        return {"name": self.name, "keys": [{"field": f, "direction": d} for f, d in self.keys],
                "unique": self.unique}

    def listed(self) -> dict:
        return {**self.to_json(), "builtin": False}

    @classmethod
    def from_json(cls, raw: dict) -> "IndexSpec":
        return cls(str(raw["name"]), tuple((str(k["field"]), int(k["direction"])) for k in raw["keys"]),
                   bool(raw.get("unique", False)))


ID_SPEC = {"name": ID_INDEX, "keys": [{"field": "_id", "direction": 1}], "unique": True, "builtin": True}


def default_name(keys: Iterable[tuple[str, int]]) -> str:
    """MongoDB's name for an index: ``field_1_other_-1``."""
    return "_".join(f"{field}_{direction}" for field, direction in keys)


class DuplicateKeyError(CloudError):
    """A write (or a unique index's build) would give two documents one key of a unique index."""

    def __init__(self, collection: str, index: str, shown: str) -> None:
        super().__init__(-502001, Reason(
            "database.index_duplicate_key", "E11000 duplicate key error collection: {collection} index: {index} "
            "dup key: {{ {key} }}", collection=collection, index=index, key=shown))
        self.index = index


def parallel_arrays(first: str, second: str) -> CloudError:
    return CloudError(-502001, Reason("database.index_parallel_arrays", "cannot index parallel arrays [{first}] "
                                      "[{second}]", first=first, second=second))


def show_key(key: tuple) -> str:
    """A key as MongoDB's duplicate-key message writes its value."""
    rank = key[0]
    if key == NULL:
        return "null"
    if key == EMPTY:
        return "undefined"
    if rank == 4:
        return json.dumps(key[1], ensure_ascii=False)
    if rank == 3:
        return "NaN" if len(key) == 2 else repr(key[2])
    if rank == 9:
        return "true" if key[1] else "false"
    if rank == 10:
        return f'new Date({int(key[1].timestamp() * 1000)})'
    if rank == 8:
        return f"ObjectId('{key[1].hex()}')"
    return repr(key[1:])
