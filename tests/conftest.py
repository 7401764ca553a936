"""Shared fixtures. Qt is set to render offscreen before anything imports it, so CI needs no display."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.core.workspace import Workspace  # noqa: E402
from app.paths import demo_project  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


class FakeClock:
    """A clock the test moves by hand (for code expiry and visit order)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def workspace(tmp_path: Path, clock: FakeClock) -> Workspace:
    """A fresh workspace on the bundled demo project, state in tmp_path."""
    ws = Workspace.open(tmp_path / "data", demo_project(), clock=clock)
    yield ws
    ws.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"qtbot", "qapp", "qloop"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
