"""Start-up: wxsim from source and from the binary (first and later starts), next to bare PySide6.

    .venv/bin/python bench/startup.py [--runs 5]

- launch → first painted window: a bare PySide6 window, wxsim from source, the binary's first
  start (an empty unpack cache, so it unpacks itself first) and a later start (cache warm);
- ``wxsim call login --as 学生A`` as a whole process, from source and from the binary (cache warm).

Each launch is timed from just before the process starts to the moment its window first painted
(each program prints that moment) or, for ``call``, to its exit. The candidates take turns within
every run, so a busy machine slows them alike; medians, all in one run. Budgets (DESIGN §6): first
paint ≤ 0.6 s from source and ≤ 0.8 s from the binary; ``wxsim call`` ≤ 0.3 s / ≤ 0.4 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "dist" / "wxsim"

MINIMAL = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow(); window.setCentralWidget(QLabel("hello")); window.resize(1280, 820)
class First(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps({"first_paint": time.time()}), flush=True)
            QTimer.singleShot(0, app.quit)
        return False
f = First(); window.installEventFilter(f); window.show(); app.exec()
"""


def first_paint(command: list[str], env: dict[str, str]) -> float:
    started = time.time()
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return report["first_paint"] - started


def whole_process(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=120, check=True)
    return time.perf_counter() - started


def cold_cache(env: dict[str, str]) -> dict[str, str]:
    """``env`` with an unpack cache that is empty for every launch."""
    cache = Path(env["XDG_CACHE_HOME"])
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="wxsim-bench-"))
    data = str(scratch / "data")
    # Source starts as a user's would, from compiled .pyc files: a PYTHONDONTWRITEBYTECODE left
    # in the shell would make every start compile the modules edited since the last run.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    warm_env = {**env, "XDG_CACHE_HOME": str(scratch / "warm-cache")}
    cold_env = {**env, "XDG_CACHE_HOME": str(scratch / "cold-cache")}
    source = [sys.executable, "-m", "app"]
    login = ["call", "login", "--as", "学生A", "--data-dir", data]
    paint = ["--exit-after-start", "--data-dir", data]
    # name -> (measure, command, env maker)
    candidates: dict[str, tuple[Callable, list[str], Callable[[], dict[str, str]]]] = {
        "bare PySide6 window": (first_paint, [sys.executable, "-c", MINIMAL], lambda: env),
        "source": (first_paint, [*source, *paint], lambda: env),
    }
    if BINARY.exists():
        candidates["binary, first start"] = (first_paint, [str(BINARY), *paint], lambda: cold_cache(cold_env))
        candidates["binary, later starts"] = (first_paint, [str(BINARY), *paint], lambda: warm_env)
    candidates["call: source"] = (whole_process, [*source, *login], lambda: env)
    if BINARY.exists():
        candidates["call: binary"] = (whole_process, [str(BINARY), *login], lambda: warm_env)
    else:
        print("(no dist/wxsim: run `python3 dev.py build` to include the binary)", file=sys.stderr)
    subprocess.run([*source, "personas", "--data-dir", data], cwd=ROOT, capture_output=True, check=True)
    for measure, command, make_env in candidates.values():
        measure(command, make_env())  # warm the OS file cache (and the binary's unpack cache)
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(args.runs):
        for name, (measure, command, make_env) in candidates.items():
            times[name].append(measure(command, make_env()))
    shutil.rmtree(scratch, ignore_errors=True)
    report(times, args.runs)
    return 0


# DESIGN §6 and issue 21; the binary's first start unpacks ~200 MB and has no budget.
BUDGETS_S = {"source": 0.6, "binary, later starts": 0.8, "call: source": 0.3, "call: binary": 0.4}


def report(times: dict[str, list[float]], runs: int) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["bare PySide6 window"]

    def verdict(name: str, seconds: float) -> str:
        budget = BUDGETS_S.get(name)
        return "" if budget is None else f"   budget {budget} s: {'within' if seconds <= budget else 'OVER'}"

    print(f"launch → first paint, median of {runs} ({os.environ['QT_QPA_PLATFORM']}):")
    for name, seconds in medians.items():
        if name.startswith("call: "):
            continue
        print(f"  {name:22} {seconds:6.3f} s   {seconds / base:5.2f}× bare PySide6{verdict(name, seconds)}")
    print(f"`wxsim call login --as 学生A`, whole process, median of {runs}:")
    for name, seconds in medians.items():
        if name.startswith("call: "):
            print(f"  {name[6:]:22} {seconds:6.3f} s   {seconds / base:5.2f}× bare PySide6 window"
                  f"{verdict(name, seconds)}")

if __name__ == "__main__":
    raise SystemExit(main())
