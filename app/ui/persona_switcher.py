"""The toolbar's "acting as" switcher: one click per persona, in the persona's colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

from app.ui.bridge import WorkspaceBridge
from app.ui.widgets import color_dot


class PersonaSwitcher(QWidget):
    """A row of checkable buttons, one per persona plus "signed out"."""

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 0, 6, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(QLabel(self.tr("Acting as:")))
        self.buttons: dict[str | None, QToolButton] = {}
        self._rebuild()
        bridge.personas_changed.connect(self._rebuild)
        bridge.acting_changed.connect(self._on_bridge_acting_changed)

    def _rebuild(self) -> None:
        for button in self.buttons.values():
            self._group.removeButton(button)
            button.deleteLater()
        self.buttons = {}
        entries = [(p.name, p.name, p.color) for p in self._bridge.personas()]
        entries.append((None, self.tr("Signed out"), None))
        for name, label, color in entries:
            button = QToolButton()
            button.setText(label)
            button.setIcon(color_dot(color, 14))
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setToolTip(self._tooltip(name))
            button.setStyleSheet(
                "QToolButton:checked {{ background: {}; color: white; border-radius: 4px; }}".format(
                    color or "#5F6368"
                )
            )
            button.clicked.connect(lambda _checked=False, n=name: self._bridge.set_acting_as(n))
            self._group.addButton(button)
            self._layout.addWidget(button)
            self.buttons[name] = button
        self._on_bridge_acting_changed(self._bridge.acting_as())

    def _tooltip(self, name: str | None) -> str:
        if name is None:
            return self.tr("Act as a visitor who is not signed in (no openid)")
        persona = next(p for p in self._bridge.personas() if p.name == name)
        return self.tr("Act as {name} ({openid})").format(name=name, openid=persona.openid)

    def _on_bridge_acting_changed(self, name: str | None) -> None:
        for key, button in self.buttons.items():
            button.setChecked(key == name)
