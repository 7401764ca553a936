"""GUI fixtures: a real workspace behind the real bridge, and a qasync loop for async slots."""

from __future__ import annotations

import asyncio
import time
from contextlib import contextmanager
from typing import Callable, Iterator

import pytest
import qasync

from app.core.api import WorkspaceApi
from app.ui.async_slot import running_slot_tasks
from app.ui.bridge import WorkspaceBridge


@pytest.fixture
def qloop(qapp):
    """A qasync loop; without one, @asyncSlot methods silently do nothing."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    # Let slots the test started finish, so no task is destroyed while pending.
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=5))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def demo_workspace(tmp_path, qapp):
    """The bundled demo with its sample collections and files; tests arrange and check state
    on it directly (tests are not front ends: the panes get only ``demo``, the bridge)."""
    from app.core.workspace import Workspace
    from app.paths import demo_project, resource

    ws = Workspace.open(tmp_path / "data", demo_project(), demo_data=resource("demo-data"))
    yield ws
    ws.close()


@pytest.fixture
def demo(demo_workspace):
    """The demo workspace behind the real bridge, as the panes get it."""
    b = WorkspaceBridge(WorkspaceApi(demo_workspace))
    yield b
    b.close()


@pytest.fixture
def bridge(workspace, qapp):
    b = WorkspaceBridge(WorkspaceApi(workspace))
    yield b
    b.close()


async def eventually(predicate: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait inside the running loop until ``predicate()`` is true (never qtbot.wait* here).

    ``timeout`` bounds a broken build, not a budget: a busy machine only makes it wait longer."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def settle(qloop, bridge, turns: int = 5) -> None:
    """Run the loop until no request of ``bridge`` has been in flight for ``turns`` turns in a row.

    qasync runs what is still in flight outside the loop once ``run_until_complete`` returns
    (pytest-qt processes Qt's events after each test), where no request can start; a test
    leaves the loop only when no request and no async slot's task is left."""

    async def idle() -> None:
        quiet = 0
        deadline = time.monotonic() + 60  # bounds a task that never ends, not a budget
        while quiet < turns:
            await asyncio.sleep(0.02)
            busy = bridge.pending or running_slot_tasks()
            quiet = 0 if busy else quiet + 1
            if busy and time.monotonic() > deadline:
                raise AssertionError(f"the panes never went idle: {bridge.pending} requests, "
                                     f"{running_slot_tasks()} slot tasks")

    qloop.run_until_complete(idle())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After each GUI test, let the tasks it left (a pane's load or query still between two
    requests) finish inside the loop: pytest-qt then processes Qt's events outside it, where
    a task that resumes cannot start its next request. Inside pytest-qt's own wrapper."""
    try:
        return (yield)
    finally:
        loop = item.funcargs.get("qloop")
        if loop is not None and not loop.is_closed() and not loop.is_running():
            try:
                loop.run_until_complete(_no_task_left(loop))
            except RuntimeError:
                pass  # the loop was stopped under it (a window closing): nothing more to wait for here


async def _no_task_left(loop, turns: int = 3, limit: float = 60.0) -> None:
    """Until no other task of ``loop`` has been pending for ``turns`` turns in a row; ``limit``
    bounds a task that never ends (the test's teardown then reports it), not a budget."""
    deadline = time.monotonic() + limit
    quiet = 0
    try:
        while quiet < turns and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            me = asyncio.current_task(loop)
            others = [t for t in asyncio.all_tasks(loop) if t is not me and not t.done()]
            quiet = 0 if others else quiet + 1
    except RuntimeError:
        return  # resumed after the loop stopped: qasync runs what is left outside it


@pytest.fixture
def start(qapp, qloop, tmp_path, monkeypatch):
    """``start(settings=None, welcomed=True)``: the app's window on the demo project, as `wxsim`
    opens it; call again for a restart (the previous window closes first, as after a quit)."""
    from app.main import GuiSession, open_paths
    from app.paths import Paths, resource
    from app.settings import AppSettings
    from app.ui.i18n import Translations

    def idle(seconds: float = 0.4) -> None:
        qloop.run_until_complete(asyncio.sleep(seconds))

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    sessions: list = []

    def close_window(session) -> None:
        if session.window is not None and session.window.isVisible():
            session.window.close()
            idle(0.1)

    def start(settings=None, *, welcomed: bool = True):
        for old in sessions:  # one app holds the workspace at a time
            close_window(old)
            old.close()
        if settings is None:
            settings = AppSettings.load(tmp_path / "settings.json")
            settings.welcomed = settings.welcomed or welcomed  # the first-run screen has its own tests
        session = GuiSession(qapp, settings, Translations(qapp, resource("i18n")), None)
        session.show(open_paths(Paths.decide(None, tmp_path / "data")))
        sessions.append(session)
        idle()
        return session

    yield start
    for session in sessions:
        close_window(session)
    if sessions:
        sessions[-1].close()


@contextmanager
def chinese() -> Iterator[None]:
    """The UI's language is Chinese inside the block (what ``say``/``error_text`` follow)."""
    from PySide6.QtCore import QLocale

    previous = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))
    try:
        yield
    finally:
        QLocale.setDefault(previous)


@pytest.fixture
def zh(qapp) -> Iterator[None]:
    """The test runs with the UI's language set to Chinese."""
    with chinese():
        yield


def raised(call: Callable[[], object]) -> Exception:
    """The exception ``call()`` raises (the test fails if it raises none)."""
    with pytest.raises(Exception) as info:
        call()
    return info.value
