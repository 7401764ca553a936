"""The 索引 tab's widgets and the timeline's plan line, over a fake bridge (the real workspace's
tests are in test_database_indexes.py)."""

from __future__ import annotations

import time
from dataclasses import asdict
from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from app.core.api import Event, InputError
from app.ui.panes.database.indexes import IndexesTab, field_paths
from app.ui.timeline_details import describe, plan_text
from tests.ui.conftest import chinese, eventually

ID_INDEX = {"name": "_id_", "keys": [{"field": "_id", "direction": 1}], "unique": True, "builtin": True}


class FakeBridge(QObject):
    """Indexes kept in a dict; a create over ``refuse`` fails as core would."""

    event_logged = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.indexes = {"todos": [ID_INDEX]}
        self.asked: list[tuple[str, dict]] = []
        self.refuse: str | None = None

    async def request(self, action: str, params: dict | None = None) -> dict:
        self.asked.append((action, params))
        listed = self.indexes.setdefault(params["collectionName"], [ID_INDEX])
        if action == "database.listIndexes":
            return {"indexes": list(listed)}
        if action == "database.createIndex":
            if self.refuse:
                raise InputError(self.refuse)
            name = "_".join(f"{k['field']}_{k['direction']}" for k in params["keys"])
            index = {"name": name, "keys": params["keys"], "unique": params["unique"], "builtin": False}
            listed.append(index)
            return {"index": index}
        if action == "database.dropIndex":
            listed[:] = [i for i in listed if i["name"] != params["name"]]
            return {"dropped": params["name"]}
        raise AssertionError(action)


def open_tab(qtbot, qloop) -> tuple[IndexesTab, FakeBridge]:
    bridge = FakeBridge()
    docs = [{"_id": "a", "city": "广州", "address": {"city": "广州", "zip": "510000"},
             "tags": [{"name": "x"}], "due": {"$date": "2026-01-01T00:00:00Z"}}]
    tab = IndexesTab(bridge, lambda: docs)
    qtbot.addWidget(tab)
    tab.set_collection("todos")
    tab.show()
    qloop.run_until_complete(eventually(lambda: tab.indexes.rowCount() == 1))
    return tab, bridge


def cells(tab: IndexesTab) -> list[tuple]:
    model = tab.indexes
    return [tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())]


def test_field_paths_are_dotted_and_skip_extended_json():
    assert field_paths([{"_id": 1, "a": {"b": {"c": 1}}, "d": {"$date": "x"}, "t": [{"n": 1}]}]) == {
        "_id", "a", "a.b", "a.b.c", "d", "t", "t.n"}


def test_builtin_index_is_listed_and_cannot_be_dropped(qtbot, qloop):
    tab, _ = open_tab(qtbot, qloop)
    assert cells(tab) == [("_id_", "Unique", "_id ascending")]
    tab.view.selectRow(0)
    assert not tab.drop_button.isEnabled() and "cannot be dropped" in tab.drop_button.toolTip()


def test_compound_index_from_the_form(qtbot, qloop):
    tab, bridge = open_tab(qtbot, qloop)
    tab.key_rows[0].field.setText("city")
    second = tab.add_key_row()
    second.field.setText("address.zip")
    second.direction.setCurrentIndex(second.direction.findData(-1))
    tab.unique_box.setChecked(True)
    qloop.run_until_complete(tab.create())
    assert ("database.createIndex", {"collectionName": "todos", "unique": True, "keys": [
        {"field": "city", "direction": 1}, {"field": "address.zip", "direction": -1}]}) in bridge.asked
    assert cells(tab)[1] == ("city_1_address.zip_-1", "Unique", "city ascending, address.zip descending")
    assert tab.message.text() == "Index city_1_address.zip_-1 created."
    assert len(tab.key_rows) == 1 and tab.key_rows[0].field.text() == "" and not tab.unique_box.isChecked()
    assert tab.drop_button.isEnabled()  # the new one is selected


def test_refusal_shows_under_the_form_and_keeps_it(qtbot, qloop):
    tab, bridge = open_tab(qtbot, qloop)
    bridge.refuse = "duplicate key: city 广州 appears in 2 documents"
    tab.key_rows[0].field.setText("city")
    qloop.run_until_complete(tab.create())
    assert tab.message.text() == bridge.refuse and tab.message.isVisible()
    assert len(cells(tab)) == 1 and tab.key_rows[0].field.text() == "city"  # to fix and try again


def test_an_empty_field_is_refused_before_asking(qtbot, qloop):
    tab, bridge = open_tab(qtbot, qloop)
    tab.add_key_row().field.setText("city")
    qloop.run_until_complete(tab.create())
    assert "Type a field" in tab.message.text()
    assert not [a for a, _ in bridge.asked if a == "database.createIndex"]


def test_drop_asks_first(qtbot, qloop, monkeypatch):
    tab, bridge = open_tab(qtbot, qloop)
    bridge.indexes["todos"].append({"name": "city_1", "keys": [{"field": "city", "direction": 1}],
                                    "unique": False, "builtin": False})
    qloop.run_until_complete(tab.refresh())
    tab.view.selectRow(1)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    tab.drop_button.click()
    assert len(cells(tab)) == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    tab.drop_button.click()
    qloop.run_until_complete(eventually(lambda: len(cells(tab)) == 1))
    assert tab.message.text() == "Index city_1 deleted."


def test_field_completion_offers_known_paths(qtbot, qloop):
    tab, _ = open_tab(qtbot, qloop)
    offered = tab._completions.stringList()
    assert {"city", "address.city", "address.zip", "tags.name", "due"} <= set(offered)
    assert "due.$date" not in offered


def event(**changes) -> SimpleNamespace:
    base = Event(id="e1", time=time.time(), action="database.getDocument", caller_kind="console", persona=None,
                 openid=None, source="console", target="todos", duration_ms=1.0, outcome="ok", params={})
    return SimpleNamespace(**{**asdict(base), **changes})


def test_plan_line_in_the_detail(qapp):
    assert plan_text(event()) is None
    assert plan_text(event(plan={"index": "city_1"})) == "Plan: index city_1"
    assert plan_text(event(plan={"index": None, "examined": 100000})) == "Plan: full scan (100,000 documents read)"
    assert "Plan: index city_1" in describe(event(plan={"index": "city_1"}))
