"""The headless command line (DESIGN §5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app import __version__
from app.core.identity.service import derive_openid

ROOT = Path(__file__).resolve().parents[2]


def wxsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_version():
    out = wxsim("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"wxsim {__version__}"


def test_personas_prints_roster_as_json(tmp_path):
    """`wxsim personas` prints the demo roster with its openids, and nothing else, on stdout."""
    out = wxsim("personas", "--data-dir", str(tmp_path))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["appid"] == "wx5c0d3a1f2b9e4c7d" and data["env"].startswith("demo-")
    assert [p["name"] for p in data["personas"]] == ["学生A", "学生B", "老师"]
    seed = json.loads((tmp_path / "workspace.json").read_text(encoding="utf-8"))["seed"]
    assert data["personas"][0]["openid"] == derive_openid(seed, "学生A")


def test_options_before_the_command_also_count(tmp_path):
    out = wxsim("--data-dir", str(tmp_path), "personas")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "workspace.json").exists()


def test_bad_project_is_reported_on_stderr(tmp_path):
    out = wxsim("personas", "--project", str(tmp_path), "--data-dir", str(tmp_path / "d"))
    assert out.returncode == 2
    assert "no project.config.json" in out.stderr and out.stdout == ""
