"""The content-security state beside the lists: settings and ``mediaCheckAsync``'s verdicts
waiting to be pushed (openapi.md §5.4–§5.5), in ``<data>/openapi/security/``.

- ``settings.json``: ``{"delay": seconds, "pushFunction": name | null}``; the delay after which a
  verdict is due (2 s by default), and the cloud function configured as message push receiver.
- ``media_checks.json``: the verdicts not yet pushed, each ``{traceId, due, eventId, function,
  message}``; ``due`` is on the simulator clock, so a test advances the clock instead of waiting.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from app.core.jsonfile import make_private_dir, read_json, write_json, write_text_atomic
from app.core.openapi.store import OpenApiStore

DEFAULT_DELAY = 2.0
MAX_DELAY = 1800.0  # the platform's "within 30 minutes" (§5.4)
_LOCK = threading.Lock()  # one for every workspace: the files are small and rarely written


class MediaChecks:
    """One workspace's content-security settings and pending verdicts."""

    def __init__(self, store: OpenApiStore) -> None:
        self.folder: Path = store.folder / "security"

    # -- settings ------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        saved = self._read("settings.json", {})
        delay = saved.get("delay") if isinstance(saved, dict) else None
        push = saved.get("pushFunction") if isinstance(saved, dict) else None
        return {"delay": float(delay) if type(delay) in (int, float) and 0 <= delay <= MAX_DELAY else DEFAULT_DELAY,
                "pushFunction": push if isinstance(push, str) and push else None}

    def delay(self) -> float:
        return self.settings()["delay"]

    def save_settings(self, **changes: Any) -> dict[str, Any]:
        with _LOCK:
            settings = {**self.settings(), **changes}
            make_private_dir(self.folder)
            write_json(self.folder / "settings.json", settings)
        return settings

    # -- verdicts ------------------------------------------------------------------------------

    def add(self, entry: dict[str, Any]) -> None:
        with _LOCK:
            pending = self._pending()
            pending.append(entry)
            self._save(pending)

    def take_due(self, now: float) -> list[dict[str, Any]]:
        """The verdicts due at ``now`` (soonest first), removed from the waiting list."""
        with _LOCK:
            pending = self._pending()
            due = [entry for entry in pending if entry["due"] <= now]
            if due:
                self._save([entry for entry in pending if entry["due"] > now])
        return sorted(due, key=lambda entry: entry["due"])

    def waiting(self) -> list[dict[str, Any]]:
        with _LOCK:
            return self._pending()

    # -- files ---------------------------------------------------------------------------------

    def write_list(self, name: str, text: str) -> None:
        with _LOCK:
            make_private_dir(self.folder)
            write_text_atomic(self.folder / name, text)

    def _pending(self) -> list[dict[str, Any]]:
        saved = self._read("media_checks.json", [])
        return [e for e in saved if isinstance(e, dict) and type(e.get("due")) in (int, float)] \
            if isinstance(saved, list) else []

    def _save(self, pending: list[dict[str, Any]]) -> None:
        make_private_dir(self.folder)
        write_json(self.folder / "media_checks.json", pending)

    def _read(self, name: str, default: Any) -> Any:
        try:
            return read_json(self.folder / name, default)
        except (OSError, ValueError):
            return default  # a damaged file: start afresh rather than refuse every call
