"""Chinese and English: every UI string is translated, and the shipped .qm is current."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.paths import resource

ROOT = Path(__file__).resolve().parents[2]
TS = resource("i18n/wxsim_zh_CN.ts")
TOOLS = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(TOOLS)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: it ships with PySide6-Essentials")
    return path


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    return {
        (context.findtext("name"), message.findtext("source")): message.find("translation")
        for context in tree.iter("context")
        for message in context.iter("message")
    }


def test_every_ui_string_has_a_chinese_translation(tmp_path):
    """lupdate over app/ui finds no string that the committed .ts lacks or leaves unfinished."""
    fresh = tmp_path / "fresh.ts"
    sources = [str(p) for p in sorted((ROOT / "app" / "ui").rglob("*.py"))]
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    committed = _messages(TS)
    missing = [key for key in _messages(fresh) if key not in committed]
    unfinished = [key for key, t in committed.items() if t.get("type") == "unfinished" or not t.text]
    assert missing == [] and unfinished == []


def test_compiled_translations_are_current(tmp_path):
    """The shipped .qm is exactly what lrelease makes of the .ts."""
    out = tmp_path / "out.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == resource("i18n/wxsim_zh_CN.qm").read_bytes()


def test_window_speaks_chinese_when_asked(qtbot, qapp, bridge):
    from PySide6.QtGui import QIcon

    from app.ui.i18n import Translations
    from app.ui.main_window import MainWindow
    from app.ui.panes.users_pane import UsersPane

    translations = Translations(qapp, resource("i18n"))
    translations.install("zh_CN")
    try:
        window = MainWindow(bridge, [(UsersPane.title(), QIcon(), UsersPane(bridge))], [], "zh_CN")
        qtbot.addWidget(window)
        assert window.navigation.item(0).text() == "用户"
        assert window.switcher.buttons[None].text() == "未登录"
        assert window.menuBar().actions()[0].text() == "文件(&F)"
    finally:
        translations.install("en")
    window = MainWindow(bridge, [(UsersPane.title(), QIcon(), UsersPane(bridge))], [], "en")
    qtbot.addWidget(window)
    assert window.switcher.buttons[None].text() == "Signed out"
