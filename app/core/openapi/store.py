"""The cloud calls' state in the workspace (openapi.md §8.1): ``<data>/openapi/``.

- ``settings.json``: ``{"lenient": bool}``, the permission setting (§2.1: strict by default).
- ``counters.json``: how many of each kind of token were issued (rid, code, urlscheme, …).
- ``codes.jsonl``, ``links.jsonl``: the registries of issued mini program codes and links, one
  JSON object a line, so a view can "scan" a code or "open" a link later.
- ``opendata.json``, ``opendata-tokens.json``: phone numbers edited per persona, and the phone
  codes and cloudIDs issued to the mini program (``opendata.py``).

Determinism (§8.2): every token is derived from the workspace seed, its kind and that kind's
counter, so two workspaces with the same seed that receive the same calls issue byte-identical
rids, tickets and ids, on any computer. The counters persist, so a restart does not reissue one.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

from app.core.jsonfile import make_private_dir, open_log, read_json, write_json

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SETTINGS_FILE = "settings.json"
COUNTERS_FILE = "counters.json"
T = TypeVar("T")


class OpenApiStore:
    """Settings, token counters and registries of one workspace; thread-safe."""

    def __init__(self, folder: Path, seed: str) -> None:
        self.folder = folder
        self._seed = seed
        self._lock = threading.Lock()
        self._counters: dict[str, int] | None = None

    # -- settings ------------------------------------------------------------------------------

    def lenient(self) -> bool:
        """Whether cloud calls skip the platform's checks, as DevTools' local debugging does."""
        settings = self._read(SETTINGS_FILE, {})
        return isinstance(settings, dict) and settings.get("lenient") is True

    def set_lenient(self, lenient: bool) -> None:
        with self._lock:
            make_private_dir(self.folder)
            write_json(self.folder / SETTINGS_FILE, {"lenient": bool(lenient)})

    # -- tokens --------------------------------------------------------------------------------

    def draw(self, kind: str) -> tuple[int, bytes]:
        """The next number of ``kind`` (1, 2, …) and 32 bytes derived from it and the seed."""
        with self._lock:
            counters = self._load_counters()
            number = counters.get(kind, 0) + 1
            counters[kind] = number
            make_private_dir(self.folder)
            write_json(self.folder / COUNTERS_FILE, counters)
        digest = hashlib.sha256(f"wxsim-openapi:{self._seed}:{kind}:{number}".encode()).digest()
        return number, digest

    def rid(self) -> str:
        """A WeChat request id: three groups of 8 lower-case hex digits (§1.3)."""
        hexed = self.draw("rid")[1].hex()
        return f"{hexed[0:8]}-{hexed[8:16]}-{hexed[16:24]}"

    def ticket(self, kind: str) -> str:
        """11 characters of ``[0-9A-Za-z]``, as scheme and link tickets are (§6.1, §6.3)."""
        value = int.from_bytes(self.draw(kind)[1], "big")
        out = []
        for _ in range(11):
            value, digit = divmod(value, 62)
            out.append(_BASE62[digit])
        return "".join(out)

    def number(self, kind: str) -> int:
        """A positive integer of at most 15 digits: the real SDK parses WeChat's JSON with
        json-bigint, which turns a longer number into a BigNumber (4.0.2) or a BigInt (2.6.3),
        and JavaScript's own numbers stop being exact at 2^53 (§1.4)."""
        return int.from_bytes(self.draw(kind)[1][:8], "big") % (10 ** 15 - 1) + 1

    # -- registries ----------------------------------------------------------------------------

    def append(self, registry: str, entry: dict[str, Any]) -> None:
        """Add one entry to ``<registry>.jsonl``."""
        with self._lock:
            make_private_dir(self.folder)
            with open_log(self.folder / f"{registry}.jsonl") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def entries(self, registry: str) -> list[dict[str, Any]]:
        """Every entry of ``<registry>.jsonl``, oldest first (a damaged line is skipped)."""
        try:
            lines = (self.folder / f"{registry}.jsonl").read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        out = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                out.append(entry)
        return out

    # -- per-persona facts and small documents (opendata) ---------------------------------------

    def derived(self, label: str) -> bytes:
        """32 bytes that depend only on the seed and ``label`` (no counter): facts that must stay
        the same on every call and every computer, such as a persona's fake phone number."""
        return hashlib.sha256(f"wxsim-openapi-fact:{self._seed}:{label}".encode()).digest()

    def document(self, name: str) -> dict[str, Any]:
        """The JSON object of ``<name>.json`` ({} when it is missing or damaged)."""
        saved = self._read(f"{name}.json", {})
        return saved if isinstance(saved, dict) else {}

    def update_document(self, name: str, change: Callable[[dict[str, Any]], T]) -> T:
        """Read ``<name>.json``, let ``change`` edit it in place and write it back, under the
        store's lock so two requests never lose each other's change; answers what ``change`` did."""
        with self._lock:
            saved = self.document(name)
            answer = change(saved)
            make_private_dir(self.folder)
            write_json(self.folder / f"{name}.json", saved)
        return answer

    # -- files ---------------------------------------------------------------------------------

    def _load_counters(self) -> dict[str, int]:
        if self._counters is None:
            saved = self._read(COUNTERS_FILE, {})
            self._counters = {k: v for k, v in saved.items() if type(v) is int and v >= 0} \
                if isinstance(saved, dict) else {}
        return self._counters

    def _read(self, name: str, default: Any) -> Any:
        try:
            return read_json(self.folder / name, default)
        except ValueError:
            return default  # a damaged file: start from the defaults rather than refuse every call
