"""The ``storage.*`` actions in the backend's vocabulary (tcb-wire §4, §6), over the service.

Wire actions (what the real SDK sends): ``storage.getUploadMetadata``,
``storage.batchGetDownloadUrl``, ``storage.batchDeleteFile``. The object bytes then go to
the loopback server, which commits them as ``storage.putObject``. In-process forms for the
embedded SDK shims: ``storage.uploadFile`` and ``storage.downloadFile`` (local paths or
base64). Console operations: ``storage.setPermission`` here, the rest in console_actions.py.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any, Callable

from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Decision, Request, Trace
from app.core.storage.objects import PUT_OBJECT
from app.core.storage.cloudpaths import normalize_cloud_path
from app.core.rules.ruleset import CUSTOM, LABEL_EN, LABEL_ZH
from app.core.storage.permissions import LABELS_EN, LABELS_ZH, MODES, StorageDenied
from app.core.storage.rules import checked_rules
from app.core.storage.service import StorageService
from app.core.storage.tempurl import BadMaxAge, check_max_age

MAX_FILES_PER_CALL = 50  # spec §1.7, §1.8
INLINE_LIMIT = 16 * 1024 * 1024  # larger downloads must name a localPath
SUCCESS = "SUCCESS"


def storage_actions(service: StorageService, set_mode: Callable[..., None]) -> dict[str, Action]:
    """Handlers for every storage action; ``set_mode(mode)`` persists the permission mode
    (``set_mode(mode, rules)`` for CUSTOM, with its security rules)."""

    def get_upload_metadata(request: Request, trace: Trace) -> dict:
        path = _path(request, trace, "path")
        metadata, trace.decision = service.upload_metadata(request.caller, path, request.parent_id)
        return metadata

    def put_object(request: Request, trace: Trace) -> dict:
        path = _path(request, trace, "path")
        temp = service.objects.take_staged(request.params.get("uploadId"), request.caller, path)
        record, trace.decision = service.commit(request.caller, path, temp)
        return {"fileID": service.file_id(path), "size": record.size}

    def upload_file(request: Request, trace: Trace) -> dict:
        path = _path(request, trace, "cloudPath")
        params = request.params
        content_type = params.get("contentType")
        if content_type is not None and not isinstance(content_type, str):
            raise CloudError(-501007, Reason("storage.content_type_not_string", "contentType must be a string"))
        record, trace.decision = service.upload(request.caller, path, _source(request), content_type)
        return {"fileID": service.file_id(path), "size": record.size}

    def download_file(request: Request, trace: Trace) -> dict:
        path = service.path_of(request.params.get("fileID"))
        trace.target = path
        local = request.params.get("localPath")
        answer: dict[str, Any] = {"fileID": request.params["fileID"]}
        if local is None:
            data, record, trace.decision = service.read_bytes(request.caller, path, INLINE_LIMIT)
            answer["contentBase64"] = base64.b64encode(data).decode("ascii")
        else:
            record, trace.decision = service.download(request.caller, path, _local(request, local))
            answer["localPath"] = str(local)
        return {**answer, "size": record.size, "contentType": record.content_type}

    def batch_get_download_url(request: Request, trace: Trace) -> dict:
        items = _batch(request.params.get("file_list"), "file_list")
        answers, batch = [], _Batch(trace)
        for index, item in enumerate(items):
            if isinstance(item, str):
                item = {"fileid": item}
            if not isinstance(item, dict):
                raise CloudError(-501007, Reason("storage.file_list_item", "file_list[{index}] must be an object "
                                                 "with fileid", index=index))
            file_id = item.get("fileid", item.get("fileID"))
            try:
                max_age = check_max_age(item.get("max_age", item.get("maxAge")), f"file_list[{index}].max_age")
            except BadMaxAge as exc:
                raise CloudError(-501007, exc.reason) from None
            try:
                path = batch.path(service, file_id)
                url, decision = service.temp_url(request.caller, path, max_age)
                batch.decided(decision)
                answers.append({"fileID": file_id, "tempFileURL": url, "code": SUCCESS, "maxAge": max_age})
            except CloudError as exc:
                answers.append({"fileID": file_id, "tempFileURL": "", "maxAge": max_age, **batch.failed(exc)})
        batch.finish()
        return {"download_list": answers}

    def batch_delete_file(request: Request, trace: Trace) -> dict:
        file_ids = _batch(request.params.get("fileid_list"), "fileid_list")
        batch = _Batch(trace)
        answers: list[dict | None] = [None] * len(file_ids)
        todo: list[tuple[int, str]] = []
        for index, file_id in enumerate(file_ids):
            try:
                todo.append((index, batch.path(service, file_id)))
            except CloudError as exc:
                answers[index] = {"fileID": file_id, **batch.failed(exc)}
        outcomes = service.delete(request.caller, [path for _, path in todo])
        for (index, _), outcome in zip(todo, outcomes):
            if isinstance(outcome, CloudError):
                answers[index] = {"fileID": file_ids[index], **batch.failed(outcome)}
            else:
                batch.decided(outcome)
                answers[index] = {"fileID": file_ids[index], "code": SUCCESS}
        batch.finish()
        return {"delete_list": answers}

    def set_permission(request: Request, trace: Trace) -> dict:
        mode = request.params.get("mode")
        trace.target = str(mode)
        if mode not in (*MODES, CUSTOM):
            raise CloudError(-501007, Reason("storage.bad_mode", "mode must be one of {modes}, not {mode}",
                                             modes=", ".join((*MODES, CUSTOM)), mode=repr(mode)))
        # CUSTOM: checked whole before anything is saved, so bad rules leave the old ones in force.
        rules = checked_rules(mode, request.params.get("rules"), service.saved_rules())
        if rules is None:
            set_mode(mode)
            return {"mode": mode, "label": LABELS_ZH[mode], "labelEn": LABELS_EN[mode]}
        set_mode(mode, rules)
        return {"mode": mode, "label": LABEL_ZH, "labelEn": LABEL_EN, "rules": rules}

    return {
        "storage.getUploadMetadata": Action(_denials(get_upload_metadata)),
        "storage.batchGetDownloadUrl": Action(batch_get_download_url),
        "storage.batchDeleteFile": Action(batch_delete_file),
        # The second half of an SDK upload: the visit was counted by its metadata call.
        PUT_OBJECT: Action(_denials(put_object), counts_as_visit=False),
        # In-process forms for the embedded SDK shims (simulator-only names, same style).
        "storage.uploadFile": Action(_denials(upload_file)),
        "storage.downloadFile": Action(_denials(download_file)),
        # Console operations.
        "storage.setPermission": Action(set_permission, console_only=True),
    }


class _Batch:
    """Per-item outcomes of a batch call, folded into one decision for the event log."""

    def __init__(self, trace: Trace) -> None:
        self._trace = trace
        self._targets: list[str] = []
        self._decisions: list[Decision] = []
        self._refusal: StorageDenied | None = None  # the first refused item's error, for the event

    def path(self, service: StorageService, file_id: object) -> str:
        if not isinstance(file_id, str):
            raise CloudError(-501007, Reason("storage.file_id_not_string", "a fileID must be a string, not {type}",
                                             type=type(file_id).__name__))
        self._targets.append(file_id.split("/", 3)[-1] if file_id.startswith("cloud://") else file_id)
        return service.path_of(file_id)

    def decided(self, decision: Decision) -> None:
        self._decisions.append(decision)

    def failed(self, error: CloudError) -> dict:
        if isinstance(error, StorageDenied):
            self._decisions.append(error.decision)
            self._refusal = self._refusal or error
        return {"code": error.tcb_code, "message": str(error)}

    def finish(self) -> None:
        targets = self._targets
        self._trace.target = targets[0] + (f" (+{len(targets) - 1} more)" if len(targets) > 1 else "") if targets else ""
        if self._decisions:
            reasons = list({d.reason: d.why or d.reason for d in self._decisions}.values())
            allowed = all(d.allowed for d in self._decisions)
            # The structured fields of the first refusal (else the first verdict) stand for the batch.
            shown = next((d for d in self._decisions if not d.allowed), self._decisions[0])
            self._trace.decision = Decision.of(allowed, _joined(reasons[:4]), shown.details())
        # A refused item makes the request denied, with its code; a missing file is the
        # item's own answer (the call succeeded), as the console reports it.
        self._trace.failure = self._refusal


def _joined(reasons: list) -> Reason | str:
    """``a; b; c``: a batch's distinct reasons (each a Reason, or the English of one that is not)."""
    joined = reasons[0]
    for reason in reasons[1:]:
        joined = Reason("storage.reasons_joined", "{before}; {after}", before=joined, after=reason)
    return joined


def _path(request: Request, trace: Trace, key: str) -> str:
    trace.target = str(request.params.get(key, ""))
    path = normalize_cloud_path(request.params.get(key), key)
    trace.target = path
    return path


def _batch(items: object, name: str) -> list:
    if not isinstance(items, list) or not items:
        raise CloudError(-501007, Reason("storage.batch_empty", "{name} must be a non-empty list", name=name))
    if len(items) > MAX_FILES_PER_CALL:
        raise CloudError(-501007, Reason("storage.batch_too_long", "{name} has {count} files; at most {limit} per "
                                         "call", name=name, count=len(items), limit=MAX_FILES_PER_CALL))
    return items


def _source(request: Request) -> Path | bytes:
    params = request.params
    local, inline = params.get("localPath"), params.get("contentBase64")
    if (local is None) == (inline is None):
        raise CloudError(-501007, Reason("storage.one_source", "give exactly one of localPath and contentBase64"))
    if inline is not None:
        if not isinstance(inline, str):
            raise CloudError(-501007, Reason("storage.base64_not_string", "contentBase64 must be a string"))
        try:
            return base64.b64decode(inline, validate=True)
        except (binascii.Error, ValueError):
            raise CloudError(-501007, Reason("storage.base64_invalid", "contentBase64 is not valid base64")) from None
    path = _local(request, local)
    if not path.is_file():
        raise CloudError(-501007, Reason("storage.local_not_file", "localPath {path} is not a file",
                                         path=repr(str(path))))
    return path


def _local(request: Request, value: object) -> Path:
    """The host file a request names, if its caller may name one (SECURITY.md: host files).

    The person at the console names any path. Code (client scripts) names only paths inside
    the folders the console chose for it (``request.local_roots``), symlinks resolved first;
    cloud functions and the gateway have no roots, so no host path at all.
    """
    if not isinstance(value, str) or not value:
        raise CloudError(-501007, Reason("storage.local_path_empty", "localPath must be a non-empty string"))
    if request.caller.is_console:
        return Path(value).expanduser()
    roots = [root.resolve() for root in request.local_roots]
    if roots:
        path = Path(value)
        resolved = (path if path.is_absolute() else roots[0] / path).resolve()
        if any(resolved.is_relative_to(root) for root in roots):
            return resolved
    where = " or ".join(str(root) for root in roots) or Reason(
        "storage.no_local_roots", "nowhere: only the person at wxsim names host files")
    raise CloudError(-501007, Reason("storage.local_outside", "localPath {path} is outside the folders this code "
                                     "may use ({where})", path=repr(value), where=where))


def _denials(handler):
    """Record a permission refusal's reason in the trace before the error propagates."""

    def wrapped(request: Request, trace: Trace) -> dict:
        try:
            return handler(request, trace)
        except StorageDenied as exc:
            trace.decision = exc.decision
            raise

    return wrapped

