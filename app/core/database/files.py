"""Console operations shared by the database pane and ``wxsim db``: import and export files."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from app.core.database import ejson
from app.core.database.service import DatabaseService
from app.core.database.store import gc_paused
from app.core.database.transfer import CheckedDocuments, LineError, export_documents, parse_import
from app.core.errors import InputError
from app.core.events import clip
from app.core.reasons import Reason
from app.core.requests import Caller, Request

Format = Literal["jsonl", "csv"]
Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: counts, the bad lines, and the ids that already existed."""

    inserted: int = 0
    replaced: int = 0
    line_errors: list[LineError] = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    created: bool = False  # the collection did not exist and the import made it

    @property
    def imported_anything(self) -> bool:
        return bool(self.inserted or self.replaced)


def unknown_format(given: object) -> Reason:
    return Reason("database.unknown_format", "Unknown format {given}: use jsonl or csv.", given=repr(given))


def format_of(path: Path, given: str | None = None) -> Format:
    """The file format: as given, else from the extension (.csv → CSV, else JSON Lines)."""
    if given:
        if given not in ("jsonl", "csv"):
            raise InputError(unknown_format(given))
        return given  # type: ignore[return-value]
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def import_file(
    handle: Callable[[Request], dict],
    collection: str,
    path: Path,
    *,
    fmt: Format,
    upsert: bool,
    atomic: bool,
    source: str,
    progress: Progress = None,
    create: bool = False,
) -> ImportOutcome:
    """Parse ``path`` and import it as admin; with ``atomic`` any bad line imports nothing.

    With ``create`` a missing collection is made together with the documents, never before
    them: a refused or interrupted import leaves no empty collection.
    """
    try:
        # 100k documents are ~500k new containers, none of them garbage: no collector passes.
        with path.open(encoding="utf-8", newline="") as stream, gc_paused():
            parsed = parse_import(stream, fmt, progress=progress)
    except OSError as exc:
        raise InputError(Reason("database.file_unreadable", "Cannot read {path}: {error}", path=str(path),
                                error=exc.strerror or str(exc))) from None
    if parsed.errors and atomic:
        return ImportOutcome(line_errors=parsed.errors)
    params = {
        "collectionName": collection,
        "documents": _handed_over(parsed.documents),
        "conflict": "upsert" if upsert else "insert",
        "atomic": atomic,
        "createCollection": create,
    }
    with gc_paused():
        report = handle(Request("database.importDocuments", params, Caller.console(source)))
    return ImportOutcome(report["inserted"], report["replaced"], parsed.errors, report["conflicts"],
                         report.get("created", False))


def _handed_over(docs: list[dict]) -> list:
    """A big import's documents as they are (``CheckedDocuments``: no EJSON text and back); a
    smaller one's as EJSON, as before. The event log keeps a request's params whole up to 64k
    characters, so only imports it shows as a clipped preview travel unconverted (whose preview
    then spells dates and ObjectIds as Python does)."""
    if len(docs) > 256 and "$clipped" in clip(docs[:1000]):
        return CheckedDocuments(docs)
    return [ejson.to_ejson(doc, object_ids=True) for doc in docs]


def export_file(
    service: DatabaseService,
    collection: str,
    out_path: Path | None,
    out_stream=None,
    *,
    fmt: Format,
    fields: list[str] | None,
    docs: list[dict] | None = None,
    progress: Progress = None,
) -> int:
    """Write the collection (or ``docs``, e.g. a query's result) in the console's format."""
    rows = docs if docs is not None else service.browse(collection)
    if out_path is None:
        return export_documents(rows, fmt, out_stream, fields=fields, progress=progress)
    # Written beside the target and renamed at the end: a failed export leaves no half file.
    try:
        fd, tmp = tempfile.mkstemp(prefix=".wxsim-export-", dir=out_path.parent)
    except OSError as exc:
        raise InputError(Reason("database.folder_unwritable", "Cannot write in {path}: {error}",
                                path=str(out_path.parent), error=exc.strerror or str(exc))) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            count = export_documents(rows, fmt, stream, fields=fields, progress=progress)
        os.replace(tmp, out_path)
        return count
    except OSError as exc:
        raise InputError(Reason("database.file_unwritable", "Cannot write {path}: {error}", path=str(out_path),
                                error=exc.strerror or str(exc))) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
