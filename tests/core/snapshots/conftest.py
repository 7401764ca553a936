"""The demo workspace the snapshot tests change, save and restore."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import paths
from app.core.workspace import Workspace


@pytest.fixture
def demo(tmp_path: Path, clock) -> Workspace:
    ws = Workspace.open(tmp_path / "data", paths.demo_project(), demo_data=paths.resource("demo-data"), clock=clock)
    yield ws
    ws.close()
