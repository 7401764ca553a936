"""A JSON editor for one document: bad input is refused inline and nothing is saved."""

from __future__ import annotations

from typing import Awaitable, Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget
from qasync import asyncSlot

from app.ui.messages import InlineMessage
from app.ui.widgets import JsonView

Parse = Callable[[str], Awaitable[dict]]
Save = Callable[[dict], Awaitable[None]]


class DocumentEditor(QDialog):
    """Edit a document as JSON (or the JS object syntax of mini program code).

    ``parse`` reads the text (``database.parseDocument``: V8 and the SDK's serializer, so
    ``new Date(…)`` and ``db.serverDate()`` work as in a mini program); ``save`` stores it.
    """

    def __init__(self, title: str, text: str, parse: Parse, save: Save, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._parse = parse
        self._save = save
        self.editor = JsonView()
        self.editor.setReadOnly(False)
        self.editor.setPlainText(text)
        self.message = InlineMessage()
        hint = QLabel(self.tr("JSON or a JS object, e.g. {title: '学习云开发', done: false, due: new Date('2025-01-01')}"))
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    @asyncSlot()
    async def _on_save_clicked(self) -> None:
        with self.message.reporting():
            document = await self._parse(self.editor.toPlainText())
            await self._save(document)
            self.accept()
