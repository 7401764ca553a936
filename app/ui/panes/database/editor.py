"""A JSON editor for one document: bad input is refused inline and nothing is saved."""

from __future__ import annotations

from typing import Awaitable, Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.async_slot import async_slot
from app.ui.messages import InlineMessage
from app.ui.widgets import JsonView

Parse = Callable[[str], Awaitable[dict]]
Save = Callable[[dict], Awaitable[None]]


class DocumentEditor(QDialog):
    """Edit a document as JSON (or the JS object syntax of mini program code).

    ``parse`` reads the text (``database.parseDocument``: V8 and the SDK's serializer, so
    ``new Date(…)`` and ``db.serverDate()`` work as in a mini program); ``save`` stores it, or
    with ``choices`` each labelled button stores it its own way (update or replace).
    """

    def __init__(self, title: str, text: str, parse: Parse, save: Save | None, parent: QWidget | None = None, *,
                 choices: list[tuple[str, Save]] = ()) -> None:
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
        # One Save, or one button per way of saving (``choices``: label and save), first the default.
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel if choices else
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.choice_buttons: list[QPushButton] = []
        for label, save in choices:
            button = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda _checked=False, s=save: self._save_with(s))
            self.choice_buttons.append(button)
        if self.choice_buttons:
            self.choice_buttons[0].setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def _on_save_clicked(self) -> None:
        if self._save is not None:
            self._save_with(self._save)

    @async_slot(object)
    async def _save_with(self, save: Save) -> None:
        with self.message.reporting():
            document = await self._parse(self.editor.toPlainText())
            await save(document)
            self.accept()
