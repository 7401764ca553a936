"""The database pane's aggregate mode over the demo: a pipeline run as a persona or the admin."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.bridge import ADMIN
from tests.ui.conftest import eventually, settle
from tests.ui.test_database_pane import open_pane

BY_OWNER = ".match({done: false})\n.group({_id: '$_openid', n: $.sum(1)})\n.sort({n: -1, _id: 1})"


def aggregate(qloop, demo, pane, pipeline, viewer=ADMIN):
    pane.aggregate_bar.pipeline_edit.setPlainText(pipeline)
    pane.viewer_box.setCurrentIndex(pane.viewer_box.findData(viewer))
    qloop.run_until_complete(pane.run_aggregate())
    settle(qloop, demo)


def switch_to_aggregate(qloop, demo, pane):
    pane.mode_tabs.setCurrentWidget(pane.aggregate_bar)

    async def shown():  # switching runs the (empty) pipeline: every document, as rows (or a refusal)
        await eventually(lambda: "collection.aggregate:" in pane.answer.text() + pane.answer.toolTip())
    qloop.run_until_complete(shown())
    settle(qloop, demo)


def test_aggregate_mode_shows_rows_and_json(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    assert not pane.aggregating()
    switch_to_aggregate(qloop, demo, pane)
    assert pane.aggregating() and pane.aggregate_bar.prefix.text() == "db.collection('todos').aggregate()"
    assert not any(button.isEnabled() for button in pane._document_buttons)
    aggregate(qloop, demo, pane, BY_OWNER)
    assert pane.documents.columns == ["_id", "n"]
    assert [pane.documents.document_at(r)["n"] for r in range(pane.documents.rowCount())] == [2, 1, 1]
    assert pane.documents.index(0, 1).data() == "2"
    assert '"n": 2' in pane.document_json.toPlainText()
    assert "collection.aggregate:ok, 3 row(s)" in pane.answer.text()
    pane.mode_tabs.setCurrentWidget(pane.query_bar)  # back to the query: its matches again
    qloop.run_until_complete(eventually(lambda: (pane._last_query or {}).get("collectionName") == "todos"))
    settle(qloop, demo)
    assert pane.documents.rowCount() == 6 and all(button.isEnabled() for button in pane._document_buttons)


def test_a_personas_refusal_and_a_syntax_error_show_in_the_answer_line(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo, "grades")
    switch_to_aggregate(qloop, demo, pane)
    aggregate(qloop, demo, pane, ".count('n')", viewer="学生B")
    assert pane.answer.text() == ("学生B: database permission denied (-502003): grades is ADMINONLY (仅管理员可读写): "
                                  "mini program users can neither read nor write it")  # core's reason for it
    assert pane.answer.toolTip() == (  # the SDK's own errMsg
        "“collection.aggregate:fail -502003 database permission denied | errMsg: Permission denied”")
    assert pane.documents.rowCount() == 0
    aggregate(qloop, demo, pane, ".match({done: false)")
    assert pane.answer.text().startswith("pipeline: Line 1, column 20: SyntaxError")


def test_ctrl_enter_runs_the_pipeline(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    switch_to_aggregate(qloop, demo, pane)
    pane.viewer_box.setCurrentIndex(pane.viewer_box.findData(ADMIN))
    settle(qloop, demo)
    pane.aggregate_bar.pipeline_edit.setPlainText(".count('n')")
    pane.aggregate_bar.pipeline_edit.setFocus()
    qtbot.keyClick(pane.aggregate_bar.pipeline_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qloop.run_until_complete(eventually(lambda: pane.documents.document_at(0) == {"n": 6}))
    settle(qloop, demo)
    assert pane.documents.document_at(0) == {"n": 6}
