"""Hole: a worker started from a folder holding an ``app/`` package ran that package's code."""

from __future__ import annotations

from pathlib import Path

from app.core.functions.runtime.v8 import JsPool


def test_a_planted_app_package_in_the_working_directory_is_not_run(tmp_path: Path, monkeypatch):
    """``python -m`` puts the working directory first on sys.path; workers start with ``-P``."""
    planted = tmp_path / "cwd" / "app" / "core" / "functions"
    planted.mkdir(parents=True)
    for folder in (planted, planted.parent, planted.parent.parent):
        (folder / "__init__.py").write_text("")
    marker = tmp_path / "ran-planted-code"
    (planted / "jsworker.py").write_text(f"open({str(marker)!r}, 'w').write('pwned')\n")
    function = tmp_path / "fn"
    function.mkdir()
    (function / "index.js").write_text("exports.main = async () => 'ours'")
    monkeypatch.chdir(tmp_path / "cwd")
    with JsPool(spare_workers=0) as pool:
        outcome = pool.invoke(function, {}, {}, {}, 20.0, lambda action, params: {})
    assert outcome.result == "ours", outcome.error
    assert not marker.exists()
