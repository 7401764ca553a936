"""Security rules from the command line: `wxsim db permission … CUSTOM --rules FILE`, then
§9.8 R10 and R11 as mini program code through `wxsim run-client`; `wxsim storage permission`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import OWNER_RULES

ROOT = Path(__file__).resolve().parents[3]


def wxsim(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args, "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def script(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text(f"exports.main = async () => {body}\n", encoding="utf-8")
    return str(path)


def test_r10_r11_with_rules_set_from_a_file(tmp_path: Path):
    data = tmp_path / "data"
    roster = json.loads(wxsim(data, "personas").stdout)["personas"]
    openid = {p["name"]: p["openid"] for p in roster}
    fixture = tmp_path / "notes.jsonl"
    fixture.write_text("\n".join(json.dumps(d) for d in [
        {"_id": "a1", "_openid": openid["学生A"], "v": 1}, {"_id": "b1", "_openid": openid["学生B"], "v": 2},
        {"_id": "z1", "v": 3}]) + "\n", encoding="utf-8")
    assert wxsim(data, "db", "import", "notes", str(fixture)).returncode == 0
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(OWNER_RULES), encoding="utf-8")

    out = wxsim(data, "db", "permission", "notes", "CUSTOM", "--rules", str(rules))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"collectionName": "notes", "mode": "CUSTOM", "rules": OWNER_RULES}

    r10 = script(tmp_path, "r10.js", "(await wx.cloud.database().collection('notes')"
                                     ".where({_openid: '{openid}'}).get()).data.map(d => d._id)")
    out = wxsim(data, "run-client", r10, "--as", "学生A")
    assert out.returncode == 0 and json.loads(out.stdout) == ["a1"], out.stderr
    r11 = script(tmp_path, "r11.js", "wx.cloud.database().collection('notes').where({}).get()")
    out = wxsim(data, "run-client", r11, "--as", "学生A")
    assert out.returncode == 1 and json.loads(out.stdout)["errCode"] == -502003, out.stdout

    bad = tmp_path / "bad.json"
    bad.write_text('{"read": "doc._openid == auth.openid ||", "write": true}', encoding="utf-8")
    out = wxsim(data, "db", "permission", "notes", "CUSTOM", "--rules", str(bad))
    assert out.returncode == 2 and out.stdout == ""
    assert 'The "read" rule, line 1, column 30: expected a value after \'||\'' in out.stderr
    saved = json.loads((data / "workspace.json").read_text(encoding="utf-8"))
    assert saved["database_rules"]["notes"] == OWNER_RULES  # the previous rules stay in force


def test_rules_flags_are_checked(tmp_path: Path):
    data = tmp_path / "data"
    out = wxsim(data, "db", "permission", "todos", "CUSTOM")
    assert out.returncode == 2 and "CUSTOM needs --rules FILE" in out.stderr
    rules = tmp_path / "rules.json"
    rules.write_text('{"read": NaN}', encoding="utf-8")
    out = wxsim(data, "db", "permission", "todos", "CUSTOM", "--rules", str(rules))
    assert out.returncode == 2 and str(rules) in out.stderr and "NaN" in out.stderr
    out = wxsim(data, "db", "permission", "todos", "READONLY", "--rules", str(rules))
    assert out.returncode == 2 and "--rules goes with the mode CUSTOM" in out.stderr
    out = wxsim(data, "db", "permission", "todos", "CUSTOM", "--rules", str(tmp_path / "nope.json"))
    assert out.returncode == 2 and "Cannot read the rules file" in out.stderr


def test_storage_permission_command(tmp_path: Path):
    data = tmp_path / "data"
    rules = tmp_path / "storage.json"
    rules.write_text('{"read": true, "write": "resource.openid == auth.openid"}', encoding="utf-8")
    out = wxsim(data, "storage", "permission", "CUSTOM", "--rules", str(rules))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rules"] == {"read": True, "write": "resource.openid == auth.openid"}
    out = wxsim(data, "storage", "permission", "PRIVATE")
    assert out.returncode == 0 and json.loads(out.stdout)["mode"] == "PRIVATE"
    saved = json.loads((data / "workspace.json").read_text(encoding="utf-8"))
    assert saved["storage_permission"] == "PRIVATE" and saved["storage_rules"]["read"] is True
    out = wxsim(data, "storage", "permission", "CUSTOM", "--rules", str(tmp_path / "nope.json"))
    assert out.returncode == 2
