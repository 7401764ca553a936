"""Imports at JSON speed (issue 20): the orjson readers and writers give what the careful ones give.

``fast_lines.fast_document`` (orjson) against ``transfer``'s careful reader, line by line and
file by file (documents, types and bad-line messages), ``journal``'s orjson text against
json's, and a 100k-line import through ``database.importFile`` with its progress. Semantics
only: the speed is bench/db.py's business.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.core.database import journal, transfer
from app.core.database.fast_lines import fast_document
from app.core.database.transfer import parse_import
from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace


def _same(a, b) -> bool:
    """Equal with the same types all the way down (1 is not 1.0 here, a date keeps its zone)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is datetime:
        return a == b and a.utcoffset() == b.utcoffset()
    if type(a) is float and a != a:
        return b != b
    return a == b


def _careful(text: str):
    return transfer._document(transfer._decode(text))


def _both(lines: list[str], monkeypatch):
    fast = parse_import(lines, "jsonl")
    with monkeypatch.context() as patch:
        patch.setattr(transfer, "fast_document", lambda text: None)
        careful = parse_import(lines, "jsonl")
    return fast, careful


LINES = [
    '{"_id":"a","n":1,"f":1.5,"neg":-0.0,"z":-0,"e":1e300,"big":9007199254740993,"max":9223372036854775807}',
    '{"_id":2,"big":18446744073709551615,"past64":18446744073709551616,"neg64":-9223372036854775809}',
    '{"when":{"$date":"2024-02-29T23:59:59.999Z"},"early":{"$date":"1969-12-31T23:59:59Z"},'
    '"arr":[{"$date":"2000-01-01T00:00:00.000Z"},1,"x",null,true,[[]]]}',
    '{"名字":"用户","emoji":"😀","esc":"\\ud83d\\ude00 \\n\\t\\"\\\\ \\u00e9","ctl":"\\u0001"}',
    '{"colon":"a:b:c","key:with:colons":{"x:":":"},"url":"http://x/y"}',
    '{"a":1,"a":2}',
    '{"a":1,"\\u0061":2}',
    '{"a":"\\u003a","a":2}',
    '{"x":NaN}', '{"x":Infinity}', '{"x":-Infinity}', '{"x":1e400}', '{"x":-1e400}',
    '{"x":"\\ud800"}', '{"x":"\\udc00 tail"}',
    '{"a.b":1,"a.c":2}', '{"a.b":1,"a":{}}', '{"$set":1}', '{"a":{"$gt":1}}', '{"":1}', '{"a..b":1}',
    '{"_id":{"$oid":"5f1d7a2b9c3e4a0012345678"}}', '{"d":{"$date":1700000000000}}',
    '{"d":{"$date":"2024-13-01T00:00:00.000Z"}}', '{"d":{"$date":"2024-01-01T00:00:00.000+08:00"}}',
    '{"d":{"$date":"0000-01-01T00:00:00.000Z"}}', '{"d":{"$numberLong":"5"}}', '{"d":{"$date":"x","y":1}}',
    '{"_id":""}', '{"_id":null}', '{"_id":[1]}', '{"_id":1.5}',
    '[1,2]', '"text"', '{"a":1} {"b":2}', '{"a":1,}', '{"a":', "{'a':1}", '{"a":1}\ufeff',
    '{"price":"$5","p":"a.b"}',
    "  {\"spaced\" : 1 ,  \"b\" : [ 1 , 2 ] }  ",
]


def test_each_line_reads_as_the_careful_reader_reads_it(monkeypatch):
    fast, careful = _both(["{}"] + LINES, monkeypatch)  # (a first "[" line is a whole-file error)
    assert [e.message for e in fast.errors] == [e.message for e in careful.errors]
    assert [e.line for e in fast.errors] == [e.line for e in careful.errors]
    assert len(fast.documents) == len(careful.documents)
    for got, want in zip(fast.documents, careful.documents):
        assert _same(got, want), (got, want)


def test_the_fast_reader_leaves_what_it_is_unsure_of():
    for text in ('{"a":1,"a":2}', '{"a":"\\u003a","a":2}', '{"x":NaN}', '{"x":1e400}',
                 '{"past64":18446744073709551616}', '{"x":"\\ud800"}', '{"a.b":1}', '{"$set":1}',
                 '{"d":{"$date":1700000000000}}', "[" * 70 + "]" * 70, '{"x":' + "[" * 70 + "]" * 70 + "}"):
        assert fast_document(text) is None, text


def test_deep_lines_keep_their_errors(monkeypatch):
    deep = '{"a":' * 101 + "1" + "}" * 101
    fine = '{"a":' * 99 + "1" + "}" * 99
    fast, careful = _both([deep, fine], monkeypatch)
    assert [e.message for e in fast.errors] == [e.message for e in careful.errors] and fast.errors
    assert _same(fast.documents, careful.documents) and len(fast.documents) == 1


def _random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth < 4 and roll < 0.2:
        return {_random_name(rng): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 4 and roll < 0.35:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.45:
        return {"$date": f"{rng.randint(1000, 9999)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                         f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                         + rng.choice(["", f".{rng.randint(0, 999):03d}"]) + "Z"}
    return rng.choice([
        None, True, False, rng.randint(-2**63, 2**63 - 1), rng.randint(-2**80, 2**80), rng.random() * 10**rng.randint(-5, 300),
        -rng.random(), 0.1, 2**53 + 1, "".join(rng.choice("ab:.$\\\"\n\t 中文😀é\u2028") for _ in range(rng.randint(0, 8))),
    ])


def _random_name(rng: random.Random) -> str:
    return rng.choice(["a", "b", "name", "名字", "x:y", "sp ace", "q\"uote", "tab\t", "k" + str(rng.randint(0, 9))])


@pytest.mark.parametrize("seed", range(4))
def test_random_documents_read_the_same(seed, monkeypatch):
    rng = random.Random(seed)
    lines = []
    for i in range(400):
        doc = {"_id": f"id{i}", **{_random_name(rng): _random_value(rng) for _ in range(rng.randint(0, 6))}}
        lines.append(json.dumps(doc, ensure_ascii=rng.random() < 0.5))
    fast, careful = _both(lines, monkeypatch)
    assert [e.message for e in fast.errors] == [e.message for e in careful.errors]
    assert len(fast.documents) == len(careful.documents)
    for got, want in zip(fast.documents, careful.documents):
        assert _same(got, want), (got, want)


# -- the journal's text ------------------------------------------------------------------------


def _json_bytes(doc, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(journal, "_fast_bytes", lambda doc: None)
        return journal.document_bytes(doc, update=False)


@pytest.mark.parametrize("seed", range(3))
def test_journal_text_reads_back_the_same(seed, monkeypatch):
    rng = random.Random(seed)
    for i in range(300):
        line = json.dumps({"_id": i, **{_random_name(rng): _random_value(rng) for _ in range(rng.randint(0, 6))}})
        doc = _careful(line) if fast_document(line) is None else fast_document(line)
        try:
            want = journal.loads(_json_bytes(doc, monkeypatch))
        except CloudError as exc:
            with pytest.raises(CloudError) as caught:
                journal.document_bytes(doc, update=False)
            assert caught.value.reason == exc.reason
            continue
        assert _same(journal.loads(journal.document_bytes(doc, update=False)), want), doc


def test_journal_refuses_what_it_refused(monkeypatch):
    for doc in ({"x": float("nan")}, {"x": [float("inf")]}, {"x": "\ud800"}, {"a": {"b": "\udc00"}},
                {"a": None, "x": {"y": [1, float("nan")]}}, {"a": None, "b": [None, float("-inf")]}):
        with pytest.raises(CloudError) as before:
            _json_bytes(doc, monkeypatch)
        with pytest.raises(CloudError) as now:
            journal.document_bytes(doc, update=False)
        assert (now.value.code, now.value.reason) == (before.value.code, before.value.reason)
    with_nulls = {"a": None, "b": [None, 1.5, {"c": None}], "d": "null"}
    assert journal.document_bytes(with_nulls, update=False) == _json_bytes(with_nulls, monkeypatch)
    big = {"n": 2**70, "m": -(2**64), "t": datetime(999, 1, 2, tzinfo=timezone.utc)}
    assert journal.document_bytes(big, update=False) == _json_bytes(big, monkeypatch)


# -- a whole import ----------------------------------------------------------------------------


def _write_lines(path: Path, n: int) -> list[str]:
    lines = []
    for i in range(n):
        lines.append(json.dumps({
            "_id": f"d{i:06d}", "name": f"用户{i}", "age": i % 90, "big": 2**60 + i,
            "createdAt": {"$date": f"2024-01-{1 + i % 28:02d}T10:00:{i % 60:02d}.{i % 1000:03d}Z"},
            "profile": {"vip": i % 7 == 0, "tags": ["a", "b"][: i % 3], "note": None if i % 5 else "x:y"},
        }, ensure_ascii=i % 2 == 0))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def test_a_100k_line_import_reports_progress_and_stores_what_the_careful_reader_reads(tmp_path, monkeypatch):
    source = tmp_path / "big.jsonl"
    lines = _write_lines(source, 100_000)
    ws = Workspace.open(tmp_path / "ws")
    try:
        seen = []
        request = Request("database.importFile", {"collectionName": "big", "localPath": str(source),
                                                  "createCollection": True}, Caller.console("test"),
                          progress=seen.append)
        result = ws.handle(request)
        assert result["inserted"] == 100_000 and result["lineErrors"] == []
        assert seen[-1] == 100_000 and all(0 < b - a <= 1000 for a, b in zip([0, *seen], seen))
        store = ws.database.store if hasattr(ws, "database") else None
        sample = random.Random(7).sample(range(100_000), 300)
        with monkeypatch.context() as patch:
            patch.setattr(transfer, "fast_document", lambda text: None)
            careful = parse_import([lines[i] for i in sample], "jsonl").documents
        if store is None:
            pytest.skip("no store handle on the workspace")
        for i, want in zip(sample, careful):
            assert _same(store.get("big", f"d{i:06d}"), want)
    finally:
        ws.close()


def test_a_console_over_loopback_still_sends_ejson_and_is_read_strictly(tmp_path):
    """Only this process can hand over checked documents; a plain list is decoded as before."""
    ws = Workspace.open(tmp_path / "ws")
    try:
        ws.handle(Request("database.addCollection", {"collectionName": "c"}, Caller.admin("test")))
        with pytest.raises(CloudError):
            ws.handle(Request("database.importDocuments", {"collectionName": "c", "documents": [{"x": float("nan")}]},
                              Caller.console("test")))
        ws.handle(Request("database.importDocuments", {"collectionName": "c", "documents": [
            {"_id": "a", "d": {"$date": "2024-01-01T00:00:00.000Z"}}]}, Caller.console("test")))
    finally:
        ws.close()



def test_dates_are_written_as_before():
    """The journal's and ejson's fast date text equals the strftime form they had."""
    from datetime import timedelta

    from app.core.database import ejson

    def before(moment: datetime) -> str:
        moment = moment.astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    rng = random.Random(3)
    origin = datetime(1000, 1, 1, tzinfo=timezone.utc)
    for _ in range(2000):
        moment = origin + timedelta(microseconds=rng.randrange(9000 * 365 * 86400 * 10**6))
        assert journal._special(moment) == {"$date": before(moment)} == {"$date": ejson.iso_date(moment)}
    eight = timezone(timedelta(hours=8))
    moment = datetime(2024, 1, 1, 8, 0, 0, 999999, tzinfo=eight)
    assert journal._special(moment) == {"$date": before(moment)} == {"$date": "2024-01-01T00:00:00.999Z"}


@pytest.mark.parametrize("lines", [2, 300, 3000])
def test_objectids_and_dates_are_stored_as_values_small_or_big(tmp_path, lines):
    """A small import travels as EJSON (the log keeps it whole, as before), a big one as checked
    documents: either way an ObjectId _id and a date are stored as values, not text."""
    from bson.objectid import ObjectId

    source = tmp_path / "oids.jsonl"
    source.write_text("".join(json.dumps({"_id": {"$oid": f"{i:024x}"}, "d": {"$date": "2024-01-01T00:00:00.000Z"}})
                              + "\n" for i in range(lines)), encoding="utf-8")
    ws = Workspace.open(tmp_path / "ws")
    try:
        ws.handle(Request("database.importFile", {"collectionName": "o", "localPath": str(source),
                                                  "createCollection": True}, Caller.console("test")))
        doc = ws.database.store.get("o", ObjectId(f"{1:024x}"))
        assert doc is not None and doc["d"] == datetime(2024, 1, 1, tzinfo=timezone.utc)
        logged = next(e for e in ws.events.recent() if e.action == "database.importDocuments")
        if lines < 3000:  # the log keeps them whole, as EJSON, as before
            assert logged.params["documents"][0] == {"_id": {"$oid": f"{0:024x}"}, "d": {"$date": "2024-01-01T00:00:00.000Z"}}
        else:
            assert "$clipped" in logged.params
    finally:
        ws.close()
