"""The composition root's window handling: open another project, switch language."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from app.core.api import WorkspaceApi
from app.main import GuiSession
from app.paths import demo_project, resource
from app.settings import AppSettings
from app.ui.i18n import Translations

ROOT = Path(__file__).resolve().parents[2]


def idle(qloop) -> None:
    """Let the panes finish loading (their first reads are requests, awaited in the loop)."""
    qloop.run_until_complete(asyncio.sleep(0.5))


def make_project(folder: Path, appid: str = "wx0123456789abcdef") -> Path:
    folder.mkdir()
    (folder / "project.config.json").write_text(
        json.dumps({"appid": appid, "projectname": "shop", "cloudfunctionRoot": "cf/"})
    )
    return folder


def test_open_project_rebuilds_window_and_remembers_it(qtbot, qapp, qloop, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = AppSettings(tmp_path / "settings.json")
    session = GuiSession(qapp, settings, Translations(qapp, resource("i18n")), None)
    session.show(WorkspaceApi.open(tmp_path / "demo", demo_project()))
    idle(qloop)  # a pane's reads still in flight when its window is replaced would find it gone
    first = session.window
    project = make_project(tmp_path / "shop")
    first.project_requested.emit(project)
    assert session.window is not first
    assert "shop" in session.window.windowTitle()
    assert AppSettings.load(tmp_path / "settings.json").recent_projects == [str(project)]
    assert (tmp_path / "xdg" / "wxsim" / "workspaces").is_dir()  # state went to the data dir
    assert not (project / "workspace.json").exists()  # never into the project
    idle(qloop)
    session.window.close()
    session.close()


def test_bad_project_leaves_current_window_and_says_why(qtbot, qapp, qloop, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    session = GuiSession(qapp, AppSettings(tmp_path / "s.json"), Translations(qapp, resource("i18n")), None)
    session.show(WorkspaceApi.open(tmp_path / "demo", demo_project()))
    window = session.window
    (tmp_path / "empty").mkdir()
    window.project_requested.emit(tmp_path / "empty")
    assert session.window is window
    assert "no project.config.json" in shown[0]
    idle(qloop)
    window.close()
    session.close()


def test_language_switch_is_remembered(qtbot, qapp, qloop, tmp_path):
    settings = AppSettings(tmp_path / "s.json")
    translations = Translations(qapp, resource("i18n"))
    session = GuiSession(qapp, settings, translations, None)
    session.show(WorkspaceApi.open(tmp_path / "demo", demo_project()))
    idle(qloop)
    try:
        session.window.language_requested.emit("zh_CN")
        assert session.window.navigation.item(0).text() == "用户"
        assert AppSettings.load(tmp_path / "s.json").language == "zh_CN"
    finally:
        idle(qloop)
        translations.install("en")
        session.window.close()
        session.close()


def test_app_starts_offscreen_paints_and_quits(tmp_path):
    """The real entry point opens the demo project, paints, and exits 0."""
    out = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "--exit-after-start", "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["panes"] == 8 and "demo-" in report["env"]
    assert report["first_paint"] > report["launched"]
