"""Async slots whose tasks end with the widget that started them.

qasync's ``asyncSlot`` starts a task and forgets it: when a window is replaced (another
project, another language) or a pane is closed while its request is still running in core,
the task resumes afterwards and touches widgets that Qt has already deleted, which raises
at best and crashes the process at worst. ``async_slot`` is the same decorator, but every
task it starts is cancelled when the object it belongs to is destroyed, so a coroutine never
resumes on a dead widget. Every async slot in ``app/ui`` uses it (an architecture test checks).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
from typing import Any, Callable

from PySide6.QtCore import QObject, Slot

_TASKS_ATTRIBUTE = "_async_slot_tasks"
# Every slot task not yet ended, whoever owns it: tests leave the loop only when none is left,
# because pytest-qt processes Qt's events after a test, outside the loop, where a task that
# resumes cannot start a request.
_RUNNING: set[asyncio.Future] = set()


def running_slot_tasks() -> int:
    """How many tasks started by async slots have not ended yet."""
    return len(_RUNNING)


def async_slot(*types: type) -> Callable:
    """Like ``qasync.asyncSlot(*types)``; the task is cancelled when ``self`` is destroyed."""

    def decorate(method: Callable) -> Callable:
        signature = inspect.signature(method)

        @Slot(*types)
        @functools.wraps(method)
        def start(owner: QObject, *args: Any) -> asyncio.Task:
            # A signal may carry more arguments than the slot takes (clicked(bool) into a
            # method without one); drop the trailing ones, as Qt does for C++ slots.
            args = _fitting(signature, owner, args)
            task = asyncio.ensure_future(method(owner, *args))
            tie_to(owner, task)
            _RUNNING.add(task)
            task.add_done_callback(_RUNNING.discard)
            task.add_done_callback(_report_failure)
            return task

        return start

    return decorate


def tie_to(owner: QObject, task: asyncio.Future) -> None:
    """Cancel ``task`` if ``owner`` is destroyed before it ends."""
    tasks: set[asyncio.Future] | None = owner.__dict__.get(_TASKS_ATTRIBUTE)
    if tasks is None:
        tasks = owner.__dict__[_TASKS_ATTRIBUTE] = set()
        # The handler holds the set, never the owner: by the time it runs the owner is gone.
        owner.destroyed.connect(functools.partial(_cancel_all, tasks))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def _cancel_all(tasks: set[asyncio.Future], *_destroyed: Any) -> None:
    for task in list(tasks):
        task.cancel()
    tasks.clear()


def _fitting(signature: inspect.Signature, owner: QObject, args: tuple) -> tuple:
    while args:
        try:
            signature.bind(owner, *args)
            return args
        except TypeError:
            args = args[:-1]
    signature.bind(owner)  # raises TypeError naming the mismatch, as qasync does
    return args


def _report_failure(task: asyncio.Future) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        sys.excepthook(type(error), error, error.__traceback__)
