"""Hole: code names host paths. Only the person at the console does (SECURITY.md §host files)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request
from tests.security.conftest import RAW, run


def test_a_function_cannot_upload_a_host_file(hostile, tmp_path: Path):
    """storage.uploadFile with a localPath, sent by function code, is refused."""
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret")
    ws = hostile({"steal": RAW + f"""exports.main = async () =>
        send('storage.uploadFile', {{ cloudPath: 'loot.txt', localPath: {str(secret)!r} }})"""})
    out = run(ws, "steal")
    assert "outside the folders this code may use" in out["errMsg"]
    assert ws.storage.files("") == [] or all(r.path != "loot.txt" for r in ws.storage.files(""))


def test_a_function_cannot_write_a_host_file(hostile, tmp_path: Path):
    """storage.downloadFile to a localPath, sent by function code, writes nothing on the host."""
    target = tmp_path / "dropped.sh"
    ws = hostile({"drop": RAW + f"""exports.main = async () => {{
        const up = await send('storage.uploadFile', {{ cloudPath: 'x.sh', contentBase64: 'ZWNobyBwd25lZA==' }})
        return send('storage.downloadFile', {{ fileID: up.fileID, localPath: {str(target)!r} }}) }}"""})
    out = run(ws, "drop")
    assert "outside the folders this code may use" in out["errMsg"]
    assert not target.exists()


def test_server_code_over_the_gateway_names_no_host_path(workspace, tmp_path: Path):
    """The gateway's callers are server code (admin), never the console: no localPath either."""
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret")
    with pytest.raises(CloudError, match="outside the folders this code may use"):
        workspace.handle(Request("storage.uploadFile", {"cloudPath": "a.txt", "localPath": str(secret)},
                                 Caller.admin("wx_devtools")))


def test_client_code_uploads_only_from_its_own_folder(workspace, tmp_path: Path):
    """run-client's uploadFile({filePath}) reads the script's folder tree, nothing else."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours")
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "photo.txt").write_text("mine")
    script = folder / "main.js"
    script.write_text(f"""exports.main = async () => {{
      const ok = await wx.cloud.uploadFile({{ cloudPath: 'p/photo.txt', filePath: {str(folder / 'photo.txt')!r} }})
      const bad = await wx.cloud.uploadFile({{ cloudPath: 'p/x.txt', filePath: {str(outside)!r} }})
        .then(() => 'uploaded', (e) => e.errMsg)
      return {{ ok: ok.fileID, bad }}
    }}""")
    temp = tmp_path / "temp"
    temp.mkdir()
    outcome = workspace.functions.run_client(script, workspace.client_caller("学生A"), temp)
    assert outcome.error is None, outcome.error
    assert outcome.result["ok"].endswith("/p/photo.txt")
    assert "outside the folders this code may use" in outcome.result["bad"]


def test_client_code_cannot_escape_its_folder_through_a_symlink(workspace, tmp_path: Path):
    """A symlink inside the script's folder that points out of it is resolved, then refused."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours")
    folder = tmp_path / "client"
    folder.mkdir()
    os.symlink(outside, folder / "link.txt")
    script = folder / "main.js"
    script.write_text(f"""exports.main = async () => wx.cloud.uploadFile(
        {{ cloudPath: 'l.txt', filePath: {str(folder / 'link.txt')!r} }}).then(() => 'uploaded', (e) => e.errMsg)""")
    temp = tmp_path / "temp"
    temp.mkdir()
    outcome = workspace.functions.run_client(script, workspace.client_caller("学生A"), temp)
    assert "outside the folders this code may use" in outcome.result


def test_the_console_still_names_any_host_file(workspace, tmp_path: Path):
    """The person at wxsim (a pane, a CLI argument) uploads from anywhere, as before."""
    source = tmp_path / "anywhere.txt"
    source.write_bytes(b"hello")
    answer = workspace.handle(Request("storage.uploadFile", {"cloudPath": "c.txt", "localPath": str(source)},
                                      Caller.console()))
    data = workspace.handle(Request("storage.downloadFile", {"fileID": answer["fileID"]}, Caller.console()))
    assert base64.b64decode(data["contentBase64"]) == b"hello"


def test_a_function_symlink_out_of_its_folder_is_not_followed(hostile, tmp_path: Path):
    """A symlinked file inside the function that points out of it cannot be required."""
    outside = tmp_path / "outside.json"
    outside.write_text('{"password": "hunter2"}')
    ws = hostile({"peek": """exports.main = async () => {
        try { return require('./leak.json') } catch (e) { return 'refused: ' + e.message } }"""})
    folder = ws.functions.catalog.find("peek").folder
    os.symlink(outside, folder / "leak.json")
    out = run(ws, "peek")
    assert out["result"].startswith("refused: ") and "hunter2" not in str(out)
