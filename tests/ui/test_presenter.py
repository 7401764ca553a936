"""In front of a class: presenter mode, zoom, themes, the read-only lock, the guided tour and
the first-run screen, over the real demo workspace."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo, Qt
from PySide6.QtGui import QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog, QTableView

from app.paths import resource
from app.settings import AppSettings
from app.ui.i18n import Translations
from app.ui.theme import PRESENTER_SCALE
from tests.ui.conftest import eventually


def idle(qloop, seconds: float = 0.4) -> None:
    qloop.run_until_complete(asyncio.sleep(seconds))


def act(qloop, action) -> None:
    """Trigger ``action`` as a click in the running app does: the new font and palette reach
    the widgets through the event loop."""
    action.trigger()
    idle(qloop, 0.05)


def panes(window) -> dict:
    return {type(pane).__name__: pane for pane in window.panes}


def tables_follow_the_font(window) -> bool:
    return all(table.verticalHeader().defaultSectionSize() >= QFontMetrics(table.font()).height()
               for table in window.findChildren(QTableView))


def test_presenter_mode_scales_the_text_and_is_remembered(start, qloop, tmp_path):
    session = start()
    window = session.window
    base = QApplication.font().pointSizeF()
    row = panes(window)["UsersPane"].roster.verticalHeader().defaultSectionSize()
    assert window.presenter_action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    assert not window.switcher.badge_shown()

    act(qloop, window.presenter_action)
    assert QApplication.font().pointSizeF() >= base * PRESENTER_SCALE - 0.01
    roster = panes(window)["UsersPane"].roster
    assert roster.verticalHeader().defaultSectionSize() > row
    assert roster.verticalHeader().defaultSectionSize() >= QFontMetrics(QApplication.font()).height()
    assert tables_follow_the_font(window)  # the timeline's too
    assert window.switcher.badge_shown() and window.switcher.badge.text() == "学生A"
    # Presenter mode defaults to the high-contrast light theme.
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == "#ffffff"
    assert QApplication.palette().color(QPalette.ColorRole.WindowText).name() == "#000000"
    assert AppSettings.load(tmp_path / "settings.json").presenter

    window = start(AppSettings.load(tmp_path / "settings.json")).window  # a restart
    assert window.presenter_action.isChecked() and window.switcher.badge_shown()
    assert QApplication.font().pointSizeF() >= base * PRESENTER_SCALE - 0.01
    act(qloop, window.presenter_action)
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    assert not AppSettings.load(tmp_path / "settings.json").presenter


def test_the_badge_follows_the_acting_persona(start, qloop):
    window = start().window
    act(qloop, window.presenter_action)
    window.switcher.buttons["老师"].click()
    assert window.switcher.badge.text() == "老师"
    window.switcher.buttons[None].click()
    assert window.switcher.badge.text() == "Signed out"


def test_zoom_in_out_and_reset(start, qloop, tmp_path):
    window = start().window
    base = QApplication.font().pointSizeF()
    assert QKeySequence("Ctrl+=") in window.zoom_in_action.shortcuts()
    assert window.zoom_out_action.shortcuts()[0] == QKeySequence("Ctrl+-")
    assert window.zoom_reset_action.shortcut() == QKeySequence("Ctrl+0")

    act(qloop, window.zoom_in_action)
    act(qloop, window.zoom_in_action)
    bigger = QApplication.font().pointSizeF()
    assert bigger > base * 1.2
    assert tables_follow_the_font(window)
    assert AppSettings.load(tmp_path / "settings.json").zoom == pytest.approx(bigger / base, rel=0.02)
    act(qloop, window.zoom_out_action)
    act(qloop, window.zoom_out_action)
    act(qloop, window.zoom_out_action)
    assert QApplication.font().pointSizeF() < base
    act(qloop, window.zoom_reset_action)
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    # Zoom works in presenter mode too, on top of its scale.
    act(qloop, window.presenter_action)
    act(qloop, window.zoom_in_action)
    assert QApplication.font().pointSizeF() > base * PRESENTER_SCALE


def test_zoom_and_presenter_shortcuts_reach_the_window(start, qloop, qtbot):
    window = start().window
    window.activateWindow()
    idle(qloop, 0.1)  # not qtbot.waitActive: Qt events outside the loop would run its tasks loopless
    assert window.isActiveWindow()
    base = QApplication.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    idle(qloop, 0.05)
    assert QApplication.font().pointSizeF() > base
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    idle(qloop, 0.05)
    assert window.presenter_action.isChecked()
    assert QApplication.font().pointSizeF() == pytest.approx(base * PRESENTER_SCALE)


def test_themes_can_be_chosen(start, qloop, tmp_path):
    window = start().window
    act(qloop, window.theme_actions["dark"])
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert AppSettings.load(tmp_path / "settings.json").theme == "dark"
    act(qloop, window.theme_actions["standard"])
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 80


def test_the_lock_turns_off_settings_controls_only(start, qloop, tmp_path):
    window = start().window
    by_name = panes(window)
    users, database = by_name["UsersPane"], by_name["DatabasePane"]
    storage, functions = by_name["StoragePane"], by_name["FunctionsPane"]
    settings_controls = [*users.roster_buttons, database.mode_box, database.delete_collection_button,
                         database.transfer.import_button, storage.mode_box, functions.runtime_box,
                         *database.rules_editor.settings_controls(), *storage.rules_editor.settings_controls()]
    still_allowed = [users.login_button, users.exchange_button, database.query_bar.run_button,
                     database.transfer.export_button, *window.switcher.buttons.values()]
    assert all(control.isEnabled() for control in settings_controls + still_allowed)

    act(qloop, window.lock_action)
    assert not any(control.isEnabled() for control in settings_controls)
    assert all(control.isEnabled() for control in still_allowed)
    assert not window.lock_label.isHidden()
    database.mode_box.setEnabled(True)  # a pane re-enabling a control while locked
    assert not database.mode_box.isEnabled()
    assert AppSettings.load(tmp_path / "settings.json").locked

    window = start(AppSettings.load(tmp_path / "settings.json")).window  # still locked after a restart
    assert not panes(window)["UsersPane"].roster_buttons[0].isEnabled()
    act(qloop, window.lock_action)
    by_name = panes(window)
    assert all(control.isEnabled() for control in [*by_name["UsersPane"].roster_buttons,
                                                   by_name["DatabasePane"].mode_box,
                                                   by_name["FunctionsPane"].runtime_box])
    assert window.lock_label.isHidden()


def test_the_tour_steps_through_its_cards_and_shows_each_pane(start, qloop):
    window = start().window
    assert window.tour is None  # nothing of it is built before it is asked for
    act(qloop, window.tour_action)
    tour = window.tour
    assert tour.isVisible() and tour.index == 0 and not tour.back.isEnabled()
    shown = []
    for _card in tour.cards:
        tour.show_me.click()
        shown.append(type(window.panes[window.navigation.currentRow()]).__name__)
        tour.next.click()
    assert shown == ["UsersPane", "DatabasePane", "StoragePane", "FunctionsPane"]
    assert not tour.isVisible()  # "Finish" on the last card closes it
    act(qloop, window.tour_action)
    assert tour.isVisible() and tour.index == 0
    tour.next.click()
    tour.back.click()
    assert tour.index == 0
    idle(qloop, 0.2)


def test_the_first_run_screen_shows_once_and_from_help(start, qloop, tmp_path):
    window = start(welcomed=False).window
    qloop.run_until_complete(eventually(lambda: window.welcome is not None and window.welcome.isVisible()))
    text = " ".join(label.text() for label in window.welcome.findChildren(type(window.lock_label)))
    for name in ("学生A", "学生B", "老师", "Users", "Database", "Storage", "Functions"):
        assert name in text
    window.welcome.tour_button.click()
    assert not window.welcome.isVisible() and window.tour.isVisible()
    assert AppSettings.load(tmp_path / "settings.json").welcomed

    window = start(AppSettings.load(tmp_path / "settings.json")).window
    idle(qloop, 0.3)
    assert window.welcome is None
    act(qloop, window.welcome_action)
    assert window.welcome.isVisible()
    window.welcome.reject()


def test_dialogs_are_wide_enough_for_their_title(start, qloop):
    window = start().window
    dialog = QInputDialog(window)
    dialog.setWindowTitle("New name (the openid stays the same) — a long title for a dialog")
    dialog.setLabelText("Name:")
    dialog.show()
    qloop.run_until_complete(eventually(lambda: dialog.isActiveWindow()))
    wanted = QFontMetrics(dialog.font()).horizontalAdvance(dialog.windowTitle())
    assert dialog.width() >= wanted + 100  # the title, and room for the icon and buttons
    dialog.reject()


def test_qt_dialogs_speak_chinese_with_the_chinese_ui(qapp):
    translations = Translations(qapp, resource("i18n"))
    translations.install("zh_CN")
    try:
        assert QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
        assert QCoreApplication.translate("QFileDialog", "Files of type:") == "文件类型："
    finally:
        translations.install("en")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
