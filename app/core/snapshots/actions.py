"""The console's time travel requests (``snapshot.*``), and the automatic checkpoints.

Every one is console-only: project code and anything over HTTP can neither read a saved state
nor put one back. A checkpoint is taken as its own request, nested under the destructive one
(``checkpoint_before``), so the timeline shows it and the app can offer to undo it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.dispatcher import Action
from app.core.errors import CloudError, InputError
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace

if TYPE_CHECKING:  # the machinery loads with the first snapshot request: start-up does not pay for it
    from app.core.snapshots.service import Snapshots


def snapshot_actions(snapshots_of: Callable[[], Snapshots], env: dict) -> dict[str, Action]:
    """``snapshots_of()``: the workspace's snapshots, made on first use."""

    def _name(request: Request, key: str = "name") -> str:
        value = request.params.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(Reason("snapshot.name_missing", "A snapshot needs a name."))
        return value.strip()

    def save(request: Request, trace: Trace) -> dict:
        snapshots = snapshots_of()
        note = request.params.get("note") or ""
        if not isinstance(note, str):
            raise CloudError(-501007, Reason("snapshot.note_param", "note must be a string"))
        snapshot = snapshots.save(request.params.get("name"), note)
        trace.target = snapshot.name
        return {"snapshot": snapshot.summary()}

    def list_snapshots(request: Request, trace: Trace) -> dict:
        store = snapshots_of().store
        found = store.all()
        latest = store.latest_checkpoint()
        return {"snapshots": [s.summary() for s in found], "undo": latest.summary() if latest else None}

    def checkpoint(request: Request, trace: Trace) -> dict:
        trigger = Reason.from_dict(request.params.get("trigger")) or Reason(
            "snapshot.trigger_by_hand", "taken by hand")
        snapshot = snapshots_of().checkpoint(trigger)
        trace.target = snapshot.name
        return {"snapshot": snapshot.summary()}

    def _restore(target, trigger: Reason, trace: Trace) -> dict:
        snapshots = snapshots_of()
        before = snapshots.checkpoint(trigger)
        outcome = snapshots.restore(target)
        trace.target = target.name
        return {**outcome, "checkpoint": before.summary()}

    def restore(request: Request, trace: Trace) -> dict:
        target = snapshots_of().store.find(_name(request))
        return _restore(target, Reason("snapshot.trigger_restore", "before restoring {name}", name=target.name), trace)

    def reset(request: Request, trace: Trace) -> dict:
        return _restore(snapshots_of().initial(), Reason("snapshot.trigger_reset", "before resetting to the start"), trace)

    def undo(request: Request, trace: Trace) -> dict:
        latest = snapshots_of().store.latest_checkpoint()
        if latest is None:
            raise InputError(Reason("snapshot.nothing_to_undo", "There is no checkpoint to go back to."))
        return _restore(latest, Reason("snapshot.trigger_undo", "before undoing to {name}", name=latest.name), trace)

    def diff(request: Request, trace: Trace) -> dict:
        snapshots = snapshots_of()
        store = snapshots.store
        before = store.find(_name(request, "from"))
        to = request.params.get("to")
        after = store.find(_name(request, "to")) if to not in (None, "", "now") else None
        trace.target = f"{before.name} → {after.name if after else 'now'}"
        return snapshots.diff(before, after)

    def delete(request: Request, trace: Trace) -> dict:
        gone = snapshots_of().store.delete(_name(request))
        trace.target = gone.name
        return {"deleted": gone.summary()}

    def export(request: Request, trace: Trace) -> dict:
        local = request.params.get("localPath")
        if not isinstance(local, str) or not local:
            raise CloudError(-501007, Reason("snapshot.local_path_param", "localPath must name the file to write"))
        from app.core.snapshots.scenario import write_scenario

        snapshots = snapshots_of()
        store = snapshots.store
        name = request.params.get("name")
        if name:
            snapshot = store.find(str(name))
            state = snapshots.state_of(snapshot)
            files = [(path, entry, store.blob_path(entry["sha256"])) for path, entry in state.storage.items()]
            for path, entry in state.storage.items():
                store.checked_blob(entry, path)
            meta = snapshot.manifest
            outcome = write_scenario(
                Path(local), name=snapshot.name, note=meta.get("note", ""), created_at=meta["createdAt"], env=env,
                collections=state.collections, files=files, workspace=state.workspace, auth=state.auth,
                functions=meta.get("functions") or {}, progress=request.progress)
        else:
            outcome = _export_now(snapshots, Path(local), request)
        trace.target = outcome["localPath"]
        return outcome

    def _export_now(snapshots: Snapshots, local: Path, request: Request) -> dict:
        import shutil
        import time

        from app.core.snapshots.scenario import write_scenario
        from app.core.snapshots.store import capture, project_code_hashes

        store = snapshots.store
        with store.lock:
            scratch = store.stage_folder()
            try:
                captured = capture(snapshots.workspace, scratch / "links")
                files = []
                for record, link in captured.files:
                    files.append((record.path, {"owner": record.owner, "contentType": record.content_type,
                                                "uploadedAt": record.uploaded_at, "size": record.size,
                                                "sha256": store.hash_of(link)}, link))
                project = snapshots.workspace.project
                return write_scenario(
                    local, name=local.stem, note="", created_at=time.time(), env=env,
                    collections=captured.collections, files=files, workspace=captured.portable,
                    auth=captured.auth, functions=project_code_hashes(project.cloudfunction_root if project else None),
                    progress=request.progress)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

    return {
        "snapshot.save": Action(save, console_only=True),
        "snapshot.list": Action(list_snapshots, console_only=True),
        "snapshot.checkpoint": Action(checkpoint, console_only=True),
        "snapshot.restore": Action(restore, console_only=True),
        "snapshot.reset": Action(reset, console_only=True),
        "snapshot.undo": Action(undo, console_only=True),
        "snapshot.diff": Action(diff, console_only=True),
        "snapshot.delete": Action(delete, console_only=True),
        "snapshot.export": Action(export, console_only=True),
    }


def destructive_trigger(request: Request) -> Reason | None:
    """Why a console request needs a checkpoint first: it deletes or overwrites in bulk."""
    if not request.caller.is_console:
        return None
    params = request.params
    collection = str(params.get("collectionName") or "")
    action = request.action
    if action == "database.deleteCollection":
        return Reason("snapshot.trigger_delete_collection", "before deleting the collection {name}", name=collection)
    if action in ("database.importFile", "database.importDocuments") and params.get("conflict") == "upsert":
        return Reason("snapshot.trigger_import_upsert", "before importing into {name}, replacing documents",
                      name=collection)
    if action == "database.removeDocument" and params.get("multi") is True:
        return Reason("snapshot.trigger_bulk_delete", "before deleting documents of {name}", name=collection)
    if action == "storage.batchDeleteFile" and isinstance(params.get("fileid_list"), list) \
            and len(params["fileid_list"]) > 1:
        return Reason("snapshot.trigger_delete_files", "before deleting {count} files", count=len(params["fileid_list"]))
    return None


def checkpoint_before(handle: Callable[[Request], dict]) -> Callable[[Request, Trace], None]:
    """The dispatcher's hook: a checkpoint, as a request nested under the destructive one; if it
    cannot be taken, the destructive request fails rather than run without one."""

    def before(request: Request, trace: Trace) -> None:
        trigger = destructive_trigger(request)
        if trigger is not None:
            handle(Request("snapshot.checkpoint", {"trigger": trigger.to_dict()},
                           Caller.console(request.caller.source), parent_id=trace.id))

    return before
