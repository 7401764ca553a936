"""存储 / Storage: folders, files with owners, uploads by drag and drop, previews, temp URLs."""

from __future__ import annotations

import base64
from pathlib import Path
from posixpath import basename, dirname

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimer, QUrl, QUrlQuery
from PySide6.QtGui import QGuiApplication, QPalette, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.api import (
    OUTCOME_ERROR,
    RULES_MODE,
    STORAGE_MODE_LABELS_EN,
    STORAGE_MODE_LABELS_ZH,
    STORAGE_MODES,
    CloudError,
    InputError,
    Reason,
    SimulatorError,
    host_os,
)
from app.ui.async_slot import async_slot
from app.ui.file_manager import show_folder
from app.ui.bridge import WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.panes.persona_box import PersonaBox
from app.ui.panes.rules_editor import RulesEditor, permission_mode_box
from app.ui.panes.storage.models import FileRow, FilesModel
from app.ui.reason_texts import error_text
from app.ui.flow_layout import FlowLayout
from app.ui.widgets import make_table, shrinkable

PathRole = Qt.ItemDataRole.UserRole + 1
PREVIEW_TEXT_BYTES = 64 * 1024
PREVIEW_IMAGE_BYTES = 16 * 1024 * 1024
# What changes the listing. The pane's own reads (listFiles, preview …) are logged too, and
# refreshing on them would never stop.
STORAGE_CHANGES = frozenset({"storage.uploadFile", "storage.putObject", "storage.batchDeleteFile",
                             "storage.setPermission", "snapshot.restore", "snapshot.reset", "snapshot.undo"})


class StoragePane(QWidget):
    """The cloud console's storage page; every action is made as the "act as" choice."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("StoragePane", "Storage")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._folder = ""
        self._known_folders: set[str] | None = None  # rebuild the tree only when they change
        self._listing: list[dict] = []  # the last storage.listFiles answer, all folders
        self._generation = 0  # only the latest listing is shown
        self._previewed: tuple | None = None  # the file (and version, and right) in the preview
        self.folders = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.folders)
        self.tree.setHeaderHidden(True)
        self.files = FilesModel(self)
        self.table = make_table(self.files)  # columns fit their contents; the name stretches
        self.actor_box = PersonaBox(bridge, self.tr("Admin (console)"))  # follows the toolbar by default
        self.mode_box = permission_mode_box(STORAGE_MODES, STORAGE_MODE_LABELS_ZH, STORAGE_MODE_LABELS_EN)
        self.rules_editor = RulesEditor(bridge, "storage", self._apply_rules)  # shown for CUSTOM
        self.rules_editor.hide()
        self.message = InlineMessage()
        self.progress = QProgressBar()
        self.progress.hide()
        self.preview_image = QLabel()
        self.preview_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_none = QLabel(self.tr("Select a file to preview it."))
        self.preview_none.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_none.setWordWrap(True)
        self.preview = QStackedWidget()
        for widget in (self.preview_none, self.preview_image, self.preview_text):
            self.preview.addWidget(widget)
        self._refresh_timer = QTimer(self)  # bursts of uploads refresh once
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(200)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build_layout()
        self.setAcceptDrops(True)
        self.tree.selectionModel().currentChanged.connect(self._on_folder_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_file_changed)
        self.mode_box.activated.connect(self._on_mode_activated)
        self.actor_box.chosen.connect(self._refresh_if_shown)
        bridge.personas_changed.connect(self._show_listing)  # owners' names and colours
        bridge.event_logged.connect(self._on_bridge_event_logged)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Permission")))
        top.addWidget(shrinkable(self.mode_box, 14), 1)
        top.addWidget(QLabel(self.tr("Act as")))
        top.addWidget(shrinkable(self.actor_box, 10))
        buttons = FlowLayout()  # wraps in a narrow window or with presenter mode's big text
        for text, slot in ((self.tr("Upload…"), self._on_upload_clicked),
                           (self.tr("Save as…"), self._on_save_clicked),
                           (self.tr("Delete"), self._on_delete_clicked),
                           (self.tr("Copy fileID"), self._on_copy_id_clicked),
                           (self.tr("Copy temp URL"), self.copy_temp_url),
                           (self.tr("Open folder"), self._on_open_folder_clicked)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(self.progress)
        files = QSplitter(Qt.Orientation.Horizontal)
        files.addWidget(self.table)
        files.addWidget(self.preview)
        files.setSizes([600, 320])
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.rules_editor)
        column.addLayout(buttons)
        column.addWidget(self.message)
        column.addWidget(files, 1)
        hint = QLabel(self.tr("Drop files here to upload them into the selected folder."))
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey in every theme
        column.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setSizes([200, 900])
        QVBoxLayout(self).addWidget(splitter)

    def settings_controls(self) -> list[QWidget]:
        """The controls the shell's read-only lock turns off: the storage permission and its rules."""
        return [self.mode_box, *self.rules_editor.settings_controls()]

    # -- listing -------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._refresh_timer.start()  # files changed by hand, or while the pane was hidden

    def _viewer(self) -> str | None | object:
        """Whose rights the pane shows and acts with: ADMIN, a persona's name or None (signed out)."""
        return self.actor_box.choice()

    def _caller(self):
        return self._bridge.caller_for(self._viewer())

    @async_slot()
    async def refresh(self) -> None:
        """Re-read the files (changes made by hand show up too) and what the viewer may do."""
        self._refresh_timer.stop()
        self._generation += 1
        generation = self._generation
        with self.message.reporting(clear=False):
            answer = await self._bridge.request("storage.listFiles",
                                                {"prefix": "", **self._bridge.viewer_param(self._viewer())})
            if generation != self._generation:
                return  # a newer listing was asked for meanwhile
            self._listing = answer["files"]
            self._show_mode(answer["mode"], answer.get("rules"))
            self._show_listing()

    def _show_listing(self) -> None:
        self._fill_tree(self._listing)
        rows = [FileRow.from_answer(item, self._bridge.persona_by_openid(item["owner"]))
                for item in self._listing if dirname(item["cloudPath"]) == self._folder]
        selected = self._selected_path()
        self.files.set_rows(rows)
        for row in range(self.files.rowCount()):
            if self.files.row_at(row).path == selected:
                self.table.selectRow(row)
        if self._selected_row() is None:
            self._on_file_changed()

    def _fill_tree(self, listing: list[dict]) -> None:
        folders = {""}
        for item in listing:
            parts = item["cloudPath"].split("/")[:-1]
            folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        if folders == self._known_folders:
            return
        self._known_folders = folders
        self.folders.clear()
        items = {"": QStandardItem("/")}
        items[""].setData("", PathRole)
        self.folders.appendRow(items[""])
        for folder in sorted(folders - {""}):
            item = QStandardItem(basename(folder))
            item.setData(folder, PathRole)
            items[dirname(folder)].appendRow(item)
            items[folder] = item
        self.tree.expandAll()
        self.tree.setCurrentIndex(items.get(self._folder, items[""]).index())

    def _on_folder_changed(self, current, _previous) -> None:
        folder = current.data(PathRole) if current.isValid() else ""
        if folder is not None and folder != self._folder:
            self._folder = folder
            self.refresh()

    def _selected_row(self) -> FileRow | None:
        return self.files.row_at(self.table.currentIndex().row())

    def _selected_path(self) -> str | None:
        row = self._selected_row()
        return row.path if row else None

    def _require_file(self) -> FileRow:
        row = self._selected_row()
        if row is None:
            raise InputError(self.tr("Select a file first."))
        return row

    def _on_bridge_event_logged(self, event) -> None:
        # Denied counts: a batch that deleted some files and was refused others changed storage.
        if event.action in STORAGE_CHANGES and event.outcome != OUTCOME_ERROR:
            self._refresh_if_shown()

    def _refresh_if_shown(self) -> None:
        if self.isVisible():  # a hidden pane re-reads when it is shown
            self._refresh_timer.start()

    # -- preview -------------------------------------------------------------------------------

    @async_slot()
    async def _on_file_changed(self, *_args) -> None:
        row = self._selected_row()
        key = (row.file_id, row.uploaded_at, row.can_read) if row else None
        if key == self._previewed:
            return  # the same file, re-selected after a refresh
        self._previewed = key
        if row is None:
            self.preview_none.setText(self.tr("Select a file to preview it."))
            self.preview.setCurrentWidget(self.preview_none)
            return
        image = row.content_type.startswith("image/") and row.size <= PREVIEW_IMAGE_BYTES
        text = row.content_type.startswith("text/") or row.content_type in ("application/json",)
        if not (image or text):
            self._show_no_preview(self.tr("No preview for {type}.").format(type=row.content_type))
            return
        try:
            answer = await self._bridge.request("storage.preview", {
                "fileID": row.file_id, "maxBytes": PREVIEW_IMAGE_BYTES if image else PREVIEW_TEXT_BYTES,
                **self._bridge.viewer_param(self._viewer())})
        except SimulatorError as exc:  # e.g. the viewer may not read it: say why, where it would show
            if self._previewed == key:
                self._show_no_preview(error_text(exc))
            return
        if self._previewed != key:
            return  # another file was selected meanwhile
        data = base64.b64decode(answer["contentBase64"])
        if image:
            pixmap = QPixmap()
            if pixmap.loadFromData(data):
                self.preview_image.setPixmap(pixmap.scaled(
                    320, 320, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
                self.preview.setCurrentWidget(self.preview_image)
                return
            self._show_no_preview(self.tr("No preview for {type}.").format(type=row.content_type))
            return
        self.preview_text.setPlainText(data.decode("utf-8", errors="replace"))
        self.preview.setCurrentWidget(self.preview_text)

    def _show_no_preview(self, text: str) -> None:
        self.preview_none.setText(text)
        self.preview.setCurrentWidget(self.preview_none)

    # -- actions -------------------------------------------------------------------------------

    def _on_upload_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Upload files"))
        if paths:
            self.upload([Path(p) for p in paths])

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        local = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if local:
            event.acceptProposedAction()
            self.upload(local)

    @async_slot(object)
    async def upload(self, paths: list[Path]) -> None:
        """Upload local files into the current folder, as the "act as" choice."""
        with self.message.reporting():
            files = [p for p in paths if p.is_file()]
            if not files:
                raise InputError(self.tr("Only files can be uploaded, not folders."))
            self.progress.setRange(0, len(files))
            self.progress.setValue(0)
            self.progress.show()
            try:
                for done, path in enumerate(files, 1):
                    cloud_path = f"{self._folder}/{path.name}" if self._folder else path.name
                    # The file the person dropped, uploaded as the persona: the one host path
                    # this request may read (SECURITY.md, host files).
                    await self._bridge.request_as(self._caller(), "storage.uploadFile",
                                                  {"cloudPath": cloud_path, "localPath": str(path)},
                                                  local_roots=(path,))
                    self.progress.setValue(done)
            finally:
                self.progress.hide()
            self.message.show_info(self.tr("Uploaded {n} file(s).").format(n=len(files)))

    def _on_save_clicked(self) -> None:
        row = self._selected_row()
        if row is None:
            self.message.show_error(self.tr("Select a file first."))
            return
        # A cloudPath may hold what this system refuses in a file name (a|b.png on Windows).
        suggestion = host_os.suggested_file_name(basename(row.path))
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Save as"), suggestion)
        if target:
            self.save_as(Path(target))

    @async_slot(object)
    async def save_as(self, target: Path) -> None:
        with self.message.reporting():
            row = self._require_file()
            await self._bridge.request_as(self._caller(), "storage.downloadFile",
                                          {"fileID": row.file_id, "localPath": str(target)},
                                          local_roots=(target,))
            self.message.show_info(self.tr("Saved to {path}").format(path=target))

    def _on_delete_clicked(self) -> None:
        row = self._selected_row()
        if row is None:
            self.message.show_error(self.tr("Select a file first."))
            return
        answer = QMessageBox.question(self, self.tr("Delete file"), self.tr("Delete {path}?").format(path=row.path))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete()

    @async_slot()
    async def delete(self) -> None:
        with self.message.reporting():
            row = self._require_file()
            answer = await self._bridge.request_as(
                self._caller(), "storage.batchDeleteFile", {"fileid_list": [row.file_id]})
            item = answer["delete_list"][0]
            if item["code"] != "SUCCESS":
                raise item_error(item, row, row.delete_why)
            self.message.show_info(self.tr("Deleted {path}").format(path=row.path))

    def _on_copy_id_clicked(self) -> None:
        with self.message.reporting():
            file_id = self._require_file().file_id
            QGuiApplication.clipboard().setText(file_id)
            self._bridge.notify(self.tr("Copied {id}").format(id=file_id))

    @async_slot()
    async def copy_temp_url(self) -> None:
        """Copy a signed http://127.0.0.1 link that opens the file in a browser until it expires."""
        with self.message.reporting():
            row = self._require_file()
            answer = await self._bridge.request_as(self._caller(), "storage.batchGetDownloadUrl",
                                                   {"file_list": [{"fileid": row.file_id}]})
            item = answer["download_list"][0]
            if item["code"] != "SUCCESS":
                raise item_error(item, row, row.read_why)
            url = item["tempFileURL"]
            QGuiApplication.clipboard().setText(url)
            # Until the t the link is signed with; the app serves it after a restart, too.
            expires = QDateTime.fromSecsSinceEpoch(int(QUrlQuery(QUrl(url)).queryItemValue("t") or 0))
            self.message.show_info(self.tr("Copied a link valid until {until} ({hours} hours): {url}").format(
                until=expires.toString("yyyy-MM-dd HH:mm"), hours=item["maxAge"] // 3600, url=url))

    @async_slot()
    async def _on_open_folder_clicked(self) -> None:
        with self.message.reporting():
            answer = await self._bridge.request("storage.localFolder", {"prefix": self._folder})
            show_folder(answer["localPath"], self.message)

    def _show_mode(self, mode: str, rules: dict | None) -> None:
        if not self.rules_editor.edited():
            self.rules_editor.load(rules)
        if not self.rules_editor.isHidden() and mode != RULES_MODE:
            return  # CUSTOM chosen and its rules being written: the combo stays on it until Apply
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode))
        self.rules_editor.setVisible(mode == RULES_MODE)

    def _on_mode_activated(self) -> None:
        mode = self.mode_box.currentData()
        self.rules_editor.setVisible(mode == RULES_MODE)  # rules are saved by the editor's Apply
        if mode != RULES_MODE:
            self.set_mode(mode)

    async def _apply_rules(self, rules: dict) -> None:
        """The rules editor's Apply: storage goes CUSTOM under ``rules`` (or stays as it was)."""
        await self._bridge.request("storage.setPermission", {"mode": RULES_MODE, "rules": rules})
        await self.refresh()

    @async_slot(str)
    async def set_mode(self, mode: str) -> None:
        with self.message.reporting():
            await self._bridge.request("storage.setPermission", {"mode": mode})
            await self.refresh()


def item_error(item: dict, row: FileRow, why: dict | None) -> CloudError:
    """A batch item's failure as the error it was: its code, and its message without the code's
    own words (``message`` is ``str()`` of core's error, which starts with them).

    ``why`` is the listing's reason for the same right (``readWhy``/``deleteWhy``): when the
    refusal says the same, it is said in the UI's language, as is core's "no such file"."""
    code = -503002 if item["code"] == "STORAGE_EXCEED_AUTHORITY" else -503003
    detail = item.get("message") or item["code"]
    words = CloudError(code).text
    if detail.startswith(words):
        detail = detail[len(words):].lstrip(". ")
    known = [Reason.from_dict(why), Reason("storage.no_such_file", "{path} does not exist", path=row.path)]
    reason = next((r for r in known if r is not None and r.text == detail), None)
    return CloudError(code, reason or detail)
