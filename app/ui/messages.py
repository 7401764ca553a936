"""How the user hears about things: inline messages, and one polite crash dialog."""

from __future__ import annotations

import logging
import math
import sys
import traceback
from contextlib import contextmanager
from types import TracebackType
from typing import Iterator

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.api import SimulatorError
from app.ui.reason_texts import error_text

log = logging.getLogger(__name__)


class InlineMessage(QTextEdit):
    """A message under the control the user just used: errors stay until replaced.

    It wraps anywhere (a long path or URL too), so no message can make the window wider; its
    one line is kept while hidden, so controls below do not jump when a message appears; past
    ``MAX_LINES`` lines it scrolls instead of pushing the pane apart. The text stays selectable.
    """

    MAX_LINES = 6
    ERROR, INFO = ("#D93025", "#F28B82"), ("#188038", "#81C995")  # (on light, on dark)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = self.ERROR
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.document().setDocumentMargin(0)
        self.viewport().setAutoFillBackground(False)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def text(self) -> str:
        return self.toPlainText()

    def show_error(self, text: str) -> None:
        self._show(text, self.ERROR)

    def show_info(self, text: str) -> None:
        self._show(text, self.INFO)

    def clear_message(self) -> None:
        self.clear()
        self.updateGeometry()
        self.hide()

    def _show(self, text: str, kind: tuple[str, str]) -> None:
        self._kind = kind
        self._paint_colors()
        self.setPlainText(text)
        self.setToolTip(text if len(text) > 200 else "")
        self.updateGeometry()
        self.show()

    def _paint_colors(self) -> None:
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        palette.setColor(QPalette.ColorRole.Text, QColor(self._kind[1] if dark else self._kind[0]))
        palette.setColor(QPalette.ColorRole.Base, QColor(Qt.GlobalColor.transparent))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        elif event.type() == QEvent.Type.ApplicationPaletteChange:
            self._paint_colors()  # a theme was chosen: readable on the new background

    # -- size: one line at least, the wrapped text up to MAX_LINES, never wider than given --------
    # Not height-for-width: a scroll area around a pane would then size the pane to everything's
    # preferred height. The height follows the width the layout gave, one relayout later.

    def _height_for(self, width: int) -> int:
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(self.font())
        document.setDefaultTextOption(self.document().defaultTextOption())
        document.setPlainText(self.toPlainText() or " ")
        document.setTextWidth(max(width - 2 * self.frameWidth(), 1))
        line = self.fontMetrics().lineSpacing()
        height = min(math.ceil(document.size().height()), line * self.MAX_LINES)
        return max(height, line) + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.fontMetrics().averageCharWidth() * 40, self._height_for(self.width()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(0, self._height_for(self.width()))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # re-wrapped: maybe another number of lines

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
            self.show_error(error_text(exc))


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
