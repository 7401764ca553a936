"""The main window, the persona switcher, the timeline and the crash dialog."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.requests import Caller, Request
from app.ui import messages
from app.ui.main_window import MainWindow
from app.ui.panes.users_pane import UsersPane
from app.ui.timeline import ADMIN, TimelineView
from tests.ui.conftest import eventually


def make_window(qtbot, bridge) -> MainWindow:
    from PySide6.QtGui import QIcon

    window = MainWindow(bridge, [(UsersPane.title(), QIcon(), UsersPane(bridge))], [], "en")
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_lists_only_existing_panes_and_the_switcher(qtbot, bridge):
    window = make_window(qtbot, bridge)
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == ["Users"]  # only what it was given
    assert list(window.switcher.buttons) == ["学生A", "学生B", "老师", None]
    assert bridge.env_id in window.windowTitle() and bridge.project_name in window.windowTitle()


def test_switching_persona_is_one_click(qtbot, bridge):
    window = make_window(qtbot, bridge)
    qtbot.mouseClick(window.switcher.buttons["老师"], Qt.MouseButton.LeftButton)
    assert bridge.acting_as() == "老师"
    assert window.switcher.buttons["老师"].isChecked()
    qtbot.mouseClick(window.switcher.buttons[None], Qt.MouseButton.LeftButton)
    assert bridge.acting_as() is None


def test_renaming_the_acted_persona_keeps_acting_as_it(qtbot, qloop, bridge):
    window = make_window(qtbot, bridge)
    bridge.set_acting_as("学生B")

    async def scenario():
        await bridge.request("personas.rename", {"name": "学生B", "newName": "小红"})

    qloop.run_until_complete(scenario())
    assert bridge.acting_as() == "小红"
    assert window.switcher.buttons["小红"].isChecked()


def test_deleting_the_acted_persona_falls_back(qtbot, qloop, bridge):
    bridge.set_acting_as("老师")

    async def scenario():
        await bridge.request("personas.remove", {"name": "老师"})

    qloop.run_until_complete(scenario())
    assert bridge.acting_as() == "学生A"


def test_timeline_shows_requests_newest_first_with_details(qtbot, qloop, bridge):
    view = TimelineView(bridge)
    qtbot.addWidget(view)

    async def scenario():
        code = (await bridge.client_request("auth.wxLogin"))["code"]
        await bridge.request("auth.code2Session", {"js_code": code})
        try:
            await bridge.request("auth.code2Session", {"js_code": code})
        except Exception:
            pass
        await eventually(lambda: view.proxy.rowCount() == 3)

    qloop.run_until_complete(scenario())
    row = lambda r: [view.proxy.index(r, c).data() for c in (1, 2, 3, 6)]  # noqa: E731
    assert row(0) == ["Admin", "console", "auth.code2Session", "Failed 40163"]
    assert row(1) == ["Admin", "console", "auth.code2Session", "Success"]
    assert row(2) == ["学生A", "wx_client", "auth.wxLogin", "Success"]
    view.table.selectRow(0)
    assert "code been used" in view.details.toPlainText()


def test_timeline_filters(qtbot, bridge, workspace):
    ws = workspace  # arranged on the workspace itself: the timeline shows what happened before it opened
    for name in ("学生A", "学生B"):
        ws.handle(Request("auth.initCloud", {}, ws.client_caller(name)))
    ws.handle(Request("personas.add", {"name": "家长"}, Caller.console()))
    view = TimelineView(bridge)  # also shows what happened before it opened
    qtbot.addWidget(view)
    assert view.proxy.rowCount() == 3
    view.persona_filter.setCurrentIndex(view.persona_filter.findData("学生B"))
    assert view.proxy.rowCount() == 1 and view.proxy.index(0, 1).data() == "学生B"
    view.persona_filter.setCurrentIndex(view.persona_filter.findData(ADMIN))
    assert view.proxy.rowCount() == 1 and view.proxy.index(0, 3).data() == "personas.add"
    view.persona_filter.setCurrentIndex(0)
    view.service_filter.setCurrentIndex(view.service_filter.findData("auth"))
    assert view.proxy.rowCount() == 2
    view.outcome_filter.setCurrentIndex(view.outcome_filter.findData("error"))
    assert view.proxy.rowCount() == 0


def test_events_from_a_worker_thread_reach_the_timeline(qtbot, qloop, bridge, workspace):
    """Core events may come from any thread; the bridge delivers them on the GUI thread."""
    import threading

    view = TimelineView(bridge)
    qtbot.addWidget(view)
    ws = workspace
    worker = threading.Thread(
        target=lambda: ws.handle(Request("auth.initCloud", {}, ws.client_caller("学生A")))
    )

    async def scenario():
        worker.start()
        await eventually(lambda: view.proxy.rowCount() == 1)

    qloop.run_until_complete(scenario())
    worker.join()


def test_excepthook_shows_crash_dialog_and_app_keeps_running(qtbot, qloop, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    messages.install_excepthook()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())

    async def scenario():
        await eventually(lambda: messages._open_dialogs)

    qloop.run_until_complete(scenario())
    dialog = messages._open_dialogs[-1]
    assert "boom in a slot" in dialog.details
    dialog._on_copy_clicked()
    assert "RuntimeError" in QApplication.clipboard().text()
    dialog.close()


def test_requests_made_by_a_function_nest_under_it(qtbot, bridge):
    """A function's own requests sit right below its call, indented, even when logged first."""
    from app.core.events import Event

    view = TimelineView(bridge)
    qtbot.addWidget(view)

    def event(id, action, parent=None, t=0.0):
        return Event(id=id, time=t, action=action, caller_kind="admin", persona=None, openid=None,
                     source="scf", target="", duration_ms=1, outcome="ok", params={}, parent_id=parent)

    view.model.add(event("other", "auth.initCloud", t=1))
    view.model.flush()
    for e in (event("c1", "database.getDocument", "call", 2), event("c2", "functions.invokeFunction", "call", 3),
              event("g1", "database.insertDocument", "c2", 3.5), event("unrelated", "auth.wxLogin", t=3.7)):
        view.model.add(e)
    view.model.flush()
    view.model.add(event("call", "functions.invokeFunction", t=4))
    view.model.flush()
    actions = [view.proxy.index(r, 3).data() for r in range(view.proxy.rowCount())]
    assert actions == [
        "functions.invokeFunction",
        "└ functions.invokeFunction",
        "    └ database.insertDocument",
        "└ database.getDocument",
        "auth.wxLogin",
        "auth.initCloud",
    ]


def test_about_says_the_version_the_build_and_what_it_simulates(qtbot, bridge, monkeypatch):
    from app import SIMULATES, __version__
    from app.ui import main_window

    window = make_window(qtbot, bridge)
    source = window.about_text()
    assert f"wxsim {__version__}" in source and "Running from a source checkout" in source
    assert f"Simulates {SIMULATES}" in source and "never connects to the internet" in source
    monkeypatch.setattr(main_window, "build_date", lambda: "2026-12-07")  # as build.spec records it
    assert "Built 2026-12-07" in window.about_text()


def test_a_binary_knows_its_build_date_and_a_checkout_has_none(tmp_path, monkeypatch):
    from app import paths

    assert paths.build_date() is None  # this checkout: build.spec writes the file only into a build
    (tmp_path / "build-info.json").write_text('{"built": "2026-12-07"}', encoding="utf-8")
    monkeypatch.setattr(paths, "resource", lambda name="": tmp_path / name)
    assert paths.build_date() == "2026-12-07"
