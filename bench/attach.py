"""`wxsim call` as a whole process: standalone, attached to a holder, and twenty at once.

    .venv/bin/python bench/attach.py [--runs 10]

Side by side in one run, on the demo project in a temp data folder:
- standalone: the command opens the workspace itself (no holder);
- attached: a holder process (as the desktop app or `wxsim serve`) has it open and the command
  sends its requests there;
- twenty `wxsim call … add` started together, on a free workspace (the first becomes the
  holder for the rest) and on a held one; every write is checked.
Medians in seconds and the ratio attached/standalone; budgets (DESIGN §6) live here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOLDER = ROOT / "tests" / "core" / "attach" / "holder.py"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def call(data: Path, *args: str) -> float:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "app", "call", *args, "--data-dir", str(data)],
                         cwd=ROOT, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if out.returncode:
        sys.exit(f"wxsim call failed: {out.stderr}")
    return elapsed


def twenty(data: Path) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        list(pool.map(lambda i: call(data, "todos", "--as", "学生A", "--data",
                                     json.dumps({"action": "add", "title": f"b{i}-{time.time_ns()}"})), range(20)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-attach-") as work:
        data = Path(work) / "data"
        call(data, "login", "--as", "学生A")  # create the workspace
        trivial = ("login", "--as", "学生A")
        standalone = [call(data, *trivial) for _ in range(args.runs)]
        free_twenty = twenty(data)
        holder = subprocess.Popen([sys.executable, str(HOLDER), str(data)], cwd=ROOT, env=ENV,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "ready"
        try:
            attached = [call(data, *trivial) for _ in range(args.runs)]
            held_twenty = twenty(data)
        finally:
            holder.stdin.close()
            holder.wait()
    s, a = statistics.median(standalone), statistics.median(attached)
    print(f"wxsim call login --as 学生A, whole process, median of {args.runs}")
    print(f"  standalone (opens the workspace)   {s:6.3f} s")
    print(f"  attached (a holder serves it)      {a:6.3f} s   ({a / s:.2f}× standalone)")
    print("twenty `wxsim call todos add` started together")
    print(f"  on a free workspace                {free_twenty:6.3f} s   ({free_twenty / 20:.3f} s per call)")
    print(f"  on a held workspace                {held_twenty:6.3f} s   ({held_twenty / 20:.3f} s per call)")


if __name__ == "__main__":
    main()
