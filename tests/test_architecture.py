"""Layer rules of DESIGN §1, checked on the source rather than hoped for."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_MODULES = {"PySide6", "qasync", "shiboken6"}
MAX_LINES = 500


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt():
    """app/core is the engine: no module in it imports PySide6, shiboken6 or qasync."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "app" / "core").rglob("*.py")
        if _imports(path) & QT_MODULES
    ]
    assert offenders == []


def test_cli_starts_without_qt():
    """Importing the CLI and opening a workspace loads no Qt module at all."""
    code = (
        "import sys, app.cli, app.main, app.core.workspace; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6','qasync','shiboken6'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_modules_stay_small():
    """No module grows past the size that house style flags for a split."""
    big = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "app").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert big == {}
