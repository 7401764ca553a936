"""Test support: a Python rendering of the SDKs' storage calls, as an oracle for the tests.

What ``wx.cloud`` or ``wx-server-sdk`` returns; the app's one implementation is the JS shims.

Client callers get the mini program's shapes (spec §1.5–1.8, ``cloud.`` errMsg prefix);
admin callers get ``wx-server-sdk``'s (§2.3). Choices where the sources differ:

- server ``uploadFile`` answers ``statusCode: -1``: that is what wx-server-sdk returns in all
  measured versions, against the real cloud and against our gateway alike (tcb-wire §6), so a
  function sees the same value embedded or under real Node. Spec §10 #6 would allow 200.
- per-item failures (§10 #5): the client's deleteFile says ``status: -1`` with the backend's
  code string (``STORAGE_FILE_NONEXIST``); the client's getTempFileURL says the numeric code
  with the code string (``-503002``/``STORAGE_EXCEED_AUTHORITY``, as observed); the server
  says the numeric code with its text (``-503003``/``storage file not exists``).
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Callable

from app.core.functions.sdk import SdkOutcome
from app.core.errors import ERROR_TEXTS, TCB_CODES, CloudError
from app.core.requests import Caller, Request
from app.core.storage.actions import INLINE_LIMIT, SUCCESS
from tests.support.database_sdk import shape_error

CLIENT_UPLOAD_STATUS = 200
SERVER_UPLOAD_STATUS = -1
_CODE_NUMBERS = {name: number for number, name in TCB_CODES.items()}


class StorageSdk:
    """``wx.cloud`` (client caller) or ``cloud`` of wx-server-sdk (admin caller), storage part."""

    def __init__(
        self,
        handle: Callable[[Request], dict],
        caller: Caller,
        *,
        download_dir: Path | None = None,
        parent_id: str | None = None,
    ) -> None:
        self._handle = handle
        self._caller = caller
        self._download_dir = download_dir or Path(tempfile.gettempdir())
        self._parent = parent_id
        # Like run-client's host: code names local files only under the folders chosen for it
        # (its downloads and the system temp folder, where spools and test files live).
        self._local_roots = (self._download_dir, Path(tempfile.gettempdir()))

    def upload_file(self, cloud_path: Any, file_path: str | Path | None = None, *,
                    file_content: bytes | BinaryIO | None = None) -> SdkOutcome:
        """``uploadFile({cloudPath, filePath})`` on the client, ``({cloudPath, fileContent})`` on the server."""
        api = self._api("uploadFile")
        params: dict[str, Any] = {"cloudPath": cloud_path}
        spool: Path | None = None
        if self._client:
            if not isinstance(file_path, (str, Path)) or not str(file_path):
                return _fail(api, -1, "filePath must be the path of a local file")
            params["localPath"] = str(file_path)
        elif isinstance(file_content, (bytes, bytearray)) and len(file_content) <= INLINE_LIMIT:
            params["contentBase64"] = base64.b64encode(file_content).decode("ascii")
        elif isinstance(file_content, (bytes, bytearray)) or hasattr(file_content, "read"):
            spool = self._spool(file_content)
            params["localPath"] = str(spool)
        else:
            kind = "undefined" if file_content is None else _js_type(file_content)
            return _fail(api, -1, f"Type of fileContent must be fs.ReadStream instead of {kind}")
        try:
            answer = self._call(api, "storage.uploadFile", params)
        finally:
            if spool is not None:
                spool.unlink(missing_ok=True)
        if not answer.ok:
            return answer
        status = CLIENT_UPLOAD_STATUS if self._client else SERVER_UPLOAD_STATUS
        return SdkOutcome(True, {"fileID": answer.value["fileID"], "statusCode": status, "errMsg": f"{api}:ok"})

    def download_file(self, file_id: Any) -> SdkOutcome:
        """Client: ``{tempFilePath, statusCode, errMsg}``; server: ``{fileContent, statusCode, errMsg}``."""
        api = self._api("downloadFile")
        suffix = PurePosixPath(file_id).suffix if isinstance(file_id, str) else ""
        if self._client:
            dest = self._download_dir / f"wxsim-{secrets.token_hex(8)}{suffix[:16]}"
            answer = self._call(api, "storage.downloadFile", {"fileID": file_id, "localPath": str(dest)})
            if not answer.ok:
                return answer
            return SdkOutcome(True, {"tempFilePath": str(dest), "statusCode": 200, "errMsg": f"{api}:ok"})
        fd, name = tempfile.mkstemp(prefix="wxsim-download-", dir=self._download_dir)
        os.close(fd)
        try:
            answer = self._call(api, "storage.downloadFile", {"fileID": file_id, "localPath": name})
            content = Path(name).read_bytes() if answer.ok else b""
        finally:
            Path(name).unlink(missing_ok=True)
        if not answer.ok:
            return answer
        return SdkOutcome(True, {"fileContent": content, "statusCode": 200, "errMsg": f"{api}:ok"})

    def delete_file(self, file_list: Any) -> SdkOutcome:
        """``deleteFile({fileList})``: per-item ``status`` and ``errMsg``; the call itself resolves."""
        api = self._api("deleteFile")
        problem = _check_list(api, file_list)
        if problem:
            return problem
        for index, item in enumerate(file_list):
            if not isinstance(item, str):
                return _fail(api, -1, f"Type of fileList[{index}] must be string instead of {_js_type(item)}")
        answer = self._call(api, "storage.batchDeleteFile", {"fileid_list": list(file_list)})
        if not answer.ok:
            return answer
        items = [{"fileID": item["fileID"], **self._status(item, delete=True)} for item in answer.value["delete_list"]]
        return SdkOutcome(True, {"fileList": items, "errMsg": f"{api}:ok"})

    def get_temp_file_url(self, file_list: Any) -> SdkOutcome:
        """``getTempFileURL({fileList})`` with strings or ``{fileID, maxAge}`` objects."""
        api = self._api("getTempFileURL")
        problem = _check_list(api, file_list)
        if problem:
            return problem
        wire = []
        for index, item in enumerate(file_list):
            if isinstance(item, str):
                wire.append({"fileid": item})
            elif isinstance(item, dict) and isinstance(item.get("fileID"), str):
                wire.append({"fileid": item["fileID"], "max_age": item.get("maxAge")})
            else:
                return _fail(api, -1, f"fileList[{index}] must be a fileID string or an object with fileID and maxAge")
        answer = self._call(api, "storage.batchGetDownloadUrl", {"file_list": wire})
        if not answer.ok:
            return answer
        items = [
            {"fileID": item["fileID"], "tempFileURL": item["tempFileURL"], "maxAge": item["maxAge"],
             **self._status(item, delete=False)}
            for item in answer.value["download_list"]
        ]
        return SdkOutcome(True, {"fileList": items, "errMsg": f"{api}:ok"})

    # -- plumbing ------------------------------------------------------------------------------

    @property
    def _client(self) -> bool:
        return self._caller.is_client

    def _api(self, name: str) -> str:
        return f"cloud.{name}" if self._client else name

    def _call(self, api: str, action: str, params: dict) -> SdkOutcome:
        try:
            return SdkOutcome(True, self._handle(Request(action, params, self._caller, self._parent, self._local_roots)))
        except CloudError as error:
            return SdkOutcome(False, shape_error(api, error, is_client=self._client))

    def _status(self, item: dict, *, delete: bool) -> dict:
        code = item["code"]
        if code == SUCCESS:
            return {"status": 0, "errMsg": "ok"}
        number = _CODE_NUMBERS.get(code, -501001)
        if self._client:
            return {"status": -1 if delete else number, "errMsg": code}
        return {"status": number, "errMsg": ERROR_TEXTS.get(number, ERROR_TEXTS[-1])}

    def _spool(self, content: bytes | BinaryIO) -> Path:
        """A temp copy of a large Buffer or a stream, so the upload can stream from disk."""
        fd, name = tempfile.mkstemp(prefix="wxsim-upload-", dir=self._download_dir)
        with os.fdopen(fd, "wb") as out:
            if isinstance(content, (bytes, bytearray)):
                out.write(content)
            else:
                shutil.copyfileobj(content, out, 1 << 20)
        return Path(name)


def _fail(api: str, code: int, reason: str) -> SdkOutcome:
    return SdkOutcome(False, {"errCode": code, "errMsg": f"{api}:fail {reason}"})


def _check_list(api: str, file_list: Any) -> SdkOutcome | None:
    if not isinstance(file_list, list) or not file_list:
        return _fail(api, -1, "fileList must be a non-empty array")
    return None


def _js_type(value: Any) -> str:
    """What JavaScript's ``typeof`` says for the value's JSON counterpart."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"
