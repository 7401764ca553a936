"""Layer rules of DESIGN §1, checked on the source rather than hoped for."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_MODULES = {"PySide6", "qasync", "shiboken6"}
MAX_LINES = 500
REQUEST_API = "app.core.api"
# Front-end modules allowed to import other parts of core or hold the workspace: none.
FRONT_END_EXCEPTIONS: set[str] = set()


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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the app modules it imports, anywhere in it (lazy and TYPE_CHECKING ones too)."""
    modules = {_module_name(p): p for p in (ROOT / "app").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:  # `from package import module` names the module
                    child = f"{node.module}.{alias.name}"
                    targets.add(child if child in modules else node.module)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circles():
    """Modules in app/ form a hierarchy: no two import each other, directly or round a loop."""
    assert _circles(_import_graph()) == []


def test_the_circle_check_finds_a_circle():
    """The check itself: a loop of three is reported as one group."""
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _front_ends() -> list[Path]:
    """The modules of app/ui and the CLI, but those in FRONT_END_EXCEPTIONS."""
    paths = [*sorted((ROOT / "app" / "ui").rglob("*.py")), ROOT / "app" / "cli.py"]
    return [p for p in paths if p.relative_to(ROOT).as_posix() not in FRONT_END_EXCEPTIONS]


def _core_modules_imported(path: Path) -> set[str]:
    """The app.core modules ``path`` imports, anywhere in it (lazy and TYPE_CHECKING ones too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "app.core" or node.module == "app":  # `from app.core import x` names x
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return {n for n in names if n == "app.core" or n.startswith("app.core.")}


def test_front_ends_reach_core_only_through_the_request_api():
    """One way in (DESIGN §1–§2): app/ui and app/cli.py import from core only app.core.api."""
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(imported)
        for path in _front_ends()
        if (imported := _core_modules_imported(path) - {REQUEST_API})
    }
    assert offenders == {}


def test_the_import_check_sees_every_form_of_import(tmp_path):
    """The check itself: plain, from-, package-relative-to-app and function-local imports count."""
    module = tmp_path / "m.py"
    module.write_text(
        "import app.core.events\nfrom app.core.api import Caller\nfrom app.core import jsontext\n"
        "from app import core\nfrom app.ui.bridge import ADMIN\n"
        "def later():\n    from app.core.storage.permissions import decide\n",
        encoding="utf-8",
    )
    assert _core_modules_imported(module) == {
        "app.core.events", "app.core.api", "app.core.jsontext", "app.core", "app.core.storage.permissions"}


BRIDGE_BYPASS = re.compile(r"bridge\.workspace\b|bridge\.run\(")


def test_panes_never_hold_the_workspace_or_run_core_functions():
    """No pane reaches past the bridge's requests: no ``bridge.workspace``, no ``bridge.run(…)``."""
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
        for path in _front_ends()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BRIDGE_BYPASS.search(line)
    ]
    assert found == []


def test_async_slots_end_with_their_widget():
    """Every async slot in app/ui is app.ui.async_slot's, whose task is cancelled when its
    widget is destroyed; qasync's own asyncSlot would let it resume on a deleted widget."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "app" / "ui").rglob("*.py")
        if re.search(r"\basyncSlot\b", "\n".join(
            line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith(("#", '"'))
        )) and path.name != "async_slot.py"
    ]
    assert offenders == []


def test_start_up_leaves_first_use_modules_unloaded():
    """What a session may never use loads on first use, not at start-up (DESIGN's 0.6 s budget):
    QR drawing and the cloud-call handlers on the first cloud call, watch with the first listener."""
    import subprocess
    import sys

    lazy = ("segno", "app.core.openapi.templates", "app.core.openapi.wxacode", "app.core.openapi.messages",
            "app.core.database.watch", "app.core.database.listener", "app.core.database.changes")
    probe = f"import sys, app.main, app.core.workspace; print(sorted(m for m in {lazy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


OS_BRANCH = re.compile(r"\bsys\.platform\b|\bos\.name\b|\bplatform\.system\(|^\s*import (fcntl|msvcrt)\b|\bwindll\b",
                       re.MULTILINE)


def test_every_os_difference_goes_through_host_os():
    """Windows/macOS/Linux branches live in app/core/host_os.py alone, where each is tested on Linux."""
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "app").rglob("*.py")
        if path.name != "host_os.py" and OS_BRANCH.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _text_writes_without_newline(source: str) -> list[int]:
    """Lines opening a file for writing in text mode without ``newline=`` (Windows would write "\\r\\n")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if "newline" in keywords:
            continue
        if name == "write_text":
            found.append(node.lineno)
        elif name in ("open", "fdopen"):
            # open(path, mode), os.fdopen(fd, mode), io.open(path, mode); but path.open(mode)
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            is_path_open = name == "open" and receiver is not None and getattr(receiver, "id", None) not in ("os", "io")
            position = 0 if is_path_open else 1
            args = [*node.args[position:position + 1], *(k.value for k in node.keywords if k.arg == "mode")]
            mode = args[0].value if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) else "r"
            if set(mode) & set("wax+") and "b" not in mode:
                found.append(node.lineno)
    return found


def test_text_files_are_written_with_the_same_line_ends_everywhere():
    """Every text file app/ writes says newline= (host_os.NEWLINE), so data folders, exports and
    scenarios have the same bytes on Windows as on Linux."""
    offenders = {
        path.relative_to(ROOT).as_posix(): lines
        for path in (ROOT / "app").rglob("*.py")
        if (lines := _text_writes_without_newline(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_line_end_check_sees_text_writes():
    source = ('open(p, "w")\nopen(p, "wb")\nos.fdopen(fd, "a", encoding="utf-8")\np.write_text("x")\n'
              'p.write_text("x", newline="")\np.open("w", newline="")\np.open("a")\nopen(p)\n')
    assert _text_writes_without_newline(source) == [1, 3, 4, 7]
