"""The database pane's 索引 tab over the real demo workspace: create, refuse, drop, the built-in
_id_ index, and the timeline detail switching from a full scan to the index a query used."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.paths import resource
from app.ui.i18n import Translations
from app.ui.timeline import TimelineView
from tests.ui.conftest import chinese, eventually
from tests.ui.conftest import settle as settle_bridge
from tests.ui.test_database_pane import open_pane
from tests.ui.test_database_pane import settle as settle_pane


def settle(qloop, pane) -> None:
    """Nothing of the pane or its 索引 tab left due or in flight."""
    settle_pane(qloop, pane)
    qloop.run_until_complete(eventually(lambda: not pane.indexes_tab.busy()))
    settle_bridge(qloop, pane._bridge)


def indexes_tab(qtbot, qloop, demo, collection="todos"):
    pane = open_pane(qtbot, qloop, demo, collection)
    pane.sections.setCurrentWidget(pane.indexes_tab)
    tab = pane.indexes_tab
    qloop.run_until_complete(eventually(lambda: "_id_" in tab.indexes.names() and not tab.busy()))
    return pane, tab


def listed(tab) -> list[tuple]:
    model = tab.indexes
    return [tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())]


def fill(tab, *keys: tuple[str, int], unique: bool = False) -> None:
    for i, (field, direction) in enumerate(keys):
        row = tab.key_rows[i] if i < len(tab.key_rows) else tab.add_key_row()
        row.field.setText(field)
        row.direction.setCurrentIndex(row.direction.findData(direction))
    tab.unique_box.setChecked(unique)


def test_the_builtin_id_index_is_listed_and_has_no_drop(qtbot, qloop, demo):
    pane, tab = indexes_tab(qtbot, qloop, demo)
    assert listed(tab) == [("_id_", "Unique", "_id ascending")]
    tab.view.selectRow(0)
    assert not tab.drop_button.isEnabled()
    settle(qloop, pane)


def test_create_a_compound_unique_index_in_the_tab(qtbot, qloop, demo, demo_workspace):
    pane, tab = indexes_tab(qtbot, qloop, demo)
    fill(tab, ("_openid", 1), ("progress", -1), unique=True)
    tab.create_button.click()
    qloop.run_until_complete(eventually(lambda: len(listed(tab)) == 2 and not tab.busy()))
    name = listed(tab)[1][0]
    assert listed(tab)[1] == (name, "Unique", "_openid ascending, progress descending")
    assert tab.message.text() == f"Index {name} created."
    assert tab.drop_button.isEnabled()  # the new one, selected
    assert [e.outcome for e in demo_workspace.events.recent() if e.action == "database.createIndex"] == ["ok"]
    settle(qloop, pane)


def test_a_dotted_path_index(qtbot, qloop, demo):
    pane, tab = indexes_tab(qtbot, qloop, demo, "notices")
    fill(tab, ("author.name", 1))
    qloop.run_until_complete(tab.create())
    assert [row[1:] for row in listed(tab)] == [("Unique", "_id ascending"), ("Not unique", "author.name ascending")]
    settle(qloop, pane)


def test_a_refused_create_shows_inline_and_lists_nothing_new(qtbot, qloop, demo, demo_workspace):
    """学生A has three todos: a unique index on _openid cannot be built over them."""
    pane, tab = indexes_tab(qtbot, qloop, demo)
    fill(tab, ("_openid", 1), unique=True)
    qloop.run_until_complete(tab.create())
    assert "duplicate key" in tab.message.text() and tab.message.isVisible()
    assert listed(tab) == [("_id_", "Unique", "_id ascending")]
    assert tab.key_rows[0].field.text() == "_openid" and tab.unique_box.isChecked()  # kept, to change
    assert pane.message.text() == ""  # shown where the user acted, not under the documents
    settle(qloop, pane)


def test_drop_asks_first(qtbot, qloop, demo, monkeypatch):
    pane, tab = indexes_tab(qtbot, qloop, demo)
    fill(tab, ("progress", 1))
    qloop.run_until_complete(tab.create())
    tab.view.selectRow(1)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    tab.drop_button.click()
    assert len(listed(tab)) == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    tab.drop_button.click()
    qloop.run_until_complete(eventually(lambda: len(listed(tab)) == 1 and not tab.busy()))
    assert tab.message.text() == "Index progress_1 deleted."
    settle(qloop, pane)


def test_an_index_made_elsewhere_shows_in_the_tab(qtbot, qloop, demo, demo_workspace):
    """`wxsim db index create todos done` from a terminal attached to the app: the tab follows."""
    from app.core.requests import Caller, Request

    pane, tab = indexes_tab(qtbot, qloop, demo)
    demo_workspace.handle(Request("database.createIndex", {
        "collectionName": "todos", "keys": [{"field": "done", "direction": 1}]}, Caller.console()))
    qloop.run_until_complete(eventually(lambda: "done_1" in tab.indexes.names()))
    settle(qloop, pane)


@pytest.fixture
def zh_ui(qapp):
    translations = Translations(qapp, resource("i18n"))
    translations.install("zh_CN")
    with chinese():
        yield
    translations.install("en")


def test_the_timeline_detail_switches_from_full_scan_to_the_index(qtbot, qloop, demo, demo_workspace, zh_ui):
    timeline = TimelineView(demo)
    qtbot.addWidget(timeline)
    pane, tab = indexes_tab(qtbot, qloop, demo)

    def query_detail() -> str:
        pane.query_bar.where_edit.setText("{done: false}")
        qloop.run_until_complete(pane.run_query())
        query = [e for e in demo_workspace.events.recent() if e.action == "database.runQuery"][-1]
        qloop.run_until_complete(eventually(lambda: timeline.select_event(query.id)))
        return timeline.details.toPlainText()

    before = query_detail()
    assert "查询计划：全表扫描（扫描 6 条记录）" in before
    fill(tab, ("done", 1))
    qloop.run_until_complete(tab.create())
    assert "done_1" in tab.indexes.names()
    after = query_detail()
    assert "查询计划：使用索引 done_1（扫描 4 条记录）" in after and "全表扫描" not in after
    settle(qloop, pane)


def test_a_hidden_tab_reads_nothing(qtbot, qloop, demo, demo_workspace):
    """Each read is a logged request: the indexes are listed when the tab is first shown."""
    pane = open_pane(qtbot, qloop, demo)
    assert not [e for e in demo_workspace.events.recent() if e.action == "database.listIndexes"]
    settle(qloop, pane)
