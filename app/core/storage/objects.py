"""The HTTP side of storage: the lazily started object server, upload grants, signed reads.

``storage.getUploadMetadata`` issues a grant (a short-lived token bound to one caller and one
cloudPath); the PUT or POST that follows streams the bytes to a staged temp file, then asks
the dispatcher for ``storage.putObject`` as the grant's caller. So the upload shows in the
event log as the persona who made it, permission decision included, and the final check
runs with the state of that moment.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Protocol

from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller, Request
from app.core.http.body import Reader
from app.core.http.object_server import ObjectServer, Refusal, Served
from app.core.storage.cloudpaths import normalize_cloud_path, url_path
from app.core.storage.index import FileIndex
from app.core.storage.tempurl import UrlSigner, path_candidates


class StorageBackend(Protocol):
    """What the object desk needs of the storage service (kept apart, so neither imports the other)."""

    index: FileIndex
    signer: UrlSigner
    bucket: str

    def file_id(self, path: str) -> str: ...
    def disk(self, path: str) -> Path: ...
    def stage(self, path: str, source: IO[bytes]) -> Path: ...
    def commit(self, caller: Caller, path: str, temp: Path): ...
    def discard(self, temp: Path) -> None: ...

log = logging.getLogger(__name__)
UPLOAD_TOKEN_SECONDS = 900
PUT_OBJECT = "storage.putObject"


@dataclass(frozen=True)
class UploadGrant:
    """Permission to send the bytes of one upload, as one caller, until ``expires``."""

    path: str
    caller: Caller
    parent_id: str | None
    expires: float


class ObjectDesk:
    """Serves ``ObjectServer`` for one storage service; starts it on first need."""

    def __init__(self, service: StorageBackend, clock: Callable[[], float],
                 handle: Callable[[Request], dict] | None = None) -> None:
        self._service = service
        self._clock = clock
        self.bucket = service.bucket
        self._lock = threading.Lock()
        self._server: ObjectServer | None = None
        self._grants: dict[str, UploadGrant] = {}
        self._staged: dict[str, tuple[Path, UploadGrant]] = {}
        # Uploads over HTTP become requests through this (the workspace's dispatcher), so they
        # are logged and decided like any other; without one (a bare service) they commit directly.
        self._handle = handle

    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, starting the server (on its last port if free)."""
        with self._lock:
            if self._server is None:
                remembered = self._service.index.port
                self._server = ObjectServer(self, remembered)
                if remembered and self._server.port != remembered:
                    log.warning("storage: port %d is taken, serving on %d; temp URLs handed out "
                                "before no longer open", remembered, self._server.port)
                self._service.index.remember_port(self._server.port)
            return self._server.base_url

    def resume(self) -> None:
        """Listen again on the port of the temp URLs handed out before, if any: a link is valid
        until its ``t`` (24 hours by default), so it must open after the app restarts too, not
        only once something asks for a new URL and starts the server."""
        if self._service.index.port:
            try:
                self.base_url()
            except OSError as exc:  # no port at all: the next temp URL tries again
                log.warning("storage: cannot serve temp URLs: %s", exc)

    def close(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()

    # -- uploads -------------------------------------------------------------------------------

    def grant(self, caller: Caller, path: str, parent_id: str | None) -> dict:
        """The answer to ``storage.getUploadMetadata``: where and how to send the bytes."""
        base = self.base_url()
        now = self._clock()
        token = secrets.token_hex(16)
        expires = now + UPLOAD_TOKEN_SECONDS
        with self._lock:
            self._grants = {k: g for k, g in self._grants.items() if g.expires > now}
            self._grants[token] = UploadGrant(path, caller, parent_id, expires)
        signature = hmac.new(token.encode(), path.encode("utf-8"), hashlib.sha1).hexdigest()
        span = f"{math.floor(now)};{math.floor(expires)}"
        return {
            "url": f"{base}/{self.bucket}/{url_path(path)}",
            "token": token,
            "authorization": f"q-sign-algorithm=sha1&q-ak=wxsim-local&q-sign-time={span}"
                             f"&q-key-time={span}&q-header-list=&q-url-param-list=&q-signature={signature}",
            "fileId": self._service.file_id(path),
            "cosFileId": "wxsim-" + secrets.token_hex(12),
        }

    def receive_upload(self, raw_path: str, token: str | None, body: Reader) -> str:
        """Stream an object upload to disk and commit it through the dispatcher."""
        grant = self._grant_for(token)
        if grant.path not in _paths_named(raw_path):
            raise Refusal(403, "AccessDenied", f"this upload token is for {grant.path!r}, not for {raw_path!r}")
        upload_id = secrets.token_hex(16)
        try:
            temp = self._service.stage(grant.path, body)
            with self._lock:
                self._staged[upload_id] = (temp, grant)
            params = {"path": grant.path, "uploadId": upload_id}
            if self._handle is not None:
                self._handle(Request(PUT_OBJECT, params, grant.caller, grant.parent_id))
            else:
                self._service.commit(grant.caller, grant.path, self.take_staged(upload_id, grant.caller, grant.path))
        except CloudError as exc:
            raise _refusal(exc) from None
        finally:
            with self._lock:
                leftover = self._staged.pop(upload_id, None)
            if leftover is not None:
                self._service.discard(leftover[0])
        return self._service.file_id(grant.path)

    def take_staged(self, upload_id: object, caller: Caller, path: str) -> Path:
        """The staged temp file of an upload, for the caller and path it was granted to."""
        with self._lock:
            staged = self._staged.get(upload_id) if isinstance(upload_id, str) else None
            if staged is None or staged[1].caller != caller or staged[1].path != path:
                raise CloudError(-501007, Reason("storage.no_staged_upload", "no object upload with this uploadId is "
                                                 "waiting for this caller and path"))
            del self._staged[upload_id]
            return staged[0]

    def _grant_for(self, token: str | None) -> UploadGrant:
        with self._lock:
            grant = self._grants.get(token or "")
        if grant is None:
            raise Refusal(403, "InvalidAccessKeyId", "unknown upload token; call storage.getUploadMetadata first")
        if grant.expires < self._clock():
            raise Refusal(403, "AccessDenied", "the upload token has expired; call storage.getUploadMetadata again")
        return grant

    # -- signed reads --------------------------------------------------------------------------

    def open_signed(self, raw_path: str, sign: str, t: str) -> Served:
        """The file a temp URL names, if its signature is good and unexpired."""
        reasons = []
        for path in _paths_named(raw_path):
            reason = self._service.signer.verify(path, sign, t)
            if reason is None:
                break
            reasons.append(reason)
        else:
            expired = [r for r in reasons if r.startswith("the URL expired")]
            raise Refusal(403, "AccessDenied", (expired or reasons or ["not a valid cloud path"])[0])
        try:
            record = self._service.index.lookup(path)
            handle = open(self._service.disk(path), "rb") if record is not None else None
        except CloudError as exc:
            raise Refusal(403, "AccessDenied", exc.detail) from None
        except FileNotFoundError:
            handle = None
        if record is None or handle is None:
            raise Refusal(404, "NoSuchKey", f"{path} does not exist (deleted?)")
        st = os.fstat(handle.fileno())
        return Served(handle, st.st_size, record.content_type, st.st_mtime)


def _paths_named(raw: str) -> list[str]:
    """The valid, normalised cloudPaths a URL path (or form ``key``) can stand for."""
    paths = []
    for candidate in path_candidates(raw):
        try:
            paths.append(normalize_cloud_path(candidate))
        except CloudError:
            continue
    return paths


def _refusal(error: CloudError) -> Refusal:
    status, code = {
        -503002: (403, "AccessDenied"),
        -503003: (404, "NoSuchKey"),
        -501007: (400, "InvalidArgument"),
    }.get(error.code, (500, "InternalError"))
    return Refusal(status, code, str(error))
