"""The security rules (CUSTOM) editor of the database and storage panes: the rules as JSON text,
checked as the person types, with the console's templates and an Apply button."""

from __future__ import annotations

import json
from typing import Awaitable, Callable

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.api import RULES_MODE, RULES_MODE_LABEL_EN, RULES_MODE_LABEL_ZH, jsontext
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.reason_texts import say

def permission_mode_box(modes: tuple[str, ...], labels_zh: dict[str, str], labels_en: dict[str, str]) -> QComboBox:
    """The permission combo of the database and storage panes: each simple mode by the console's
    label in the UI's language, then the security rules (CUSTOM, edited in a RulesEditor)."""
    zh = QLocale().name().startswith("zh")
    box = QComboBox()
    for mode in modes:
        box.addItem((labels_zh if zh else labels_en)[mode], mode)
    box.addItem(RULES_MODE_LABEL_ZH if zh else RULES_MODE_LABEL_EN, RULES_MODE)
    return box


CHECK_DELAY_MS = 400  # a pause in typing, not every keystroke, asks core (each check is a request)
OWNER = "doc._openid == auth.openid"
UPLOADER = "resource.openid == auth.openid"


class RulesEditor(QWidget):
    """Rules for ``kind`` ("database" or "storage"); ``apply(rules)`` saves them (raises
    SimulatorError when refused, shown under the text).

    ``apply_text`` and ``applied_text`` name the button and what it did when ``apply`` does
    something else with the rules (the what-if dialog re-runs a request under them, unsaved)."""

    def __init__(self, bridge: WorkspaceBridge, kind: str, apply: Callable[[dict], Awaitable[None]],
                 parent: QWidget | None = None, *, apply_text: str | None = None,
                 applied_text: str | None = None) -> None:
        super().__init__(parent)
        self._applied_text = applied_text
        self._bridge = bridge
        self._kind = kind
        self._apply = apply
        self._asked = 0  # only the answer for the latest text is shown
        self.error: dict | None = None  # the latest check's error (line, column, reason), if any
        self.text = QPlainTextEdit()
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(self.text.fontMetrics().lineSpacing() * 9)
        self.template_button = QPushButton(self.tr("Templates"))
        self.template_menu = QMenu(self.template_button)
        for label, rules in self.templates():
            action = self.template_menu.addAction(label)
            action.triggered.connect(lambda _checked=False, r=rules: self.load(r, edited=True))
        self.template_button.setMenu(self.template_menu)
        self.apply_button = QPushButton(apply_text or self.tr("Apply rules"))
        self.apply_button.clicked.connect(self.apply)
        self.message = InlineMessage()  # the check's error, or what Apply did
        self.message.viewport().installEventFilter(self)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self.text.textChanged.connect(self._check_timer.start)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Security rules (JSON)")), 1)
        buttons.addWidget(self.template_button)
        buttons.addWidget(self.apply_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.text)
        column.addWidget(self.message)

    def templates(self) -> list[tuple[str, dict]]:
        """The console's templates for this kind, as rules."""
        if self._kind == "storage":
            return [
                (self.tr("All users can read; only the uploader can write"), {"read": True, "write": UPLOADER}),
                (self.tr("Only the uploader can read and write"), {"read": UPLOADER, "write": UPLOADER}),
                (self.tr("All users can read; only admins can write"), {"read": True, "write": False}),
                (self.tr("Only admins can read and write"), {"read": False, "write": False}),
            ]
        return [
            (self.tr("Only the creator can read and write"), {"read": OWNER, "write": OWNER}),
            (self.tr("All users can read; only the creator can write"), {"read": True, "write": OWNER}),
            (self.tr("All users can read; only admins can write"), {"read": True, "write": False}),
            (self.tr("Only admins can read and write"), {"read": False, "write": False}),
            (self.tr("Example: published notices"), {"read": "doc.published == true", "write": False}),
        ]

    def settings_controls(self) -> list[QWidget]:
        """What the shell's read-only lock turns off: the templates and Apply."""
        return [self.template_button, self.apply_button]

    def load(self, rules: dict | None, *, edited: bool = False) -> None:
        """Show ``rules`` (the first template when None); ``edited``: as if typed (a template)."""
        if rules is None:
            rules = self.templates()[0][1]
        text = json.dumps(rules, ensure_ascii=False, indent=2)
        if text != self.text.toPlainText():  # the same text keeps its cursor
            self.text.setPlainText(text)
        # Saved rules and templates are valid: no check is asked for, and none in flight is shown.
        self._check_timer.stop()
        self._asked += 1
        self.text.document().setModified(edited)
        self._show_error(None)

    def edited(self) -> bool:
        """Whether the text differs from what was last loaded (a refresh then leaves it alone)."""
        return self.text.document().isModified()

    # -- checking --------------------------------------------------------------------------------

    @async_slot()
    async def check(self) -> None:
        """Ask core whether the text would be taken (nothing is saved); show where it is not."""
        with self.message.reporting(clear=False):
            await self._ask()

    async def _ask(self) -> dict:
        self._check_timer.stop()
        self._asked += 1
        asked, text = self._asked, self.text.toPlainText()
        answer = await self._bridge.request("rules.check", {"kind": self._kind, "rules": text})
        if asked == self._asked:  # not typed over meanwhile
            self._show_error(answer.get("error"))
        return answer

    def _show_error(self, error: dict | None) -> None:
        self.error = error
        selections = []
        if error is None:
            self.message.clear_message()
        else:
            self.message.show_error(say(error["reason"], error["message"]))
            if not self.message.toolTip():  # a long message has itself as its tooltip
                self.message.setToolTip(self.tr("Click to put the cursor where the error is."))
            line = QTextEdit.ExtraSelection()
            line.format.setBackground(QColor(217, 48, 37, 40))  # the error colour, faint: any theme
            line.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            line.cursor = self._cursor_at(error["line"], error["column"])
            line.cursor.clearSelection()
            selections.append(line)
        self.text.setExtraSelections(selections)

    def _cursor_at(self, line: int, column: int) -> QTextCursor:
        block = self.text.document().findBlockByNumber(max(line - 1, 0))
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + min(max(column - 1, 0), max(block.length() - 1, 0)))
        return cursor

    def go_to_error(self) -> None:
        """Put the text cursor where the shown error is."""
        if self.error is not None:
            self.text.setTextCursor(self._cursor_at(self.error["line"], self.error["column"]))
            self.text.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.message.viewport() and event.type() == QEvent.Type.MouseButtonRelease:
            if not self.message.textCursor().hasSelection():  # selecting the text to copy it is not a click
                self.go_to_error()
        return super().eventFilter(watched, event)

    # -- applying --------------------------------------------------------------------------------

    @async_slot()
    async def apply(self) -> None:
        """Check the text, then save it as the rules; a refusal is said here and changes nothing."""
        with self.message.reporting(clear=False):
            answer = await self._ask()
            if not answer["ok"]:
                return
            await self._apply(jsontext.loads(self.text.toPlainText()))
            self.text.document().setModified(False)
            self.message.show_info(self._applied_text or self.tr("The rules are saved and in force."))
