"""GUI fixtures: a real workspace behind the real bridge, and a qasync loop for async slots."""

from __future__ import annotations

import asyncio
import time
from typing import Callable

import pytest
import qasync

from app.core.api import WorkspaceApi
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

    qasync runs what is still in flight outside the loop once ``run_until_complete`` returns,
    where no request can start; a test leaves the loop only when the panes are idle."""

    async def idle() -> None:
        quiet = 0
        while quiet < turns:
            await asyncio.sleep(0.02)
            quiet = quiet + 1 if bridge.pending == 0 else 0

    qloop.run_until_complete(idle())
