"""快照 / Snapshots: save the environment's state by name, put it back, compare, export, delete.

The state is everything a class changes: documents, storage files, personas, permissions. The
automatic checkpoints core takes before destructive requests are listed here too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.api import OUTCOME_OK, InputError
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.flow_layout import FlowLayout
from app.ui.messages import InlineMessage
from app.ui.panes.snapshots.models import SnapshotsModel
from app.ui.widgets import WrapLabel, make_table

# Requests that change the list. Reads are logged too, and refreshing on the pane's own
# snapshot.list would never stop.
LIST_CHANGES = frozenset({"snapshot.save", "snapshot.checkpoint", "snapshot.restore", "snapshot.reset",
                          "snapshot.undo", "snapshot.delete"})
SCENARIO_SUFFIX = ".wxsim"


class SnapshotsPane(QWidget):
    """The list of snapshots with save, restore, compare, export and delete."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("SnapshotsPane", "Snapshots")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._stale = True  # read the list when first shown
        self.diff_dialog = None  # the diff view (diff_view.DiffDialog), made with the first comparison
        self.snapshots = SnapshotsModel(self)
        self.table = make_table(self.snapshots)
        # Two rows chosen (Ctrl+click) are compared with each other.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. before-lesson-2"))
        self.name_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 18)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("what this state is for (optional)"))
        self.note_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * 24)
        self.save_button = QPushButton(self.tr("Save snapshot"))
        self.save_message = InlineMessage()
        self.restore_button = QPushButton(self.tr("Restore"))
        self.compare_button = QPushButton(self.tr("Compare…"))
        self.export_button = QPushButton(self.tr("Export scenario file…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.message = InlineMessage()
        self._refresh_timer = QTimer(self)  # a burst of snapshot requests re-reads the list once
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(100)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build_layout()
        self.save_button.clicked.connect(self.save)
        self.name_edit.returnPressed.connect(self.save)
        self.note_edit.returnPressed.connect(self.save)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.compare_button.clicked.connect(self.compare)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        bridge.event_logged.connect(self._on_bridge_event_logged)

    def _build_layout(self) -> None:
        save_box = QGroupBox(self.tr("Save the state now"))
        row = FlowLayout()  # wraps in a narrow window or with presenter mode's big text
        row.addWidget(QLabel(self.tr("Name")))
        row.addWidget(self.name_edit)
        row.addWidget(QLabel(self.tr("Note")))
        row.addWidget(self.note_edit)
        row.addWidget(self.save_button)
        column = QVBoxLayout(save_box)
        column.addLayout(row)
        column.addWidget(self.save_message)
        list_box = QGroupBox(self.tr("Snapshots and checkpoints, newest first"))
        buttons = FlowLayout()
        for button in (self.restore_button, self.compare_button, self.export_button, self.delete_button):
            buttons.addWidget(button)
        hint = WrapLabel(self.tr(
            "A snapshot keeps the documents, storage files, personas and permissions, not the code. "
            "Before a collection is deleted, an import replaces documents, or documents or files are "
            "deleted in bulk, a checkpoint is saved by itself (the last 20 are kept). Select two rows "
            "to compare them with each other."))
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey in every theme
        column = QVBoxLayout(list_box)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        column.addWidget(self.message)
        column.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addWidget(save_box)
        layout.addWidget(list_box, 1)

    def settings_controls(self) -> list[QWidget]:
        """What the shell's read-only lock turns off: restoring puts back personas and permissions."""
        return [self.restore_button]

    # -- the list ------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:  # a pane shown again with nothing changed sends no request
            self._refresh_timer.start()

    def _on_bridge_event_logged(self, event) -> None:
        # Also those a terminal's `wxsim snapshot save` makes while the app holds the workspace.
        if event.action in LIST_CHANGES and event.outcome == OUTCOME_OK:
            self._stale = True
            if self.isVisible():  # a hidden pane reads when it is shown
                self._refresh_timer.start()

    @async_slot()
    async def refresh(self) -> None:
        """Read the list again; the chosen rows stay chosen."""
        self._refresh_timer.stop()
        self._stale = False
        with self.message.reporting(clear=False):
            listed = await self._bridge.request("snapshot.list")
            chosen, current = self.selected_names(), self._current_name()
            if not self.snapshots.update_rows(listed["snapshots"]):
                self._choose(chosen, current)

    def selected_names(self) -> list[str]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.snapshots.snapshot_at(row)["name"] for row in rows if self.snapshots.snapshot_at(row)]

    def _current_name(self) -> str | None:
        row = self.snapshots.snapshot_at(self.table.currentIndex().row())
        return row["name"] if row else None

    def _choose(self, names: list[str], current: str | None = None) -> None:
        """Select the rows of ``names`` (those still listed), ``current`` the current one."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for name in names:
            row = self.snapshots.row_of(name)
            if row >= 0:
                selection.select(self.snapshots.index(row, 0), flags)
        row = self.snapshots.row_of(current) if current else -1
        if row >= 0:
            selection.setCurrentIndex(self.snapshots.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    def choose(self, *names: str) -> None:
        """Select these snapshots in the list (as Ctrl+clicks would)."""
        self._choose(list(names), names[0] if names else None)

    def _one_selected(self) -> str:
        names = self.selected_names()
        if len(names) != 1:
            raise InputError(self.tr("Select one snapshot in the list first."))
        return names[0]

    # -- actions -------------------------------------------------------------------------------

    @async_slot()
    async def save(self) -> None:
        """Save the state now under the name typed; a refused name is said under the fields."""
        with self.save_message.reporting():
            answer = await self._bridge.request("snapshot.save", {"name": self.name_edit.text(),
                                                                  "note": self.note_edit.text()})
            saved = answer["snapshot"]["name"]
            self.name_edit.clear()
            self.note_edit.clear()
            self.save_message.show_info(self.tr("Saved the snapshot {name}.").format(name=saved))
            await self.refresh()
            self.choose(saved)

    def _on_restore_clicked(self) -> None:
        with self.message.reporting():
            name = self._one_selected()
            answer = QMessageBox.question(
                self, self.tr("Restore snapshot"),
                self.tr("Put the whole environment back as it was in {name}: documents, storage files, "
                        "personas and permissions?\n\nThe state now is saved as an automatic checkpoint "
                        "first, so you can undo this. Cloud function code does not change.").format(name=name))
            if answer == QMessageBox.StandardButton.Yes:
                self.restore(name)

    @async_slot(str)
    async def restore(self, name: str) -> None:
        with self.message.reporting():
            answer = await self._bridge.request("snapshot.restore", {"name": name})
            self.message.show_info(restored_text(answer))

    @async_slot()
    async def compare(self) -> None:
        """The one selected snapshot against now, or the two selected, older first."""
        with self.message.reporting():
            names = self.selected_names()
            if not names or len(names) > 2:
                raise InputError(self.tr("Select one snapshot to compare with now, or two to compare with each other."))
            params = {"from": names[0]}
            if len(names) == 2:
                rows = sorted((self.snapshots.snapshot_at(self.snapshots.row_of(n)) for n in names),
                              key=lambda row: row["createdAt"])
                params = {"from": rows[0]["name"], "to": rows[1]["name"]}
            diff = await self._bridge.request("snapshot.diff", params)
            if self.diff_dialog is None:
                from app.ui.panes.snapshots.diff_view import DiffDialog  # not needed to start the app

                self.diff_dialog = DiffDialog(self, self._bridge.persona_by_openid)
            self.diff_dialog.show_diff(diff)
            if self.diff_dialog.isVisible():
                self.diff_dialog.raise_()  # behind the window since the last comparison
            self.diff_dialog.show()

    def _on_export_clicked(self) -> None:
        names = self.selected_names()
        name = names[0] if len(names) == 1 else None  # none chosen: the state now
        suggested = str(Path.home() / f"{name or 'scenario'}{SCENARIO_SUFFIX}")
        path, _chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export a scenario file"), suggested, self.tr("wxsim scenario (*.wxsim)"))
        if path:
            if not path.endswith(SCENARIO_SUFFIX):
                path += SCENARIO_SUFFIX
            self.export_to(Path(path), name)

    @async_slot(object, object)
    async def export_to(self, path: Path, name: str | None) -> None:
        """Write snapshot ``name`` (None: the state now) to ``path`` as a scenario file."""
        with self.message.reporting():
            self.message.show_info(self.tr("Exporting to {path}…").format(path=path))
            params = {"localPath": str(path), **({"name": name} if name else {})}
            answer = await self._bridge.request("snapshot.export", params)
            self.message.show_info(self.tr(
                "Exported {documents} documents and {files} files to {path}. Open it with "
                "File → Open scenario file…, or give it to others.").format(
                    documents=answer["documents"], files=answer["files"], path=answer["localPath"]))

    def _on_delete_clicked(self) -> None:
        with self.message.reporting():
            name = self._one_selected()
            answer = QMessageBox.question(
                self, self.tr("Delete snapshot"),
                self.tr("Delete the snapshot {name}? The data now does not change.").format(name=name))
            if answer == QMessageBox.StandardButton.Yes:
                self.delete(name)

    @async_slot(str)
    async def delete(self, name: str) -> None:
        with self.message.reporting():
            await self._bridge.request("snapshot.delete", {"name": name})
            self.message.show_info(self.tr("Deleted the snapshot {name}.").format(name=name))


def restored_text(answer: dict) -> str:
    """What a restore, reset or undo did, and what it could not put back (the code)."""
    text = QCoreApplication.translate(
        "SnapshotsPane", "Restored {name}. The state before is saved as the checkpoint {checkpoint}.").format(
        name=answer["restored"]["name"], checkpoint=answer["checkpoint"]["name"])
    changed = answer.get("codeChanged") or []
    if changed:
        text += " " + QCoreApplication.translate(
            "SnapshotsPane", "The code of these cloud functions changed since, and a snapshot does not "
            "put code back: {functions}.").format(functions=", ".join(changed))
    return text
