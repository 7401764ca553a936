"""The storage service: one environment's files by cloudPath, owners, permissions, temp URLs.

Bytes live as plain files under ``root`` (``<data-dir>/storage``), so "open folder" shows
them; ``FileIndex`` keeps what the folder cannot. Every method takes the ``Caller`` and
returns the permission ``Decision`` with its result, or raises ``StorageDenied`` (-503002,
decision attached), -503003 for a missing file, -501007 for bad input.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller, Decision, Request
from app.core.storage.index import FileIndex, FileRecord, guess_content_type
from app.core.storage.objects import ObjectDesk
from app.core.storage.cloudpaths import FileIds, disk_path
from app.core.storage.permissions import DEFAULT_MODE, MODES, Operation, StorageDenied, decide
from app.core.rules.ruleset import CUSTOM
from app.core.storage.rules import decide_by_rules
from app.core.storage.staging import Source, copy_out, make_folder, prune_empty, put_in_place, remove, stage
from app.core.storage.tempurl import UrlSigner


def missing(path: str) -> Reason:
    """-503003's detail: ``a/b.txt does not exist``."""
    return Reason("storage.no_such_file", "{path} does not exist", path=path)


class StorageService:
    """Every storage operation, for client callers (modes apply) and admins (no modes).

    Args:
        root: the storage folder; created if missing.
        index_file: the index JSON (outside ``root``, e.g. ``<data-dir>/storage-index.json``).
        env_id, appid: the workspace's; they make the bucket and the fileIDs (spec §5.1).
        mode_of: the current permission mode (spec §4.4), one of ``MODES`` or CUSTOM.
        rules_of: the saved security rules (for CUSTOM), or None.
        persona_name: the persona an openid belongs to, if any (refusals name the uploader by it).
        numeric_id: the bucket's 10-digit number; derived from ``appid`` when None.
    """

    def __init__(
        self,
        root: Path,
        index_file: Path,
        env_id: str,
        appid: str,
        mode_of: Callable[[], str],
        clock: Callable[[], float] = time.time,
        *,
        numeric_id: str | None = None,
        handle: Callable[[Request], dict] | None = None,
        rules_of: Callable[[], Any] = lambda: None,
        persona_name: Callable[[str], str | None] = lambda openid: None,
    ) -> None:
        self.root = root
        self.ids = FileIds(env_id, appid, numeric_id)
        self.index = FileIndex(root, index_file)
        self.signer = UrlSigner(self.index.secret, clock)
        self._mode_of = mode_of
        self._rules_of = rules_of
        self._persona_name = persona_name
        self._clock = clock
        self.objects = ObjectDesk(self, clock, handle)

    # -- names ---------------------------------------------------------------------------------

    @property
    def bucket(self) -> str:
        return self.ids.bucket

    def file_id(self, path: str) -> str:
        return self.ids.file_id(path)

    def path_of(self, file_id: object) -> str:
        return self.ids.path_of(file_id)

    def disk(self, path: str) -> Path:
        return disk_path(self.root, path)

    @property
    def mode(self) -> str:
        mode = self._mode_of()
        return mode if mode in MODES or mode == CUSTOM else DEFAULT_MODE

    # -- permissions ---------------------------------------------------------------------------

    def check(self, caller: Caller, op: Operation, path: str) -> tuple[FileRecord | None, Decision]:
        """The file's record (None when missing) and the verdict; raises StorageDenied."""
        record = self.index.lookup(path)
        owner = record.owner if record else None
        decision = self.decide(caller, op, path, owner, exists=record is not None)
        if not decision.allowed:
            raise StorageDenied(decision)
        return record, decision

    def saved_rules(self) -> dict | None:
        """The bucket's saved security rules (kept while a simple mode is in force), or None."""
        return self._rules_of()

    def decide(self, caller: Caller, op: Operation, path: str, owner: str | None, *, exists: bool) -> Decision:
        """The verdict of the mode, or of the security rules under CUSTOM, with its kind."""
        mode = self.mode
        if mode == CUSTOM:
            return decide_by_rules(self._rules_of(), caller, op, path, owner, exists=exists)
        name = self._persona_name(owner) if owner else None
        decision = decide(mode, caller, op, path, owner, exists=exists, owner_name=name)
        return replace(decision, kind="mode" if caller.is_client else "admin", mode=mode)

    def existing(self, caller: Caller, op: Operation, path: str) -> tuple[FileRecord, Decision]:
        record, decision = self.check(caller, op, path)
        if record is None:
            raise CloudError(-503003, missing(path))
        return record, decision

    # -- writes --------------------------------------------------------------------------------

    def upload(self, caller: Caller, path: str, source: Source, content_type: str | None = None) -> tuple[FileRecord, Decision]:
        """Store ``source`` (bytes, a local file or a binary stream) at ``path``.

        The caller becomes the owner (admins leave none); an existing file is replaced,
        keeping its fileID (spec S2).
        """
        self.check(caller, "write", path)  # before streaming a file the caller may not write
        return self.commit(caller, path, self.stage(path, source), content_type)

    def stage(self, path: str, source: Source) -> Path:
        """Stream ``source`` to a temp file beside ``path``'s target."""
        target = self.root
        try:
            with self.index.lock:  # folders get their disk names one at a time (disknames.py)
                target = self.disk(path)
                make_folder(target)
            return stage(target, source)
        except OSError as exc:
            prune_empty(target.parent, self.root)
            raise CloudError(-503001, Reason("storage.could_not_store", "could not store {path}: {error}", path=path,
                                              error=str(exc.strerror or exc))) from None

    def commit(self, caller: Caller, path: str, temp: Path, content_type: str | None = None) -> tuple[FileRecord, Decision]:
        """Put a staged upload in place if ``caller`` may (still) write ``path``."""
        try:
            with self.index.lock:
                _, decision = self.check(caller, "write", path)
                target = self.disk(path)  # again: a name that differs in case may have arrived meanwhile
                record = FileRecord(
                    path, caller.openid if caller.is_client else None, temp.stat().st_size,
                    content_type or guess_content_type(path), self._clock(),
                )
                self.index.begin(record, temp)
                try:
                    put_in_place(temp, target)
                except BaseException:
                    self.index.abort(path)
                    raise
                st = target.stat()
                record = replace(record, size=st.st_size, mtime_ns=st.st_mtime_ns)
                self.index.finish(record)
                return record, decision
        except OSError as exc:
            raise CloudError(-503001, Reason("storage.could_not_store", "could not store {path}: {error}", path=path,
                                              error=str(exc.strerror or exc))) from None
        finally:
            self.discard(temp)

    def discard(self, temp: Path) -> None:
        """Remove a staged temp file that was not used, and folders it leaves empty."""
        if temp.exists():
            temp.unlink(missing_ok=True)
            prune_empty(temp.parent, self.root)

    def delete(self, caller: Caller, paths: list[str]) -> list[Decision | CloudError]:
        """Delete each path; per path its decision, or the CloudError that kept it."""
        outcomes: list[Decision | CloudError] = []
        with self.index.lock:
            removed = False
            try:
                for path in paths:
                    try:
                        _, decision = self.existing(caller, "write", path)
                        remove(self.disk(path), self.root)
                    except CloudError as exc:
                        outcomes.append(exc)
                        continue
                    self.index.drop(path, save=False)
                    removed = True
                    outcomes.append(decision)
            finally:
                if removed:
                    self.index.save()
        return outcomes

    # -- reads ---------------------------------------------------------------------------------

    def download(self, caller: Caller, path: str, dest: Path) -> tuple[FileRecord, Decision]:
        """Copy the file to the local path ``dest`` (atomically, streaming)."""
        record, decision = self.existing(caller, "read", path)
        try:
            copy_out(self.disk(path), dest)
        except FileNotFoundError:
            raise CloudError(-503003, missing(path)) from None
        except OSError as exc:
            raise CloudError(-501007, Reason("storage.could_not_write", "could not write {dest}: {error}",
                                             dest=str(dest), error=str(exc.strerror or exc))) from None
        return record, decision

    def read_bytes(self, caller: Caller, path: str, limit: int) -> tuple[bytes, FileRecord, Decision]:
        """The file's bytes, for files up to ``limit`` bytes."""
        record, decision = self.existing(caller, "read", path)
        if record.size > limit:
            raise CloudError(-501007, Reason("storage.too_big_inline", "{path} is {size} bytes; ask for it with "
                                             "localPath (answers inline stop at {limit} bytes)", path=path,
                                             size=record.size, limit=limit))
        try:
            return self.disk(path).read_bytes(), record, decision
        except FileNotFoundError:
            raise CloudError(-503003, missing(path)) from None

    def temp_url(self, caller: Caller, path: str, max_age: int) -> tuple[str, Decision]:
        """A signed URL of the loopback server, valid for ``max_age`` seconds."""
        _, decision = self.existing(caller, "read", path)
        return self.signer.url(self.objects.base_url(), self.bucket, path, max_age), decision

    def upload_metadata(self, caller: Caller, path: str, parent_id: str | None = None) -> tuple[dict, Decision]:
        """Where the SDK sends an upload's bytes (tcb-wire §6), if ``caller`` may write."""
        _, decision = self.check(caller, "write", path)
        return self.objects.grant(caller, path, parent_id), decision

    def files(self, prefix: str = "") -> list[FileRecord]:
        """Every file whose cloudPath starts with ``prefix``, after a scan of the folder."""
        self.index.refresh()
        return self.index.records(prefix)

    def close(self) -> None:
        """Stop the HTTP server; every acknowledged change is already on disk."""
        self.objects.close()
