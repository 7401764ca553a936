"""What differs between two states: a summary line, then a tree of collections → documents →
fields (before → after), storage files, personas, users and settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.api import (
    DATABASE_MODE_LABELS_EN,
    DATABASE_MODE_LABELS_ZH,
    DEFAULT_DATABASE_MODE,
    RULES_MODE,
    RULES_MODE_LABEL_EN,
    RULES_MODE_LABEL_ZH,
)
from app.ui.panes.storage.models import human_size
from app.ui.widgets import WrapLabel, as_javascript_numbers

VALUE_CHARS = 120  # a value longer than this is cut in its cell; the tooltip has all of it
# (on light, on dark) backgrounds, as InlineMessage picks its colours.
COLORS = {"added": ("#188038", "#81C995"), "removed": ("#D93025", "#F28B82"), "changed": ("#B06000", "#FDD663")}
MARKS = {"added": "+", "removed": "−", "changed": "~"}


def compact(value: Any) -> str:
    """A value on one line as the mini program writes it (100, not 100.0)."""
    return json.dumps(as_javascript_numbers(value), ensure_ascii=False, default=str)


class DiffDialog(QDialog):
    """A ``snapshot.diff`` answer, readable; kept open beside the pane (not modal)."""

    def __init__(self, parent: QWidget | None = None,
                 persona_by_openid: Callable[[str | None], Any] = lambda openid: None) -> None:
        super().__init__(parent)
        self.diff: dict | None = None
        self._persona_by_openid = persona_by_openid  # a file's owner is shown by persona name
        self.summary = WrapLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("What"), self.tr("Before"), self.tr("After")])
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for column in (1, 2):  # before and after share the width the names leave
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(760, 520)

    # -- the whole answer ----------------------------------------------------------------------

    def show_diff(self, diff: dict) -> None:
        self.diff = diff
        now = self.tr("now")
        before, after = diff["from"], diff["to"] if diff["to"] != "now" else now
        self.setWindowTitle(self.tr("Compare {before} → {after}").format(before=before, after=after))
        self.summary.setText(self.summary_text(diff))
        self.tree.clear()
        for collection in diff.get("collections", []):
            self.tree.addTopLevelItem(self._collection_item(collection))
        for item in (self._storage_item(diff.get("storage") or {}), self._personas_item(diff.get("personas") or {}),
                     self._users_item(diff.get("users") or {}), self._settings_item(diff.get("settings") or [])):
            if item is not None:
                self.tree.addTopLevelItem(item)
        for i in range(self.tree.topLevelItemCount()):  # collections and their documents open
            top = self.tree.topLevelItem(i)
            top.setExpanded(True)
            if top.childCount() <= 20:
                for j in range(top.childCount()):
                    top.child(j).setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), self.fontMetrics().averageCharWidth() * 40))

    def summary_text(self, diff: dict) -> str:
        before, after = diff["from"], diff["to"] if diff["to"] != "now" else self.tr("now")
        if diff.get("same"):
            return self.tr("{before} and {after} hold the same state.").format(before=before, after=after)
        s = diff["summary"]
        return self.tr(
            "From {before} to {after}: {collections} collections differ; documents +{added} −{removed} "
            "~{changed}; files +{files_added} −{files_removed} ~{files_changed}.").format(
            before=before, after=after, collections=s["collections"], added=s["documentsAdded"],
            removed=s["documentsRemoved"], changed=s["documentsChanged"], files_added=s["filesAdded"],
            files_removed=s["filesRemoved"], files_changed=s["filesChanged"])

    # -- parts ---------------------------------------------------------------------------------

    def _collection_item(self, collection: dict) -> QTreeWidgetItem:
        status = collection["status"]
        count = collection["count"]
        words = {"added": self.tr("collection added"), "removed": self.tr("collection removed"),
                 "changed": self.tr("changed")}
        title = self.tr("{name} — {status}: +{added} −{removed} ~{changed}").format(
            name=collection["name"], status=words.get(status, status), added=collection["added"],
            removed=collection["removed"], changed=collection["changed"])
        item = self._item(status, title, self.tr("{n} documents").format(n=count["before"]),
                          self.tr("{n} documents").format(n=count["after"]))
        if "mode" in collection:
            item.addChild(self._item("changed", self.tr("Permission"), self._mode(collection["mode"]["before"]),
                                     self._mode(collection["mode"]["after"])))
        if "rules" in collection:
            rules = collection["rules"]
            item.addChild(self._item("changed", self.tr("Security rules"), _value(rules.get("before")),
                                     _value(rules.get("after"))))
        for document in collection.get("documents", []):
            item.addChild(self._document_item(document))
        if collection.get("truncated"):
            shown = len(collection.get("documents", []))
            more = collection["added"] + collection["removed"] + collection["changed"] - shown
            item.addChild(QTreeWidgetItem([self.tr("… and {n} more documents").format(n=more)]))
        return item

    def _document_item(self, document: dict) -> QTreeWidgetItem:
        change = document["change"]
        label = f"{MARKS[change]} _id {compact(document['_id'])}"
        if change == "changed":
            item = self._item(change, label, "", "")
            for field in document.get("fields", []):
                item.addChild(self._item(
                    "changed" if "before" in field and "after" in field else
                    "added" if "after" in field else "removed",
                    field["path"], _value(field["before"]) if "before" in field else self.tr("(none)"),
                    _value(field["after"]) if "after" in field else self.tr("(none)")))
            return item
        whole = _value(document.get("document"))
        return self._item(change, label, whole if change == "removed" else "", whole if change == "added" else "")

    def _storage_item(self, storage: dict) -> QTreeWidgetItem | None:
        added, removed, changed = storage.get("added", []), storage.get("removed", []), storage.get("changed", [])
        if not (added or removed or changed):
            return None
        item = self._item("changed", self.tr("Storage: +{added} −{removed} ~{changed} files").format(
            added=len(added), removed=len(removed), changed=len(changed)), "", "")
        for path in added:
            item.addChild(self._item("added", f"+ {path}", "", self.tr("added")))
        for path in removed:
            item.addChild(self._item("removed", f"− {path}", self.tr("removed"), ""))
        what_words = {"content": self.tr("content"), "owner": self.tr("owner"), "contentType": self.tr("content type")}
        for entry in changed:
            what = ", ".join(what_words.get(w, w) for w in entry.get("what", []))
            file_item = self._item("changed", f"~ {entry['path']} ({what})",
                                   _file_side(entry.get("sizeBefore"), self._owner(entry.get("ownerBefore"))),
                                   _file_side(entry.get("sizeAfter"), self._owner(entry.get("ownerAfter"))))
            item.addChild(file_item)
        return item

    def _mode(self, mode: str | None) -> str:
        """A permission mode as the console's 数据权限 names it (the default when none was set)."""
        zh = QLocale().name().startswith("zh")
        labels = {**(DATABASE_MODE_LABELS_ZH if zh else DATABASE_MODE_LABELS_EN),
                  RULES_MODE: RULES_MODE_LABEL_ZH if zh else RULES_MODE_LABEL_EN}
        mode = mode or DEFAULT_DATABASE_MODE
        return labels.get(mode, mode)

    def _owner(self, openid: str | None) -> str | None:
        persona = self._persona_by_openid(openid) if openid else None
        return persona.name if persona is not None else openid

    def _personas_item(self, personas: dict) -> QTreeWidgetItem | None:
        added, removed, changed = personas.get("added", []), personas.get("removed", []), personas.get("changed", [])
        if not (added or removed or changed):
            return None
        item = self._item("changed", self.tr("Personas"), "", "")
        for name in added:
            item.addChild(self._item("added", f"+ {name}", "", self.tr("added")))
        for name in removed:
            item.addChild(self._item("removed", f"− {name}", self.tr("removed"), ""))
        for entry in changed:
            before, after = entry.get("before") or {}, entry.get("after") or {}
            fields = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
            item.addChild(self._item(
                "changed", f"~ {after.get('name') or before.get('name') or entry.get('openid')}",
                ", ".join(f"{key}: {_value(before.get(key))}" for key in fields),
                ", ".join(f"{key}: {_value(after.get(key))}" for key in fields)))
        return item

    def _users_item(self, users: dict) -> QTreeWidgetItem | None:
        added, removed = users.get("added", []), users.get("removed", [])
        if not (added or removed):
            return None
        item = self._item("changed", self.tr("User list (visits recorded)"), "", "")
        for openid in added:
            item.addChild(self._item("added", f"+ {openid}", "", self.tr("added")))
        for openid in removed:
            item.addChild(self._item("removed", f"− {openid}", self.tr("removed"), ""))
        return item

    def _settings_item(self, settings: list[dict]) -> QTreeWidgetItem | None:
        if not settings:
            return None
        names = {"storage_permission": self.tr("Storage permission"), "storage_rules": self.tr("Storage security rules"),
                 "function_presets": self.tr("Function test presets"),
                 "function_runtimes": self.tr("Function runtimes"),
                 "triggers_paused": self.tr("Timer triggers paused")}
        item = self._item("changed", self.tr("Settings"), "", "")
        for entry in settings:
            item.addChild(self._item("changed", names.get(entry["setting"], entry["setting"]),
                                     _value(entry.get("before")), _value(entry.get("after"))))
        return item

    def _item(self, change: str, label: str, before: str, after: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([label, _cut(before), _cut(after)])
        for column, full in ((0, label), (1, before), (2, after)):
            if full:  # a narrow column cuts the text too
                item.setToolTip(column, full)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        color = COLORS.get(change)
        if color is not None:
            item.setForeground(0, QBrush(QColor(color[1] if dark else color[0])))
        return item


def _value(value: Any) -> str:
    return "—" if value is None else compact(value)


def _cut(text: str) -> str:
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _file_side(size: int | None, owner: str | None) -> str:
    parts = [human_size(size)] if size is not None else []
    if owner:
        parts.append(owner)
    return " · ".join(parts)
