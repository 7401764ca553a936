"""The storage console's own operations: the file list with what a viewer may do, a preview,
and where the files are on disk. Only the console may ask; permission decisions come from
``StorageService.decide``, the same code that judges the viewer's real requests."""

from __future__ import annotations

import base64
from typing import Callable

from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace
from app.core.storage.cloudpaths import normalize_cloud_path
from app.core.storage.permissions import StorageDenied
from app.core.storage.service import StorageService

MAX_PREVIEW_BYTES = 16 * 1024 * 1024


def storage_console_actions(service: StorageService, caller_for: Callable[[str | None], Caller]) -> dict[str, Action]:
    """``caller_for(persona)`` is a persona's mini program caller (None: signed out)."""

    def viewer(request: Request) -> Caller:
        """Whose rights to show: ``{"viewer": {"persona": name | null}}``, else the console's."""
        chosen = request.params.get("viewer")
        if chosen is None:
            return request.caller
        if not isinstance(chosen, dict) or "persona" not in chosen:
            raise CloudError(-501007, Reason("storage.bad_viewer", "viewer must be {example} (signed out)",
                                             example='{"persona": NAME} or {"persona": null}'))
        return caller_for(chosen["persona"])

    def list_files(request: Request, trace: Trace) -> dict:
        prefix = request.params.get("prefix") or ""
        if not isinstance(prefix, str):
            raise CloudError(-501007, Reason("storage.prefix_not_string", "prefix must be a string"))
        trace.target = prefix
        who, mode = viewer(request), service.mode
        files = []
        for record in service.files(prefix):
            rights = {op: service.decide(who, op, record.path, record.owner, exists=True) for op in ("read", "write")}
            files.append({
                "cloudPath": record.path, "fileID": service.file_id(record.path), "owner": record.owner,
                "size": record.size, "contentType": record.content_type, "uploadedAt": record.uploaded_at,
                "canRead": rights["read"].allowed, "readReason": rights["read"].reason,
                "canDelete": rights["write"].allowed, "deleteReason": rights["write"].reason,
                # The same reasons as message ids and params, for the app to say in the person's language.
                "readWhy": _why(rights["read"]), "deleteWhy": _why(rights["write"]),
            })
        return {"files": files, "mode": mode, "rules": service.saved_rules()}  # rules: for the rules editor

    def preview(request: Request, trace: Trace) -> dict:
        """The first ``maxBytes`` of a file, if the viewer may read it."""
        path = service.path_of(request.params.get("fileID"))
        trace.target = path
        limit = request.params.get("maxBytes", MAX_PREVIEW_BYTES)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_PREVIEW_BYTES:
            raise CloudError(-501007, Reason("storage.bad_max_bytes", "maxBytes must be between 1 and {limit}",
                                             limit=MAX_PREVIEW_BYTES))
        try:
            record, trace.decision = service.existing(viewer(request), "read", path)
        except StorageDenied as exc:
            trace.decision = exc.decision
            raise
        with service.disk(path).open("rb") as handle:
            head = handle.read(limit)
        return {"contentBase64": base64.b64encode(head).decode("ascii"), "size": record.size,
                "contentType": record.content_type, "truncated": record.size > len(head)}

    def local_folder(request: Request, trace: Trace) -> dict:
        """The folder on disk behind a cloud folder (for "open folder")."""
        prefix = request.params.get("prefix") or ""
        trace.target = prefix
        folder = service.root if not prefix else service.disk(normalize_cloud_path(prefix, "prefix"))
        return {"localPath": str(folder)}

    return {
        "storage.listFiles": Action(list_files, console_only=True),
        "storage.preview": Action(preview, console_only=True),
        "storage.localFolder": Action(local_folder, console_only=True),
    }


def _why(decision) -> dict | None:
    return decision.why.to_dict() if decision.why is not None else None
