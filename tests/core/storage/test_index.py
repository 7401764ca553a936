"""The file index: it survives kill -9 and follows changes made to the folder by hand."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.jsonfile import TEMP_PREFIX
from app.core.storage import StorageService

from .conftest import PREFIX
from .storage_kill_child import OPENID, PATHS, pattern

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("storage_kill_child.py")
KILLS = int(os.environ.get("WXSIM_STORAGE_KILLS", "25"))


def listed(env) -> dict[str, dict]:
    return {f["cloudPath"]: f for f in env.handle("storage.listFiles", {})["files"]}


def test_owners_survive_a_reopen(env):
    env.put(env.a, "a.png", b"x")
    env.reopen()
    assert listed(env)["a.png"]["owner"] == env.a.openid


def test_files_added_by_hand_appear_with_no_owner(env):
    folder = env.data / "storage" / "hand"
    folder.mkdir(parents=True)
    (folder / "made.jpg").write_bytes(b"jpeg")
    entry = listed(env)["hand/made.jpg"]
    assert (entry["owner"], entry["size"], entry["contentType"]) == (None, 4, "image/jpeg")
    assert env.sdk(env.b).download_file(PREFIX + "hand/made.jpg").ok  # everyone reads
    assert not env.sdk(env.a).upload_file("hand/made.jpg", env.local("x", b"y")).ok  # nobody owns it


def test_a_file_added_by_hand_is_found_by_its_file_id_without_a_listing(env):
    (env.data / "storage" / "direct.txt").write_bytes(b"hi")
    assert env.sdk(env.admin).download_file(PREFIX + "direct.txt").value["fileContent"] == b"hi"


def test_files_removed_by_hand_drop_out(env):
    file_id = env.put(env.a, "a/b.png", b"x")
    (env.data / "storage" / "a" / "b.png").unlink()
    [item] = env.sdk(env.a).get_temp_file_url([file_id]).value["fileList"]
    assert item["errMsg"] == "STORAGE_FILE_NONEXIST"
    assert listed(env) == {}
    index = json.loads((env.data / "storage-index.json").read_text(encoding="utf-8"))
    assert index["files"] == {}


def test_files_changed_by_hand_refresh_and_keep_their_owner(env):
    env.put(env.a, "a.txt", b"short")
    target = env.data / "storage" / "a.txt"
    target.write_bytes(b"a longer text")
    os.utime(target, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    entry = listed(env)["a.txt"]
    assert (entry["size"], entry["owner"], entry["uploadedAt"]) == (13, env.a.openid, 1_700_000_000.0)


def test_hand_changes_made_while_closed_are_picked_up_at_open(env):
    env.put(env.a, "keep.txt", b"k")
    env.put(env.a, "gone.txt", b"g")
    env.service.close()
    (env.data / "storage" / "gone.txt").unlink()
    (env.data / "storage" / "new.txt").write_bytes(b"n")
    env.reopen()
    index = json.loads((env.data / "storage-index.json").read_text(encoding="utf-8"))
    assert sorted(index["files"]) == ["keep.txt", "new.txt"]
    assert index["files"]["keep.txt"]["owner"] == env.a.openid and index["files"]["new.txt"]["owner"] is None


def test_temp_files_are_never_listed_and_are_removed_at_open(env):
    env.put(env.a, "d/a.txt", b"a")
    stale = [env.data / "storage" / f"{TEMP_PREFIX}1", env.data / "storage" / "d" / f"{TEMP_PREFIX}2"]
    for path in stale:
        path.write_bytes(b"half an upload")
    assert list(listed(env)) == ["d/a.txt"]
    env.reopen()
    assert not any(path.exists() for path in stale)
    assert list(listed(env)) == ["d/a.txt"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_links_and_unnameable_files_are_not_listed(env, caplog):
    outside = env.data / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    storage = env.data / "storage"
    storage.mkdir(exist_ok=True)
    (storage / "linked").symlink_to(outside, target_is_directory=True)
    (storage / "file-link.txt").symlink_to(outside / "secret.txt")
    (storage / "bad:name.txt").write_text("x")  # made by hand on Linux; no cloudPath can name it
    (storage / ".DS_Store").write_bytes(b"junk")
    (storage / "ok.txt").write_text("ok")
    assert list(listed(env)) == ["ok.txt"]
    assert "bad:name.txt" in caplog.text
    [item] = env.sdk(env.admin).get_temp_file_url([PREFIX + "linked/secret.txt"]).value["fileList"]
    assert item["status"] == -501007 and "link" in str(env.events.recent()[-1].result)


def test_an_upload_killed_after_its_rename_is_finished_at_open(env):
    """The pending entry written before the rename gives the owner back."""
    env.put(env.a, "a.txt", b"old")
    env.service.close()
    index_file = env.data / "storage-index.json"
    state = json.loads(index_file.read_text(encoding="utf-8"))
    state["pending"]["a.txt"] = {**state["files"]["a.txt"], "size": 7, "temp": TEMP_PREFIX + "gone"}
    state["files"]["a.txt"]["owner"] = "someone else"  # what the index said before
    index_file.write_text(json.dumps(state), encoding="utf-8")
    (env.data / "storage" / "a.txt").write_bytes(b"new one")  # the rename happened
    env.reopen()
    assert listed(env)["a.txt"]["owner"] == env.a.openid
    assert json.loads(index_file.read_text(encoding="utf-8"))["pending"] == {}


def test_an_upload_killed_before_its_rename_is_forgotten_at_open(env):
    env.put(env.a, "a.txt", b"old")
    env.service.close()
    index_file = env.data / "storage-index.json"
    state = json.loads(index_file.read_text(encoding="utf-8"))
    temp = env.data / "storage" / (TEMP_PREFIX + "inflight")
    temp.write_bytes(b"new one")
    state["pending"]["a.txt"] = {**state["files"]["a.txt"], "owner": "oX", "size": 7, "temp": temp.name}
    index_file.write_text(json.dumps(state), encoding="utf-8")
    env.reopen()
    assert not temp.exists()
    entry = listed(env)["a.txt"]
    assert (entry["owner"], entry["size"]) == (env.a.openid, 3)


def test_a_damaged_index_is_rebuilt_from_the_folder(env, caplog):
    env.put(env.a, "a.txt", b"x")
    env.service.close()
    index_file = env.data / "storage-index.json"
    index_file.write_text("{not json", encoding="utf-8")
    env.reopen()
    assert listed(env)["a.txt"]["owner"] is None
    assert (env.data / "storage-index.json.damaged").read_text(encoding="utf-8") == "{not json"
    assert "damaged" in caplog.text


def start_child(data: Path, first: int, seed: int, errlog: Path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(errlog, "ab") as err:
        proc = subprocess.Popen([sys.executable, str(CHILD), str(data), str(first), str(seed)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err)
    lines: list[dict] = []
    ready = threading.Event()

    def drain() -> None:
        for line in proc.stdout:
            lines.append(json.loads(line))
            ready.set()
        ready.set()

    reader = threading.Thread(target=drain)
    reader.start()
    return proc, reader, ready, lines


def test_kill_9_mid_upload_loses_no_acknowledged_change(tmp_path):
    """SIGKILL at random moments: files are whole, owners kept, no temp file survives open."""
    rng = random.Random(1234)
    model: dict[str, tuple[int, int] | None] = {path: None for path in PATHS}
    version, mid_rename, pending = 0, 0, 0  # kills that left a temp file / a pending entry
    for kill in range(KILLS):
        proc, reader, ready, lines = start_child(tmp_path, version, kill, tmp_path / "child.err")
        assert ready.wait(30), (tmp_path / "child.err").read_text()
        time.sleep(rng.uniform(0.02, 0.4))
        proc.kill()
        proc.wait()
        reader.join()
        proc.stdout.close()
        assert lines and lines[0] == {"ready": True}, (tmp_path / "child.err").read_text()
        in_flight = None
        for line in lines[1:]:
            op = line.get("intent") or line["ack"]
            if "ack" in line:
                model[op["path"]] = (op["version"], op["size"]) if op["op"] == "put" else None
                in_flight = None
            else:
                in_flight = op
                version = max(version, op.get("version", 0))
        mid_rename += any(p.name.startswith(TEMP_PREFIX) for p in (tmp_path / "storage").rglob("*"))
        index_state = json.loads((tmp_path / "storage-index.json").read_text(encoding="utf-8"))
        pending += bool(index_state["pending"])

        service = StorageService(tmp_path / "storage", tmp_path / "storage-index.json", "test-x1dzi",
                                 "1257000000", lambda: "READONLY")
        try:
            records = {r.path: r for r in service.files()}
        finally:
            service.close()
        assert not [p for p in (tmp_path / "storage").rglob("*") if p.name.startswith(TEMP_PREFIX)]
        for path in PATHS:
            allowed = [model[path]]
            if in_flight and in_flight["path"] == path:
                allowed.append((in_flight["version"], in_flight["size"]) if in_flight["op"] == "put" else None)
            disk = tmp_path / "storage" / path
            if disk.exists():
                content = disk.read_bytes()
                found = (int(content[2:10]), len(content))
                assert content == pattern(*found), f"kill {kill}: {path} is torn"
                assert found in allowed, f"kill {kill}: {path} holds v{found}, expected one of {allowed}"
                assert records[path].owner == OPENID and records[path].size == len(content)
            else:
                assert None in allowed, f"kill {kill}: acknowledged {path} is missing"
                assert path not in records
            model[path] = found if disk.exists() else None
    # Most uploads spend their time streaming, so kills land mid-write: the case that matters.
    assert KILLS < 10 or mid_rename >= 3, mid_rename
    print(f"{KILLS} kills: {mid_rename} mid-write, {pending} between index and rename")
