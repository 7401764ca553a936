"""Hole: bad input got past where it enters (SECURITY review, part 5).

NaN/Infinity, lone surrogates and deep nesting were accepted (or crashed) at the command
line, in imports, in Extended JSON and at the gateway; documents had no size limit; a failed
import left an empty collection; data files and logs were world-readable; CSV export wrote
formula cells. Each test here failed before the fix.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.core import jsontext
from app.core.database import ejson
from app.core.database import files as database_files
from app.core.database.limits import MAX_DOCUMENT_BYTES
from app.core.database.transfer import export_documents, parse_import
from app.core.errors import CloudError
from app.core.gateway import envelope
from app.core.gateway.envelope import BadEnvelope
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.security.conftest import RAW, run

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Caller.admin("scf")
CONSOLE = Caller.console("test")


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def wxsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@contextmanager
def workspace_at(data_dir: Path) -> Iterator[Workspace]:
    ws = Workspace.open(data_dir)
    try:
        yield ws
    finally:
        ws.close()


def has_collection(data_dir: Path, name: str) -> bool:
    with workspace_at(data_dir) as ws:
        return ws.database.store.has_collection(name)


# -- NaN and Infinity ---------------------------------------------------------------------------


def test_import_refuses_nan_and_infinity(tmp_path: Path):
    """`wxsim db import` of NaN/Infinity lines: bad lines with their reason, nothing stored."""
    source = tmp_path / "nan.jsonl"
    source.write_text('{"_id": "a", "v": NaN}\n{"_id": "b", "v": Infinity}\n'
                      '{"_id": "c", "v": -Infinity}\n{"_id": "d", "v": 1e999}\n', encoding="utf-8")
    out = wxsim("db", "import", "numbers", str(source), "--data-dir", str(tmp_path / "d"))
    assert out.returncode == 1, out.stderr
    assert json.loads(out.stdout)["badLines"] == 4
    assert "Line 1: NaN is not a JSON number" in out.stderr
    assert "Line 2: Infinity is not a JSON number" in out.stderr
    assert "Line 4: 1e999 is too large" in out.stderr
    assert not has_collection(tmp_path / "d", "numbers")


@pytest.mark.parametrize("data", ['{"a": NaN}', '{"a": Infinity}', '{"a": [-Infinity]}'])
def test_call_data_with_nan_is_refused_before_the_function_runs(tmp_path: Path, data: str):
    """`wxsim call … --data '{"a": NaN}'` used to hang to the function timeout."""
    out = wxsim("call", "login", "--data", data, "--data-dir", str(tmp_path))
    assert out.returncode != 0 and out.stdout == ""
    assert "--data:" in out.stderr and "is not a JSON number" in out.stderr


def test_a_stored_nan_is_refused_by_the_store_whatever_the_route(tmp_path: Path):
    """EJSON's {"$numberDouble": "NaN"} (what the JS SDK sends for NaN) does not reach disk."""
    with workspace_at(tmp_path) as ws:
        ws.handle(Request("database.addCollection", {"collectionName": "c"}, ADMIN))
        data = '{"v": {"$numberDouble": "NaN"}}'
        with pytest.raises(CloudError) as refused:
            ws.handle(Request("database.insertDocument", {"collectionName": "c", "data": [data]}, ADMIN))
        assert refused.value.code == -501007 and "not a finite number" in refused.value.detail
        ws.handle(Request("database.insertDocument", {"collectionName": "c", "data": ['{"_id": "x", "v": 1e308}']}, ADMIN))
        with pytest.raises(CloudError) as overflow:  # 1e308 * 10 is Infinity: refused at the store
            ws.handle(Request("database.modifyDocument", {
                "collectionName": "c", "queryType": "DOC", "query": '{"_id": "x"}',
                "data": '{"v": {"$mul": 10}}', "multi": False, "merge": True}, ADMIN))
        assert "NaN or Infinity" in overflow.value.detail
        assert ws.database.store.get("c", "x")["v"] == 1e308


# -- lone surrogates ----------------------------------------------------------------------------


def test_a_lone_surrogate_is_refused_everywhere_it_enters(tmp_path: Path):
    """"\\ud800" cannot be written as UTF-8: it used to raise at the first write of it."""
    source = tmp_path / "s.jsonl"
    source.write_text('{"_id": "a", "name": "\\ud800"}\n{"_id": "b", "\\udc00": 1}\n', encoding="utf-8")
    parsed = parse_import(source.open(encoding="utf-8"), "jsonl")
    assert parsed.documents == [] and len(parsed.errors) == 2
    assert all("half of a UTF-16 surrogate pair" in e.message for e in parsed.errors)
    out = wxsim("call", "login", "--data", '{"a": "\\ud800"}', "--data-dir", str(tmp_path / "d"))
    assert out.returncode != 0 and out.stdout == "" and "surrogate" in out.stderr
    with pytest.raises(BadEnvelope, match="surrogate"):
        envelope.parse_json_call("/admin", b'{"action": "database.getDocument", "collectionName": "\\ud800"}')
    # A real emoji, written as its surrogate pair, is text and is kept.
    assert jsontext.loads('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001F600"}


# -- deep nesting -------------------------------------------------------------------------------


def test_2000_levels_are_refused_with_a_message_not_a_traceback(tmp_path: Path):
    """CLI, import and Extended JSON: a clear refusal where it enters, never RecursionError."""
    out = wxsim("call", "login", "--data", '{"a": ' + deep(2000) + "}", "--data-dir", str(tmp_path / "d"))
    assert out.returncode != 0 and out.stdout == ""
    assert "nested more than 100 levels deep" in out.stderr and "Traceback" not in out.stderr

    source = tmp_path / "deep.jsonl"
    source.write_text('{"ok": 1}\n{"a": ' + deep(2000) + "}\n", encoding="utf-8")
    parsed = parse_import(source.open(encoding="utf-8"), "jsonl")
    assert [e.line for e in parsed.errors] == [2] and "nested more than 100" in parsed.errors[0].message

    with pytest.raises(jsontext.JsonTextError, match="nested more than"):
        ejson.decode('{"a": ' + deep(2000) + "}")
    with workspace_at(tmp_path / "w") as ws:
        ws.handle(Request("database.addCollection", {"collectionName": "c"}, ADMIN))
        with pytest.raises(CloudError) as refused:
            ws.handle(Request("database.insertDocument",
                              {"collectionName": "c", "data": ['{"a": ' + deep(2000) + "}"]}, ADMIN))
        assert refused.value.code == -501007 and "nested more than" in refused.value.detail
        # An update whose dot path writes 150 levels is held to the limit by the store.
        ws.handle(Request("database.insertDocument", {"collectionName": "c", "data": ['{"_id": "p"}']}, ADMIN))
        with pytest.raises(CloudError, match="exceeds 100 levels of nesting"):
            ws.handle(Request("database.modifyDocument", {
                "collectionName": "c", "queryType": "DOC", "query": '{"_id": "p"}',
                "data": json.dumps({"$set": {".".join(["a"] * 150): 1}}), "multi": False, "merge": True}, ADMIN))
        assert ws.database.store.get("c", "p") == {"_id": "p"}


def test_a_function_cannot_plant_a_deep_value_over_its_host_channel(hostile):
    """A raw host call or a result 2,000 levels deep used to kill the reader thread (a hang)."""
    ws = hostile({
        "plant": RAW + """exports.main = async () => {
            let v = 1; for (let i = 0; i < 2000; i++) v = [v]
            try { await send('database.getDocument', { collectionName: 'c', query: v }); return 'sent' }
            catch (e) { return 'refused: ' + e.message } }""",
        "answer": "exports.main = async () => { let v = 1; for (let i = 0; i < 2000; i++) v = [v]; return v }",
    })
    planted = run(ws, "plant", persona=None)
    assert planted["result"].startswith("refused:") and "nested more than" in planted["result"]
    answered = run(ws, "answer", persona=None)
    assert "nested more than" in answered["errMsg"] and "timed out" not in answered["errMsg"]


# -- the gateway always answers -----------------------------------------------------------------


def _post(gateway, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    """POST ``body`` to the gateway, signed when the gateway checks signatures; (status, answer)."""
    url = gateway.url
    headers = {"Content-Type": "application/json", **(headers or {})}
    try:
        from app.core.gateway.signature import json_members, sign
    except ImportError:  # a gateway without authentication
        pass
    else:
        try:
            members = json_members(body)
        except RecursionError:
            members = None
        headers.update(sign(gateway.credentials, "POST", url, headers, body if members is None else members))
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("POST", parts.path)
        for name, value in headers.items():
            conn.putheader(name, value)
        if "Content-Length" not in headers:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        conn.send(body)
        response = conn.getresponse()  # a dropped connection raises here
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.parametrize("levels", [150, 10_000])
def test_the_gateway_answers_a_deeply_nested_body(tmp_path: Path, levels: int):
    """A 10,000-level body used to close the connection with no answer at all."""
    with workspace_at(tmp_path) as ws:
        ws.gateway.start()
        body = ('{"action": "database.getDocument", "collectionName": "c", "query": '
                + deep(levels) + "}").encode()
        status, answer = _post(ws.gateway, body)
    assert status == 200 and answer.get("code")  # an error answer (or an auth refusal): not silence
    if answer["code"] == envelope.INVALID_PARAM:
        assert "nested" in answer["message"]


def test_the_gateway_states_and_enforces_its_body_limit(tmp_path: Path):
    """Guard (not a hole): a body announced over MAX_BODY is answered, not read."""
    from app.core.http.gateway_server import MAX_BODY

    assert MAX_BODY == envelope.MAX_BODY_BYTES
    with workspace_at(tmp_path) as ws:
        ws.gateway.start()
        status, answer = _post(ws.gateway, b"{}", {"Content-Length": str(MAX_BODY + 1)})
    assert status == 200 and answer.get("code")
    with pytest.raises(BadEnvelope, match="at most"):
        jsontext_limit = envelope.MAX_BODY_BYTES
        envelope.parse_json_call("/admin", b" " * (jsontext_limit + 1))


# -- 16 MB documents ----------------------------------------------------------------------------


def test_documents_over_16_mb_are_refused_on_insert_update_and_import(tmp_path: Path):
    """A 50 MB document used to be accepted; MongoDB's limit (spec §3.11) is 16 MB."""
    big = "x" * (MAX_DOCUMENT_BYTES + 1024)
    half = "y" * (9 << 20)
    with workspace_at(tmp_path / "w") as ws:
        ws.handle(Request("database.addCollection", {"collectionName": "c"}, ADMIN))
        with pytest.raises(CloudError) as insert:
            ws.handle(Request("database.insertDocument",
                              {"collectionName": "c", "data": [ejson.encode({"_id": "big", "s": big})]}, ADMIN))
        assert insert.value.code == -502001
        assert insert.value.detail.startswith("object to insert too large. size in bytes: ")
        assert insert.value.detail.endswith(f"max size: {MAX_DOCUMENT_BYTES}")
        assert ws.database.store.count("c") == 0

        ws.handle(Request("database.insertDocument",
                          {"collectionName": "c", "data": [ejson.encode({"_id": "grow", "a": half})]}, ADMIN))
        for merge in (True, False):  # update ($set) and set (replace) both grow it past 16 MB
            data = {"$set": {"b": half}} if merge else {"a": half, "b": half}
            with pytest.raises(CloudError) as update:
                ws.handle(Request("database.modifyDocument", {
                    "collectionName": "c", "queryType": "DOC", "query": '{"_id": "grow"}',
                    "data": ejson.encode(data), "multi": False, "merge": merge, "upsert": True}, ADMIN))
            assert update.value.detail == f"Resulting document after update is larger than {MAX_DOCUMENT_BYTES}"
        assert "b" not in ws.database.store.get("c", "grow")

        source = tmp_path / "big.jsonl"
        source.write_text(json.dumps({"_id": "big", "s": big}) + '\n{"_id": "small"}\n', encoding="utf-8")
        outcome = database_files.import_file(ws.handle, "c", source, fmt="jsonl", upsert=False,
                                          atomic=False, source="test")
        assert [e.line for e in outcome.line_errors] == [1]
        assert "object to insert too large" in outcome.line_errors[0].message
        assert ws.database.store.get("c", "small") is not None and ws.database.store.get("c", "big") is None


# -- imports leave no trace on failure ----------------------------------------------------------


def test_a_failed_import_leaves_no_collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A refused import (a bad line, all-or-nothing) used to leave an empty collection behind."""
    source = tmp_path / "bad.jsonl"
    source.write_text('{"_id": "a"}\n{not json\n', encoding="utf-8")
    out = wxsim("db", "import", "fresh", str(source), "--data-dir", str(tmp_path / "d"))
    assert out.returncode == 1 and "Line 2" in out.stderr
    assert "created collection" not in out.stderr
    assert not has_collection(tmp_path / "d", "fresh")

    # An exception half-way (here: the store's insert) undoes the collection with the documents.
    ws = Workspace.open(tmp_path / "w")
    try:
        def broken(name, docs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(ws.database.store, "insert", broken)
        with pytest.raises(RuntimeError):
            ws.database.import_documents("fresh", [{"_id": "a"}], upsert=False, atomic=True, create=True)
        assert not ws.database.store.has_collection("fresh")
        monkeypatch.undo()
        report = ws.database.import_documents("fresh", [{"_id": "a"}], upsert=False, atomic=True, create=True)
        assert report.created and report.inserted == 1
    finally:
        ws.close()
    assert has_collection(tmp_path / "w", "fresh")  # and a good one survives a reopen


# -- file modes ---------------------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_data_files_and_logs_are_private(hostile, tmp_path: Path):
    """The journal and the request logs were 0644: readable by every account on the machine."""
    ws = hostile({"hello": "exports.main = async () => 1"})
    data_dir = ws.data_dir
    ws.handle(Request("database.addCollection", {"collectionName": "c"}, ADMIN))
    ws.handle(Request("database.insertDocument", {"collectionName": "c", "data": ['{"a": 1}']}, ADMIN))
    ws.storage.upload(CONSOLE, "note.txt", b"hello")
    assert run(ws, "hello", persona=None)["result"] == 1
    journal = list((data_dir / "db").glob("_journal.*.log"))
    assert journal, "the insert is in the journal until the next compaction"
    ws.database.store.flush()
    expected = {"workspace.json", "events.jsonl", "invocations.jsonl", "storage-index.json", "db/c.json"}
    found = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file()}
    assert expected <= found, found
    for path in [*journal, *(data_dir / name for name in found)]:
        if path.exists() and not path.relative_to(data_dir).as_posix().startswith("storage/"):
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is {oct(path.stat().st_mode)}"
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "db").stat().st_mode) == 0o700


# -- CSV formula cells --------------------------------------------------------------------------


def test_csv_export_escapes_formula_cells_and_import_reads_them_back():
    """`=cmd|' /C calc'!A0` used to be exported as is: a spreadsheet would run it."""
    docs = [{"_id": "=1+1", "t": "=cmd|' /C calc'!A0", "n": -5},
            {"_id": "b", "t": "+1", "n": 2.5}, {"_id": "c", "t": "-2"}, {"_id": "d", "t": "@SUM(A1)"},
            {"_id": "e", "t": "\tx"}, {"_id": "f", "t": "\rx"}, {"_id": "g", "t": "'=x"},
            {"_id": "h", "t": "'plain"}, {"_id": "i", "t": "a=b"}, {"_id": "j", "t": "'"}]
    out = io.StringIO()
    export_documents(docs, "csv", out, fields=["_id", "t", "n"])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == ["'=1+1", "'=cmd|' /C calc'!A0", "-5"]  # numbers stay numbers
    assert [row[1] for row in rows[2:]] == ["'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "''=x", "'plain", "a=b", "'"]
    import_back = parse_import(io.StringIO(out.getvalue()), "csv")
    assert import_back.errors == [] and import_back.documents == docs
