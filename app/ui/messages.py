"""How the user hears about things: inline messages, and one polite crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from contextlib import contextmanager
from types import TracebackType
from typing import Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.api import SimulatorError

log = logging.getLogger(__name__)


class InlineMessage(QLabel):
    """A one-line message under the control the user just used: errors stay until replaced."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setStyleSheet("color: #D93025;")
        self.setText(text)
        self.show()

    def show_info(self, text: str) -> None:
        self.setStyleSheet("color: #188038;")
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()

    @contextmanager
    def reporting(self, *, clear: bool = True) -> Iterator[None]:
        """Run a block; an expected error is shown here instead of propagating.

        ``clear=False`` keeps what is shown unless the block fails (a refresh the user did not ask for).
        """
        if clear:
            self.clear_message()
        try:
            yield
        except SimulatorError as exc:
            self.show_error(str(exc))


class CrashDialog(QDialog):
    """Shows an unexpected error with its details and a button to copy them."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.details = details
        text = QLabel(
            self.tr(
                "wxsim hit an unexpected error. Your data is safe and you can keep working. "
                "Please copy the details below into a bug report."
            )
        )
        text.setWordWrap(True)
        view = QPlainTextEdit(details)
        view.setReadOnly(True)
        copy = QPushButton(self.tr("Copy details"))
        copy.clicked.connect(self._on_copy_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(view)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


_open_dialogs: list[CrashDialog] = []


def install_excepthook() -> None:
    """Log every unexpected exception and show it in a dialog; the app keeps running."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        log.error("unexpected error:\n%s", details)
        # Deferred, so a crash inside a paint or a slot does not open a dialog re-entrantly.
        QTimer.singleShot(0, lambda: _show_crash(details))

    sys.excepthook = hook


def _show_crash(details: str) -> None:
    dialog = CrashDialog(details)
    _open_dialogs.append(dialog)  # keep it alive while shown
    dialog.finished.connect(lambda _code: _open_dialogs.remove(dialog))
    dialog.show()
