"""async_slot: a pane's task never resumes after the pane is deleted."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QWidget

from app.ui.async_slot import async_slot


class Pane(QWidget):
    def __init__(self, answer: asyncio.Future) -> None:
        super().__init__()
        self.answer = answer
        self.resumed_with: list = []

    @async_slot()
    async def load(self) -> None:
        value = await self.answer
        self.resumed_with.append(value)  # on a deleted widget this would touch a dead object
        self.setWindowTitle(str(value))

    @async_slot(bool)
    async def clicked(self) -> str:  # a signal's extra argument is dropped, as Qt does
        return "clicked"


def test_a_task_is_cancelled_when_its_widget_is_destroyed(qapp, qloop):
    answer = qloop.create_future()
    pane = Pane(answer)
    resumed = pane.resumed_with
    task = pane.load()
    qloop.run_until_complete(asyncio.sleep(0))  # the task now waits for the answer
    pane.deleteLater()
    qloop.run_until_complete(asyncio.sleep(0.05))  # deferred deletes run in the loop
    qloop.run_until_complete(asyncio.wait([task], timeout=5))  # bounds a broken build only
    assert task.cancelled()
    assert resumed == []


def test_a_task_of_a_living_widget_runs_to_its_end(qapp, qloop):
    answer = qloop.create_future()
    pane = Pane(answer)
    task = pane.load()
    answer.set_result(7)
    qloop.run_until_complete(task)
    assert pane.resumed_with == [7] and pane.windowTitle() == "7"
    assert qloop.run_until_complete(pane.clicked(True)) == "clicked"
    pane.deleteLater()
