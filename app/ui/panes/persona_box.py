"""The panes' "view as" / "act as" / "run as" choice: the toolbar's persona unless overridden."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.ui.bridge import ADMIN, WorkspaceBridge
from app.ui.widgets import color_dot

FOLLOW = object()  # whoever the toolbar acts as, now and after it switches
_SIGNED_OUT = object()  # the item's data; choice() gives None, as the bridge wants it


class PersonaBox(QComboBox):
    """Follow the toolbar (the first entry, the default), or one fixed choice: the console
    (``console_label``: its admin view, or a console test run), a persona, or signed out.

    Signals:
        chosen(): the choice in effect changed: the user picked another entry, or the toolbar
            switched persona while it is followed.
    """

    chosen = Signal()

    def __init__(self, bridge: WorkspaceBridge, console_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._console_label = console_label
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.fill()
        self.activated.connect(self._on_activated)
        bridge.personas_changed.connect(self.fill)
        bridge.acting_changed.connect(self._on_bridge_acting_changed)

    def choice(self) -> str | None | object:
        """ADMIN, a persona's name, or None (signed out); following, the toolbar's persona."""
        data = self.currentData()
        if data is FOLLOW:
            return self._bridge.acting_as()
        return None if data is _SIGNED_OUT else data

    def choice_label(self) -> str:
        """The choice in effect, named: the persona's name when following, else the entry's text."""
        if not self.following():
            return self.currentText()
        name = self._bridge.acting_as()
        return name if name is not None else self.tr("Signed out")

    def following(self) -> bool:
        return self.currentData() is FOLLOW

    def select(self, choice: str | None | object) -> None:
        """Pick FOLLOW, ADMIN, a persona's name or None (signed out), as the user would."""
        index = self._index_of(_SIGNED_OUT if choice is None else choice)
        if index >= 0 and index != self.currentIndex():
            self.setCurrentIndex(index)
            self.chosen.emit()

    def fill(self) -> None:
        """(Re)list the entries, keeping the current one (a deleted persona: back to following)."""
        current = self.currentData() if self.count() else FOLLOW
        before = self.choice() if self.count() else FOLLOW
        self.blockSignals(True)
        self.clear()
        self.addItem(self._follow_icon(), self._follow_label(), FOLLOW)
        self.addItem(self._console_label, ADMIN)
        for persona in self._bridge.personas():
            self.addItem(color_dot(persona.color), persona.name, persona.name)
        self.addItem(color_dot(None), self.tr("Signed out"), _SIGNED_OUT)
        self.setCurrentIndex(max(0, self._index_of(current)))
        self.blockSignals(False)
        if before is not FOLLOW and self.choice() != before:
            self.chosen.emit()  # the chosen persona is gone: the view is now the toolbar's

    def _index_of(self, data: object) -> int:
        return next((i for i in range(self.count()) if self.itemData(i) is data or self.itemData(i) == data), -1)

    def _follow_label(self) -> str:
        name = self._bridge.acting_as()
        return self.tr("Follow toolbar ({name})").format(name=name if name is not None else self.tr("Signed out"))

    def _follow_icon(self):
        return color_dot(self._bridge.persona_color(self._bridge.acting_as()))

    def _on_activated(self, _index: int) -> None:
        self.chosen.emit()

    def _on_bridge_acting_changed(self, _name) -> None:
        self.setItemText(0, self._follow_label())
        self.setItemIcon(0, self._follow_icon())
        if self.following():
            self.chosen.emit()
