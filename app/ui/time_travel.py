"""The window's part of time travel: the status bar's offer to undo, File → Reset to start… and
File → Open scenario file… (which opens it in a new wxsim, in a workspace of its own)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.core.api import OUTCOME_OK, SimulatorError
from app.ui.async_slot import async_slot
from app.ui.bridge import RESTORES, WorkspaceBridge
from app.ui.panes.snapshots.models import checkpoint_label
from app.ui.panes.snapshots.pane import restored_text
from app.ui.reason_texts import error_text
from app.ui.widgets import ElidedLabel

OFFER_MS = 30_000  # how long the offer to undo stays in the status bar


class UndoOffer(QWidget):
    """"Checkpoint checkpoint-3 saved (before deleting the collection todos) [Undo] [×]", shown
    when core took a checkpoint (before a destructive request, or a restore) until the next
    one, ``OFFER_MS`` or a click on ×. Undo puts that checkpoint back, taking one first, so the
    offer then shown undoes the undo."""

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.label = ElidedLabel()
        # As wide as its text when there is room, so the button follows the words; cut when not.
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Put back the state saved in this checkpoint"))
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText("×")
        self.dismiss_button.setAutoRaise(True)
        self.dismiss_button.setToolTip(self.tr("Hide this"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.undo_button)
        row.addWidget(self.dismiss_button)
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.setInterval(OFFER_MS)
        self._expiry.timeout.connect(self.hide)
        self.undo_button.clicked.connect(self.undo)
        self.dismiss_button.clicked.connect(self.hide)
        bridge.event_logged.connect(self._on_bridge_event_logged)
        self.hide()

    def _on_bridge_event_logged(self, event) -> None:
        if event.outcome != OUTCOME_OK or not isinstance(event.result, dict):
            return
        if event.action == "snapshot.checkpoint":  # nested under a destructive request
            self.offer(self.tr("Saved the checkpoint {checkpoint}").format(
                checkpoint=checkpoint_label(event.result["snapshot"])))
        elif event.action in RESTORES:
            self.offer(restored_text(event.result))

    def offer(self, text: str) -> None:
        self.label.set_full_text(text)
        self.undo_button.setEnabled(True)
        self.show()
        self._expiry.start()

    def text(self) -> str:
        return self.label.full_text()

    @async_slot()
    async def undo(self) -> None:
        self.undo_button.setEnabled(False)  # one click, one undo
        try:
            await self._bridge.request("snapshot.undo")  # its own event brings the next offer
        except SimulatorError as exc:
            self.label.set_full_text(error_text(exc))
            self.undo_button.setEnabled(True)


class TimeTravelMenu(QObject):
    """File → Open scenario file… and Reset to start…; errors go to the window's ``show_error``."""

    def __init__(self, bridge: WorkspaceBridge, window, menu: QMenu) -> None:
        super().__init__(window)
        self._bridge = bridge
        self._window = window
        self.open_scenario_action = menu.addAction(self.tr("Open scenario file…"))
        self.open_scenario_action.setToolTip(self.tr("Open a .wxsim file in a new window, in a workspace of its own"))
        self.open_scenario_action.triggered.connect(self._on_open_scenario_triggered)
        self.reset_action = menu.addAction(self.tr("Reset to start…"))
        self.reset_action.setToolTip(self.tr("Put back the data, files, personas and permissions the "
                                             "workspace started with"))
        self.reset_action.triggered.connect(self._on_reset_triggered)

    def _on_reset_triggered(self) -> None:
        answer = QMessageBox.question(
            self._window, self.tr("Reset to start"),
            self.tr("Put the whole environment back as it was when this workspace was made (for the demo: "
                    "its sample data)?\n\nThe state now is saved as an automatic checkpoint first, so you "
                    "can undo this from the status bar or the Snapshots pane."))
        if answer == QMessageBox.StandardButton.Yes:
            self.reset()

    @async_slot()
    async def reset(self) -> None:
        try:
            await self._bridge.request("snapshot.reset")  # the status bar's offer says what it did
        except SimulatorError as exc:
            self._window.show_error(error_text(exc))

    def _on_open_scenario_triggered(self) -> None:
        path, _chosen = QFileDialog.getOpenFileName(
            self._window, self.tr("Open a scenario file"), str(Path.home()), self.tr("wxsim scenario (*.wxsim)"))
        if path:
            self.open_scenario(Path(path))

    def open_scenario(self, path: Path) -> bool:
        """Start another wxsim on ``path``: a scenario opens into a new workspace, never this one."""
        program, arguments, environment = scenario_command(path)
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(arguments)
        process.setProcessEnvironment(environment)
        process.setWorkingDirectory(str(Path.home()))
        outcome = process.startDetached()  # a bool, or (bool, pid) in some PySide6 versions
        started = bool(outcome[0] if isinstance(outcome, tuple) else outcome)
        if started:
            self._bridge.notify(self.tr("Opening {file} in a new window…").format(file=path.name))
        else:
            self._window.show_error(self.tr("Could not start wxsim for {file}.").format(file=path))
        return started


def scenario_command(path: Path) -> tuple[str, list[str], QProcessEnvironment]:
    """The argv of a new wxsim opening ``path``: the binary itself when frozen, else ``-m app``
    with this source tree on the path (as the JS workers start, ``worker_start.worker_command``)."""
    environment = QProcessEnvironment.systemEnvironment()
    if getattr(sys, "frozen", False):
        return sys.executable, ["--scenario", str(path)], environment
    source_root = str(Path(__file__).resolve().parents[2])
    environment.insert("PYTHONPATH", os.pathsep.join(
        p for p in (source_root, environment.value("PYTHONPATH")) if p))
    # -P: a folder called app/ where wxsim was started must not run instead of us.
    return sys.executable, ["-P", "-m", "app", "--scenario", str(path)], environment
