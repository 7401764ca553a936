"""索引 / Indexes: the cloud console's 索引管理 for the collection shown in the database pane.

The collection's indexes (the built-in ``_id_`` one listed, never droppable), and a form for a
new one: fields by dotted path, each ascending or descending ("+ Add field" for a compound
index), unique or not. Core refuses what it cannot build (a duplicate key over the documents
already there, a bad field, too many indexes); the refusal shows under the form.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.api import InputError
from app.ui.async_slot import async_slot
from app.ui.flow_layout import FlowLayout
from app.ui.messages import InlineMessage
from app.ui.reason_texts import chinese
from app.ui.rows_model import Index, RowsModel
from app.ui.widgets import make_table, shrinkable

ASCENDING, DESCENDING = 1, -1
# Requests after which the listing may have changed, from this tab or from elsewhere (the CLI).
_CHANGES = frozenset({"database.createIndex", "database.dropIndex", "database.deleteCollection",
                      "database.addCollection", "snapshot.restore", "snapshot.reset", "snapshot.undo"})
_SAMPLE = 200  # documents read for the field completion
_DEPTH = 4  # how deep dotted paths are offered


class IndexesModel(RowsModel[dict]):
    """One index per row, as the console lists them: its name, whether unique, its fields with
    their directions."""

    STRETCH = 2

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Name"), self.tr("Kind"), self.tr("Fields"))

    set_indexes = RowsModel.set_rows

    def names(self) -> list[str]:
        return [index["name"] for index in self._rows]

    def row_of(self, name: str | None) -> int:
        return next((i for i, index in enumerate(self._rows) if index["name"] == name), -1)

    def fields_text(self, index: dict) -> str:
        """"city ascending, age descending" in the UI's language."""
        parts = [(self.tr("{field} ascending") if key.get("direction", 1) >= 0 else
                  self.tr("{field} descending")).format(field=key["field"]) for key in index.get("keys", [])]
        return ("，" if chinese() else ", ").join(parts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return row["name"]
            if index.column() == 1:
                return self.tr("Unique") if row.get("unique") else self.tr("Not unique")
            return self.fields_text(row)
        if role == Qt.ItemDataRole.ToolTipRole and row.get("builtin"):
            return self.tr("Built in: every collection has it, and it cannot be dropped")
        return None


class KeyRow(QWidget):
    """One field of the new index: its dotted path and its direction."""

    def __init__(self, completer: QCompleter, removable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setPlaceholderText(self.tr("Field, e.g. city or address.city"))
        self.field.setCompleter(completer)
        self.direction = QComboBox()
        self.direction.addItem(self.tr("Ascending"), ASCENDING)
        self.direction.addItem(self.tr("Descending"), DESCENDING)
        self.remove = QToolButton()
        self.remove.setText("×")
        self.remove.setToolTip(self.tr("Remove this field"))
        policy = self.remove.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # every row's field as wide as the others
        self.remove.setSizePolicy(policy)
        self.remove.setVisible(removable)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(shrinkable(self.direction, 6))
        row.addWidget(self.remove)

    def key(self) -> dict:
        return {"field": self.field.text().strip(), "direction": self.direction.currentData()}


class IndexesTab(QWidget):
    """The collection's indexes, and creating or dropping one. ``documents()`` gives the
    documents the pane has read (their field paths are offered as completions)."""

    def __init__(self, bridge, documents: Callable[[], list[dict]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._documents = documents
        self._collection: str | None = None
        self._stale = True
        self._busy = 0  # own creates and drops in flight
        self._mine: list[tuple[str, dict]] = []  # their requests, whose events need no second listing
        self.indexes = IndexesModel(self)
        self.view = make_table(self.indexes)
        self.drop_button = QPushButton(self.tr("Delete index…"))
        self.drop_button.setEnabled(False)
        self._completions = QStringListModel(self)
        self._completer = QCompleter(self._completions, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.key_rows: list[KeyRow] = []
        self._keys = QVBoxLayout()
        self._keys.setContentsMargins(0, 0, 0, 0)
        self.add_field_button = QPushButton(self.tr("+ Add field"))
        self.unique_box = QCheckBox(self.tr("Unique"))
        self.unique_box.setToolTip(self.tr("No two documents may have the same values in these fields"))
        self.create_button = QPushButton(self.tr("Create index"))
        self.message = InlineMessage()  # what creating or dropping answered
        self._reload_timer = QTimer(self)  # a burst of changes elsewhere lists once
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self.refresh)
        self._build_layout()
        self.add_key_row()
        self.view.selectionModel().currentRowChanged.connect(self._on_index_selected)
        self.indexes.modelReset.connect(self._on_index_selected)
        self.drop_button.clicked.connect(self._on_drop_clicked)
        self.add_field_button.clicked.connect(self.add_key_row)
        self.create_button.clicked.connect(self.create)
        bridge.event_logged.connect(self._on_event_logged)

    def _build_layout(self) -> None:
        form = QGroupBox(self.tr("New index"))
        inner = QVBoxLayout(form)
        inner.addLayout(self._keys)
        buttons = FlowLayout()  # wraps in a narrow window or with presenter mode's big text
        for widget in (self.add_field_button, self.unique_box, self.create_button):
            buttons.addWidget(widget)
        inner.addLayout(buttons)
        hint = QLabel(self.tr("A query whose conditions or orderBy start with an index's fields reads "
                              "only the matching documents; the timeline says which index it used."))
        hint.setWordWrap(True)
        drop_row = QHBoxLayout()
        drop_row.addWidget(self.drop_button)
        drop_row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(hint)
        column.addWidget(self.view, 1)
        column.addLayout(drop_row)
        column.addWidget(form)
        column.addWidget(self.message)

    def busy(self) -> bool:
        """Whether a create or drop is under way, or a listing due (tests wait for False)."""
        return bool(self._busy) or self._reload_timer.isActive()

    def settings_controls(self) -> list[QWidget]:
        """What the shell's read-only lock turns off: creating and dropping indexes."""
        return [self.create_button, self.drop_button]

    # -- the collection ------------------------------------------------------------------------

    def set_collection(self, name: str | None) -> None:
        """Show ``name``'s indexes (read now if shown, else when next shown)."""
        if name == self._collection and not self._stale:
            return
        self._collection = name
        self.indexes.set_indexes([])
        self.message.clear_message()
        self._stale = True
        if self.isVisible():
            self._stale = False
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._offer_fields()
        if self._stale:
            self._stale = False
            self.refresh()

    @async_slot()
    async def refresh(self) -> None:
        """List the collection's indexes again (keeping the selected one selected)."""
        name = self._collection
        if name is None:
            self.indexes.set_indexes([])
            return
        with self.message.reporting(clear=False):
            listed = (await self._bridge.request("database.listIndexes", {"collectionName": name}))["indexes"]
            if name != self._collection:
                return  # the user moved on meanwhile
            selected = self._selected()
            self.indexes.set_indexes(listed)
            row = self.indexes.row_of(selected["name"] if selected else None)
            if row >= 0:
                self.view.selectRow(row)

    def _on_event_logged(self, event) -> None:
        params = event.params if isinstance(event.params, dict) else {}
        if (event.action, params) in self._mine:  # this tab's own: it lists again itself
            self._mine.remove((event.action, params))
            return
        if (event.action in _CHANGES and event.outcome == "ok"
                and (params.get("collectionName") == self._collection or event.action.startswith("snapshot."))):
            if self.isVisible():
                self._reload_timer.start()
            else:
                self._stale = True

    def _offer_fields(self) -> None:
        self._completions.setStringList(sorted(field_paths(self._documents()[:_SAMPLE])))

    # -- creating ------------------------------------------------------------------------------

    def add_key_row(self) -> KeyRow:
        row = KeyRow(self._completer, removable=bool(self.key_rows))
        row.remove.clicked.connect(self._on_remove_key_clicked)
        self.key_rows.append(row)
        self._keys.addWidget(row)
        return row

    def _on_remove_key_clicked(self) -> None:
        row = next((r for r in self.key_rows if r.remove is self.sender()), None)
        if row is not None and len(self.key_rows) > 1:
            self.key_rows.remove(row)
            row.deleteLater()

    def keys(self) -> list[dict]:
        return [row.key() for row in self.key_rows]

    @async_slot()
    async def create(self) -> None:
        """Create the index the form describes; a refusal shows under the form."""
        if self._collection is None:
            return
        self._busy += 1
        try:
            with self.message.reporting():
                keys = self.keys()
                if any(not key["field"] for key in keys):
                    raise InputError(self.tr("Type a field for each row (or remove the empty one)."))
                params = {"collectionName": self._collection, "keys": keys,
                          "unique": self.unique_box.isChecked()}
                created = (await self._request("database.createIndex", params))["index"]
                await self.refresh()
                self.view.selectRow(self.indexes.row_of(created.get("name")))
                self._reset_form()
                self.message.show_info(self.tr("Index {name} created.").format(name=created.get("name")))
        finally:
            self._busy -= 1

    def _reset_form(self) -> None:
        for row in self.key_rows[1:]:
            row.deleteLater()
        del self.key_rows[1:]
        self.key_rows[0].field.clear()
        self.key_rows[0].direction.setCurrentIndex(0)
        self.unique_box.setChecked(False)

    # -- dropping ------------------------------------------------------------------------------

    def _selected(self) -> dict | None:
        return self.indexes.row_at(self.view.currentIndex().row())

    def _on_index_selected(self, *_args) -> None:
        index = self._selected()
        self.drop_button.setEnabled(index is not None and not index.get("builtin"))
        self.drop_button.setToolTip(self.tr("The built-in _id_ index cannot be dropped")
                                    if index is not None and index.get("builtin") else "")

    def _on_drop_clicked(self) -> None:
        index = self._selected()
        if index is None or index.get("builtin"):
            return
        question = self.tr("Delete the index {name} of {collection}? Queries on its fields then read "
                           "every document.").format(name=index["name"], collection=self._collection)
        if QMessageBox.question(self, self.tr("Delete index"), question) == QMessageBox.StandardButton.Yes:
            self.drop(index["name"])

    @async_slot(str)
    async def drop(self, name: str) -> None:
        self._busy += 1
        try:
            with self.message.reporting():
                await self._request("database.dropIndex", {"collectionName": self._collection, "name": name})
                await self.refresh()
                self.message.show_info(self.tr("Index {name} deleted.").format(name=name))
        finally:
            self._busy -= 1


    async def _request(self, action: str, params: dict) -> dict:
        self._mine.append((action, params))
        return await self._bridge.request(action, params)


def field_paths(documents: Iterable[dict]) -> set[str]:
    """Every field's dotted path in ``documents`` (relaxed Extended JSON: a ``{"$date": …}`` is
    one value, not an object), objects in arrays included, up to ``_DEPTH`` levels."""
    found: set[str] = set()

    def walk(value: Any, prefix: str, depth: int) -> None:
        if isinstance(value, list):
            for item in value[:20]:
                walk(item, prefix, depth)
        elif isinstance(value, dict) and depth < _DEPTH and not any(k.startswith("$") for k in value):
            for key, inner in value.items():
                path = f"{prefix}.{key}" if prefix else key
                found.add(path)
                walk(inner, path, depth + 1)

    for document in documents:
        walk(document, "", 0)
    return found
