"""The database pane's aggregate mode: the pipeline a mini program writes after aggregate().

The text is not read here: ``database.runAggregate`` runs it as mini program code after
``db.collection('<current>').aggregate()``, with ``_`` (db.command) and ``$``
(db.command.aggregate) in scope, and sends the viewer's ``.end()``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

LINES = 3  # the editor's height in lines: about the query bar's three rows


class AggregateBar(QWidget):
    """A pipeline editor under ``db.collection('…').aggregate()`` and a Run button.

    Signals:
        submitted(): the user asked to run the pipeline (Run, or Ctrl+Enter in the editor).
    """

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefix = QLabel()
        self.prefix.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pipeline_edit = QPlainTextEdit()
        self.pipeline_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.pipeline_edit.setPlaceholderText(
            self.tr(".match({done: false}).group({_id: '$_openid', n: $.sum(1)})  (Ctrl+Enter runs it)"))
        self.pipeline_edit.setTabChangesFocus(True)
        lines = self.pipeline_edit.fontMetrics().lineSpacing() * LINES
        self.pipeline_edit.setFixedHeight(lines + 2 * self.pipeline_edit.frameWidth() + 8)
        self.run_button = QPushButton(self.tr("Run pipeline"))
        self.prefix.setFont(self.pipeline_edit.font())
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.prefix, 0, 0)
        grid.addWidget(self.pipeline_edit, 1, 0)
        grid.addWidget(self.run_button, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        self.run_button.clicked.connect(self.submitted)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.pipeline_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.submitted)
        self.set_collection(None)

    def set_collection(self, name: str | None) -> None:
        """Show which collection the pipeline runs on."""
        self.prefix.setText(f"db.collection('{name or '…'}').aggregate()")

    def pipeline(self) -> str:
        return self.pipeline_edit.toPlainText()
