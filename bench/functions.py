"""Cloud-function costs through the whole request path, in one run (DESIGN §6 budgets).

    .venv/bin/python bench/functions.py [--runs 200]

- warm invocation of a trivial function through ``Workspace.handle`` (dispatcher, event log,
  worker pool), next to calling the same JS function directly in an in-process V8 context;
- the first call after the function's code changed (its instance is recycled);
- ``wxsim call`` as a whole process (Python start, workspace open, worker start, call).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from py_mini_racer import MiniRacer  # noqa: E402

from app.core.functions.sdk import call_function  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

TRIVIAL = "exports.main = async (event) => event.a + 1"


def project(root: Path) -> Path:
    (root / "cloudfunctions" / "trivial").mkdir(parents=True)
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wx0123456789abcdef", "projectname": "bench", "cloudfunctionRoot": "cloudfunctions/"}))
    (root / "cloudfunctions" / "trivial" / "index.js").write_text(TRIVIAL)
    return root


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-fn-") as folder:
        root = project(Path(folder) / "p")
        ws = Workspace.open(Path(folder) / "d", root)
        caller = ws.client_caller("学生A")
        call = lambda: call_function(ws.handle, caller, "trivial", {"a": 1})  # noqa: E731
        assert call().value["result"] == 2
        warm = median_ms(call, args.runs)

        racer = MiniRacer()
        racer.eval("var main = (event) => event.a + 1")
        direct = median_ms(lambda: racer.eval("main({a: 1})"), args.runs)

        changes = []
        for i in range(10):
            (root / "cloudfunctions" / "trivial" / "index.js").write_text(TRIVIAL + f"\n// edit {i}\n")
            start = time.perf_counter()
            call()
            changes.append(time.perf_counter() - start)
        ws.close()

        whole = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "app", "call", "trivial", "--data", '{"a": 1}',
                            "--project", str(root), "--data-dir", str(Path(folder) / "cli")],
                           cwd=ROOT, capture_output=True, check=True)
            whole.append(time.perf_counter() - start)
    print(f"warm invocation, whole request path   {warm:7.2f} ms")
    print(f"same JS called directly in V8         {direct:7.2f} ms")
    print(f"  overhead over the function body     {warm - direct:7.2f} ms   (budget ≤ 2 ms)")
    print(f"first call after a code change        {statistics.median(changes) * 1000:7.1f} ms")
    print(f"`wxsim call` as a whole process       {statistics.median(whole):7.2f} s    (budget ≤ 0.6 s)")
    print_node_comparison(args.runs)
    return 0


def print_node_comparison(runs: int) -> None:
    """The Node.js runtime next to the embedded one, same run (issue 7)."""
    import shutil

    sys.path.insert(0, str(ROOT / "bench"))
    from node_runtime import rows

    if shutil.which("node") is None:
        print("\n(node is not on the PATH: no Node.js runtime figures)")
        return
    print(f"\n{'runtime pools, same trivial function':44} {'embedded':>9} {'node':>9}")
    for label, embedded, node in rows(runs):
        left = f"{embedded:9.2f}" if embedded is not None else f"{'':>9}"
        print(f"{label:44} {left} {node:9.2f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
