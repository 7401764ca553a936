"""`wxsim snapshot …`, `wxsim reset` and `wxsim scenario …` (DESIGN §5's contract: JSON, exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def wxsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def ok(*args: str) -> dict:
    out = wxsim(*args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_qa_session_from_the_terminal(tmp_path):
    data = ["--data-dir", str(tmp_path / "ws")]
    saved = ok("snapshot", "save", "bug-1234", "--note", "just before the bug", *data)
    assert saved["snapshot"]["note"] == "just before the bug"
    out = wxsim("db", "export", "todos", *data)
    todos = out.stdout
    assert todos.strip()

    assert wxsim("snapshot", "save", "bug-1234", *data).returncode == 2  # the name is taken
    ok("snapshot", "save", "later", *data)
    listed = ok("snapshot", "list", *data)
    assert [s["name"] for s in listed["snapshots"]][:2] == ["later", "bug-1234"]
    diff = ok("snapshot", "diff", "bug-1234", "later", *data)
    assert diff["same"] is True

    reset = ok("reset", *data)
    assert reset["restored"]["kind"] == "initial" and reset["checkpoint"]["kind"] == "checkpoint"
    restored = ok("snapshot", "restore", "bug-1234", *data)
    assert restored["restored"]["name"] == "bug-1234"
    assert wxsim("db", "export", "todos", *data).stdout == todos

    exported = ok("scenario", "export", str(tmp_path / "bug-1234"), "--snapshot", "bug-1234", *data)
    assert exported["localPath"].endswith("bug-1234.wxsim")
    opened = ok("scenario", "import", exported["localPath"], "--data-dir", str(tmp_path / "dev"))
    assert opened["documents"] == saved["snapshot"]["documents"]
    assert wxsim("db", "export", "todos", "--data-dir", str(tmp_path / "dev")).stdout == todos

    again = wxsim("scenario", "import", exported["localPath"], "--data-dir", str(tmp_path / "dev"))
    assert again.returncode == 2 and "not empty" in again.stderr and again.stdout == ""
    gone = wxsim("snapshot", "restore", "nope", *data)
    assert gone.returncode == 2 and "no snapshot named nope" in gone.stderr
    ok("snapshot", "delete", "later", *data)
    assert "later" not in [s["name"] for s in ok("snapshot", "list", *data)["snapshots"]]
