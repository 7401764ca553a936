"""How large and how deep one stored document may be (spec §3.11), checked as it is stored.

The measure is the document's compact JSON in UTF-8, exactly the bytes the journal and the
collection files hold (dates as ``{"$date": …}``). The real service measures BSON; we take
the JSON because it is what wxsim keeps on disk and in memory, it exists for every value
the engine holds (BSON has no integers past 64 bits), and the journal computes it anyway, so
checking costs nothing extra. The two differ a little: BSON spends a type byte and a name
terminator per field, and more on arrays of small numbers; a document right at the limit may
fit here and not in the cloud. Depth counts each object or array of that JSON as a level, so
a date or regex at the very bottom counts as one more.

Every write passes here (the store encodes each inserted or replaced document through
:func:`stored_form`), so no entry point can get around it: inserts, ``set``, updates whose
result grows, imports, transactions, code in functions.
"""

from __future__ import annotations

from app.core import jsontext
from app.core.errors import CloudError
from app.core.reasons import Reason

# MongoDB's BSONObjMaxUserSize: 16 MiB ("A single document is ≤ 16 MB", spec §3.11).
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_DEPTH = jsontext.MAX_DEPTH


def stored_form(text: str, *, update: bool) -> bytes:
    """``text`` (one document's JSON, as stored) in UTF-8, or the CloudError refusing it.

    ``update`` says the document replaces an existing one (update, set, upsert import), which
    MongoDB words differently from an insert.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise CloudError(-501007, Reason("database.lone_surrogate", "a string holds half of a UTF-16 surrogate "
                                         "pair (like {example}), which is not text and cannot be stored",
                                         example="\\ud800")) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_large(len(data), update=update)
    # Fewer brackets than the limit cannot nest deeper: most documents skip the scan.
    if text.count("{") + text.count("[") > MAX_DEPTH and jsontext.nesting(text)[0] > MAX_DEPTH:
        raise too_deep(update=update)
    return data


def too_large(size: int, *, update: bool) -> CloudError:
    """MongoDB's own words for a document over 16 MB (insert.cpp and the update stage)."""
    if update:
        return CloudError(-502001, Reason("database.update_too_large", "Resulting document after update is larger "
                                          "than {limit}", limit=MAX_DOCUMENT_BYTES))
    return CloudError(-502001, Reason("database.insert_too_large", "object to insert too large. size in bytes: "
                                      "{size}, max size: {limit}", size=size, limit=MAX_DOCUMENT_BYTES))


def too_deep(*, update: bool) -> CloudError:
    """MongoDB's words for nesting past the limit (insert.cpp validateDepth)."""
    verb = Reason("database.verb_update_document", "update") if update else Reason("database.verb_insert", "insert")
    return CloudError(-502001, Reason("database.too_deep", "cannot {verb} document because it exceeds {depth} "
                                      "levels of nesting", verb=verb, depth=MAX_DEPTH))


def not_finite() -> CloudError:
    """A NaN or infinity reached a write (e.g. ``_.mul`` overflowed): JSON cannot hold it."""
    return CloudError(-501007, Reason("database.not_finite", "a number is NaN or Infinity, which JSON cannot hold "
                                      "and wxsim does not store; use null or a finite number"))
