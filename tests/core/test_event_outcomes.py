"""The event log tells the truth: refusals are denied, a client's empty doc.get fails, a cleared
timeline stays cleared, and the timeline's export (JSON Lines, CSV) is safe in a spreadsheet."""

from __future__ import annotations

import base64
import csv
import json

import pytest

from app.core.event_export import CSV_COLUMNS, export_events
from app.core.events import Event, EventLog
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from app.paths import demo_project


def upload(ws, persona: str, path: str) -> str:
    answer = ws.handle(Request("storage.uploadFile", {
        "cloudPath": path, "contentBase64": base64.b64encode(b"notes").decode()}, ws.client_caller(persona)))
    return answer["fileID"]


def test_a_batch_delete_refused_per_item_is_denied_with_its_code(workspace):
    ws = workspace
    file_id = upload(ws, "学生A", "a/notes.txt")
    answer = ws.handle(Request("storage.batchDeleteFile", {"fileid_list": [file_id]}, ws.client_caller("学生B")))
    assert answer["delete_list"][0]["code"] == "STORAGE_EXCEED_AUTHORITY"  # the call itself answered
    event = ws.events.recent()[-1]
    assert (event.outcome, event.error_code, event.permission_allowed) == ("denied", -503002, False)
    assert "学生B" in event.permission_reason and event.result == answer


def test_a_batch_item_that_is_merely_missing_is_the_item_s_answer(workspace):
    ws = workspace
    missing = ws.storage.file_id("a/none.txt")
    ws.handle(Request("storage.batchDeleteFile", {"fileid_list": [missing]}, ws.client_caller("学生A")))
    event = ws.events.recent()[-1]
    assert (event.outcome, event.error_code) == ("ok", None)


def get_doc(ws, caller: Caller, doc_id: str) -> dict:
    return ws.handle(Request("database.getDocument", {
        "collectionName": "todos", "query": {"_id": doc_id}, "queryType": "DOC"}, caller))


def test_a_client_doc_get_that_finds_nothing_fails_and_another_users_is_denied(workspace):
    ws = workspace
    ws.handle(Request("database.addCollection", {"collectionName": "todos"}, Caller.console()))  # PRIVATE
    [doc_id] = ws.handle(Request("database.insertDocument", {"collectionName": "todos", "data": {"t": 1}},
                                 ws.client_caller("学生A")))["insertedIds"]
    assert get_doc(ws, ws.client_caller("学生A"), "no-such-todo") == {"list": []}  # the SDK throws -1
    missing = ws.events.recent()[-1]
    assert (missing.outcome, missing.error_code, missing.permission_allowed) == ("error", -1, True)
    assert "cannot find document with _id no-such-todo" in missing.error_message
    get_doc(ws, ws.client_caller("学生B"), doc_id)
    hidden = ws.events.recent()[-1]
    assert (hidden.outcome, hidden.error_code, hidden.permission_allowed) == ("denied", -1, False)
    assert "another user's document" in hidden.permission_reason and "PRIVATE" in hidden.permission_reason
    get_doc(ws, Caller.admin("scf"), "no-such-todo")  # server code: throwOnNotFound is the SDK's choice
    assert ws.events.recent()[-1].outcome == "ok"


def test_a_failed_client_snippet_is_a_failed_console_run(workspace):
    ws = workspace
    answer = ws.handle(Request("client.runSnippet", {
        "code": "await wx.cloud.database().collection('nope').get()", "persona": "学生A"}, Caller.console()))
    assert answer["ok"] is False
    run = ws.events.recent()[-1]
    assert (run.action, run.outcome, run.error_code) == ("client.runSnippet", "error", -502005)


def test_older_log_lines_with_a_refusal_read_back_as_denied(tmp_path):
    old = {"id": "e1", "time": 1.0, "action": "storage.batchDeleteFile", "caller_kind": "client", "persona": "学生B",
           "openid": "o", "source": "wx_client", "target": "a.txt", "duration_ms": 1.0, "outcome": "ok",
           "params": {}, "permission_allowed": False, "permission_reason": "not 学生B's"}
    (tmp_path / "events.jsonl").write_text(json.dumps(old) + "\n", encoding="utf-8")
    [event] = EventLog(tmp_path / "events.jsonl").recent()
    assert event.outcome == "denied"


def test_a_cleared_timeline_stays_cleared_and_the_log_keeps_everything(tmp_path):
    ws = Workspace.open(tmp_path, demo_project())
    ws.handle(Request("auth.initCloud", {}, ws.client_caller("学生A")))
    ws.clear_timeline()
    assert ws.events.recent() == []
    ws.handle(Request("auth.initCloud", {}, ws.client_caller("学生B")))
    ws.close()
    again = Workspace.open(tmp_path, demo_project())
    try:
        assert [e.persona for e in again.events.recent()] == ["学生B"]
    finally:
        again.close()
    logged = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["persona"] for line in logged] == ["学生A", "学生B"]  # the QA log keeps all


def event(**fields) -> Event:
    base = dict(id="e1", time=1_800_000_000.25, action="database.getDocument", caller_kind="client",
                persona="学生B", openid="oB", source="wx_client", target="todos", duration_ms=1.5,
                outcome="denied", params={"q": 1}, error_code=-502003, error_message="database permission denied",
                permission_allowed=False, permission_reason="grades is ADMINONLY", parent_id="p1")
    return Event(**{**base, **fields})


def test_export_as_json_lines_writes_the_log_s_own_lines(tmp_path):
    events = [event(), event(id="e2", outcome="ok", error_code=None)]
    assert export_events(events, tmp_path / "rows.jsonl", "jsonl") == 2
    lines = (tmp_path / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [e.to_json() for e in events]


def test_export_as_csv_escapes_formulas_and_keeps_numbers(tmp_path):
    risky = event(persona="=HYPERLINK(\"http://x\")", target="+1", error_message="-bad", permission_reason="@sum")
    assert export_events([risky], tmp_path / "rows.csv", "csv") == 1
    with (tmp_path / "rows.csv").open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert tuple(row) == CSV_COLUMNS
    assert (row["persona"], row["target"], row["error_message"], row["permission_reason"]) == (
        "'=HYPERLINK(\"http://x\")", "'+1", "'-bad", "'@sum")
    assert (row["error_code"], row["outcome"], row["permission_allowed"], row["parent_id"]) == (
        "-502003", "denied", "false", "p1")
    assert row["time"].startswith("20") and row["time"].endswith(".250")


def test_export_to_a_folder_that_is_not_there_says_so(tmp_path):
    from app.core.errors import InputError

    with pytest.raises(InputError, match="Cannot write in"):
        export_events([event()], tmp_path / "missing" / "rows.csv", "csv")
