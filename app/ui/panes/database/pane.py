"""数据库 / Database: collections, documents, the query bar, permissions, "view as", compare personas,
and each collection's indexes."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.api import (
    DATABASE_MODE_LABELS_EN,
    DATABASE_MODE_LABELS_ZH,
    DATABASE_MODES,
    RULES_MODE,
)
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.flow_layout import FlowLayout
from app.ui.panes.database.aggregate_bar import AggregateBar
from app.ui.panes.database.compare import PersonaCompare
from app.ui.panes.database.models import CollectionsModel, DocumentsModel
from app.ui.panes.database.document_editing import DocumentEditing, confirm
from app.ui.panes.database.indexes import IndexesTab
from app.ui.messages import InlineMessage
from app.ui.reason_texts import chinese, code_text, say
from app.ui.panes.database.row_navigator import RowNavigator
from app.ui.panes.database.transfer import TransferBar
from app.ui.panes.database.query_bar import QueryBar
from app.ui.panes.persona_box import PersonaBox
from app.ui.panes.rules_editor import RulesEditor, permission_mode_box
from app.ui.widgets import make_table, JsonView, shrinkable


class DatabasePane(DocumentEditing, QWidget):
    """The cloud console's database page, offline."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("DatabasePane", "Database")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._collection: str | None = None
        self._modes: dict[str, str] = {}  # each collection's permission mode, as last listed
        self._rules: dict[str, dict | None] = {}  # and its saved security rules
        self._last_query: dict | None = None  # the query shown, re-run quietly when data changes
        self._last_wire: dict | None = None  # that query as the SDK sent it (for export)
        # One query at a time: a burst of clicks runs in order on one warm JS worker instead of
        # starting more, and the last one asked for is what stays shown.
        self._querying = asyncio.Lock()
        self.collections = CollectionsModel(self)
        self.documents = DocumentsModel(self)
        self.collection_view = make_table(self.collections)
        self.document_view = make_table(self.documents, fit_columns=False)
        self.document_json = JsonView()
        self.query_bar = QueryBar()
        self.aggregate_bar = AggregateBar()
        self.mode_tabs = QTabWidget()  # query mode (where/orderBy/…) or aggregate mode (a pipeline)
        self.mode_tabs.setDocumentMode(True)
        self.mode_tabs.addTab(self.query_bar, self.tr("Query"))
        self.mode_tabs.addTab(self.aggregate_bar, self.tr("Aggregate"))
        self.mode_box = permission_mode_box(DATABASE_MODES, DATABASE_MODE_LABELS_ZH, DATABASE_MODE_LABELS_EN)
        self.rules_editor = RulesEditor(bridge, "database", self._apply_rules)  # shown for CUSTOM
        self.rules_editor.hide()
        self.viewer_box = PersonaBox(bridge, self.tr("Admin (console)"))  # follows the toolbar by default
        self.compare = PersonaCompare(bridge, self._querying, self.tr("Admin (console)"))
        self.compare_button = self.compare.toggle  # beside the viewer box: a read-only view, never locked
        self._compare_due = False  # the compared collection was written to: ask both columns again
        self.rows = RowNavigator(self.documents, self.document_view)
        self.answer = InlineMessage()  # what the chosen viewer's get() answers
        self.message = InlineMessage()  # errors and results of console actions
        self.transfer = TransferBar(bridge, lambda: self._collection, self._shown_documents, self.message,
                                    lambda: self._last_wire)
        self.indexes_tab = IndexesTab(bridge, self.documents.all_documents)  # the console's 索引管理
        self.sections = QTabWidget()  # 记录列表 | 索引管理, as in the console
        self._reload_timer = QTimer(self)  # a burst of writes refreshes once
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self._on_reload_due)
        self._build_layout()
        self.collection_view.selectionModel().currentRowChanged.connect(self._on_collection_changed)
        self.document_view.selectionModel().currentRowChanged.connect(self._on_document_changed)
        self.document_view.doubleClicked.connect(self._on_document_double_clicked)
        self.query_bar.submitted.connect(self.run_current)
        self.aggregate_bar.submitted.connect(self.run_aggregate)
        self.mode_tabs.currentChanged.connect(self._on_mode_tab_changed)
        self.mode_box.activated.connect(self._on_mode_activated)
        self.viewer_box.chosen.connect(self._on_viewer_chosen)
        self.compare_button.toggled.connect(self._on_compare_toggled)
        self.transfer.imported.connect(self.run_current)  # the counts and the viewer's answer, anew
        bridge.database_changed.connect(self._on_bridge_database_changed)
        bridge.event_logged.connect(self._on_event_logged)
        self._stale = True  # nothing read yet: the first showing lists the collections
        self._viewer_changed = False  # the viewer changed while hidden: ask its get() when shown

    def _build_layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.collection_view)
        buttons = QHBoxLayout()
        for text, slot in ((self.tr("New…"), self._on_new_collection_clicked),
                           (self.tr("Delete…"), self._on_delete_collection_clicked)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.delete_collection_button = button  # the last one (the shell's read-only lock)
        column.addLayout(buttons)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Permission")))
        top.addWidget(shrinkable(self.mode_box, 14), 1)
        top.addWidget(QLabel(self.tr("View as")))
        top.addWidget(shrinkable(self.viewer_box, 10))
        top.addWidget(self.compare_button)
        table = QSplitter(Qt.Orientation.Horizontal)
        table.addWidget(self.document_view)
        table.addWidget(self.document_json)
        table.setStretchFactor(0, 3)
        table.setStretchFactor(1, 2)
        self._views = documents = QStackedWidget()  # 0: every match as the viewer sees it; 1: the comparison
        documents.addWidget(table)
        documents.addWidget(self.compare)
        self._document_buttons: list[QPushButton] = []
        doc_buttons = FlowLayout()  # wraps in a narrow window or with presenter mode's big text
        for text, slot in ((self.tr("Add document…"), self._on_add_clicked),
                           (self.tr("Edit…"), self._on_edit_clicked),
                           (self.tr("Delete document"), self._on_delete_document_clicked)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            doc_buttons.addWidget(button)
            self._document_buttons.append(button)  # off in aggregate mode: its rows are not documents
        doc_buttons.addWidget(self.transfer)
        right = QWidget()
        body = QVBoxLayout(right)
        body.setContentsMargins(0, 0, 0, 0)
        for item in (top, self.rules_editor, self.mode_tabs, self.answer, documents, self.rows, doc_buttons, self.message):
            body.addLayout(item) if isinstance(item, QLayout) else body.addWidget(item)
        body.setStretchFactor(documents, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        self.sections.setDocumentMode(True)
        self.sections.addTab(right, self.tr("Documents"))
        self.sections.addTab(self.indexes_tab, self.tr("Indexes"))
        splitter.addWidget(self.sections)
        splitter.setSizes([220, 900])
        QVBoxLayout(self).addWidget(splitter)

    def settings_controls(self) -> list[QWidget]:
        """The controls the shell's read-only lock turns off: permission (and its rules), delete
        collection, import."""
        return [self.mode_box, *self.rules_editor.settings_controls(), self.delete_collection_button,
                self.transfer.import_button, self.transfer.conflict, self.transfer.atomic,
                *self.indexes_tab.settings_controls()]

    # -- collections ---------------------------------------------------------------------------

    @async_slot()
    async def refresh_collections(self) -> None:
        # Keeps the message shown (an import's report of bad lines) unless the listing fails.
        with self.message.reporting(clear=False):
            listed = (await self._bridge.request("database.listCollections"))["collections"]
            self._modes = {c["name"]: c["mode"] for c in listed}
            self._rules = {c["name"]: c.get("rules") for c in listed}
            if self._collection in self._rules and not self.rules_editor.edited():
                self.rules_editor.load(self._rules[self._collection])  # e.g. set from the CLI meanwhile
                self._show_mode(self._modes[self._collection])
            self.collections.set_collections([(c["name"], c["count"]) for c in listed])
            self._select_current_collection()

    def _select_current_collection(self) -> None:
        row = self.collections.row_of(self._collection)
        if row < 0 and self.collections.rowCount():
            row = 0
        if row >= 0:
            self.collection_view.selectRow(row)
        elif self._collection is not None:
            self._collection = None
            self.documents.set_documents([])
            self.indexes_tab.set_collection(None)

    def _on_collection_changed(self, current, _previous) -> None:
        name = self.collections.name_at(current.row())
        if name == self._collection:
            return
        self._collection = name
        self.rules_editor.load(self._rules.get(name))
        self._show_mode(self._modes.get(name))
        self.aggregate_bar.set_collection(name)
        self.indexes_tab.set_collection(name)
        self.run_current()

    def _show_mode(self, mode: str | None) -> None:
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode))
        self.rules_editor.setVisible(mode == RULES_MODE)

    def _on_new_collection_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New collection"), self.tr("Collection name:"))
        if ok:
            self.console("database.addCollection", {"collectionName": name.strip()})

    def _on_delete_collection_clicked(self) -> None:
        if self._collection and confirm(
            self, self.tr("Delete collection"),
            self.tr("Delete the collection {name} and all {n} of its documents?").format(
                name=self._collection, n=self.collections.count_of(self._collection)),
        ):
            self.console("database.deleteCollection", {"collectionName": self._collection})

    def _on_mode_activated(self) -> None:
        mode = self.mode_box.currentData()
        self.rules_editor.setVisible(mode == RULES_MODE)  # rules are saved by the editor's Apply
        if self._collection and mode != RULES_MODE:
            self.console("database.setPermission", {"collectionName": self._collection, "mode": mode})

    async def _apply_rules(self, rules: dict) -> None:
        """The rules editor's Apply: the collection goes CUSTOM under ``rules`` (or stays as it was)."""
        await self._bridge.request("database.setPermission",
                                   {"collectionName": self._collection, "mode": RULES_MODE, "rules": rules})
        await self.refresh_collections()
        self.run_current()

    @async_slot(str, dict)
    async def console(self, action: str, params: dict) -> None:
        """A console (admin) request; its error shows under the documents."""
        with self.message.reporting():
            await self._bridge.request(action, params)
            await self.refresh_collections()
            self.run_current()

    # -- documents -----------------------------------------------------------------------------

    def aggregating(self) -> bool:
        """Whether the pane is in aggregate mode (the pipeline's rows shown, not the matches)."""
        return self.mode_tabs.currentWidget() is self.aggregate_bar

    def comparing(self) -> bool:
        """Whether the query is shown as two personas side by side instead of the table."""
        return self.compare_button.isChecked()

    def run_current(self) -> None:
        """Run what the current mode shows: the query (or its comparison), or the pipeline."""
        if self.aggregating():
            self.run_aggregate()
        elif self.comparing():
            self._compare_due = False
            self.compare.show_query(self._collection, self.query_bar.texts())
        else:
            self.run_query()

    def _on_mode_tab_changed(self) -> None:
        self.compare_button.setEnabled(not self.aggregating())
        if self.aggregating() and self.comparing():
            self.compare_button.setChecked(False)  # a comparison is of queries; this runs the pipeline
        else:
            self._enable_document_buttons()
            self.run_current()

    def _on_compare_toggled(self, on: bool) -> None:
        self._show_comparison(on)
        self.run_current()

    def _show_comparison(self, on: bool) -> None:
        self._views.setCurrentIndex(int(on))
        self.viewer_box.setEnabled(not on)  # each column has its own persona
        self.rows.setVisible(not on)
        if on:
            self.answer.clear_message()  # the viewer's answer: each column says its own
        self._enable_document_buttons()

    def _enable_document_buttons(self) -> None:
        # Aggregate rows are not documents; compared lists are not the table that Edit and
        # Delete act on.
        add, *selected = self._document_buttons
        add.setEnabled(not self.aggregating())
        for button in selected:
            button.setEnabled(not self.aggregating() and not self.comparing())

    def _on_viewer_chosen(self) -> None:
        if self.comparing():
            return  # not shown; leaving the comparison runs the query as the viewer anew
        # A hidden pane sends nothing (each read is a logged request); it asks when shown.
        if self.isVisible():
            self.run_current()
        else:
            self._viewer_changed = True

    @async_slot()
    async def run_query(self) -> None:
        """Show every match (greying out what the viewer cannot see) and the viewer's answer."""
        async with self._querying:
            self.answer.clear_message()
            if self._collection is None:
                return
            with self.answer.reporting():
                query = {"collectionName": self._collection, **self.query_bar.texts(),
                         **self._bridge.viewer_param(self.viewer_box.choice())}
                result = await self._bridge.request("database.runQuery", query)
                if self._show_documents(query, result):
                    self._show_answer(result["answer"], result.get("reason"))

    @async_slot()
    async def run_aggregate(self) -> None:
        """Run the pipeline as the viewer; show the rows it got (table and JSON) and its answer."""
        async with self._querying:
            self.answer.clear_message()
            if self._collection is None:
                return
            with self.answer.reporting():
                params = {"collectionName": self._collection, "pipeline": self.aggregate_bar.pipeline(),
                          **self._bridge.viewer_param(self.viewer_box.choice())}
                self._last_query = self._last_wire = None  # nothing for a quiet refresh to re-run
                result = await self._bridge.request("database.runAggregate", params)
                if params["collectionName"] != self._collection or not self.aggregating():
                    return  # the user moved on meanwhile
                self.documents.set_documents(result["documents"])
                self.document_json.show_value(result["documents"])
                answer = result["answer"]
                viewer = self.viewer_box.choice_label()
                if answer["ok"]:
                    self.answer.show_info(self.tr("{viewer} gets: {msg}, {n} row(s)").format(
                        viewer=viewer, msg=answer["errMsg"], n=answer["count"]))
                else:
                    self._show_refusal(viewer, answer, result.get("reason"))

    def _show_documents(self, query: dict, result: dict) -> bool:
        """Show the listed matches, unless the user moved to another collection meanwhile."""
        if query["collectionName"] != self._collection or self.aggregating():
            return False
        selected = self.documents.document_at(self.document_view.currentIndex().row())
        reasons = result.get("hiddenReasons") or [None] * len(result["hidden"])
        self.documents.set_documents(result["documents"], [why or text for text, why in zip(result["hidden"], reasons)])
        self._last_query, self._last_wire = query, result.get("wire")
        self._reselect(selected)
        return True

    def _reselect(self, before: dict | None) -> None:
        """Select the document selected before a refresh again and show it as it is now."""
        row = self.documents.row_of_id(before["_id"]) if before is not None else -1
        if row < 0:
            self.document_json.clear()  # not among the matches any more
            return
        self.documents.fetch_to(row)
        self.document_view.selectRow(row)
        self.document_json.show_value(self.documents.document_at(row))

    def _show_answer(self, answer: dict, reason: dict | None = None) -> None:
        viewer = self.viewer_box.choice_label()
        if answer["ok"]:
            self.answer.show_info(self.tr("{viewer} gets: {msg}, {n} document(s) ({hidden} of the {total} below are hidden from them)").format(
                viewer=viewer, msg=answer["errMsg"], n=answer["count"],
                hidden=self.documents.hidden_count(), total=self.documents.total()))
        else:
            self._show_refusal(viewer, answer, reason)

    def _show_refusal(self, viewer: str, answer: dict, reason: dict | None) -> None:
        """The viewer's failed answer: its code's words and core's reason in the UI's language,
        the SDK's own errMsg in the tooltip; the errMsg itself when core gave no reason (the
        SDK refused the call before sending it)."""
        if reason is None or not isinstance(answer.get("errCode"), int):
            self.answer.show_error(f"{viewer}: {answer['errMsg']}")
            return
        colon = "：" if chinese() else ": "
        self.answer.show_error(f"{viewer}{colon}{code_text(answer['errCode'], say(reason))}")
        self.answer.setToolTip(f"“{answer['errMsg']}”")  # the SDK's own errMsg, verbatim

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._viewer_changed:  # the toolbar switched persona while hidden: its answer, too
            self._viewer_changed = self._stale = False
            self._reload_timer.stop()
            self.refresh_collections()
            self.run_current()
        elif self._stale:  # first shown, or written to while hidden: read again
            self._stale = False
            self._reload_timer.start()
        if self.comparing():
            self.compare.catch_up()  # a column's persona followed the toolbar while hidden

    def _on_event_logged(self, event) -> None:
        if event.action == "database.setPermission":  # e.g. from the CLI: the mode shows here too
            self._on_bridge_database_changed(event.target)

    def _on_bridge_database_changed(self, name: str) -> None:
        if name == self._collection:
            self._compare_due = True
        # A hidden pane reads nothing (each read is a logged request); it catches up when shown.
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    @async_slot()
    async def _on_reload_due(self) -> None:
        """Writes elsewhere: list the collections and the shown query's matches again, without
        sending the viewer's get() (its answer line stays as it was); a comparison of the
        written collection is asked again whole."""
        async with self._querying:
            await self.refresh_collections()
            query = self._last_query
            if not self.comparing() and query is not None and query["collectionName"] == self._collection:
                with self.message.reporting(clear=False):
                    quiet = {**query, "answer": False}
                    self._show_documents(query, await self._bridge.request("database.runQuery", quiet))
        if self.comparing() and self._compare_due:
            # With their answers (the counts are the point); they wait for the lock, so run after this.
            self._compare_due = False
            self.compare.refresh()

    def _on_document_changed(self, current, _previous) -> None:
        # By row, not through a data role: Qt would turn the dict into a key-sorted QVariantMap.
        doc = self.documents.document_at(current.row()) if current.isValid() else None
        self.document_json.show_value(doc)

    def _shown_documents(self) -> tuple[list[dict], list[str]]:
        return self.documents.all_documents(), list(self.documents.columns)

