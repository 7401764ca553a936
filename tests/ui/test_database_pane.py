"""The database pane over a real demo workspace: query bar, view as, editing, import/export."""

from __future__ import annotations

import asyncio
import json
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.core.database import ejson
from app.core.requests import Caller, Request
from app.ui.bridge import ADMIN
from app.ui.panes.database.models import FETCH_BATCH
from app.ui.panes.database.pane import DatabasePane
from tests.ui.conftest import eventually


def open_pane(qtbot, qloop, bridge, collection="todos") -> DatabasePane:
    pane = DatabasePane(bridge)
    qtbot.addWidget(pane)
    pane.show()

    async def ready():
        await eventually(lambda: pane.collections.rowCount() > 0)
        pane.collection_view.selectRow(pane.collections.row_of(collection))
        # The first collection's query may still be running: wait for this one's.
        await eventually(lambda: pane.answer.isVisible() and (pane._last_query or {}).get("collectionName") == collection)

    qloop.run_until_complete(ready())
    return pane


def settle(qloop, pane) -> None:
    """Let the pane's refresh after a write finish: nothing may be in flight at teardown."""
    async def idle():
        await asyncio.sleep(0.3)  # past the 200 ms that a burst of writes is gathered for
        await eventually(lambda: not pane._reload_timer.isActive() and not pane._querying.locked())

    qloop.run_until_complete(idle())


def rows(pane) -> list:
    return [pane.documents.document_at(r)["_id"] for r in range(pane.documents.rowCount())]


def run(qloop, pane, where="", order="", viewer=ADMIN):
    pane.query_bar.where_edit.setText(where)
    pane.query_bar.order_edit.setText(order)
    pane.viewer_box.setCurrentIndex(pane.viewer_box.findData(viewer))
    qloop.run_until_complete(pane.run_query())


def test_collections_with_counts(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    listed = [(pane.collections.index(r, 0).data(), pane.collections.index(r, 1).data())
              for r in range(pane.collections.rowCount())]
    assert listed == [("grades", 2), ("messages", 3), ("notices", 3), ("todos", 6)]


def test_query_as_admin(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    run(qloop, pane, "{done: false, progress: _.gt(5)}", "orderBy('progress', 'desc')")
    assert rows(pane) == ["todo-t1", "todo-b1", "todo-a2", "todo-a3"]
    assert "collection.get:ok, 4 document(s)" in pane.answer.text()
    assert pane.documents.columns[0] == "_id"


def test_view_as_marks_what_the_persona_cannot_see(qtbot, qloop, demo, demo_workspace):
    """PRIVATE todos: 学生A's answer has only her documents; the others are greyed with a reason."""
    pane = open_pane(qtbot, qloop, demo)
    run(qloop, pane, "{done: false}", viewer="学生A")
    assert "collection.get:ok, 2 document(s)" in pane.answer.text()
    assert pane.documents.hidden_count() == 2
    t1 = rows(pane).index("todo-t1")
    tooltip = pane.documents.index(t1, 0).data(0x03)  # ToolTipRole
    assert tooltip.startswith("学生A cannot see this document") and "PRIVATE" in tooltip
    mine = rows(pane).index("todo-a2")
    assert pane.documents.index(mine, 0).data(0x03) is None
    get, query = demo_workspace.events.recent()[-2:]  # the persona's get(), nested under the console's query
    assert (get.persona, get.action, get.outcome) == ("学生A", "database.getDocument", "ok")
    assert (query.action, get.parent_id) == ("database.runQuery", query.id)


def test_adminonly_answer_is_the_real_error(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo, "grades")
    run(qloop, pane, viewer="学生B")
    assert pane.answer.text() == ("学生B: database permission denied (-502003): grades is ADMINONLY (仅管理员可读写): "
                                  "mini program users can neither read nor write it")  # why, as core says it
    assert "-502003 database permission denied" in pane.answer.toolTip()  # the SDK's errMsg
    assert pane.documents.hidden_count() == 2


def test_bad_query_is_reported_where_typed_and_changes_nothing(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    before = rows(pane)
    events = len(demo_workspace.events.recent())
    run(qloop, pane, "{done: false")
    assert pane.answer.text() == "where: Line 1, column 13: SyntaxError: Unexpected end of input"
    assert rows(pane) == before
    assert [e.action for e in demo_workspace.events.recent()[events:]] == ["database.runQuery"]  # no get() sent


def test_changing_permission_mode(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    pane.mode_box.setCurrentIndex(pane.mode_box.findData("READONLY"))
    qloop.run_until_complete(pane.console("database.setPermission", {"collectionName": "todos", "mode": "READONLY"}))
    assert demo_workspace.state.db_mode("todos") == "READONLY"
    run(qloop, pane, viewer="学生A")
    assert "6 document(s)" in pane.answer.text() and pane.documents.hidden_count() == 0


def test_a_mode_set_elsewhere_shows_in_the_pane(qtbot, qloop, demo, demo_workspace):
    """`wxsim db permission todos ADMINONLY` from a script attached to the app: the combo follows."""
    from app.core.requests import Caller, Request

    pane = open_pane(qtbot, qloop, demo)
    assert pane.mode_box.currentData() == "PRIVATE"
    demo_workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "ADMINONLY"},
                                  Caller.console()))
    qloop.run_until_complete(eventually(lambda: pane.mode_box.currentData() == "ADMINONLY"))
    assert not pane.rules_editor.isVisible()
    settle(qloop, pane)


def test_add_document_refuses_bad_json_then_saves(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    pane._on_add_clicked()
    editor = pane.editor
    editor.editor.setPlainText("{title: 'x',")

    async def scenario():
        editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        await eventually(editor.message.isVisible)
        assert demo_workspace.database.store.count("todos") == 6
        editor.editor.setPlainText("{_id: 'new1', title: '新任务', due: new Date('2025-01-01')}")
        editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        await eventually(lambda: demo_workspace.database.store.get("todos", "new1") is not None)

    qloop.run_until_complete(scenario())
    settle(qloop, pane)
    saved = demo_workspace.database.store.get("todos", "new1")
    assert saved["title"] == "新任务" and saved["due"].year == 2025
    assert "_openid" not in saved  # the console is admin


def test_editor_refuses_nan_where_the_user_typed_it(qtbot, qloop, demo, demo_workspace):
    """NaN and Infinity cannot be stored (JSON has no such numbers): said in the editor."""
    pane = open_pane(qtbot, qloop, demo)
    pane._on_add_clicked()
    editor = pane.editor
    editor.editor.setPlainText("{_id: 'nan1', score: NaN, top: Infinity}")

    async def scenario():
        editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        await eventually(editor.message.isVisible)

    qloop.run_until_complete(scenario())
    assert "not a JSON number" in editor.message.text() and "score" in editor.message.text()
    assert demo_workspace.database.store.get("todos", "nan1") is None


def test_edit_keeps_field_order_and_refuses_id_change(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    pane.document_view.selectRow(rows(pane).index("todo-a1"))
    assert list(json.loads(pane.document_json.toPlainText()))[:3] == ["_id", "_openid", "title"]
    qloop.run_until_complete(pane._on_edit_clicked())
    editor = pane.editor
    doc = json.loads(editor.editor.toPlainText())

    update, replace = editor.choice_buttons

    async def scenario():
        editor.editor.setPlainText(json.dumps({**doc, "_id": "other"}))
        replace.click()
        await eventually(editor.message.isVisible)
        assert "cannot be changed" in editor.message.text()
        editor.editor.setPlainText(json.dumps({**doc, "progress": 55}))
        replace.click()
        await eventually(lambda: demo_workspace.database.store.get("todos", "todo-a1")["progress"] == 55)

    qloop.run_until_complete(scenario())
    settle(qloop, pane)
    assert list(demo_workspace.database.store.get("todos", "todo-a1"))[:3] == ["_id", "_openid", "title"]


def test_delete_document_asks_first(qtbot, qloop, demo, demo_workspace, monkeypatch):
    pane = open_pane(qtbot, qloop, demo)
    pane.document_view.selectRow(0)
    doomed = pane.documents.document_at(0)["_id"]
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)

    async def scenario():
        pane._on_delete_document_clicked()
        await eventually(lambda: demo_workspace.database.store.get("todos", doomed) is None)
        await eventually(lambda: doomed not in rows(pane))

    qloop.run_until_complete(scenario())
    settle(qloop, pane)


def test_import_all_or_nothing_then_partial(qtbot, qloop, demo, demo_workspace, tmp_path):
    pane = open_pane(qtbot, qloop, demo)
    source = tmp_path / "in.jsonl"
    source.write_text('{"_id": "i1", "title": "ok"}\n{"title": \n{"_id": "i2", "n": 2}\n', encoding="utf-8")
    qloop.run_until_complete(pane.transfer.import_file(source))
    assert "Nothing was imported" in pane.message.text() and "Line 2" in pane.message.text()
    assert demo_workspace.database.store.count("todos") == 6
    pane.transfer.atomic.setChecked(False)
    qloop.run_until_complete(pane.transfer.import_file(source))
    assert demo_workspace.database.store.get("todos", "i2") == {"_id": "i2", "n": 2}
    assert "Imported 2 new" in pane.message.text()
    settle(qloop, pane)


def test_export_csv_of_the_query(qtbot, qloop, demo, tmp_path):
    pane = open_pane(qtbot, qloop, demo)
    run(qloop, pane, "{done: true}", "orderBy('_id', 'asc')")
    out = tmp_path / "done.csv"
    qloop.run_until_complete(pane.transfer.export_to(out, "_id,title"))
    assert out.read_text(encoding="utf-8") == "_id,title\ntodo-a1,完成云开发第一课\ntodo-b2,写一个云函数\n"


def test_writes_elsewhere_refresh_the_table_once(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    ws = demo_workspace

    def burst():
        for i in range(50):
            ws.handle(Request("database.insertDocument",
                              {"collectionName": "todos", "data": [ejson.encode({"_id": f"b{i}"})]}, Caller.admin("scf")))

    async def scenario():
        thread = threading.Thread(target=burst)
        thread.start()
        await eventually(lambda: pane.documents.total() == 56)
        thread.join()

    qloop.run_until_complete(scenario())
    settle(qloop, pane)
    assert pane.collections.index(pane.collections.row_of("todos"), 1).data() == 56


def test_large_collection_opens_in_batches(qtbot, qloop, demo, demo_workspace):
    ws = demo_workspace
    ws.handle(Request("database.addCollection", {"collectionName": "big"}, Caller.console()))
    ws.database.import_documents("big", [{"_id": i, "n": i} for i in range(20_000)], upsert=False, atomic=True)
    pane = open_pane(qtbot, qloop, demo, "big")
    assert pane.documents.total() == 20_000
    assert pane.documents.rowCount() == FETCH_BATCH
    assert pane.documents.canFetchMore()
    pane.documents.fetchMore()  # what the view does as the user scrolls down
    assert pane.documents.rowCount() == 2 * FETCH_BATCH


# -- the class in front of a trainer (issue "The app in front of a class", part 5) ---------------


def test_partial_import_reports_every_bad_line_and_the_counts_refresh(qtbot, qloop, demo, demo_workspace, tmp_path):
    """7 good lines and 2 bad ones, "all or nothing" unticked: the bad lines stay reported after
    the pane's refresh (it used to wipe them), and the collection count and the answer line
    count the new documents (the answer used to stay at "0 document(s)")."""
    demo_workspace.handle(Request("database.addCollection", {"collectionName": "imports"}, Caller.console()))
    pane = open_pane(qtbot, qloop, demo, "imports")
    run(qloop, pane)  # as the console
    assert "0 document(s)" in pane.answer.text()
    lines = [json.dumps({"_id": f"g{i}", "n": i}) for i in range(7)]
    lines.insert(2, '{"_id": "bad1", ')
    lines.insert(6, "not json")
    source = tmp_path / "partial.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pane.transfer.atomic.setChecked(False)
    qloop.run_until_complete(pane.transfer.import_file(source))
    settle(qloop, pane)
    report = pane.message.text()
    assert pane.message.isVisible() and "Imported 7 new" in report
    assert "Line 3" in report and "Line 7" in report
    assert "7 document(s)" in pane.answer.text()
    assert pane.collections.count_of("imports") == 7 and pane.documents.total() == 7


def double_click(qtbot, pane, row: int) -> None:
    """As a mouse does it: a click, then the second press that makes it a double click."""
    center = pane.document_view.visualRect(pane.documents.index(row, 0)).center()
    qtbot.mouseClick(pane.document_view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(pane.document_view.viewport(), Qt.MouseButton.LeftButton, pos=center)


def edit_by_double_click(qtbot, qloop, pane, doc_id):
    """Double-click the document's row; the editor opens once the stored document is read."""
    previous = getattr(pane, "editor", None)
    double_click(qtbot, pane, rows(pane).index(doc_id))
    qloop.run_until_complete(eventually(lambda: getattr(pane, "editor", None) not in (None, previous)))
    return pane.editor


def test_edit_updates_or_replaces_keeping_the_owner_and_the_json_view_follows(qtbot, qloop, demo, demo_workspace):
    """Double-click edits; Update merges the typed fields, Replace replaces the document, and
    both keep _openid (a partial object used to replace the document and lose its owner); the
    JSON view shows the document as saved (it used to stay stale)."""
    ws = demo_workspace
    before = ws.database.store.get("todos", "todo-a1")
    pane = open_pane(qtbot, qloop, demo)
    pane.query_bar.field_edit.setText("{title: true}")  # the table shows titles only ...
    run(qloop, pane)
    editor = edit_by_double_click(qtbot, qloop, pane, "todo-a1")
    assert editor.isVisible() and "todo-a1" in editor.windowTitle()
    assert json.loads(editor.editor.toPlainText()) == ejson.to_ejson(before)  # ... the editor the whole document
    update, replace = editor.choice_buttons
    assert update.text() == "Update (merge the typed fields; _openid kept)"
    assert replace.text() == "Replace (the whole document; _openid kept)"

    async def save(button, text, done):
        editor.editor.setPlainText(text)
        button.click()
        await eventually(done)

    qloop.run_until_complete(save(update, "{progress: 77}", lambda: ws.database.store.get("todos", "todo-a1")["progress"] == 77))
    settle(qloop, pane)
    after = ws.database.store.get("todos", "todo-a1")
    assert after == {**before, "progress": 77}
    assert json.loads(pane.document_json.toPlainText()) == {"_id": "todo-a1", "title": before["title"]}  # as listed
    pane.query_bar.field_edit.clear()
    run(qloop, pane)
    assert json.loads(pane.document_json.toPlainText())["progress"] == 77

    editor = edit_by_double_click(qtbot, qloop, pane, "todo-a1")
    qloop.run_until_complete(save(editor.choice_buttons[1], "{title: '只剩标题'}",
                                  lambda: "tags" not in ws.database.store.get("todos", "todo-a1")))
    settle(qloop, pane)
    assert ws.database.store.get("todos", "todo-a1") == {"_id": "todo-a1", "_openid": before["_openid"], "title": "只剩标题"}
    assert json.loads(pane.document_json.toPlainText()) == {"_id": "todo-a1", "_openid": before["_openid"], "title": "只剩标题"}
    run(qloop, pane, viewer="学生A")  # still hers
    assert "todo-a1" in rows(pane) and pane.documents.index(rows(pane).index("todo-a1"), 0).data(0x03) is None


def test_view_as_follows_the_toolbar_unless_overridden(qtbot, qloop, demo):
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, qloop, demo)
    assert pane.viewer_box.currentText() == "Follow toolbar (学生B)"
    assert pane.answer.text().startswith("学生B gets: collection.get:ok, 2 document(s)")
    demo.set_acting_as("学生A")
    qloop.run_until_complete(eventually(lambda: pane.answer.text().startswith("学生A gets: collection.get:ok, 3 document(s)")))
    assert pane.viewer_box.currentText() == "Follow toolbar (学生A)"
    pane.viewer_box.select(ADMIN)  # the pane's own choice wins over the toolbar
    qloop.run_until_complete(eventually(lambda: pane.answer.text().startswith("Admin (console) gets")))
    demo.set_acting_as("学生B")
    assert pane.viewer_box.currentText() == "Admin (console)" and pane.viewer_box.itemText(0) == "Follow toolbar (学生B)"
    settle(qloop, pane)
    assert pane.answer.text().startswith("Admin (console) gets")


def test_a_hundred_thousand_documents_reach_any_row(qtbot, qloop, demo, demo_workspace):
    """Scrolling to the end fetches more, the counter says which rows of how many the table
    has, and "Go to row" reaches any row (dragging to the bottom used to stop at the first batch)."""
    ws = demo_workspace
    ws.handle(Request("database.addCollection", {"collectionName": "big"}, Caller.console()))
    ws.database.import_documents("big", [{"_id": i, "n": i} for i in range(100_000)], upsert=False, atomic=True)
    pane = open_pane(qtbot, qloop, demo, "big")
    assert pane.rows.counter.text() == f"Showing 1–{FETCH_BATCH} of 100000"
    bar = pane.document_view.verticalScrollBar()
    bar.setValue(bar.maximum())  # the user drags the scrollbar to the bottom: the next batch comes
    assert pane.documents.rowCount() == 2 * FETCH_BATCH
    assert pane.rows.counter.text() == f"Showing 1–{2 * FETCH_BATCH} of 100000"
    pane.rows.row_box.setValue(99_999)
    pane.rows.go_button.click()
    assert pane.document_view.currentIndex().row() == 99_998
    assert json.loads(pane.document_json.toPlainText()) == {"_id": 99_998, "n": 99_998}
    assert pane.rows.counter.text() == "Showing 1–100000 of 100000"


def test_a_document_with_an_objectid_id_is_edited_and_deleted_in_the_pane(qtbot, qloop, demo, demo_workspace,
                                                                          monkeypatch):
    """The SDK answers an ObjectId as a hex string, which finds no document; the pane lists it
    as {"$oid": …} and edits and deletes it by that."""
    from bson.objectid import ObjectId

    oid = ObjectId("64b7f0c2a1b2c3d4e5f60718")
    demo_workspace.database.store.insert("todos", [{"_id": oid, "title": "by node-sdk", "progress": 1}])
    pane = open_pane(qtbot, qloop, demo)
    row = rows(pane).index({"$oid": str(oid)})
    assert pane.documents.index(row, 0).data() == '{"$oid":"64b7f0c2a1b2c3d4e5f60718"}'
    pane.document_view.selectRow(row)
    qloop.run_until_complete(pane._on_edit_clicked())
    editor = pane.editor
    update = editor.choice_buttons[0]

    async def edit():
        editor.editor.setPlainText("{progress: 2}")
        update.click()
        await eventually(lambda: demo_workspace.database.store.get("todos", oid)["progress"] == 2)

    qloop.run_until_complete(edit())
    settle(qloop, pane)
    pane.document_view.selectRow(rows(pane).index({"$oid": str(oid)}))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)

    async def delete():
        pane._on_delete_document_clicked()
        await eventually(lambda: demo_workspace.database.store.get("todos", oid) is None)

    qloop.run_until_complete(delete())
    settle(qloop, pane)
