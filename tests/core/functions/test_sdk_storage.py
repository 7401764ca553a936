"""Storage through both shims against the real storage service (spec §1.5–1.8, §2.3).

The results must equal what the Python oracle (tests/support/storage_sdk.py) gives for the same
call, apart from the parts that are random by design (temp file names, URL signatures).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.core.dispatcher import Dispatcher
from app.core.errors import CloudError, SimulatorError
from app.core.events import EventLog
from app.core.requests import Caller, Request
from app.core.storage import DEFAULT_MODE, StorageService, storage_actions
from tests.support.storage_sdk import StorageSdk
from tests.core.functions.test_sdk_harness import function_env, ok, run_js, sdk_pool  # noqa: F401

ENV_ID = "test-env"
APPID = "wx1234567890abcdef"
OPENID_A = "oA" + "a1b2c3d4e5f6g7h8i9j0k1l2m3"
OPENID_B = "oB" + "z9y8x7w6v5u4t3s2r1q0p9o8n7"


class Storage:
    """A storage service behind its own dispatcher, and hosts acting as given callers."""

    def __init__(self, data: Path, clock) -> None:
        self.data = data
        self.dispatcher = Dispatcher(EventLog(None), lambda request: None)
        self.service = StorageService(data / "storage", data / "storage-index.json", ENV_ID, APPID,
                                      lambda: DEFAULT_MODE, clock, handle=self.dispatcher.handle)
        self.dispatcher.register(storage_actions(self.service, lambda mode: None))
        self.admin = Caller.admin("scf")
        self.a = Caller.client(OPENID_A, APPID)
        self.b = Caller.client(OPENID_B, APPID)

    def host(self, caller: Caller):
        def host(action: str, params: dict) -> dict:
            if action == "auth.initCloud":
                return {"errMsg": "cloud.init:ok"}
            try:
                # As run-client's host: the client's local files live under the test's folder.
                return self.dispatcher.handle(Request(action, params, caller, local_roots=(self.data,)))
            except CloudError:
                raise
            except SimulatorError as exc:
                raise CloudError(-1, str(exc)) from exc
        return host

    def mirror(self, caller: Caller) -> StorageSdk:
        return StorageSdk(self.dispatcher.handle, caller, download_dir=self.data / "mirror-downloads")

    def local(self, name: str, content: bytes) -> Path:
        path = self.data / "local" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path


@pytest.fixture
def storage(tmp_path: Path, clock):
    (tmp_path / "mirror-downloads").mkdir()
    (tmp_path / "downloads").mkdir()
    env = Storage(tmp_path, clock)
    yield env
    env.service.close()


def unsigned(value):
    """Temp URLs with their signature and expiry blanked, for comparing two answers."""
    return re.sub(r"sign=[0-9a-f]+&t=\d+", "sign=…", repr(value))


SERVER = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const settle = (p) => p.then((ok) => ok, (e) => ({ errCode: e.errCode, errMsg: e.errMsg }))
exports.main = async (event) => {
"""


def test_server_upload_download_delete_and_urls(run_js, storage):
    """A function's storage calls, shaped as wx-server-sdk returns them and as the mirror does."""
    missing = storage.service.file_id("nope.png")
    result = ok(run_js(SERVER + f"""
      const up = await cloud.uploadFile({{ cloudPath: 'a/b.txt', fileContent: Buffer.from('héllo', 'utf8') }})
      const down = await cloud.downloadFile({{ fileID: up.fileID }})
      return {{ up, down: {{ ...down, fileContent: down.fileContent.toString('utf8'), isBuffer: Buffer.isBuffer(down.fileContent) }},
        urls: await cloud.getTempFileURL({{ fileList: [up.fileID, {{ fileID: '{missing}', maxAge: 60 }}] }}),
        gone: await settle(cloud.downloadFile({{ fileID: '{missing}' }})),
        del: await cloud.deleteFile({{ fileList: [up.fileID, '{missing}'] }}) }}
    }}""", host=storage.host(storage.admin)))
    file_id = storage.service.file_id("a/b.txt")
    assert result["up"] == {"fileID": file_id, "statusCode": -1, "errMsg": "uploadFile:ok"}
    assert result["down"] == {"fileContent": "héllo", "isBuffer": True, "statusCode": 200, "errMsg": "downloadFile:ok"}
    assert result["gone"]["errCode"] == -503003
    assert result["gone"]["errMsg"].startswith("downloadFile:fail -503003 storage file not exists.")
    assert result["del"] == {"fileList": [
        {"fileID": file_id, "status": 0, "errMsg": "ok"},
        {"fileID": missing, "status": -503003, "errMsg": "storage file not exists"},
    ], "errMsg": "deleteFile:ok"}
    urls = result["urls"]["fileList"]
    assert urls[0]["status"] == 0 and urls[0]["errMsg"] == "ok" and urls[0]["tempFileURL"].startswith("http")
    assert urls[1] == {"fileID": missing, "status": -503003, "errMsg": "storage file not exists",
                       "maxAge": 60, "tempFileURL": ""}
    # The mirror answers the same for the same state (the file is deleted now).
    mirror = storage.mirror(storage.admin)
    assert mirror.delete_file([file_id, missing]).value["fileList"][0] == {
        "fileID": file_id, "status": -503003, "errMsg": "storage file not exists"}


def test_server_upload_checks(run_js, storage):
    """The SDK's checks (spec §2.3) and the backend's limit of 50 files per call."""
    result = ok(run_js(SERVER + """return {
      noContent: await settle(cloud.uploadFile({ cloudPath: 'a.txt' })),
      stringContent: await settle(cloud.uploadFile({ cloudPath: 'a.txt', fileContent: 'text' })),
      noPath: await settle(cloud.uploadFile({ fileContent: Buffer.from('x') })),
      badPath: await settle(cloud.uploadFile({ cloudPath: '/a.txt', fileContent: Buffer.from('x') })),
      notArray: await settle(cloud.deleteFile({ fileList: 'x' })),
      empty: await settle(cloud.deleteFile({ fileList: [] })),
      notString: await settle(cloud.deleteFile({ fileList: ['cloud://x', 3] })),
      tooMany: await settle(cloud.getTempFileURL({ fileList: Array.from({ length: 51 }, (_, i) => 'cloud://x/' + i) })),
      badItem: await settle(cloud.getTempFileURL({ fileList: [{ maxAge: 1 }] })) }
    }""", host=storage.host(storage.admin)))
    assert result["noContent"] == {"errCode": -1, "errMsg": "uploadFile:fail Type of fileContent must be fs.ReadStream instead of undefined"}
    assert result["stringContent"] == {"errCode": -1, "errMsg": "uploadFile:fail Type of fileContent must be fs.ReadStream instead of string"}
    assert result["noPath"] == {"errCode": -1, "errMsg": "parameter.cloudPath should be string instead of undefined;"}
    assert result["badPath"]["errCode"] == -501007 and result["badPath"]["errMsg"].startswith("uploadFile:fail -501007 invalid parameters.")
    assert result["notArray"] == {"errCode": -1, "errMsg": "parameter.fileList should be array instead of string;"}
    assert result["empty"] == {"errCode": -1, "errMsg": "deleteFile:fail fileList must be a non-empty array"}
    assert result["notString"] == {"errCode": -1, "errMsg": "deleteFile:fail Type of fileList[1] must be string instead of number"}
    assert result["tooMany"] == {"errCode": -501007, "errMsg": (
        "getTempFileURL:fail -501007 invalid parameters. file_list has 51 files; at most 50 per call")}
    assert result["badItem"]["errMsg"] == (
        "getTempFileURL:fail fileList[0] must be a fileID string or an object with fileID and maxAge")


CLIENT = """const client = require('wxsim-client')
const wx = client.install({ env: 'test-env', init: { traceUser: true } })
const settle = (p) => p.then((ok) => ok, (e) => ({ errCode: e.errCode, errMsg: e.errMsg }))
exports.main = async (event) => {
"""


def test_client_storage_matches_the_mirror(run_js, storage):
    """wx.cloud storage for a user: local paths in and out, per-item codes of the client (§10 #5)."""
    local = storage.local("photo.png", b"png bytes")
    env = function_env(WXSIM_TMPDIR=str(storage.data / "downloads"))
    missing = storage.service.file_id("nope.png")
    result = ok(run_js(CLIENT + f"""
      const up = await wx.cloud.uploadFile({{ cloudPath: 'a/b.png', filePath: {str(local)!r} }})
      return {{ up, down: await wx.cloud.downloadFile({{ fileID: up.fileID }}),
        urls: await wx.cloud.getTempFileURL({{ fileList: [up.fileID, '{missing}'] }}),
        noPath: await settle(wx.cloud.uploadFile({{ cloudPath: 'x.png' }})),
        del: await wx.cloud.deleteFile({{ fileList: ['{missing}'] }}) }}
    }}""", host=storage.host(storage.a), env=env))
    mirror = storage.mirror(storage.a)
    file_id = storage.service.file_id("a/b.png")
    assert result["up"] == mirror.upload_file("a/b.png", local).value
    down = result["down"]
    assert down["errMsg"] == "cloud.downloadFile:ok" and down["statusCode"] == 200
    assert Path(down["tempFilePath"]).parent == storage.data / "downloads"
    assert down["tempFilePath"].endswith(".png") and Path(down["tempFilePath"]).read_bytes() == b"png bytes"
    assert unsigned(result["urls"]) == unsigned(mirror.get_temp_file_url([file_id, missing]).value)
    assert result["urls"]["fileList"][1] == {"fileID": missing, "tempFileURL": "", "maxAge": 86400,
                                             "status": -503003, "errMsg": "STORAGE_FILE_NONEXIST"}
    assert result["noPath"] == {"errCode": -1, "errMsg": "cloud.uploadFile:fail filePath must be the path of a local file"}
    assert result["del"] == {"fileList": [{"fileID": missing, "status": -1, "errMsg": "STORAGE_FILE_NONEXIST"}],
                             "errMsg": "cloud.deleteFile:ok"}


def test_client_cannot_delete_someone_elses_file(run_js, storage):
    """Default storage mode: only the creator writes; another user's delete fails per item."""
    file_id = storage.dispatcher.handle(Request("storage.uploadFile", {
        "cloudPath": "a/mine.txt", "localPath": str(storage.local("mine.txt", b"x"))}, storage.a,
        local_roots=(storage.data,)))["fileID"]
    result = ok(run_js(CLIENT + f"""return wx.cloud.deleteFile({{ fileList: ['{file_id}'] }})
    }}""", host=storage.host(storage.b)))
    assert result == {"fileList": [{"fileID": file_id, "status": -1, "errMsg": "STORAGE_EXCEED_AUTHORITY"}],
                      "errMsg": "cloud.deleteFile:ok"}


def test_client_upload_with_callbacks_returns_a_task(run_js, storage):
    """With callbacks uploadFile returns an UploadTask; success then complete get the result."""
    local = storage.local("t.txt", b"t")
    result = ok(run_js(CLIENT + f"""return new Promise((resolve) => {{
        const seen = []
        const task = wx.cloud.uploadFile({{ cloudPath: 't.txt', filePath: {str(local)!r},
          success: (r) => seen.push(['success', r.errMsg]), fail: (e) => seen.push(['fail', e.errMsg]),
          complete: (r) => {{ seen.push(['complete', r.errMsg]); resolve({{ seen, task: typeof task.onProgressUpdate }}) }} }})
      }})
    }}""", host=storage.host(storage.a)))
    assert result == {"seen": [["success", "cloud.uploadFile:ok"], ["complete", "cloud.uploadFile:ok"]],
                      "task": "function"}
