"""The toolbar's "acting as" switcher: one click per persona, in the persona's colour."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QButtonGroup, QLabel, QToolBar, QToolButton, QWidget

from app.ui.bridge import WorkspaceBridge
from app.ui.presenter import PersonaBadge
from app.ui.widgets import color_dot


class PersonaSwitcher(QToolBar):
    """A toolbar of checkable buttons, one per persona plus "signed out"; in presenter mode it
    starts with a big badge of the acting persona. Buttons that do not fit go to the toolbar's
    overflow menu instead of widening the window."""

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("PersonaSwitcher", "Acting as"), parent)
        self.setObjectName("persona-toolbar")
        self.setMovable(False)
        self._bridge = bridge
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.badge = PersonaBadge(bridge)
        self._badge_action = self.addWidget(self.badge)
        self._badge_action.setVisible(False)
        self.addWidget(QLabel(self.tr("Acting as:")))
        self.buttons: dict[str | None, QToolButton] = {}
        self._button_actions: list[QAction] = []
        self._rebuild()
        bridge.personas_changed.connect(self._rebuild)
        bridge.acting_changed.connect(self._on_bridge_acting_changed)

    def show_badge(self, shown: bool) -> None:
        self._badge_action.setVisible(shown)

    def badge_shown(self) -> bool:
        return self._badge_action.isVisible()

    def _rebuild(self) -> None:
        for action in self._button_actions:
            self.removeAction(action)
        for button in self.buttons.values():
            self._group.removeButton(button)
            button.deleteLater()
        self.buttons, self._button_actions = {}, []
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
            button.setProperty("persona-color", color)
            button.clicked.connect(lambda _checked=False, n=name: self._bridge.set_acting_as(n))
            self._group.addButton(button)
            self._button_actions.append(self.addWidget(button))
            self.buttons[name] = button
        self._fit_icons()
        self._on_bridge_acting_changed(self._bridge.acting_as())

    def _fit_icons(self) -> None:
        size = max(12, round(self.fontMetrics().height() * 0.8))
        for button in self.buttons.values():
            button.setIcon(color_dot(button.property("persona-color"), size))
            button.setIconSize(button.iconSize().scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_icons()  # the colour dots grow with the text (zoom, presenter mode)
        elif event.type() == QEvent.Type.PaletteChange:
            for button in self.buttons.values():  # styled buttons keep the old text colour otherwise
                button.setStyleSheet(button.styleSheet())

    def _tooltip(self, name: str | None) -> str:
        if name is None:
            return self.tr("Act as a visitor who is not signed in (no openid)")
        persona = next(p for p in self._bridge.personas() if p.name == name)
        return self.tr("Act as {name} ({openid})").format(name=name, openid=persona.openid)

    def _on_bridge_acting_changed(self, name: str | None) -> None:
        for key, button in self.buttons.items():
            button.setChecked(key == name)
