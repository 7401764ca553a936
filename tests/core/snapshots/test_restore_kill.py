"""A restore killed at any point leaves the old state or the new one, whole, never a mix.

A grandchild process restores a snapshot and SIGKILLs itself just before its n-th change to the
file system (every n from the first to the last), or after a random delay; the test then opens
the workspace, as the app would, and compares every part of the state with the two it may be.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import paths
from app.core.database.ejson import to_ejson
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

CHILD = Path(__file__).with_name("restore_kill_child.py")
ROOT = Path(__file__).resolve().parents[3]
STEPPED_TRIALS = 60  # kills at evenly spread change numbers, first and last included
TIMED_TRIALS = 15  # kills after a random delay


def console(action: str, params: dict | None = None) -> Request:
    return Request(action, params or {}, Caller.console("test"))


def fingerprint(data_dir: Path) -> dict:
    """Every part of the state a restore replaces, as plain values."""
    workspace = Workspace.open(data_dir)
    try:
        store = workspace.database.store
        storage = workspace.storage
        files = {}
        for record in storage.files():
            files[record.path] = (record.owner, hashlib.sha256(storage.disk(record.path).read_bytes()).hexdigest())
        return {
            "collections": {name: to_ejson(store.documents(name)) for name in store.collection_names()},
            "files": files,
            "state": workspace.state.portable(),
            "users": sorted(u["openid"] for u in workspace.identity.auth_state()["users"]),
        }
    finally:
        workspace.close()


def make_template(folder: Path) -> None:
    """A demo workspace with a snapshot ``target``, then changed in every part."""
    workspace = Workspace.open(folder, demo_data=paths.resource("demo-data"))
    handle = workspace.handle
    handle(console("snapshot.save", {"name": "target"}))
    handle(console("database.deleteCollection", {"collectionName": "grades"}))
    handle(console("database.addCollection", {"collectionName": "extra"}))
    handle(console("database.setPermission", {"collectionName": "todos", "mode": "ADMINONLY"}))
    todos = workspace.database.store.documents("todos")
    workspace.database.store.replace("todos", [{**todos[0], "title": "changed after the snapshot"}])
    workspace.database.store.remove("todos", [todos[1]["_id"]])
    workspace.identity.add_persona("学生C")
    workspace.identity.record_visit(workspace.identity.persona("学生C").openid, workspace.settings.appid)
    first = workspace.storage.files()[0]
    workspace.storage.disk(first.path).unlink()
    new_file = folder.parent / "new.txt"
    new_file.write_bytes(b"uploaded after the snapshot" * 1000)
    workspace.storage.upload(Caller.console("test"), "later/new.txt", new_file)
    workspace.state.set_triggers_paused(True)
    workspace.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict, dict]:
    base = tmp_path_factory.mktemp("restore-kill")
    folder = base / "template"
    make_template(folder)
    old = fingerprint(_copy(folder, base / "old"))
    new_dir = _copy(folder, base / "new")
    workspace = Workspace.open(new_dir)
    workspace.handle(console("snapshot.restore", {"name": "target"}))
    workspace.close()
    new = fingerprint(new_dir)
    assert old != new
    for part in old:  # every part differs, so a mix would show
        assert old[part] != new[part], part
    return folder, old, new


def _copy(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target, symlinks=True)
    return target


class Trials:
    """The trial server (one interpreter; a fork per trial)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
        )

    def run(self, data_dir: Path, kill_at: int = 0, delay_us: int = 0) -> dict:
        spec = {"data_dir": str(data_dir), "snapshot": "target", "kill_at": kill_at, "delay_us": delay_us}
        self.process.stdin.write(json.dumps(spec) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the trial server died"
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def test_a_restore_killed_at_any_point_leaves_the_old_state_or_the_new_one(template, tmp_path):
    folder, old, new = template
    trials = Trials()
    try:
        calibration = _copy(folder, tmp_path / "calibration")
        answer = trials.run(calibration)
        assert answer == {"killed": False, "exit": 0}
        changes = int(Path(f"{calibration}.ops").read_text())
        assert changes > 20  # the checkpoint, the staging, the marker, the swap, the clean-up
        assert fingerprint(calibration) == new

        kill_points = sorted({1 + round(i * (changes - 1) / (STEPPED_TRIALS - 1)) for i in range(STEPPED_TRIALS)})
        rng = random.Random(18)
        outcomes = {"old": 0, "new": 0}
        redone = 0  # trials killed after the commit point, whose swap the next open finishes
        for number, kill_at in enumerate(kill_points):
            trial = _copy(folder, tmp_path / f"step-{number}")
            assert trials.run(trial, kill_at=kill_at)["killed"], kill_at
            redone += (trial / ".restore" / "READY").exists()
            outcomes[_which(fingerprint(trial), old, new, f"killed before change {kill_at} of {changes}")] += 1
        for number in range(TIMED_TRIALS):
            trial = _copy(folder, tmp_path / f"timed-{number}")
            # Opening the workspace in the grandchild takes a few ms; the restore follows.
            trials.run(trial, delay_us=rng.randint(1_000, 60_000))
            outcomes[_which(fingerprint(trial), old, new, f"timed trial {number}")] += 1
    finally:
        trials.close()
    assert len(kill_points) + TIMED_TRIALS >= 50
    # Kills before the commit point keep the old state; kills after it, some of them in the
    # middle of the swap, are finished by the next open.
    assert outcomes["old"] > 0 and outcomes["new"] > 0 and redone > 0, (outcomes, redone)


def _which(state: dict, old: dict, new: dict, trial: str) -> str:
    if state == old:
        return "old"
    if state == new:
        return "new"
    mixed = {part: ("old" if state[part] == old[part] else "new" if state[part] == new[part] else "neither")
             for part in state}
    raise AssertionError(f"{trial}: a mixed state {mixed}")
