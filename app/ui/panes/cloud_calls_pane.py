"""云调用 / Cloud calls: the codes and links the functions issued, "scanned" or "opened" as a
persona (where the mini program would start, and with what), and the content-security lists.

A code is picked from the registry (a camera scan) or given as a picture file, chosen or dropped
on the pane (from the album); core matches the picture by its bytes, so no QR decoder is needed.
``mediaCheckAsync``'s pushes are core's (the trigger scheduler sends them when due), so they
reach the project whether or not this pane exists, in ``wxsim serve`` too.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.api import InputError
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.flow_layout import FlowLayout
from app.ui.messages import InlineMessage
from app.ui.widgets import color_dot

PICTURE_SIZE = 160
MAX_PICTURE_BYTES = 16 << 20  # a code is a few kilobytes; a bigger file is surely not one
_SIGNED_OUT = object()


class CloudCallsPane(QWidget):
    """Issued codes and links, scanned or opened as a persona; the content-security lists."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("CloudCallsPane", "Cloud calls")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.entries: list[tuple[str, dict]] = []  # ("code" | "link", registry entry), one per table row
        self._loaded = False
        self._stale: set[str] = set()  # registries to read again when the pane is next shown
        self.registry = QTableWidget(0, 3)
        self.registry.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Opens"), self.tr("Made by")])
        self.registry.verticalHeader().hide()
        self.registry.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.registry.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.registry.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.registry.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.persona = QComboBox()
        self.scan_button = QPushButton(self.tr("Scan / open the selected one"))
        self.choose_button = QPushButton(self.tr("Choose a code picture…"))
        self.scan_message = InlineMessage()
        self.picture = QLabel()
        self.picture.setFixedSize(PICTURE_SIZE, PICTURE_SIZE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.outcome = QLabel(self.tr("Pick a code or link in the list, or drop a code picture (PNG) on this pane."))
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words = QPlainTextEdit()
        self.images = QPlainTextEdit()
        self.words_message = InlineMessage()
        self.images_message = InlineMessage()
        self.push = QComboBox()
        self.push_message = InlineMessage()
        # The workspace's permission setting: off (strict) as in the cloud, on as DevTools' local
        # debugging, where a function's undeclared cloud calls still answer.
        self.lenient = QCheckBox(self.tr("Lenient, like DevTools' local debugging"))
        self.lenient.setToolTip(self.tr("Cloud calls then need no permissions.openapi in the function's config.json, "
                                        "and may come from outside a cloud function run."))
        self.lenient_message = InlineMessage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._codes_tab(), self.tr("Codes and links"))
        self.tabs.addTab(self._security_tab(), self.tr("Content security"))
        column = QVBoxLayout(self)
        column.addWidget(self.lenient)
        column.addWidget(self.lenient_message)
        column.addWidget(self.tabs)
        self.setAcceptDrops(True)
        self._fill_personas()
        self.scan_button.clicked.connect(self.scan_selected)
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.push.activated.connect(self._on_push_chosen)
        self.lenient.toggled.connect(self._on_lenient_toggled)
        bridge.personas_changed.connect(self._fill_personas)
        bridge.event_logged.connect(self._on_event)

    # -- layout --------------------------------------------------------------------------------

    def _codes_tab(self) -> QWidget:
        listing = QGroupBox(self.tr("Issued by the functions"))
        QVBoxLayout(listing).addWidget(self.registry)
        scan = QGroupBox(self.tr("Scan a code or open a link"))
        row = FlowLayout()  # wraps in a narrow window or with presenter mode's big text
        row.addWidget(QLabel(self.tr("As:")))
        row.addWidget(self.persona)
        row.addWidget(self.scan_button)
        row.addWidget(self.choose_button)
        # The answer scrolls inside the box: with presenter mode's text at 1024×768 the code and
        # its explanation are taller than the pane, and a wrapped label's height does not reach it.
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.scan_message)
        column.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.outcome)
        column.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(inner)
        # setWidget() paints the content's own background: keep the group box's showing through.
        inner.setAutoFillBackground(False)
        scroller.viewport().setAutoFillBackground(False)
        QVBoxLayout(scan).addWidget(scroller)
        splitter = QSplitter(Qt.Orientation.Horizontal)  # side by side: both fit 1024×768 without scrolling
        splitter.addWidget(listing)
        splitter.addWidget(scan)
        splitter.setSizes([520, 380])
        return splitter

    def _security_tab(self) -> QWidget:
        tab = QWidget()
        # Short titles, the formats in the wrapped hint: a group box is never narrower than its
        # title, and long ones made the pane scroll sideways at 1024 px in presenter mode.
        words = QGroupBox(self.tr("Words"))
        save_words = self._save_words_button = QPushButton(self.tr("Save words"))
        save_words.clicked.connect(self.save_words)
        column = QVBoxLayout(words)
        column.addWidget(self.words)
        column.addWidget(save_words, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.words_message)
        images = QGroupBox(self.tr("Images"))
        add_image = self._add_image_button = QPushButton(self.tr("Add a picture…"))
        add_image.clicked.connect(self._on_add_image_clicked)
        save_images = self._save_images_button = QPushButton(self.tr("Save images"))
        save_images.clicked.connect(self.save_images)
        buttons = QHBoxLayout()
        buttons.addWidget(add_image)
        buttons.addWidget(save_images)
        buttons.addStretch(1)
        column = QVBoxLayout(images)
        column.addWidget(self.images)
        column.addLayout(buttons)
        column.addWidget(self.images_message)
        lists = QHBoxLayout()
        lists.addWidget(words, 3)
        lists.addWidget(images, 2)
        push = FlowLayout()
        push.addWidget(QLabel(self.tr("mediaCheckAsync results are pushed to:")))
        push.addWidget(self.push)
        layout = QVBoxLayout(tab)
        hint = QLabel(self.tr("msgSecCheck and imgSecCheck judge by these lists; saved lists count at once. "
                              "Words: one a line — the word, a tab, its label, a tab, risky or review. "
                              "Images: one a line — the SHA-256 of a risky picture, a tab, a note."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(lists, 1)
        layout.addLayout(push)
        layout.addWidget(self.push_message)
        return tab

    def _fill_personas(self) -> None:
        current = self.persona.currentData()
        self.persona.clear()
        for persona in self._bridge.personas():
            self.persona.addItem(color_dot(persona.color), persona.name, persona.name)
        self.persona.addItem(color_dot(None), self.tr("Signed out"), _SIGNED_OUT)
        index = self.persona.findData(current) if current is not None else -1
        acting = self.persona.findData(self._bridge.acting_as())
        self.persona.setCurrentIndex(index if index >= 0 else max(acting, 0))

    def chosen_persona(self) -> str | None:
        data = self.persona.currentData()
        return None if data is _SIGNED_OUT else data

    # -- loading -------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.load()
        elif self._stale:
            self.refresh_registry(sorted(self._stale))

    @async_slot()
    async def load(self) -> None:
        """The registries, the lists and the push setting: read when the pane is first shown."""
        self._stale.clear()
        await self._read_registries(["codes", "links"])
        with self.words_message.reporting(clear=False):
            lists = await self._bridge.request("openapi.securityLists")
            self.words.setPlainText(lists["words"])
            self.images.setPlainText(lists["images"])
        with self.lenient_message.reporting(clear=False):
            lenient = (await self._bridge.request("openapi.settings"))["lenient"]
            self.lenient.blockSignals(True)  # showing the saved setting is not changing it
            self.lenient.setChecked(lenient)
            self.lenient.blockSignals(False)
        with self.push_message.reporting(clear=False):
            settings = await self._bridge.request("openapi.securitySettings")
            functions = await self._bridge.request("functions.list")
            self.push.clear()
            self.push.addItem(self.tr("the timeline only"), None)
            for info in functions["functions"]:
                self.push.addItem(info["name"], info["name"])
            self.push.setCurrentIndex(max(self.push.findData(settings["pushFunction"]), 0))

    @async_slot(list)
    async def refresh_registry(self, names: list) -> None:
        self._stale.difference_update(names)
        await self._read_registries(names)

    async def _read_registries(self, names: list[str]) -> None:
        """Add the entries not listed yet, at the end: rows and the selection stay where they are."""
        with self.scan_message.reporting(clear=False):
            found = []
            for name in names:
                kind = name[:-1]
                found += [(kind, entry) for entry in (await self._bridge.request(f"openapi.{name}"))[name]]
            listed = {(kind, entry.get("id")) for kind, entry in self.entries}
            for kind, entry in sorted(found, key=lambda item: item[1].get("createdAt", 0)):
                if (kind, entry.get("id")) not in listed:
                    self._add_row(kind, entry)

    def _add_row(self, kind: str, entry: dict) -> None:
        row = self.registry.rowCount()
        self.registry.insertRow(row)
        self.entries.append((kind, entry))
        persona = self._bridge.persona_by_openid(entry.get("openid"))
        made_by = " · ".join(part for part in (entry.get("function"), persona.name if persona else None) if part)
        for column, text in enumerate((self._kind_text(kind, entry), _opens_text(kind, entry), made_by)):
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # a narrow column elides it
            self.registry.setItem(row, column, item)
        self.registry.resizeColumnToContents(0)

    def _kind_text(self, kind: str, entry: dict) -> str:
        if kind == "link":
            return self.tr("URL Scheme") if entry.get("kind") == "urlscheme" else self.tr("URL Link")
        return self.tr("Code {id}").format(id=entry.get("id")) + f" ({str(entry.get('api', '')).split('.')[-1]})"

    def _on_event(self, event) -> None:
        if event.action != "wx.openApi" or event.outcome != "ok":
            return
        api = event.target.split(" ", 1)[0]
        links = api.startswith(("urlscheme.", "urllink."))
        name = "codes" if api.startswith("wxacode.") else "links" if links else None
        if name is None or not self._loaded:
            return
        if self.isVisible():
            self.refresh_registry([name])
        else:
            self._stale.add(name)

    # -- scanning ------------------------------------------------------------------------------

    @async_slot()
    async def scan_selected(self) -> None:
        with self.scan_message.reporting():
            row = self.registry.currentRow()
            if not 0 <= row < len(self.entries):
                raise InputError(self.tr("Select a code or a link in the list first."))
            kind, entry = self.entries[row]
            if kind == "code":
                self._show_scan(await self._bridge.request(
                    "openapi.scanCode", {"persona": self.chosen_persona(), "codeId": entry["id"]}))
            else:
                self._show_link(await self._bridge.request(
                    "openapi.openLink", {"persona": self.chosen_persona(), "linkId": entry["id"]}))

    @async_slot(str)
    async def scan_file(self, path: str) -> None:
        """Scan a picture file, as a user choosing it from the phone's album."""
        with self.scan_message.reporting():
            data = await asyncio.to_thread(_read_picture, Path(path))
            if data is None:
                raise InputError(self.tr("{name} could not be read as a picture.").format(name=Path(path).name))
            self.picture.clear()
            self._show_scan(await self._bridge.request(
                "openapi.scanCode", {"persona": self.chosen_persona(), "image": base64.b64encode(data).decode()}))

    def _on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a code picture"), "",
                                              self.tr("Pictures (*.png *.jpg *.jpeg)"))
        if path:
            self.scan_file(path)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.tabs.setCurrentIndex(0)
            self.scan_file(files[0])

    def _show_scan(self, answer: dict) -> None:
        entry, opens = answer["entry"], answer["opens"]
        pixmap = QPixmap()
        pixmap.loadFromData(base64.b64decode(answer["png"]))
        self.picture.setPixmap(pixmap.scaled(PICTURE_SIZE, PICTURE_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))
        text = self.tr("{who} scanned code {id}. The mini program opens {path} with query {query} (scene {scene}).") \
            .format(who=self._who(answer), id=entry["id"], path=opens["path"] or self.tr("the home page"),
                    query=_json(opens["query"]), scene=opens["scene"])
        if "scene" in entry:
            text += "\n" + self.tr("onLoad(options) gets options.scene = {raw}; decodeURIComponent gives {scene}.") \
                .format(raw=opens["query"]["scene"], scene=entry["scene"])
        self.outcome.setText(text)
        self._select("code", entry["id"])

    def _show_link(self, answer: dict) -> None:
        entry, opens = answer["entry"], answer["opens"]
        self.picture.clear()
        self.outcome.setText(self.tr("{who} opened {link}. The mini program opens {path} with query {query} "
                                     "(scene {scene}).").format(
            who=self._who(answer), link=entry["link"], path=opens["path"] or self.tr("the home page"),
            query=_json(opens["query"]), scene=opens["scene"]))

    def _who(self, answer: dict) -> str:
        return answer["persona"] or self.tr("A signed-out user")

    def _select(self, kind: str, entry_id: object) -> None:
        row = next((i for i, (k, e) in enumerate(self.entries) if k == kind and e.get("id") == entry_id), -1)
        if row >= 0:
            self.registry.selectRow(row)

    # -- content-security lists ----------------------------------------------------------------

    @async_slot()
    async def save_words(self) -> None:
        with self.words_message.reporting():
            saved = await self._bridge.request("openapi.securityLists", {"words": self.words.toPlainText()})
            self.words.setPlainText(saved["words"])
            self.words_message.show_info(self.tr("Saved: cloud calls judge by this list from now on."))

    @async_slot()
    async def save_images(self) -> None:
        with self.images_message.reporting():
            saved = await self._bridge.request("openapi.securityLists", {"images": self.images.toPlainText()})
            self.images.setPlainText(saved["images"])
            self.images_message.show_info(self.tr("Saved: cloud calls judge by this list from now on."))

    @async_slot(str)
    async def add_image(self, path: str) -> None:
        """Add a picture's SHA-256 to the list being edited (saved with Save images)."""
        with self.images_message.reporting():
            data = await asyncio.to_thread(_read_picture, Path(path))
            if data is None:
                raise InputError(self.tr("{name} could not be read as a picture.").format(name=Path(path).name))
            text = self.images.toPlainText()
            line = f"{hashlib.sha256(data).hexdigest()}\t{Path(path).name}"
            self.images.setPlainText(f"{text}{'' if not text or text.endswith(chr(10)) else chr(10)}{line}\n")
            self.images_message.show_info(
                self.tr("Added {name}; save the list to use it.").format(name=Path(path).name))

    def _on_add_image_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Add a risky picture"), "",
                                              self.tr("Pictures (*.png *.jpg *.jpeg *.gif)"))
        if path:
            self.add_image(path)

    def settings_controls(self) -> list[QWidget]:
        """What the shell's read-only lock turns off: the workspace's settings, not scanning."""
        return [self.lenient, self.words, self._save_words_button, self.images, self._add_image_button,
                self._save_images_button, self.push]

    @async_slot(bool)
    async def _on_lenient_toggled(self, on: bool) -> None:
        with self.lenient_message.reporting():
            await self._bridge.request("openapi.settings", {"lenient": on})

    @async_slot()
    async def _on_push_chosen(self) -> None:
        with self.push_message.reporting():
            await self._bridge.request("openapi.securitySettings", {"pushFunction": self.push.currentData()})


def _read_picture(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > MAX_PICTURE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _opens_text(kind: str, entry: dict) -> str:
    if kind == "link":
        query = entry.get("query") or ""
        return (entry.get("path") or "") + (f"?{query}" if query else "")
    if "scene" in entry:
        return f"{entry.get('page')} · scene={entry['scene']}"
    return str(entry.get("path", ""))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
