"""Every cloudPath the cloud accepts round-trips (issue 19): names Windows cannot keep and
names that differ only in letter case get escaped disk names (app/core/storage/disknames.py),
ordinary names keep their own, and the folder maps back without the index."""

from __future__ import annotations

import base64
import json
import os
import unicodedata
import urllib.request
from pathlib import Path

import pytest

from app import paths
from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.storage import disknames
from app.core.storage.disknames import cloud_name, name_forms
from app.core.workspace import Workspace
from tests.core.functions.test_sdk_harness import ok, run_js, sdk_pool, server_main, workspace_host  # noqa: F401

from .conftest import PREFIX
from .test_http import encode_uri, fetch, no_temp_files

# Names the spec allows that Windows, macOS or the simulator itself would trip over as they are.
UNUSUAL = [
    "a|b测试.jpeg",
    'all/: ? * " < > |.txt',
    "C:/Windows/win.ini",
    "a.png:stream",
    "dots./end.",
    "space /end ",
    "CON",
    "devices/nul.txt",
    "devices/Com1.png",
    "LPT9/x",
    ".wxsim-tmp-abc",
    "a/.wxsim-tmp-x/b",
    "a%7Cb.txt",  # looks like a URL escape: it is its own literal name
    "100%.png",
]
CASES = ["Photos/a.png", "Photos/A.png", "photos/a.png", "PHOTOS/b.png", "readme", "README", "ReadMe"]


def content(path: str) -> bytes:
    return f"bytes of {path}".encode()


def on_disk(env) -> list[str]:
    root = env.data / "storage"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def listed(env) -> dict[str, int]:
    return {f["cloudPath"]: f["size"] for f in env.handle("storage.listFiles", {})["files"]}


def download(env, path: str, caller=None) -> bytes:
    answer = env.handle("storage.downloadFile", {"fileID": PREFIX + path}, caller or env.admin)
    return base64.b64decode(answer["contentBase64"])


def assert_portable(root: Path) -> None:
    """What a copy onto a case-insensitive Windows volume needs: no two names in a folder the
    same after case folding, and none of the characters or names Windows refuses."""
    for folder, dirs, files in os.walk(root):
        names = dirs + files
        folded = [unicodedata_fold(n) for n in names]
        assert len(set(folded)) == len(folded), (folder, names)
        for name in names:
            assert not set(name) & set(disknames.WINDOWS_FORBIDDEN), name
            assert not name.endswith((".", " ")), name
            assert name.split(".", 1)[0].rstrip(" ").casefold() not in disknames.WINDOWS_DEVICES, name


def unicodedata_fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


# -- the mapping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.png", "中文 头像 1.jpg", "Photo.PNG", "100%.png", "a%41.png", "...dots",
                                  ".hidden", "a%7Cb.png", "emoji😀"])
def test_ordinary_names_are_their_own_disk_names(name):
    """Every name accepted before this scheme keeps its disk name, so old data folders open as they are."""
    assert name_forms(name)[0] == name
    assert cloud_name(name) == name


@pytest.mark.parametrize("name,disk", [
    ("a|b测试.jpeg", "a%u007Cb测试.jpeg"),
    ('<>:"|?*', "%u003C%u003E%u003A%u0022%u007C%u003F%u002A"),
    ("end.", "end%u002E"),
    ("end ", "end%u0020"),
    ("CON", "%u0043ON"),
    ("nul.tar.gz", "%u006Eul.tar.gz"),
    (".wxsim-tmp-x", "%u002Ewxsim-tmp-x"),
])
def test_what_windows_cannot_keep_is_escaped_and_reads_back(name, disk):
    assert name_forms(name)[0] == disk
    assert cloud_name(disk) == name


def test_every_form_of_a_name_reads_back_and_later_forms_differ_from_others_in_more_than_case():
    names = ["a.png", "A.png", "Ab.png", "aB.png", "docs", "Docs", "DOCS", "ß", "ss", "CON", "Con", "con", "Σς"]
    for name in names:
        assert [cloud_name(form) for form in name_forms(name)] == [name] * len(name_forms(name))
    escaped = {form: name for name in names for form in name_forms(name)[1:]}
    folded = {unicodedata_fold(form) for form in escaped}
    assert len(folded) == len(escaped)
    plain = {unicodedata_fold(name_forms(name)[0]) for name in names}
    assert not plain & folded


@pytest.mark.parametrize("disk", ["a%u0062.png", "%u0061%u0062", "a%u002Fb", "a%u005Cb", "%uD800x", "a%u0030"])
def test_escapes_wxsim_would_not_write_name_nothing(disk):
    """One cloudPath, one disk name: a hand-made non-canonical spelling is not read as a second copy."""
    assert cloud_name(disk) is None


# -- through the actions -------------------------------------------------------------------------


@pytest.mark.parametrize("path", UNUSUAL)
def test_an_unusual_name_uploads_lists_downloads_gets_a_url_and_deletes(env, path):
    file_id = env.put(env.a, path, content(path))
    assert file_id == PREFIX + path
    assert listed(env) == {path: len(content(path))}
    assert download(env, path, env.a) == content(path)
    dest = env.data / "downloads" / "copy.bin"
    env.handle("storage.downloadFile", {"fileID": file_id, "localPath": str(dest)}, env.a)
    assert dest.read_bytes() == content(path)
    [url] = env.handle("storage.batchGetDownloadUrl", {"file_list": [{"fileid": file_id}]},
                       env.admin)["download_list"]
    assert fetch(url["tempFileURL"])[::2] == (200, content(path))
    assert fetch(encode_uri(url["tempFileURL"]))[::2] == (200, content(path))  # as the SDK's downloadFile sends it
    assert_portable(env.data / "storage")
    [deleted] = env.handle("storage.batchDeleteFile", {"fileid_list": [file_id]}, env.admin)["delete_list"]
    assert deleted["code"] == "SUCCESS"
    assert listed(env) == {} and on_disk(env) == []


def test_the_issue_example_is_stored_under_a_readable_escaped_name(env):
    env.put(env.a, "相册/a|b测试.jpeg", b"jpeg")
    assert on_disk(env) == ["相册/a%u007Cb测试.jpeg"]
    env.put(env.a, "相册/plain.jpeg", b"plain")
    assert on_disk(env) == ["相册/a%u007Cb测试.jpeg", "相册/plain.jpeg"]


def test_an_sdk_upload_over_http_and_its_temp_url(env):
    """The object routes (tcb-wire §6): PUT to the granted URL, then GET the temp URL."""
    path = 'http/a|b测试 "q".jpeg'
    meta = env.handle("storage.getUploadMetadata", {"path": path, "method": "put"}, env.admin)
    request = urllib.request.Request(meta["url"], data=b"over http", method="PUT",
                                     headers={"x-cos-security-token": meta["token"]})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert meta["fileId"] == PREFIX + path
    assert download(env, path) == b"over http"
    [url] = env.handle("storage.batchGetDownloadUrl", {"file_list": [meta["fileId"]]}, env.admin)["download_list"]
    assert fetch(url["tempFileURL"])[::2] == (200, b"over http")
    assert no_temp_files(env)


def test_names_that_differ_only_in_case_are_separate_files(env):
    for path in CASES:
        env.put(env.a, path, content(path))
    assert listed(env) == {path: len(content(path)) for path in CASES}
    for path in CASES:
        assert download(env, path) == content(path)
    assert_portable(env.data / "storage")
    # The first of each spelling keeps its plain name; later ones are escaped.
    assert on_disk(env) == sorted([
        "Photos/a.png", "Photos/%u0041.png", "%u0070hotos/a.png", "%u0050%u0048%u004F%u0054%u004F%u0053/b.png",
        "readme", "%u0052%u0045%u0041%u0044%u004D%u0045", "%u0052ead%u004De",
    ])
    env.handle("storage.batchDeleteFile", {"fileid_list": [PREFIX + "Photos/a.png", PREFIX + "readme"]}, env.admin)
    assert set(listed(env)) == set(CASES) - {"Photos/a.png", "readme"}
    assert download(env, "Photos/A.png") == content("Photos/A.png")
    env.put(env.a, "readme", b"back")  # its plain name is free again
    assert "readme" in on_disk(env)
    assert download(env, "README") == content("README")


def test_the_folder_maps_back_without_the_index(env):
    """Owners live in the index, but which files exist and their cloudPaths come from the disk names."""
    for path in UNUSUAL + CASES:
        env.put(env.a, path, content(path))
    before = listed(env)
    env.service.close()
    (env.data / "storage-index.json").unlink()
    env.reopen()
    assert listed(env) == before
    for path in UNUSUAL + CASES:
        assert download(env, path) == content(path)


def test_owners_survive_a_restart(env):
    env.put(env.a, "x/a|b.png", b"1")
    env.reopen()
    [item] = env.handle("storage.listFiles", {})["files"]
    assert (item["cloudPath"], item["owner"]) == ("x/a|b.png", env.a.openid)


# -- files added by hand -------------------------------------------------------------------------


def test_files_added_by_hand(env, caplog):
    """Ordinary names are read as they are (a URL-style %7C included); %u escapes decode only when
    they are exactly what wxsim writes, and a shadowed second spelling of one name is skipped."""
    root = env.data / "storage"
    (root / "hand").mkdir(parents=True)
    files = {
        "plain.txt": "hand/plain.txt",
        "a%7Cb.txt": "hand/a%7Cb.txt",
        "a%u007Cb.txt": "hand/a|b.txt",
        "%u0043ON": "hand/CON",
        "a%u0062.txt": None,  # not how wxsim spells ab.txt
        "%u0041.png": None,  # A.png is spelled plainly when nothing clashes...
        "A.png": "hand/A.png",  # ...and this plain spelling takes precedence
        "%u002E%u002E": None,  # '..' is no name at all
        "x|y.txt": None,  # Windows could not keep it: the log says to rename it x%u007Cy.txt
    }
    for disk in files:
        (root / "hand" / disk).write_bytes(disk.encode())
    (root / "%u002E%u002E").mkdir()
    (root / "%u002E%u002E" / "x").write_bytes(b"no")
    expected = {path: len(disk.encode()) for disk, path in files.items() if path}
    assert listed(env) == expected
    assert download(env, "hand/a|b.txt") == b"a%u007Cb.txt"
    assert download(env, "hand/a%7Cb.txt") == b"a%7Cb.txt"
    assert download(env, "hand/A.png") == b"A.png"
    assert "x|y.txt; wxsim keeps this name on disk as x%u007Cy.txt, so rename it" in caplog.text
    assert "a%u0062.txt, whose name has escapes wxsim does not write" in caplog.text


def test_a_name_whose_every_form_is_taken_by_hand_is_refused_not_overwritten(env):
    """Only hand-made names can take every form (here a.png's plain and escaped ones, in other cases)."""
    root = env.data / "storage"
    root.mkdir(exist_ok=True)
    (root / "A.png").write_bytes(b"A")
    (root / "%U0061.png").write_bytes(b"odd")
    with pytest.raises(CloudError) as caught:
        env.put(env.a, "a.png", b"a")
    assert caught.value.code == -501007
    assert "cannot get a name on disk that differs from the existing 'A.png'" in caught.value.detail
    assert (root / "A.png").read_bytes() == b"A"


def test_an_old_data_folder_keeps_working(tmp_path, clock):
    """A folder and index from before the scheme: ordinary names, owners kept."""
    from .conftest import StorageEnv

    root = tmp_path / "storage"
    (root / "中文").mkdir(parents=True)
    (root / "中文" / "头像 1.jpg").write_bytes(b"old")
    (root / "Photo.PNG").write_bytes(b"old2")
    st = (root / "中文" / "头像 1.jpg").stat()
    (tmp_path / "storage-index.json").write_text(json.dumps({"version": 1, "secret": "s" * 64, "port": 0, "files": {
        "中文/头像 1.jpg": {"owner": "oOld", "size": 3, "contentType": "image/jpeg", "uploadedAt": 1.0,
                           "mtimeNs": st.st_mtime_ns}}, "pending": {}}))
    env = StorageEnv(tmp_path, clock)
    try:
        files = {f["cloudPath"]: f["owner"] for f in env.handle("storage.listFiles", {})["files"]}
        assert files == {"中文/头像 1.jpg": "oOld", "Photo.PNG": None}
        assert download(env, "Photo.PNG") == b"old2"
        env.put(env.a, "photo.png", b"new")
        assert sorted(p.name for p in root.iterdir()) == ["%u0070hoto.png", "Photo.PNG", "中文"]
    finally:
        env.service.close()


# -- a case-insensitive file system --------------------------------------------------------------


@pytest.fixture
def folding_fs(monkeypatch):
    """Make lookups behave as on macOS or Windows: ``lstat`` finds a name spelled in any case."""
    real_lstat = os.lstat

    def lstat(path, *args, **kwargs):
        try:
            return real_lstat(path, *args, **kwargs)
        except FileNotFoundError:
            path = Path(path)
            try:
                match = next(n for n in os.listdir(path.parent) if n.casefold() == path.name.casefold())
            except (FileNotFoundError, NotADirectoryError, StopIteration):
                raise FileNotFoundError(2, "No such file", str(path)) from None
            return real_lstat(path.parent / match, *args, **kwargs)

    monkeypatch.setattr(disknames.os, "lstat", lstat)
    monkeypatch.setattr(disknames, "folds_case", lambda root: True)


def test_on_a_case_insensitive_file_system_case_variants_stay_apart(env, folding_fs):
    env.put(env.a, "Docs/a.png", b"lower")
    with pytest.raises(CloudError) as caught:  # lstat finds Docs/a.png, but it is not A.png
        download(env, "Docs/A.png")
    assert caught.value.code == -503003
    with pytest.raises(CloudError):
        download(env, "docs/a.png")
    env.put(env.a, "Docs/A.png", b"upper")
    env.put(env.a, "docs/a.png", b"other folder")
    assert download(env, "Docs/a.png") == b"lower"
    assert download(env, "Docs/A.png") == b"upper"
    assert download(env, "docs/a.png") == b"other folder"
    assert listed(env) == {"Docs/a.png": 5, "Docs/A.png": 5, "docs/a.png": 12}
    assert_portable(env.data / "storage")
    env.handle("storage.batchDeleteFile", {"fileid_list": [PREFIX + "Docs/a.png"]}, env.admin)
    assert download(env, "Docs/A.png") == b"upper"
    assert listed(env) == {"Docs/A.png": 5, "docs/a.png": 12}


def test_the_case_probe_of_the_storage_folder(tmp_path):
    root = tmp_path / "storage"
    root.mkdir()
    assert disknames.folds_case(root) is os.path.exists(tmp_path / "STORAGE")


# -- snapshots -----------------------------------------------------------------------------------


def test_a_snapshot_with_unusual_names_restores(tmp_path, clock):
    ws = Workspace.open(tmp_path / "data", paths.demo_project(), clock=clock)
    console = Caller.console("test")
    try:
        names = ["a|b测试.jpeg", "x/CON", "x/con", "dir./f?.txt", "Case/a.png", "Case/A.png", "case/b.png"]
        for name in names:
            ws.storage.upload(console, name, content(name))
        before = {r.path: ws.storage.disk(r.path).read_bytes() for r in ws.storage.files()}
        ws.handle(Request("snapshot.save", {"name": "names"}, console))
        ws.handle(Request("storage.batchDeleteFile", {"fileid_list": [ws.storage.file_id(n) for n in names]},
                          console))
        ws.storage.upload(console, "case/a.png", b"after")
        ws.handle(Request("snapshot.restore", {"name": "names"}, console))
        after = {r.path: ws.storage.disk(r.path).read_bytes() for r in ws.storage.files()}
        assert after == before
        assert set(names) <= set(after)
        assert_portable(ws.storage.root)
    finally:
        ws.close()
    again = Workspace.open(tmp_path / "data", paths.demo_project())
    try:
        assert {r.path: again.storage.disk(r.path).read_bytes() for r in again.storage.files()} == before
        exported = again.handle(Request("snapshot.export", {"localPath": str(tmp_path / "names")}, console))
    finally:
        again.close()
    other = Workspace.from_scenario(Path(exported["localPath"]), tmp_path / "laptop-2", paths.demo_project())
    try:  # a scenario file carries the cloudPaths; the other data folder gets its own disk names
        assert {r.path: other.storage.disk(r.path).read_bytes() for r in other.storage.files()} == before
    finally:
        other.close()


# -- what stays refused --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["../a.png", "a/%u002E%u002E/b", "%u002E%u002E", "/etc/passwd", "a\\..\\b"])
def test_escapes_cannot_be_typed_to_leave_storage(env, path):
    with pytest.raises(CloudError) as caught:
        env.put(env.a, path, b"x")
    assert caught.value.code == -501007
    assert on_disk(env) == []


# -- from a cloud function (the embedded wx-server-sdk shim) -----------------------------------------

def test_a_cloud_function_round_trips_the_issue_example(run_js, workspace):  # noqa: F811
    """uploadFile, getTempFileURL, downloadFile and deleteFile with a|b测试.jpeg, as wx-server-sdk 4.x."""
    host = workspace_host(workspace, Caller.admin("scf"))
    result = ok(run_js(server_main("""
      const up = await cloud.uploadFile({ cloudPath: 'a|b测试.jpeg', fileContent: Buffer.from('jpeg bytes') })
      const url = await cloud.getTempFileURL({ fileList: [up.fileID] })
      const down = await cloud.downloadFile({ fileID: up.fileID })
      return { fileID: up.fileID, url: url.fileList[0].tempFileURL, content: down.fileContent.toString() }"""),
                       host=host))
    assert result["fileID"] == workspace.storage.file_id("a|b测试.jpeg")
    assert result["content"] == "jpeg bytes"
    assert "/a%7Cb%E6%B5%8B%E8%AF%95.jpeg?sign=" in result["url"]
    assert fetch(result["url"])[::2] == (200, b"jpeg bytes")
    deleted = ok(run_js(server_main(f"""
      const del = await cloud.deleteFile({{ fileList: [{json.dumps(result["fileID"])}] }})
      return del.fileList[0].status"""), host=host))
    assert deleted == 0
    assert "a|b测试.jpeg" not in [r.path for r in workspace.storage.files()]
