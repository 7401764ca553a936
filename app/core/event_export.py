"""The timeline's rows for a QA report: JSON Lines (events.jsonl's own lines) or CSV.

CSV cells that are text are escaped against formula injection as the database export does
(``database/transfer.py``): a persona named ``=HYPERLINK(…)`` shows as text in a spreadsheet.
The CSV starts with a UTF-8 byte order mark, so Excel reads 学生B as 学生B. The request and
answer are in the JSON Lines export only: a spreadsheet cell holds at most 32,767 characters.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from app.core.database.transfer import escape_cell
from app.core.errors import InputError
from app.core.events import Event
from app.core.reasons import Reason

Format = Literal["jsonl", "csv"]
CSV_COLUMNS = (
    "time", "id", "parent_id", "caller_kind", "persona", "openid", "source", "action", "target",
    "duration_ms", "outcome", "error_code", "error_message", "permission_allowed", "permission_reason",
)


def export_events(events: Iterable[Event], path: Path, fmt: Format) -> int:
    """Write ``events`` to ``path`` in their order; returns how many were written.

    The file is written beside ``path`` and renamed at the end, so a failed export leaves no
    half file. Raises InputError when the folder cannot be written.
    """
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format {fmt!r}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".wxsim-export-", dir=path.parent)
    except OSError as exc:
        raise InputError(Reason("export.cannot_write_in", "Cannot write in {folder}: {detail}",
                                folder=str(path.parent), detail=str(exc.strerror or exc))) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as out:
            count = _write_csv(events, out) if fmt == "csv" else _write_jsonl(events, out)
        os.replace(tmp, path)
        return count
    except OSError as exc:
        raise InputError(Reason("export.cannot_write", "Cannot write {file}: {detail}",
                                file=str(path), detail=str(exc.strerror or exc))) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _write_jsonl(events: Iterable[Event], out) -> int:
    count = 0
    for count, event in enumerate(events, 1):
        out.write(event.to_json() + "\n")
    return count


def _write_csv(events: Iterable[Event], out) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for count, event in enumerate(events, 1):
        writer.writerow([_cell(value) for value in _row(event)])
    return count


def _row(event: Event) -> tuple:
    moment = datetime.fromtimestamp(event.time).isoformat(sep=" ", timespec="milliseconds")
    return (
        moment, event.id, event.parent_id, event.caller_kind, event.persona, event.openid, event.source,
        event.action, event.target, round(event.duration_ms, 3), event.outcome, event.error_code,
        event.error_message, event.permission_allowed, event.permission_reason,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # -502003 is a number to a spreadsheet, not a formula
    return escape_cell(str(value))
