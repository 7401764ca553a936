"""The timeline in front of a class: who was allowed and who was denied, filters that work,
the reason in words, clear, export of what is shown, and the pause switch for timer triggers."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from app.core.api import OUTCOME_DENIED, OUTCOME_ERROR
from app.ui.timeline import TimelineView
from app.ui.timeline_model import OUTCOME_COLORS, ROW_TINTS, TimelineModel
from tests.ui.conftest import eventually

OUTCOME = TimelineModel.OUTCOME
ACTION = TimelineModel.ACTION


def make_view(qtbot, bridge) -> TimelineView:
    view = TimelineView(bridge)
    qtbot.addWidget(view)
    return view


def shown(view: TimelineView) -> list[str]:
    """The Action column of the rows shown, top first (nested rows indented with └)."""
    return [view.proxy.index(row, ACTION).data() for row in range(view.proxy.rowCount())]


def row_of(view: TimelineView, action: str) -> int:
    return next(r for r in range(view.proxy.rowCount()) if view.proxy.index(r, ACTION).data().endswith(action))


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def delete_as_b(qloop, demo, demo_workspace) -> None:
    """学生B deletes 老师's campus.jpg, as the storage pane does: the call answers, the item is refused."""
    file_id = demo_workspace.storage.file_id("images/campus.jpg")

    async def scenario():
        answer = await demo.request_as(demo.caller_for("学生B"), "storage.batchDeleteFile", {"fileid_list": [file_id]})
        assert answer["delete_list"][0]["code"] == "STORAGE_EXCEED_AUTHORITY"

    qloop.run_until_complete(scenario())


def run_snippet(qloop, demo, code: str, persona: str) -> None:
    async def scenario():
        await demo.request("client.runSnippet", {"code": code, "persona": persona})

    qloop.run_until_complete(scenario())


def test_a_denied_delete_shows_denied_with_its_code_and_colour(qtbot, qloop, demo, demo_workspace):
    view = make_view(qtbot, demo)
    delete_as_b(qloop, demo, demo_workspace)
    qloop.run_until_complete(eventually(lambda: "storage.batchDeleteFile" in shown(view)))
    row = row_of(view, "storage.batchDeleteFile")
    cell = view.proxy.index(row, OUTCOME)
    assert cell.data() == "Denied -503002"
    assert cell.data(Qt.ItemDataRole.ForegroundRole) == OUTCOME_COLORS[OUTCOME_DENIED]
    tint = view.proxy.index(row, ACTION).data(Qt.ItemDataRole.BackgroundRole)
    assert tint == ROW_TINTS[OUTCOME_DENIED] and tint != ROW_TINTS[OUTCOME_ERROR]
    assert "学生B" in cell.data(Qt.ItemDataRole.ToolTipRole)  # the reason, on the outcome


def test_filters_show_denied_nested_rows_under_their_call(qtbot, qloop, demo, demo_workspace):
    """A denied delete made by client code: the Denied filter shows it, with its run greyed above it."""
    file_id = demo_workspace.storage.file_id("images/campus.jpg")
    run_snippet(qloop, demo, f"await wx.cloud.deleteFile({{fileList: ['{file_id}']}})", "学生B")
    view = make_view(qtbot, demo)  # also what happened before it opened
    choose(view.outcome_filter, OUTCOME_DENIED)
    assert shown(view) == ["client.runSnippet", "└ storage.batchDeleteFile"]
    run = view.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 1)
    assert run.outcome == "ok" and view.proxy.is_context(run)  # shown for its denied child, greyed
    assert view.proxy.index(0, ACTION).data(Qt.ItemDataRole.FontRole).italic()
    assert view.proxy.index(1, OUTCOME).data() == "Denied -503002"
    choose(view.outcome_filter, None)
    choose(view.persona_filter, "学生B")
    assert shown(view) == ["client.runSnippet", "└ storage.batchDeleteFile", "└ auth.initCloud"]
    choose(view.service_filter, "storage")
    assert shown(view) == ["client.runSnippet", "└ storage.batchDeleteFile"]
    choose(view.persona_filter, None)
    choose(view.service_filter, "client")
    assert shown(view) == ["client.runSnippet"]  # a matching call without its non-matching children
    choose(view.service_filter, None)
    choose(view.outcome_filter, OUTCOME_ERROR)
    assert shown(view) == []


def test_a_failed_client_get_shows_failed(qtbot, qloop, demo):
    view = make_view(qtbot, demo)
    run_snippet(qloop, demo, "await wx.cloud.database().collection('todos').doc('no-such-todo').get()", "学生A")
    qloop.run_until_complete(eventually(lambda: {"client.runSnippet", "└ database.getDocument"} <= set(shown(view))))
    get = row_of(view, "database.getDocument")
    assert view.proxy.index(get, OUTCOME).data() == "Failed -1"
    assert view.proxy.index(get, ACTION).data(Qt.ItemDataRole.BackgroundRole) == ROW_TINTS[OUTCOME_ERROR]
    assert view.proxy.index(row_of(view, "client.runSnippet"), OUTCOME).data() == "Failed -1"
    # 学生B asking for 学生A's todo by its id: there, but not hers to read.
    run_snippet(qloop, demo, "await wx.cloud.database().collection('todos').doc('todo-a2').get()", "学生B")
    qloop.run_until_complete(eventually(lambda: shown(view).count("client.runSnippet") == 2
                                        and shown(view).count("└ database.getDocument") == 2))
    choose(view.outcome_filter, OUTCOME_DENIED)
    assert shown(view) == ["client.runSnippet", "└ database.getDocument"]
    assert view.proxy.index(1, OUTCOME).data() == "Denied -1"


def test_the_detail_view_starts_with_the_reason_in_words(qtbot, qloop, demo, demo_workspace):
    view = make_view(qtbot, demo)
    delete_as_b(qloop, demo, demo_workspace)
    qloop.run_until_complete(eventually(lambda: "storage.batchDeleteFile" in shown(view)))
    view.table.selectRow(row_of(view, "storage.batchDeleteFile"))
    text = view.details.toPlainText()
    event = next(e for e in demo.recent_events() if e.action == "storage.batchDeleteFile")
    lines = text.splitlines()
    assert lines[0].startswith("学生B (") and "storage.batchDeleteFile on images/campus.jpg" in lines[0]
    assert lines[1] == "Denied -503002"
    assert lines[2] == f"Why: {event.permission_reason}"
    assert text.index(event.permission_reason) < text.index("Request:") < text.index("{") < text.index("Answer:")
    assert "STORAGE_EXCEED_AUTHORITY" in text.split("Answer:")[1]  # then the raw answer


def test_clear_empties_the_view_and_keeps_the_log(qtbot, qloop, demo, demo_workspace):
    view = make_view(qtbot, demo)
    delete_as_b(qloop, demo, demo_workspace)
    qloop.run_until_complete(eventually(lambda: view.proxy.rowCount() > 0))
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    qloop.run_until_complete(eventually(lambda: demo.recent_events() == []))
    assert view.proxy.rowCount() == 0 and view.details.toPlainText() == ""
    assert make_view(qtbot, demo).proxy.rowCount() == 0  # a new timeline starts empty too
    log = (demo_workspace.data_dir / "events.jsonl").read_text(encoding="utf-8")
    assert "storage.batchDeleteFile" in log  # events.jsonl, the QA log, keeps every request

    async def later():
        await demo.client_request("auth.initCloud")
        await eventually(lambda: shown(view) == ["auth.initCloud"])

    qloop.run_until_complete(later())


def test_export_writes_exactly_the_rows_shown(qtbot, qloop, demo, demo_workspace, tmp_path):
    file_id = demo_workspace.storage.file_id("images/campus.jpg")
    run_snippet(qloop, demo, f"await wx.cloud.deleteFile({{fileList: ['{file_id}']}})", "学生B")
    run_snippet(qloop, demo, "await wx.cloud.database().collection('todos').get()", "学生A")
    view = make_view(qtbot, demo)
    choose(view.outcome_filter, OUTCOME_DENIED)
    visible = [e.id for e in view.visible_events()]
    assert len(visible) == 2 and len(demo.recent_events()) > 2
    qloop.run_until_complete(view.export_to(tmp_path / "rows.jsonl", "jsonl"))
    lines = (tmp_path / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == visible
    assert json.loads(lines[1])["outcome"] == "denied"
    qloop.run_until_complete(view.export_to(tmp_path / "rows.csv", "csv"))
    with (tmp_path / "rows.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == visible
    assert (rows[1]["persona"], rows[1]["action"], rows[1]["error_code"]) == ("学生B", "storage.batchDeleteFile", "-503002")
    assert "Exported 2 request(s)" in view.message.text()


class WallClock:
    def __init__(self) -> None:
        self.now = datetime(2030, 1, 7, 9, 0, 0, 500_000)

    def __call__(self) -> datetime:
        return self.now


def test_the_pause_switch_stops_timer_triggers_and_shows_its_state(qtbot, qloop, demo, demo_workspace):
    view = make_view(qtbot, demo)
    assert not view.pause_triggers.isChecked() and view.pause_triggers.text() == "Pause timer triggers"
    view.pause_triggers.click()
    # Disabled while its request runs: enabled and paused means the switch's slot has finished.
    qloop.run_until_complete(eventually(lambda: demo_workspace.state.triggers_paused()
                                        and view.pause_triggers.isEnabled()))
    clock = WallClock()
    scheduler = demo_workspace.trigger_scheduler(now=clock)
    clock.now += timedelta(minutes=5)  # dailyReport fell due five times
    assert scheduler.tick() == [] and scheduler.fired == []
    assert make_view(qtbot, demo).pause_triggers.isChecked()  # a new window shows the saved state
    qloop.run_until_complete(eventually(lambda: "functions.pauseTriggers" in shown(view)))
    view.pause_triggers.click()
    qloop.run_until_complete(eventually(lambda: not demo_workspace.state.triggers_paused()
                                        and view.pause_triggers.isEnabled()))
    assert not view.pause_triggers.isChecked()


def test_a_late_match_inside_a_listed_call_brings_the_call_along(qtbot, demo):
    """Code that did not await its request: the denied child arrives after its call was listed."""
    from app.core.api import Event

    view = make_view(qtbot, demo)
    choose(view.outcome_filter, OUTCOME_DENIED)

    def event(id, action, outcome, parent=None):
        return Event(id=id, time=1.0, action=action, caller_kind="client", persona="学生B", openid="oB",
                     source="wx_client", target="", duration_ms=1, outcome=outcome, params={}, parent_id=parent)

    view.model.add(event("call", "functions.invokeFunction", "ok"))
    view.model.flush()
    assert shown(view) == []
    view.model.add(event("late", "storage.batchDeleteFile", "denied", parent="call"))
    view.model.flush()
    assert sorted(shown(view)) == ["functions.invokeFunction", "└ storage.batchDeleteFile"]


def test_presenter_spotlight_says_the_newest_client_verdict_and_tints_its_row(qtbot, qloop, demo, demo_workspace):
    view = make_view(qtbot, demo)
    view.show()
    delete_as_b(qloop, demo, demo_workspace)  # before presenter mode: not spotlit
    qloop.run_until_complete(eventually(lambda: "storage.batchDeleteFile" in shown(view)))
    assert view.spotlight.isHidden() and view.model.spotlit is None

    view.set_spotlighting(True)
    delete_as_b(qloop, demo, demo_workspace)
    qloop.run_until_complete(eventually(lambda: view.model.spotlit is not None))
    event = next(e for e in reversed(demo.recent_events()) if e.action == "storage.batchDeleteFile")
    assert view.model.spotlit == event.id
    assert view.spotlight.isVisible()
    assert view.spotlight.text().startswith("学生B was denied: ") and "campus.jpg" in view.spotlight.text()
    row = view.model.row_of(event.id)
    assert view.model.index(row, ACTION).data(Qt.ItemDataRole.BackgroundRole) != ROW_TINTS[OUTCOME_DENIED]

    qloop.run_until_complete(demo.request("database.listCollections"))  # the console's: not spotlit
    qloop.run_until_complete(eventually(lambda: "database.listCollections" in shown(view)))
    assert view.model.spotlit == event.id
    view.set_spotlighting(False)  # leaving presenter mode ends it
    assert view.spotlight.isHidden() and view.model.spotlit is None
    row = view.model.row_of(event.id)  # newer rows came in above it
    assert view.model.index(row, ACTION).data(Qt.ItemDataRole.BackgroundRole) == ROW_TINTS[OUTCOME_DENIED]


def test_a_late_delivery_brings_its_listener_s_group_to_the_top_and_the_choice_stays(qtbot, demo):
    """A listener's snapshot is logged long after its opening: it shows under the opening, the
    group on top, never under whatever request happened to be newest; the chosen row stays chosen."""
    from app.core.api import Event

    view = make_view(qtbot, demo)

    def event(id, action, parent=None, persona="学生A"):
        return Event(id=id, time=1.0, action=action, caller_kind="client", persona=persona, openid="o",
                     source="wx_client", target="", duration_ms=1, outcome="ok", params={}, parent_id=parent)

    view.model.add(event("open", "database.watchOpen"))
    view.model.add(event("other", "database.getDocument", persona="学生B"))
    view.model.flush()
    view.table.selectRow(row_of(view, "database.getDocument"))
    view.model.add(event("delivery", "database.watchPoll", parent="open"))
    view.model.flush()
    assert shown(view) == ["database.watchOpen", "└ database.watchPoll", "database.getDocument"]
    assert view.selected_event().id == "other"


def test_a_click_on_a_group_s_action_folds_its_requests_and_unfolds_them(qtbot, demo):
    """A listener with its deliveries (or a call with its requests) folds to one row saying
    how many it holds; a new delivery to a folded group stays folded and counts."""
    from app.core.api import Event

    view = make_view(qtbot, demo)

    def event(id, action, parent=None):
        return Event(id=id, time=1.0, action=action, caller_kind="client", persona="学生A", openid="o",
                     source="wx_client", target="", duration_ms=1, outcome="ok", params={}, parent_id=parent)

    view.model.add(event("open", "database.watchOpen"))
    view.model.add(event("d1", "database.watchPoll", parent="open"))
    view.model.add(event("d2", "database.watchPoll", parent="open"))
    view.model.flush()
    cell = view.proxy.index(row_of(view, "database.watchOpen"), ACTION)
    view._on_clicked(cell)
    assert shown(view) == ["database.watchOpen (+2)"]
    view.model.add(event("d3", "database.watchPoll", parent="open"))
    view.model.flush()
    assert shown(view) == ["database.watchOpen (+3)"]
    view._on_clicked(view.proxy.index(0, ACTION))
    assert shown(view) == ["database.watchOpen"] + ["└ database.watchPoll"] * 3
    assert not view.model.toggle_fold("d1")  # a row with nothing inside does not fold
