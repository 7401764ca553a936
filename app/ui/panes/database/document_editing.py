"""The database pane's document editing: add, edit (update or replace), delete.

A mixin of ``DatabasePane`` (its texts keep the pane's translation context, "DatabasePane",
so they are written as ``translate("DatabasePane", …)``, which lupdate reads, rather than ``self.tr``)."""

from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.api import InputError
from app.ui.async_slot import async_slot
from app.ui.panes.database.editor import DocumentEditor

translate = QCoreApplication.translate


class DocumentEditing:
    """Add, edit and delete documents of the pane's collection (mixed into ``DatabasePane``)."""

    def _selected_document(self) -> dict | None:
        doc = self.documents.document_at(self.document_view.currentIndex().row())
        if doc is None:
            self.message.show_error(translate("DatabasePane", "Select a document first."))
        return doc

    def _on_add_clicked(self) -> None:
        if self._collection:
            self._open_editor(translate("DatabasePane", "Add document"), "{\n  \n}", self._insert)

    @async_slot()
    async def _on_edit_clicked(self) -> None:
        """Edit the selected document as it is stored now (the row may be a field() projection)."""
        shown = self._selected_document()
        if shown is None:
            return
        with self.message.reporting():
            found = (await self._bridge.request("database.getDocument", {
                "collectionName": self._collection, "queryType": "DOC",
                "query": _ejson_text({"_id": shown["_id"]})}))["list"]
            if not found:
                raise InputError(translate("DatabasePane", "The document {id} no longer exists.").format(
                    id=shown["_id"]))
            doc = {**found[0], "_id": shown["_id"]}  # as listed: an ObjectId keeps its {"$oid"} form
            update = translate("DatabasePane", "Update (merge the typed fields; _openid kept)")
            replace = translate("DatabasePane", "Replace (the whole document; _openid kept)")
            self._open_editor(translate("DatabasePane", "Edit document {id}").format(id=doc["_id"]),
                              json.dumps(doc, ensure_ascii=False, indent=2), None, choices=[
                                  (update, lambda edited: self._write(doc, edited, merge=True)),
                                  (replace, lambda edited: self._write(doc, edited, merge=False)),
                              ])

    def _on_document_double_clicked(self, _index) -> None:
        self._on_edit_clicked()  # the double-clicked row is the current one

    def _open_editor(self, title: str, text: str, save, **options) -> None:
        self.editor = DocumentEditor(title, text, self._parse_document, save, self, **options)
        self.editor.open()

    async def _parse_document(self, text: str) -> dict:
        """The editor's text (JSON or a JS object) as a document, in Extended JSON."""
        return (await self._bridge.request("database.parseDocument", {"text": text}))["document"]

    async def _insert(self, doc: dict) -> None:
        await self._bridge.request("database.insertDocument",
                                   {"collectionName": self._collection, "data": [_ejson_text(doc)]})

    async def _write(self, original: dict, edited: dict, *, merge: bool) -> None:
        """Update (``merge``: the typed fields change, the rest stay) or replace the document
        with what was typed; either way its owner stays unless another _openid was typed."""
        doc_id = original["_id"]
        if "_id" in edited and edited["_id"] != doc_id:
            raise InputError(translate("DatabasePane",
                                       "The _id cannot be changed; add a new document instead."))
        body = {k: v for k, v in edited.items() if k != "_id"}
        if merge and not body:
            raise InputError(translate("DatabasePane", "Type the fields to change, e.g. {done: true}."))
        if not merge and "_openid" in original and "_openid" not in body:
            body = {"_openid": original["_openid"], **body}  # where it was: right after _id
        await self._bridge.request("database.modifyDocument", {
            "collectionName": self._collection, "queryType": "DOC", "query": _ejson_text({"_id": doc_id}),
            "data": _ejson_text(body), "multi": False, "merge": merge, "upsert": not merge})

    def _on_delete_document_clicked(self) -> None:
        doc = self._selected_document()
        if doc is not None and confirm(
            self, translate("DatabasePane", "Delete document"),
            translate("DatabasePane", "Delete the document {id}?").format(id=doc["_id"]),
        ):
            self.console("database.removeDocument", {
                "collectionName": self._collection, "queryType": "DOC",
                "query": _ejson_text({"_id": doc["_id"]}), "multi": False})


def _ejson_text(value: dict) -> str:
    """A document already in relaxed Extended JSON, as the wire's text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def confirm(parent: QWidget, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes
