"""The workspace's time travel: save, restore, reset, undo, diff and export, over ``SnapshotStore``.

``workspace`` is the open ``Workspace`` (its database store, storage index, identity, settings
and project); this module takes their locks in the one order the rest of core uses (store,
storage index, identity, settings) and never the other way round.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from app.core.database.journal import dumps
from app.core.database.store import gc_paused
from app.core.identity.service import Persona
from app.core.reasons import Reason
from app.core.snapshots import restore as restoring
from app.core.snapshots.store import (
    CHECKPOINT,
    INITIAL,
    NAMED,
    Captured,
    Snapshot,
    SnapshotError,
    SnapshotStore,
    capture,
    project_code_hashes,
)

log = logging.getLogger(__name__)


class Snapshots:
    """Snapshots of one open workspace."""

    def __init__(self, workspace, build_initial: Callable[[Path], Captured] | None = None) -> None:
        self._workspace = workspace
        self.store = SnapshotStore(workspace.data_dir)
        self._build_initial = build_initial  # the state a workspace had when made, for one made before snapshots

    @property
    def workspace(self):
        return self._workspace

    # -- saving --------------------------------------------------------------------------------

    def save(self, name: object, note: str = "") -> Snapshot:
        return self.store.save(self._workspace, name=name, kind=NAMED, note=str(note or ""),
                               code_hashes=self._code_hashes())

    def checkpoint(self, trigger: Reason) -> Snapshot:
        """An automatic checkpoint before a destructive operation (the ring keeps the last 20)."""
        return self.store.save(self._workspace, name=None, kind=CHECKPOINT, trigger=trigger.to_dict(),
                               code_hashes=self._code_hashes())

    def save_initial(self) -> Snapshot:
        """The state of a workspace made just now: what Reset goes back to."""
        return self.store.save(self._workspace, name=None, kind=INITIAL, code_hashes=self._code_hashes())

    def initial(self) -> Snapshot:
        """The initial snapshot, made now from the workspace's seed (and the demo's data) for a
        workspace that was created before wxsim kept one."""
        with self.store.lock:
            snapshot = self.store.initial()
            if snapshot is not None:
                return snapshot
            if self._build_initial is None:
                raise SnapshotError(Reason("snapshot.no_initial", "This workspace has no initial state to go back to."))
            scratch = self.store.root / ".saving-initial-build"
            try:
                captured = self._build_initial(scratch)
                return self.store.save_captured(captured, name="initial", kind=INITIAL,
                                                code_hashes=self._code_hashes())
            finally:
                import shutil

                shutil.rmtree(scratch, ignore_errors=True)

    # -- restoring -----------------------------------------------------------------------------

    def restore(self, snapshot: Snapshot) -> dict:
        """Make the workspace's state the snapshot's. The caller took a checkpoint first if it wanted
        one. Returns what changed about the code since (the snapshot cannot restore code)."""
        ws = self._workspace
        store, index, identity, state = ws.database.store, ws.storage.index, ws.identity, ws.state
        data_dir = ws.data_dir
        with self.store.lock:
            portable = self.store.load_state(snapshot).get("workspace") or {}
            with gc_paused():
                collections, seq = restoring.stage(
                    data_dir, self.store, snapshot, workspace_file=state.file_with(portable),
                    index_secret=index.secret, index_port=index.port)
            personas = [Persona(**p) for p in portable.get("personas", [])]
            # Every service holds still from the first rename to the last install, so no request
            # sees one part new and another old, nor writes its old state over a new file.
            with store.swapping() as install_documents:
                with index.lock:
                    with identity.restoring() as install_identity:
                        with state.reloading() as install_settings:
                            restoring.swap(data_dir)
                            install_documents(collections, seq)
                            index.reload()
                            install_settings()
                            install_identity(personas)
            restoring.clean_up(data_dir)
        return {"restored": snapshot.summary(), "codeChanged": self._code_changed(snapshot)}

    def _code_changed(self, snapshot: Snapshot) -> list[str]:
        then = snapshot.manifest.get("functions") or {}
        now = self._code_hashes()
        return sorted(name for name in set(then) | set(now) if then.get(name) != now.get(name))

    def _code_hashes(self) -> dict[str, str]:
        project = self._workspace.project
        return project_code_hashes(project.cloudfunction_root if project else None)

    # -- diff ----------------------------------------------------------------------------------

    def diff(self, before: Snapshot, after: Snapshot | None) -> dict:
        """``before`` against ``after`` (None: the workspace now)."""
        from app.core.snapshots.diff import diff_states

        with gc_paused():  # hundreds of thousands of new containers, none garbage yet
            return diff_states(self.state_of(before),
                               self.state_of(after) if after is not None else self.state_now())

    def state_of(self, snapshot: Snapshot) -> "State":
        from app.core.snapshots.diff import State

        collections = self.store.load_stored_forms(snapshot)
        saved = self.store.load_state(snapshot)
        return State(snapshot.name, collections, self.store.load_storage(snapshot),
                     saved.get("workspace") or {}, saved.get("auth") or {})

    def state_now(self) -> "State":
        from app.core.snapshots.diff import State

        captured = capture(self._workspace, None)
        # The stored form, as a snapshot's documents are read for a diff (the C encoder and
        # decoder both ways: faster than converting each value in Python).
        collections = {name: json.loads(dumps(docs)) for name, docs in captured.collections.items()}
        storage = {}
        with self.store.lock:
            for record, path in captured.files:
                try:
                    sha = self.store.hash_of(path)
                except OSError:  # gone since: the next diff will say so
                    continue
                storage[record.path] = {"sha256": sha, "size": record.size, "owner": record.owner,
                                        "contentType": record.content_type}
        return State("now", collections, storage, captured.portable, captured.auth)
