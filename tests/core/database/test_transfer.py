"""The console's import/export file formats (wxcloud-api.md §8): JSON Lines and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone

import pytest

from app.core.database.transfer import (
    LineError,
    ParsedImport,
    export_documents,
    parse_field_list,
    parse_import,
)
from app.core.errors import InputError

UTC = timezone.utc
WHEN = datetime(2018, 8, 31, 17, 30, 0, 882000, tzinfo=UTC)


def jsonl(*lines: str) -> ParsedImport:
    return parse_import(io.StringIO("\n".join(lines) + "\n"), "jsonl")


def csv_import(text: str) -> ParsedImport:
    return parse_import(io.StringIO(text, newline=""), "csv")


def export(docs, fmt, fields=None) -> str:
    out = io.StringIO(newline="")
    export_documents(docs, fmt, out, fields=fields)
    return out.getvalue()


def only_error(parsed: ParsedImport) -> str:
    assert len(parsed.errors) == 1, parsed.errors
    return parsed.errors[0].message


# --- JSON Lines import ----------------------------------------------------------------------


def test_jsonl_reads_one_object_per_line_in_file_order():
    """Each line is one document, in file order, keeping its _id."""
    parsed = jsonl('{"_id": "a", "n": 1}', '{"_id": 2, "tags": ["x"], "ok": true, "v": null}', "{}")
    assert parsed == ParsedImport(
        [{"_id": "a", "n": 1}, {"_id": 2, "tags": ["x"], "ok": True, "v": None}, {}], []
    )


def test_jsonl_decodes_ejson_dates_and_numbers():
    """{"$date": …} becomes an aware UTC datetime; $numberInt/$numberLong/$numberDouble numbers."""
    parsed = jsonl(
        '{"due": {"$date": "2018-08-31T17:30:00.882Z"}, "i": {"$numberInt": "7"},'
        ' "l": {"$numberLong": "9007199254740993"}, "d": {"$numberDouble": "1.5"},'
        ' "deep": {"list": [{"at": {"$date": {"$numberLong": "1535736600882"}}}]}}'
    )
    assert parsed.errors == []
    [doc] = parsed.documents
    assert doc == {"due": WHEN, "i": 7, "l": 9007199254740993, "d": 1.5,
                   "deep": {"list": [{"at": WHEN}]}}
    assert doc["due"].tzinfo is not None and type(doc["l"]) is int


def test_jsonl_skips_blank_lines_but_counts_them():
    """Blank and whitespace-only lines are skipped; line numbers still count them."""
    parsed = jsonl('{"a": 1}', "", "   ", "{oops}")
    assert parsed.documents == [{"a": 1}]
    assert parsed.errors[0].line == 4


def test_jsonl_bad_json_names_the_line_and_column():
    """A line that is not JSON says which line and what the parser expected."""
    parsed = jsonl('{"a": 1}', '{"a": 1}', '{"a": 1}', '{"a": 1}', '{"a": 1}', '{"a": 1}',
                   '{"name": "x" "age": 3}', '{"b": 2}')
    assert parsed.errors == [
        LineError(7, "Line 7: not valid JSON (Expecting ',' delimiter at column 14)")
    ]
    assert len(parsed.documents) == 7  # the other lines still import


def test_jsonl_object_split_over_lines_gets_a_hint():
    """A pretty-printed object fails with a hint that each object must fit on one line."""
    message = jsonl('{"a": 1,').errors[0].message
    assert message.startswith("Line 1: not valid JSON (") and "complete on one line" in message


def test_jsonl_two_objects_on_one_line():
    """Two objects on one line are refused in plain words."""
    assert "one object per line" in only_error(jsonl('{"a": 1} {"b": 2}'))


@pytest.mark.parametrize("text", ['[{"a": 1}, {"a": 2}]', '[\n{"a": 1},\n{"a": 2}\n]', "\n  [1]",
                                  '\ufeff[{"a": 1}]'])
def test_jsonl_refuses_a_json_array_file(text):
    """A JSON array file is refused: the console wants JSON Lines, one object per line."""
    with pytest.raises(InputError, match=r"JSON array.*JSON Lines: one JSON object per line"):
        parse_import(io.StringIO(text), "jsonl")


@pytest.mark.parametrize(("line", "what"), [
    ("[1, 2]", "an array"), ("3", "a number"), ('"x"', "a string"), ("null", "null"),
    ("true", "true/false"), ('{"$date": "2018-08-31T17:30:00.882Z"}', "a date"),
])
def test_jsonl_each_line_must_be_an_object(line, what):
    """A later line that is not an object is a line error naming what it is."""
    parsed = jsonl('{"a": 1}', line)
    assert parsed.errors == [LineError(2, f"Line 2: each line must be one JSON object, not {what}")]


@pytest.mark.parametrize(("line", "message"), [
    ('{".a": 1}', 'field name ".a" starts with "."'),
    ('{"a.": 1}', 'field name "a." ends with "."'),
    ('{"a..b": 1}', 'field name "a..b" contains ".."'),
    ('{"": 1}', "a field name is empty"),
    ('{"x": {".y": 1}}', 'field name ".y" starts with "."'),
    ('{"$set": {"a": 1}}', 'field name "$set" starts with "$"'),
    ('{"a.$b.c": 1}', 'field name "a.$b.c" starts with "$"'),
    ('{"a": 1, "a": 2}', 'field "a" appears twice'),
    ('{"a": 1, "a.b": 2}', 'fields "a" and "a.b" are ambiguous'),
    ('{"a.b.c": 1, "a.b": 2}', 'fields "a.b.c" and "a.b" are ambiguous'),
    ('{"a": {"c": 1}, "a.b": 2}', 'fields "a" and "a.b" are ambiguous'),
    ('{"a.b": 1, "a.b": 2}', 'field "a.b" appears twice'),
    ('{"x": [{"k": 1, "k": 2}]}', 'field "k" appears twice'),
])
def test_jsonl_key_rules(line, message):
    """Bad or ambiguous field names are line errors saying which name and why."""
    error = only_error(jsonl(line))
    assert error.startswith("Line 1: ") and message in error


def test_jsonl_dotted_keys_expand_into_nested_objects():
    """{"a.b": 1} is stored as {"a": {"b": 1}}, at any depth, merging siblings."""
    parsed = jsonl('{"a.b": 1, "a.c.d": "x", "e": [{"f.g": true}], "h": {"i.j": 2}}')
    assert parsed.documents == [
        {"a": {"b": 1, "c": {"d": "x"}}, "e": [{"f": {"g": True}}], "h": {"i": {"j": 2}}}
    ]


@pytest.mark.parametrize("doc_id", ['"abc"', "7", "7.5", '"中文"', '{"$numberLong": "12"}'])
def test_jsonl_id_may_be_a_string_or_a_number(doc_id):
    """_id keeps its type when it is a string or a number."""
    parsed = jsonl(f'{{"_id": {doc_id}}}')
    assert parsed.errors == [] and parsed.documents[0]["_id"] == json.loads(doc_id.replace(
        '{"$numberLong": "12"}', "12"))


@pytest.mark.parametrize(("doc_id", "what"), [
    ('{"a": 1}', "_id must be a string or a number, not an object"),
    ("[1]", "_id must be a string or a number, not an array"),
    ("true", "_id must be a string or a number, not true/false"),
    ("null", "_id must be a string or a number, not null"),
    ('{"$date": "2018-08-31T17:30:00.882Z"}', "_id must be a string or a number, not a date"),
    ('""', 'cannot name a record'),
])
def test_jsonl_other_ids_are_line_errors(doc_id, what):
    """Any other _id is refused with a line error."""
    assert what in only_error(jsonl(f'{{"_id": {doc_id}, "n": 1}}'))


def test_jsonl_dotted_id_is_an_object_id_error():
    """"_id.x" would make _id an object, which is not allowed."""
    assert "_id must be a string or a number" in only_error(jsonl('{"_id.x": 1}'))


@pytest.mark.parametrize(("value", "message"), [
    ('{"$timestamp": {"t": 1, "i": 1}}', "Timestamp values are not supported"),  # ObjectIds are stored (issue 19)
    ('{"$date": "yesterday"}', "bad extended JSON value"),
    ('{"$date": "2018-08-31T17:30:00.882Z", "x": 1}', "bad extended JSON value"),
    ('{"$tcb_server_date": 1}', 'field name "$tcb_server_date" starts with "$"'),
])
def test_jsonl_bad_or_unsupported_ejson(value, message):
    """EJSON the engine cannot store is a line error, not a crash."""
    assert message in only_error(jsonl(f'{{"v": {value}}}'))


def test_jsonl_dollar_in_values_and_escaped_wrapper_names():
    """"$" inside text is just text; a wrapper name written as \\u0024date is still a date."""
    parsed = jsonl('{"price": "$5", "at": {"\\u0024date": "2018-08-31T17:30:00.882Z"}}')
    assert parsed == ParsedImport([{"price": "$5", "at": WHEN}], [])
    assert 'starts with "$"' in only_error(jsonl('{"\\u0024set": 1}'))


def test_jsonl_bom_crlf_and_chinese_text(tmp_path):
    """A UTF-8 BOM is ignored, CRLF endings work, Chinese text survives, from a real file."""
    path = tmp_path / "import.json"
    path.write_bytes('\ufeff{"_id": "一", "名字": "张三"}\r\n\r\n{"城市": "北京"}\r\n'.encode())
    with path.open(encoding="utf-8") as stream:
        parsed = parse_import(stream, "jsonl")
    assert parsed == ParsedImport([{"_id": "一", "名字": "张三"}, {"城市": "北京"}], [])
    with path.open(encoding="utf-8", newline="") as stream:  # \r\n kept on each line
        assert parse_import(stream, "jsonl") == parsed


def test_import_refuses_text_that_is_not_utf8():
    """Bytes that are not UTF-8 give an InputError telling the user to save as UTF-8."""
    stream = io.TextIOWrapper(io.BytesIO('{"a": "中"}\n'.encode("gbk")), encoding="utf-8")
    with pytest.raises(InputError, match="not UTF-8"):
        parse_import(stream, "jsonl")


def test_import_accepts_any_iterable_of_lines():
    """A plain iterable of lines (here a generator) is enough; nothing needs the whole file."""
    lines = (f'{{"n": {i}}}' for i in range(3))
    assert parse_import(lines, "jsonl").documents == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_unknown_format_is_a_programming_error():
    """Only "jsonl" and "csv" exist."""
    with pytest.raises(ValueError):
        parse_import([], "xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        export_documents([], "xml", io.StringIO())  # type: ignore[arg-type]


def test_empty_files_import_nothing():
    """An empty file is no documents and no errors, in both formats."""
    assert parse_import(io.StringIO(""), "jsonl") == ParsedImport([], [])
    assert parse_import(io.StringIO(""), "csv") == ParsedImport([], [])


# --- CSV import -----------------------------------------------------------------------------


def test_csv_infers_cell_types():
    """Numbers, true/false, null and JSON objects/arrays are typed; everything else is text."""
    parsed = csv_import(
        "_id,int,float,exp,yes,no,nil,obj,arr,text,zero\n"
        'r1,42,-2.5,1e3,true,false,null,"{""x"": [1, 2]}","[1, ""a""]",hello,007\n'
    )
    assert parsed == ParsedImport([{
        "_id": "r1", "int": 42, "float": -2.5, "exp": 1000.0, "yes": True, "no": False,
        "nil": None, "obj": {"x": [1, 2]}, "arr": [1, "a"], "text": "hello", "zero": "007",
    }], [])


@pytest.mark.parametrize(("cell", "value"), [
    ("TRUE", "TRUE"), ("1.", "1."), ("+1", "+1"), (" 12", " 12"), ("0x10", "0x10"),
    ("NaN", "NaN"), ("1e999", "1e999"), ("12345678901234567890", "12345678901234567890"),
    ("9007199254740992", 9007199254740992), ("-0.5", -0.5), ("{not json", "{not json"),
    ("[1, 2", "[1, 2"), ("2018-08-31T17:30:00.882Z", "2018-08-31T17:30:00.882Z"),
    ('"quoted"', '"quoted"'), ("中文", "中文"), ('{"$date": "2018-08-31T17:30:00.882Z"}', WHEN),
    ('{"a.b": 1}', {"a": {"b": 1}}),
])
def test_csv_cell_inference_edges(cell, value):
    """Only exact JSON numbers/literals are typed; long integers and overflows stay text."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["v"], [cell]])
    parsed = csv_import(out.getvalue())
    assert parsed.errors == [] and parsed.documents == [{"v": value}]


def test_csv_id_stays_text():
    """_id cells are ids, not quantities: 42 stays "42" so it matches the exported string id."""
    assert csv_import("_id,n\n42,42\n").documents == [{"_id": "42", "n": 42}]


def test_csv_empty_cells_omit_the_field_and_short_rows_are_fine():
    """An empty cell or a missing trailing cell leaves the field out."""
    parsed = csv_import("_id,a,b\nx,,2\ny,1\n")
    assert parsed.documents == [{"_id": "x", "b": 2}, {"_id": "y", "a": 1}]


def test_csv_dotted_headers_make_nested_objects():
    """A header a.b makes {"a": {"b": …}}, merging siblings."""
    parsed = csv_import("_id,style.color,style.size,n\nt1,red,L,1\nt2,blue,,2\n")
    assert parsed.documents == [
        {"_id": "t1", "style": {"color": "red", "size": "L"}, "n": 1},
        {"_id": "t2", "style": {"color": "blue"}, "n": 2},
    ]


def test_csv_too_many_cells_is_a_line_error_counting_the_header_as_line_1():
    """A row with more cells than header names is refused; the header is line 1."""
    parsed = csv_import("a,b\n1,2\n1,2,3\n4,5\n")
    assert parsed.documents == [{"a": 1, "b": 2}, {"a": 4, "b": 5}]
    assert parsed.errors == [LineError(3, "Line 3: 3 values but the header names only 2 fields")]


def test_csv_line_numbers_follow_multiline_cells():
    """A quoted cell spanning lines is one row; later rows report their real line numbers."""
    parsed = csv_import('a,b\n"one\ntwo",1\n1,2,3\n')
    assert parsed.documents == [{"a": "one\ntwo", "b": 1}]
    assert parsed.errors[0].line == 4


def test_csv_blank_rows_are_skipped():
    """Blank lines and rows of only empty cells (spreadsheet leftovers) are not documents."""
    assert csv_import("a,b\n1,2\n\n,\n3,4\n").documents == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]


def test_csv_bad_json_keys_in_a_cell_are_a_line_error():
    """A JSON cell with bad field names names the column and the problem."""
    error = only_error(csv_import('a\n"{""x"": 1, ""x"": 2}"\n'))
    assert error == 'Line 2: column "a": field "x" appears twice'


def test_csv_id_rule_applies():
    """A dotted _id header would make _id an object: every row is refused."""
    with pytest.raises(InputError, match="ambiguous"):
        csv_import("_id,_id.x\n1,2\n")
    assert "_id must be a string or a number" in only_error(csv_import("_id.x\n1\n"))


@pytest.mark.parametrize(("header", "message"), [
    ("a,,b", "field 2 has no name"),
    ("a,b,", "field 3 has no name"),
    ("a,a", 'field "a" appears twice'),
    ("a,a.b", 'fields "a" and "a.b" are ambiguous'),
    ("a..b", 'contains ".."'),
    (".a", 'starts with "."'),
    ("$a", 'starts with "$"'),
    (",", "field 1 has no name"),
])
def test_csv_header_problems_refuse_the_file(header, message):
    """A bad header makes the whole file unusable: InputError naming line 1."""
    with pytest.raises(InputError, match=r"^Line 1") as info:
        csv_import(f"{header}\n1,2\n")
    assert message in str(info.value)


def test_csv_header_names_are_trimmed():
    """Spaces around header names (typed by hand) are not part of the name."""
    assert csv_import("_id, name\nx,张三\n").documents == [{"_id": "x", "name": "张三"}]


def test_csv_bom_crlf_and_chinese(tmp_path):
    """A BOM (Excel's UTF-8 CSV) is ignored, CRLF works, Chinese survives."""
    path = tmp_path / "import.csv"
    path.write_bytes("\ufeff_id,名字,城市.区\r\nu1,张三,海淀\r\nu2,\"李, 四\",\r\n".encode())
    with path.open(encoding="utf-8", newline="") as stream:
        parsed = parse_import(stream, "csv")
    assert parsed == ParsedImport(
        [{"_id": "u1", "名字": "张三", "城市": {"区": "海淀"}}, {"_id": "u2", "名字": "李, 四"}], []
    )
    with path.open(encoding="utf-8") as stream:  # universal newlines mode, too
        assert parse_import(stream, "csv") == parsed


# --- export ---------------------------------------------------------------------------------


def test_jsonl_export_writes_relaxed_ejson_one_object_per_line():
    """All fields, one object per line, dates as {"$date": …Z}, Chinese as itself."""
    docs = [{"_id": "a", "when": WHEN, "名": "张三", "n": [1, {"x": None}]}, {"_id": 2}]
    out = io.StringIO()
    assert export_documents(docs, "jsonl", out) == 2
    lines = out.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == 3
    assert json.loads(lines[0]) == {"_id": "a", "when": {"$date": "2018-08-31T17:30:00.882Z"},
                                    "名": "张三", "n": [1, {"x": None}]}
    assert "张三" in lines[0]


def test_jsonl_export_with_fields_keeps_only_those_paths_nested():
    """Given fields, only those dot paths are written, nested as in the doc; missing are left out."""
    docs = [{"_id": "t1", "title": "A", "style": {"color": "red", "size": "L"}, "n": 1},
            {"_id": "t2", "style": "plain"}]
    text = export(docs, "jsonl", ["_id", "style.color", "missing", "style.size.x"])
    assert [json.loads(line) for line in text.splitlines()] == [
        {"_id": "t1", "style": {"color": "red"}}, {"_id": "t2"}]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_refuses_overlapping_fields(fmt):
    """"style" with "style.color" is ambiguous, as it is in an import header: refused."""
    with pytest.raises(InputError, match='fields "style" and "style.color" are ambiguous'):
        export_documents([], fmt, io.StringIO(), fields=["style", "style.color"])


def test_jsonl_export_with_fields_leaves_documents_alone():
    """Picking fields builds new objects; the exported documents are not changed."""
    docs = [{"style": {"color": "red", "size": "L"}, "n": 1}]
    assert json.loads(export(docs, "jsonl", ["style.color", "n"])) == {
        "style": {"color": "red"}, "n": 1}
    assert docs == [{"style": {"color": "red", "size": "L"}, "n": 1}]


@pytest.mark.parametrize("fields", [None, []])
def test_csv_export_needs_a_field_list(fields):
    """CSV export without fields says what to give."""
    with pytest.raises(InputError, match="^CSV export needs a field list, e.g. _id,name,age$"):
        export_documents([{"a": 1}], "csv", io.StringIO(), fields=fields)


def test_csv_export_formats_cells():
    """Header = fields; dot paths; JSON for objects/arrays; ISO dates; empty for missing."""
    docs = [{"_id": "t1", "ok": True, "no": False, "nil": None, "n": 2.5, "i": 3,
             "style": {"color": "红", "tags": ["a", "b"]}, "when": WHEN,
             "deep": {"at": WHEN}, "s": "a, \"b\""}]
    fields = ["_id", "ok", "no", "nil", "n", "i", "style.color", "style.tags", "when", "deep",
              "s", "missing", "style.none", "s2.x"]
    assert export(docs, "csv", fields).split("\n") == [
        ",".join(fields),
        't1,true,false,null,2.5,3,红,"[""a"",""b""]",2018-08-31T17:30:00.882Z,'
        '"{""at"":{""$date"":""2018-08-31T17:30:00.882Z""}}","a, ""b""",,,',
        "",
    ]


def test_export_refuses_bad_field_names():
    """Field lists passed straight to export are checked like parsed ones."""
    with pytest.raises(InputError, match="twice"):
        export_documents([], "csv", io.StringIO(), fields=["a", "a"])
    with pytest.raises(InputError, match=r'"a\.\.b" contains'):
        export_documents([], "jsonl", io.StringIO(), fields=["a..b"])


def test_export_accepts_a_generator_and_counts():
    """Documents are streamed from any iterable; the count written comes back."""
    out = io.StringIO()
    assert export_documents(({"n": i} for i in range(5)), "csv", out, fields=["n"]) == 5
    assert out.getvalue() == "n\n0\n1\n2\n3\n4\n"


# --- round trips ----------------------------------------------------------------------------


def test_jsonl_round_trip_is_exact(engine_collections):
    """Export then import gives back exactly the same documents, types and all."""
    docs = [doc for docs in engine_collections.values() for doc in docs] + [
        {"_id": 7, "when": WHEN, "名字": "张三", "f": 1.0, "big": 2**60, "neg": -0.0,
         "nested": {"list": [{"at": WHEN}, [], {}], "empty": ""}, "nil": None},
    ]
    parsed = parse_import(io.StringIO(export(docs, "jsonl")), "jsonl")
    assert parsed == ParsedImport(docs, [])
    assert type(parsed.documents[-1]["f"]) is float


def test_csv_round_trip_scalar_and_nested(todo_docs):
    """Scalar and nested fields (and arrays/objects as JSON) survive CSV export + import."""
    docs = todo_docs + [{"_id": "t5", "title": "中文, \"引号\"\n第二行", "progress": 0.5,
                         "style": {"color": "绿", "size": "S"}}]
    fields = ["_id", "title", "done", "progress", "tags", "style.color", "style.size", "numbers"]
    parsed = parse_import(io.StringIO(export(docs, "csv", fields), newline=""), "csv")
    assert parsed == ParsedImport(docs, [])


def test_csv_round_trip_with_whole_objects():
    """An object column is written as JSON and read back as the object, dates included."""
    docs = [{"_id": "x", "meta": {"at": WHEN, "k": [1, "二"]}}]
    parsed = parse_import(io.StringIO(export(docs, "csv", ["_id", "meta"])), "csv")
    assert parsed.documents == docs


# --- field lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fields"), [
    ("_id, name,age", ["_id", "name", "age"]),
    ("  style.color ", ["style.color"]),
    ("_id，名字, 年龄", ["_id", "名字", "年龄"]),
])
def test_parse_field_list(text, fields):
    """Comma-separated names, trimmed; a Chinese comma also separates."""
    assert parse_field_list(text) == fields


@pytest.mark.parametrize(("text", "message"), [
    ("", "The field list is empty"),
    ("   ", "The field list is empty"),
    ("_id,,name", "In the field list: field 2 has no name"),
    ("_id,name,", "In the field list: field 3 has no name"),
    ("name, name", 'In the field list: field "name" appears twice'),
    ("a, a.b", 'In the field list: fields "a" and "a.b" are ambiguous'),
    ("a..b", 'field name "a..b" contains ".."'),
    (".a", 'field name ".a" starts with "."'),
])
def test_parse_field_list_refuses(text, message):
    """Empty names, duplicates and bad dots are InputErrors in plain words."""
    with pytest.raises(InputError, match=re.escape(message)):
        parse_field_list(text)


# --- big files ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_100k_lines_parse_streamed_with_progress(fmt):
    """A 100,000-line file parses from an iterator of lines, reporting progress as it goes
    (its speed is bench/db.py's business, not a test's)."""
    count = 100_000
    if fmt == "jsonl":
        lines = (f'{{"_id": "id{i}", "n": {i}, "name": "名字{i}", "tags": ["a", "b"], '
                 f'"style.color": "red", "at": {{"$date": "2018-08-31T17:30:00.882Z"}}}}\n'
                 for i in range(count))
    else:
        lines = iter(["_id,n,name,style.color,tags\n"]
                     + [f'id{i},{i},名字{i},red,"[""a"",""b""]"\n' for i in range(count - 1)])
    reports: list[int] = []
    parsed = parse_import(lines, fmt, progress=reports.append)  # type: ignore[arg-type]
    assert parsed.errors == []
    assert len(parsed.documents) == (count if fmt == "jsonl" else count - 1)
    assert parsed.documents[5]["style"] == {"color": "red"}
    assert reports == list(range(1000, count + 1, 1000))


def test_import_progress_ends_with_the_line_count():
    """Progress comes every 1000 lines and once more with the total at the end."""
    reports: list[int] = []
    lines = ["a\n"] + [f"{i}\n" for i in range(2499)]
    assert len(parse_import(lines, "csv", progress=reports.append).documents) == 2499
    assert reports == [1000, 2000, 2500]


def test_export_progress_every_thousand():
    """Export reports progress every 1000 documents and at the end."""
    reports: list[int] = []
    docs = ({"n": i} for i in range(2500))
    assert export_documents(docs, "jsonl", io.StringIO(), progress=reports.append) == 2500
    assert reports == [1000, 2000, 2500]
