"""Pausing timer triggers (functions.pauseTriggers): a paused scheduler fires nothing, and the
choice is saved with the workspace. The scheduler is driven by its ``now`` clock, not by waiting."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from app.paths import demo_project
from tests.support.waiting import wait_until


class WallClock:
    """The scheduler's local clock, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 7, 9, 0, 0, 500_000)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def pause(ws: Workspace, paused: bool) -> dict:
    return ws.handle(Request("functions.pauseTriggers", {"paused": paused}, Caller.console()))



@pytest.fixture
def ws(tmp_path):
    workspace = Workspace.open(tmp_path / "data", demo_project())
    yield workspace
    workspace.close()


def test_a_paused_scheduler_fires_nothing(ws):
    clock = WallClock()
    scheduler = ws.trigger_scheduler(now=clock)
    assert pause(ws, True) == {"paused": True}
    clock.advance(61)  # dailyReport was due at 9:01:00
    assert scheduler.tick() == [] and scheduler.fired == []
    clock.advance(3600)
    assert scheduler.tick() == []
    pause(ws, False)
    clock.advance(1)  # nothing owed from the pause: only what falls due from now on
    assert scheduler.tick() == []
    clock.advance(60)
    assert scheduler.tick() == ["dailyReport"]
    wait_until(lambda: ws.functions.history("dailyReport"))  # it ran, as the trigger
    assert ws.functions.history("dailyReport")[0].source == "wx_trigger"


def test_the_pause_survives_reopening_and_the_list_reports_it(tmp_path):
    first = Workspace.open(tmp_path / "data", demo_project())
    try:
        assert first.handle(Request("functions.list", {}, Caller.console()))["triggersPaused"] is False
        pause(first, True)
    finally:
        first.close()
    again = Workspace.open(tmp_path / "data", demo_project())
    try:
        assert again.handle(Request("functions.list", {}, Caller.console()))["triggersPaused"] is True
        clock = WallClock()
        scheduler = again.trigger_scheduler(now=clock)
        clock.advance(120)
        assert scheduler.tick() == []
    finally:
        again.close()


def test_only_the_console_pauses_and_only_with_true_or_false(ws):
    with pytest.raises(CloudError) as bad:
        ws.handle(Request("functions.pauseTriggers", {"paused": "yes"}, Caller.console()))
    assert bad.value.code == -501007
    for caller in (Caller.admin("scf"), ws.client_caller("学生A")):
        with pytest.raises(CloudError) as refused:
            ws.handle(Request("functions.pauseTriggers", {"paused": True}, caller))
        assert refused.value.code == -601004
    assert ws.state.triggers_paused() is False
