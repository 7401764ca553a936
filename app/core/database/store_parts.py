"""Small pieces of the document store (``store.py``): its duplicate-_id error and the GC pause."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class DuplicateIdError(Exception):
    """An insert would give two documents the same ``_id``; nothing was written."""

    def __init__(self, doc_id: Any) -> None:
        self.doc_id = doc_id
        super().__init__(f"duplicate _id: {doc_id!r}")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block without the cyclic collector: parsing 100k documents (or an aggregation's
    stages) makes ~500k containers and none cycles, yet the collector would rescan the growing
    heap again and again (a third of the load time). Reference counting still frees everything;
    only the block that turned it off turns it back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
