"""``wxsim db index create|drop|list`` (DESIGN §5): JSON on stdout, the usual exit codes."""

from __future__ import annotations

import json

from tests.core.test_cli import wxsim


def _people(tmp_path) -> str:
    data = tmp_path / "people.jsonl"
    data.write_text("".join(json.dumps({"_id": f"p{i}", "city": ["sh", "bj"][i % 2], "age": i}) + "\n"
                            for i in range(6)), encoding="utf-8")
    out = wxsim("db", "import", "people", str(data), "--data-dir", str(tmp_path / "d"))
    assert out.returncode == 0, out.stderr
    return str(tmp_path / "d")


def test_create_list_drop(tmp_path):
    data_dir = _people(tmp_path)
    out = wxsim("db", "index", "create", "people", "city,age:-1", "--data-dir", data_dir)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"index": {"name": "city_1_age_-1", "unique": False, "builtin": False, "keys": [
        {"field": "city", "direction": 1}, {"field": "age", "direction": -1}]}}
    out = wxsim("db", "index", "create", "people", "age", "--unique", "--name", "by_age", "--data-dir", data_dir)
    assert out.returncode == 0, out.stderr
    out = wxsim("db", "index", "list", "people", "--data-dir", data_dir)
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)["indexes"]
    assert [(i["name"], i["unique"], i["builtin"]) for i in listed] == [
        ("_id_", True, True), ("city_1_age_-1", False, False), ("by_age", True, False)]
    out = wxsim("db", "index", "drop", "people", "by_age", "--data-dir", data_dir)
    assert out.returncode == 0 and json.loads(out.stdout) == {"dropped": "by_age"}
    out = wxsim("db", "index", "list", "people", "--data-dir", data_dir)
    assert [i["name"] for i in json.loads(out.stdout)["indexes"]] == ["_id_", "city_1_age_-1"]


def test_refusals_and_exit_codes(tmp_path):
    data_dir = _people(tmp_path)
    out = wxsim("db", "index", "create", "people", "city", "--unique", "--data-dir", data_dir)
    assert out.returncode == 1 and out.stdout == ""
    assert 'E11000 duplicate key error collection: people index: city_1 dup key: { city: "' in out.stderr
    out = wxsim("db", "index", "create", "people", "city:2", "--data-dir", data_dir)
    assert out.returncode == 2 and out.stdout == ""
    out = wxsim("db", "index", "drop", "people", "_id_", "--data-dir", data_dir)
    assert out.returncode == 1 and "cannot drop the _id_ index" in out.stderr
    out = wxsim("db", "index", "list", "nowhere", "--data-dir", data_dir)
    assert out.returncode == 1 and "Db or Table not exist" in out.stderr
