"""Time travel in the app over a real demo workspace: the snapshots pane, the diff view, the
status bar's undo after a destructive request, File → Reset to start… and Open scenario file…."""

from __future__ import annotations

import zipfile

from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.api import Caller, Request
from app.core.database import ejson
from app.ui import time_travel
from app.ui.panes.snapshots.models import SnapshotsModel
from app.ui.panes.snapshots.pane import SnapshotsPane, restored_text
from tests.ui.conftest import eventually, settle


def open_pane(qtbot, qloop, bridge) -> SnapshotsPane:
    pane = SnapshotsPane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    qloop.run_until_complete(eventually(lambda: "initial" in pane.snapshots.names()))
    return pane


def snapshot_names(workspace) -> list[str]:
    answer = workspace.handle(Request("snapshot.list", {}, Caller.console()))
    return [s["name"] for s in answer["snapshots"]]


def collection_names(workspace) -> list[str]:
    answer = workspace.handle(Request("database.listCollections", {}, Caller.console()))
    return [c["name"] for c in answer["collections"]]


def window_pane(window, name: str):
    return next(p for p in window.panes if type(p).__name__ == name)


def test_saving_from_the_pane_lists_and_selects_the_snapshot(qtbot, qloop, demo, demo_workspace):
    pane = open_pane(qtbot, qloop, demo)
    pane.name_edit.setText("before-lesson-2")
    pane.note_edit.setText("四个集合，示例数据")
    qtbot.mouseClick(pane.save_button, Qt.MouseButton.LeftButton)
    qloop.run_until_complete(eventually(lambda: "before-lesson-2" in pane.snapshots.names()))
    settle(qloop, demo)
    assert snapshot_names(demo_workspace) == ["before-lesson-2", "initial"]
    row = pane.snapshots.row_of("before-lesson-2")
    assert pane.snapshots.index(row, SnapshotsModel.NOTE).data() == "四个集合，示例数据"
    assert pane.snapshots.index(row, SnapshotsModel.KIND).data() == "Named"
    assert pane.selected_names() == ["before-lesson-2"]
    assert pane.name_edit.text() == "" and "before-lesson-2" in pane.save_message.text()


def test_a_taken_name_is_refused_where_it_was_typed(qtbot, qloop, demo, demo_workspace):
    demo_workspace.handle(Request("snapshot.save", {"name": "lesson"}, Caller.console()))
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(eventually(lambda: "lesson" in pane.snapshots.names()))
    pane.name_edit.setText("lesson")
    qloop.run_until_complete(pane.save())
    settle(qloop, demo)
    assert pane.save_message.isVisible() and "already exists" in pane.save_message.text()
    assert pane.name_edit.text() == "lesson"  # kept, to correct
    assert snapshot_names(demo_workspace) == ["lesson", "initial"]
    assert pane.snapshots.names() == ["lesson", "initial"]


def test_a_snapshot_saved_elsewhere_shows_and_the_selection_stays(qtbot, qloop, demo, demo_workspace):
    """As `wxsim snapshot save` in a terminal attached to the app would: the list follows."""
    demo_workspace.handle(Request("snapshot.save", {"name": "one"}, Caller.console()))
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(eventually(lambda: "one" in pane.snapshots.names()))
    pane.choose("one")
    demo_workspace.handle(Request("snapshot.save", {"name": "two", "note": "CLI"}, Caller.console("cli")))
    qloop.run_until_complete(eventually(lambda: pane.snapshots.names() == ["two", "one", "initial"]))
    settle(qloop, demo)
    assert pane.selected_names() == ["one"]


def test_the_diff_view_shows_an_added_collection_and_a_changed_field(qtbot, qloop, demo, demo_workspace):
    def console(action, **params):
        demo_workspace.handle(Request(action, params, Caller.console()))

    console("snapshot.save", name="before")
    console("database.addCollection", collectionName="shop")
    console("database.insertDocument", collectionName="shop", data=[ejson.encode({"_id": "pen", "price": 3})])
    console("database.modifyDocument", collectionName="todos", query=ejson.encode({"_id": "todo-a2"}),
            data=ejson.encode({"done": True}), multi=False)
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(eventually(lambda: "before" in pane.snapshots.names()))
    pane.choose("before")
    qloop.run_until_complete(pane.compare())
    dialog = pane.diff_dialog
    assert dialog is not None and dialog.isVisible()
    tops = {dialog.tree.topLevelItem(i).text(0).split(" ")[0]: dialog.tree.topLevelItem(i)
            for i in range(dialog.tree.topLevelItemCount())}
    assert set(tops) == {"shop", "todos"}
    assert "collection added" in tops["shop"].text(0)
    assert tops["shop"].child(0).text(2) == '{"_id": "pen", "price": 3}'
    todo = tops["todos"].child(0)
    assert todo.text(0) == '~ _id "todo-a2"'
    assert [(todo.child(i).text(0), todo.child(i).text(1), todo.child(i).text(2))
            for i in range(todo.childCount())] == [("done", "false", "true")]
    assert dialog.summary.text().startswith("From before to now: 2 collections differ; documents +1 −0 ~1")


def test_two_selected_snapshots_are_compared_older_first(qtbot, qloop, demo, demo_workspace):
    demo_workspace.handle(Request("snapshot.save", {"name": "a"}, Caller.console()))
    demo_workspace.handle(Request("database.addCollection", {"collectionName": "shop"}, Caller.console()))
    demo_workspace.handle(Request("snapshot.save", {"name": "b"}, Caller.console()))
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(eventually(lambda: pane.snapshots.names()[:2] == ["b", "a"]))
    pane.choose("b", "a")
    qloop.run_until_complete(pane.compare())
    assert (pane.diff_dialog.diff["from"], pane.diff_dialog.diff["to"]) == ("a", "b")
    assert pane.diff_dialog.tree.topLevelItem(0).text(0).startswith("shop")


def test_restore_asks_first_and_puts_the_state_back(qtbot, qloop, demo, demo_workspace, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    demo_workspace.handle(Request("snapshot.save", {"name": "before"}, Caller.console()))
    demo_workspace.handle(Request("database.addCollection", {"collectionName": "shop"}, Caller.console()))
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(eventually(lambda: "before" in pane.snapshots.names()))
    pane.choose("before")
    qtbot.mouseClick(pane.restore_button, Qt.MouseButton.LeftButton)
    qloop.run_until_complete(eventually(lambda: "checkpoint" in pane.message.text()))
    qloop.run_until_complete(eventually(lambda: pane.snapshots.names()[0] == "checkpoint-1"))
    settle(qloop, demo)
    assert "checkpoint first" in asked[0]
    assert "shop" not in collection_names(demo_workspace)
    assert pane.message.text() == "Restored before. The state before is saved as the checkpoint checkpoint-1."


def test_a_restore_names_the_functions_whose_code_it_could_not_put_back():
    answer = {"restored": {"name": "a"}, "checkpoint": {"name": "checkpoint-2"}, "codeChanged": ["login", "sum"]}
    assert restored_text(answer).endswith("does not put code back: login, sum.")
    assert "code" not in restored_text({**answer, "codeChanged": []})


def test_export_writes_a_scenario_file_named_after_the_snapshot(qtbot, qloop, demo, demo_workspace, monkeypatch,
                                                                tmp_path):
    demo_workspace.handle(Request("snapshot.save", {"name": "lesson-1"}, Caller.console()))
    target = tmp_path / "shared" / "lesson-1-for-class"  # the suffix is added
    target.parent.mkdir()
    suggested = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, path, _filter: suggested.append(path) or (str(target), ""))
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(eventually(lambda: "lesson-1" in pane.snapshots.names()))
    pane.choose("lesson-1")
    qtbot.mouseClick(pane.export_button, Qt.MouseButton.LeftButton)
    written = target.with_suffix(".wxsim")
    qloop.run_until_complete(eventually(lambda: "Exported" in pane.message.text()))
    settle(qloop, demo)
    assert suggested[0].endswith("lesson-1.wxsim")
    assert written.exists() and zipfile.is_zipfile(written)
    assert str(written) in pane.message.text()


def test_undo_after_deleting_a_collection_from_the_status_bar(start, qloop):
    session = start()
    window, bridge = session.window, session.bridge
    offer = window.undo_offer
    assert not offer.isVisible()
    qloop.run_until_complete(bridge.request("database.deleteCollection", {"collectionName": "todos"}))
    qloop.run_until_complete(eventually(offer.isVisible))
    assert offer.text() == "Saved the checkpoint checkpoint-1 (before deleting the collection todos)"
    offer.undo_button.click()
    qloop.run_until_complete(eventually(lambda: offer.text().startswith("Restored checkpoint-1.")))
    settle(qloop, bridge)

    async def collections() -> list[str]:
        return [c["name"] for c in (await bridge.request("database.listCollections"))["collections"]]

    assert "todos" in qloop.run_until_complete(collections())
    assert offer.isVisible() and offer.undo_button.isEnabled()  # pressing it again redoes the delete


def test_reset_to_start_from_the_file_menu(start, qloop, monkeypatch):
    session = start()
    window, bridge = session.window, session.bridge
    questions = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: questions.append(a[2]) or QMessageBox.StandardButton.Yes)
    qloop.run_until_complete(bridge.request("database.deleteCollection", {"collectionName": "todos"}))
    qloop.run_until_complete(bridge.request("personas.add", {"name": "学生C"}))
    qloop.run_until_complete(eventually(lambda: "学生C" in window.switcher.buttons))
    window.time_travel.reset_action.trigger()
    # The roster the restore put back reaches the toolbar, as a roster change made here would.
    qloop.run_until_complete(eventually(lambda: "学生C" not in window.switcher.buttons))
    settle(qloop, bridge)

    async def todos() -> int:
        listed = (await bridge.request("database.listCollections"))["collections"]
        return next((c["count"] for c in listed if c["name"] == "todos"), -1)

    assert qloop.run_until_complete(todos()) == 6  # the demo's sample todos
    assert "checkpoint first" in questions[0]
    assert window.undo_offer.text().startswith("Restored initial.")


def test_open_scenario_starts_a_new_wxsim_on_the_file(start, qloop, monkeypatch, tmp_path):
    window = start().window
    started = []

    class Recorded(QProcess):  # what would start, without starting another app
        def startDetached(self):  # noqa: N802 (Qt's name)
            started.append((self.program(), self.arguments()))
            return True

    monkeypatch.setattr(time_travel, "QProcess", Recorded)
    scenario = tmp_path / "lesson.wxsim"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(scenario), ""))
    window.time_travel.open_scenario_action.trigger()
    (program, arguments), = started
    assert arguments[-2:] == ["--scenario", str(scenario)]
    assert "Opening lesson.wxsim" in window.statusBar().currentMessage()


def test_the_panes_show_the_state_an_undo_put_back(start, qloop):
    """Deleted files and a collection come back in the storage and database panes; a persona
    added since goes from the users pane."""
    session = start()
    window, bridge = session.window, session.bridge
    database, storage, users = (window_pane(window, name) for name in ("DatabasePane", "StoragePane", "UsersPane"))

    async def arrange() -> None:
        listed = (await bridge.request("storage.listFiles", {"prefix": ""}))["files"]
        await bridge.request("snapshot.save", {"name": "before"})
        await bridge.request("personas.add", {"name": "学生C"})
        await bridge.request("database.deleteCollection", {"collectionName": "todos"})
        await bridge.request("storage.batchDeleteFile", {"fileid_list": [f["fileID"] for f in listed]})

    qloop.run_until_complete(arrange())
    window.show_pane("DatabasePane")
    qloop.run_until_complete(eventually(lambda: database.collections.row_of("todos") < 0))
    window.show_pane("StoragePane")
    qloop.run_until_complete(eventually(lambda: storage.folders.rowCount() == 1
                                        and storage.folders.item(0).rowCount() == 0))  # no folder left
    qloop.run_until_complete(eventually(lambda: "学生C" in [users.personas_model.persona_at(r).name
                                                          for r in range(users.personas_model.rowCount())]))
    # Restored while the storage pane is shown: it lists the files again by itself.
    qloop.run_until_complete(window_pane(window, "SnapshotsPane").restore("before"))
    qloop.run_until_complete(eventually(lambda: storage.folders.item(0).rowCount() > 0))  # images/ …
    window.show_pane("DatabasePane")
    qloop.run_until_complete(eventually(lambda: database.collections.row_of("todos") >= 0))
    qloop.run_until_complete(eventually(lambda: "学生C" not in [users.personas_model.persona_at(r).name
                                                              for r in range(users.personas_model.rowCount())]))
    settle(qloop, bridge)
    assert "学生C" not in window.switcher.buttons
