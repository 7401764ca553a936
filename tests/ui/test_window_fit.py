"""The window fits a 1024×768 projector (and 1366×768 at 150 %), no message widens it, and it
opens again as it was left: geometry, splitters and the pane shown."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest

from tests.ui.conftest import chinese, settle
from PySide6.QtWidgets import QScrollArea, QSplitter

from app.paths import resource
from app.settings import AppSettings
from app.ui.i18n import Translations

ROOT = Path(__file__).resolve().parents[2]
FRAME = (16, 40)  # what a window manager's frame and a taskbar may take, at most
LONG = "ENOENT: no such file /" + "/".join(["a-very-long-folder-name"] * 80) + "/index.js"


def idle(qloop, seconds: float = 0.4) -> None:
    """Let the panes load (their first reads are requests) and relayouts happen."""
    qloop.run_until_complete(asyncio.sleep(seconds))


def pane_area(window, row: int) -> QScrollArea:
    window.navigation.setCurrentRow(row)
    return window.stack.currentWidget()


def test_minimum_size_fits_1024x768(start):
    window = start().window
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 - FRAME[0] and hint.height() <= 768 - FRAME[1]
    # The toolbars give what does not fit to their overflow menus instead of widening the window.
    for toolbar in (window.switcher, window.view_toolbar):
        assert toolbar.minimumSizeHint().width() < toolbar.sizeHint().width()


@pytest.mark.parametrize("screen, presenter, language", [
    ((1024, 768), False, "en"),
    ((1366 / 1.5, 768 / 1.5), False, "en"),  # a 1366×768 laptop at 150 %, in logical pixels
    ((1024, 768), True, "en"),  # presenter mode's 1.5× text on a 1024×768 projector
    ((1024, 768), False, "zh_CN"),  # a Chinese text is wider or narrower than its English
    ((1024, 768), "at start", "zh_CN"),  # the window built in presenter mode, as a trainer reopens it
])
def test_every_pane_fits_without_scrolling_sideways(start, qloop, qapp, tmp_path, screen, presenter, language):
    """Rows of buttons wrap, combo boxes shrink, labels wrap: no pane needs a horizontal scrollbar."""
    translations = Translations(qapp, resource("i18n"))
    translations.install(language)  # as `wxsim --lang` does before the window is built
    try:
        with chinese() if language == "zh_CN" else nullcontext():
            settings = AppSettings.load(tmp_path / "settings.json")
            settings.welcomed, settings.presenter = True, presenter == "at start"
            session = start(settings)
            session.appearance.set_presenter(bool(presenter))
            window = session.window
            window.resize(int(screen[0]) - FRAME[0], int(screen[1]) - FRAME[1])
            for row in range(window.navigation.count()):
                area = pane_area(window, row)
                settle(qloop, session.bridge)  # the pane's first reads, and the relayouts they bring
                name = type(window.panes[row]).__name__
                assert area.widget().width() <= area.viewport().width(), name
                # A window never gets narrower than its minimum size: on a real screen the pane
                # would then be cut off at the edge, so the size asked for must be the size it has.
                assert window.width() <= int(screen[0]) - FRAME[0], name
                if name == "DatabasePane":  # its 索引 tab too, with a compound index's two rows
                    database = window.panes[row]
                    database.sections.setCurrentWidget(database.indexes_tab)
                    database.indexes_tab.add_key_row()
                    settle(qloop, session.bridge)
                    assert area.widget().width() <= area.viewport().width(), "IndexesTab"
                    assert window.width() <= int(screen[0]) - FRAME[0], "IndexesTab"
                    database.sections.setCurrentIndex(0)
    finally:
        translations.install("en")


def test_minimum_size_fits_1366x768_at_150_percent(tmp_path):
    """QT_SCALE_FACTOR=1.5 as on a laptop at 150 %: the minimum in device pixels fits the screen."""
    script = (
        "import asyncio, json, sys, qasync\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.main import GuiSession, open_paths\n"
        "from app.paths import Paths, resource\n"
        "from app.settings import AppSettings\n"
        "from app.ui.i18n import Translations\n"
        "app = QApplication([])\n"
        "loop = qasync.QEventLoop(app); asyncio.set_event_loop(loop)\n"
        "t = Translations(app, resource('i18n')); t.install(sys.argv[1])\n"
        "s = GuiSession(app, AppSettings(None, welcomed=True), t, None)\n"
        f"s.show(open_paths(Paths.decide(None, __import__('pathlib').Path(r'{tmp_path}') / sys.argv[1])))\n"
        "loop.run_until_complete(asyncio.sleep(0.5))\n"
        "hint, ratio = s.window.minimumSizeHint(), s.window.devicePixelRatio()\n"
        "print(json.dumps([hint.width() * ratio, hint.height() * ratio, ratio]))\n"
        "s.window.close(); s.close()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "1.5",
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    for language in ("en", "zh_CN"):
        out = subprocess.run([sys.executable, "-c", script, language], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        width, height, ratio = json.loads(out.stdout.strip().splitlines()[-1])
        assert ratio == 1.5
        assert width <= 1366 - FRAME[0] and height <= 768 - FRAME[1], (language, width, height)


def test_a_very_long_error_does_not_widen_the_window(start, qloop):
    window = start().window
    window.resize(1000, 700)
    idle(qloop, 0.1)
    before = window.width()
    panes = {type(pane).__name__: pane for pane in window.panes}
    panes["UsersPane"].login_message.show_error(LONG)
    panes["DatabasePane"].answer.show_error(LONG)
    panes["StoragePane"].message.show_error(LONG)
    panes["FunctionsPane"].message.show_error(LONG)
    panes["FunctionsPane"].summary.setText(LONG)
    panes["ClientConsolePane"].message.show_error(LONG)
    window.statusBar().showMessage(LONG)
    for row in range(window.navigation.count()):
        area = pane_area(window, row)
        idle(qloop, 0.2)
        assert window.width() == before
        assert area.widget().width() <= area.viewport().width()  # it wrapped instead
    assert window.minimumSizeHint().width() <= 1024 - FRAME[0]
    assert panes["UsersPane"].login_message.text() == LONG  # the whole text, to read or copy


def test_a_message_keeps_its_line_when_cleared(start, qloop):
    """Controls below an inline message do not jump when it appears or goes away."""
    window = start().window
    pane = next(p for p in window.panes if type(p).__name__ == "UsersPane")
    window.navigation.setCurrentRow(0)
    idle(qloop, 0.1)
    below = pane.login_message.parentWidget()
    y_before = pane.response.mapTo(below, pane.response.rect().topLeft()).y()
    pane.login_message.show_error("40029 invalid code")
    idle(qloop, 0.1)
    pane.login_message.clear_message()
    idle(qloop, 0.1)
    assert pane.response.mapTo(below, pane.response.rect().topLeft()).y() == y_before
    assert pane.login_message.height() > 0 and not pane.login_message.isVisible()


def test_geometry_splitters_and_last_pane_are_remembered(start, qloop, tmp_path):
    window = start().window
    window.resize(700, 560)  # inside the offscreen screen (800×800)
    window.navigation.setCurrentRow(2)
    idle(qloop, 0.1)
    database = next(p for p in window.panes if type(p).__name__ == "DatabasePane")
    splitter = database.findChildren(QSplitter)[0]
    splitter.setSizes([300, 500])
    sizes = splitter.sizes()
    window.close()
    saved = AppSettings.load(tmp_path / "settings.json")
    assert saved.last_pane == 2 and saved.geometry and saved.splitters

    again = start(saved).window
    assert (again.width(), again.height()) == (700, 560)
    assert again.navigation.currentRow() == 2
    database = next(p for p in again.panes if type(p).__name__ == "DatabasePane")
    assert database.findChildren(QSplitter)[0].sizes() == sizes


def test_a_saved_size_larger_than_the_screen_is_fitted(start, qloop, tmp_path):
    window = start().window
    window.resize(3000, 2000)
    window.close()
    again = start(AppSettings.load(tmp_path / "settings.json")).window
    screen = again.screen().availableGeometry()
    assert again.width() <= screen.width() and again.height() <= screen.height()


def test_columns_fit_and_the_chosen_one_stretches(start, qloop):
    window = start().window
    window.resize(1000, 700)
    users = next(p for p in window.panes if type(p).__name__ == "UsersPane")
    idle(qloop, 0.2)
    header = users.roster.horizontalHeader()
    openid, unionid = header.sectionSize(1), header.sectionSize(2)
    # The openid column takes the spare width; unionid ("—") is only as wide as its title.
    assert openid > unionid
    assert unionid <= header.sectionSizeHint(2) + 4 * users.roster.fontMetrics().averageCharWidth()
    shown = sum(header.sectionSize(c) for c in range(header.count()))
    assert shown <= users.roster.viewport().width() + 1

