"""In front of a class: the big persona badge and the read-only lock on settings controls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.ui.bridge import WorkspaceBridge

BADGE_SCALE = 1.35


class PersonaBadge(QLabel):
    """The persona being acted as, large and in its colour, readable from the back of the room."""

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setToolTip(self.tr("The persona every pane acts as, unless the pane chooses another"))
        bridge.acting_changed.connect(self._show)
        bridge.personas_changed.connect(self._show)
        self._show()

    def _show(self, *_args) -> None:
        name = self._bridge.acting_as()
        color = QColor(self._bridge.persona_color(name) or "#5F6368")
        ink = "#000000" if _luminance(color) > 0.55 else "#FFFFFF"
        size = QApplication.font().pointSizeF() * BADGE_SCALE
        self.setText(name or self.tr("Signed out"))
        self.setStyleSheet(
            f"QLabel {{ background: {color.name()}; color: {ink}; border-radius: 8px; padding: 2px 14px;"
            f" font-weight: bold; font-size: {size:.1f}pt; }}"
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationFontChange:
            self._show()  # zoomed: stay larger than the text around it


def _luminance(color: QColor) -> float:
    return (0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF())


class ReadOnlyLock(QObject):
    """Disables the controls that change settings while locked, so a student at the projector
    cannot change them by accident; reading and running stay allowed.

    A pane that enables one of them meanwhile (e.g. after a run) is remembered and obeyed when
    the lock is lifted.

    Signals:
        changed(bool): locked or unlocked.
    """

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.locked = False
        self._widgets: list[QWidget] = []
        self._actions: list[QAction] = []
        self._wanted: dict[int, bool] = {}  # what the owner asked for, by id(control)
        self._holding = False

    def add_widgets(self, widgets: list[QWidget]) -> None:
        for widget in widgets:
            self._widgets.append(widget)
            widget.installEventFilter(self)
            if self.locked:
                self._hold(widget)

    def add_actions(self, actions: list[QAction]) -> None:
        for action in actions:
            self._actions.append(action)
            if self.locked:
                self._hold(action)

    def controls(self) -> list[QWidget | QAction]:
        return [*self._widgets, *self._actions]

    def set_locked(self, locked: bool) -> None:
        if locked == self.locked:
            return
        self.locked = locked
        for control in self.controls():
            if locked:
                self._hold(control)
            else:
                control.setEnabled(self._wanted.pop(id(control), True))
        self.changed.emit(locked)

    def _hold(self, control: QWidget | QAction) -> None:
        enabled = (not control.testAttribute(Qt.WidgetAttribute.WA_Disabled)) if isinstance(control, QWidget) \
            else control.isEnabled()
        self._wanted[id(control)] = enabled
        self._holding = True
        try:
            control.setEnabled(False)
        finally:
            self._holding = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (event.type() == QEvent.Type.EnabledChange and self.locked and not self._holding
                and isinstance(watched, QWidget) and watched.isEnabled()):
            self._hold(watched)  # the pane enabled it while locked: keep it off until unlocked
        return False

