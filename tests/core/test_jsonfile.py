"""The crash-safe JSON writer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from app.core.jsonfile import TEMP_PREFIX, read_json, remove_stale_temp_files, write_json

ROOT = Path(__file__).resolve().parents[2]


def test_write_then_read_round_trips_unicode(tmp_path):
    """What is written is read back exactly, Chinese included."""
    target = tmp_path / "sub" / "state.json"
    write_json(target, {"name": "学生A", "n": [1, 2.5, None]})
    assert read_json(target) == {"name": "学生A", "n": [1, 2.5, None]}
    assert list(target.parent.iterdir()) == [target]  # no temp file left behind


def test_missing_file_gives_default(tmp_path):
    assert read_json(tmp_path / "nope.json", default={"x": 1}) == {"x": 1}


def test_stale_temp_files_are_removed(tmp_path):
    """A temp file left by a killed write is cleaned up; real files are not touched."""
    (tmp_path / f"{TEMP_PREFIX}abc").write_text("{half")
    (tmp_path / "keep.json").write_text("{}")
    assert remove_stale_temp_files(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_kill_during_writes_never_leaves_a_corrupt_file(tmp_path):
    """kill -9 in the middle of a stream of writes leaves a whole, parseable file."""
    target = tmp_path / "state.json"
    script = (
        "import sys; from pathlib import Path; from app.core.jsonfile import write_json\n"
        "p = Path(sys.argv[1]); i = 0\n"
        "while True:\n"
        "    write_json(p, {'i': i, 'pad': 'x' * 200_000}); i += 1\n"
        "    if i == 3: print('ready', flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    data = json.loads(target.read_text())
    assert data["i"] >= 2 and len(data["pad"]) == 200_000
