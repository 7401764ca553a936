"""Launch to first painted window: wxsim from source and from the binary, next to bare PySide6.

    .venv/bin/python bench/startup.py [--runs 5]

Each launch is timed from just before the process starts to the moment its window first
painted (each program prints that moment); medians over the runs, all in one run so the
ratios compare like with like. Budgets (DESIGN §6): source ≤ 1.0 s, binary ≤ 1.5 s.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def first_paint(command: list[str]) -> float:
    started = time.time()
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return report["first_paint"] - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    data = tempfile.mkdtemp(prefix="wxsim-bench-")
    candidates = {
        "minimal PySide6 window": [sys.executable, "-c", MINIMAL],
        "wxsim from source": [sys.executable, "-m", "app", "--exit-after-start", "--data-dir", data],
    }
    binary = ROOT / "dist" / "wxsim"
    if binary.exists():
        candidates["wxsim one-file binary"] = [str(binary), "--exit-after-start", "--data-dir", data]
    else:
        print("(no dist/wxsim: run `python3 dev.py build` to include the binary)", file=sys.stderr)
    for command in candidates.values():
        first_paint(command)  # warm the OS file cache so every candidate starts alike
    medians = {name: statistics.median(first_paint(c) for _ in range(args.runs)) for name, c in candidates.items()}
    base = medians["minimal PySide6 window"]
    print(f"launch → first paint, median of {args.runs} ({os.environ['QT_QPA_PLATFORM']}):")
    for name, seconds in medians.items():
        print(f"  {name:26} {seconds:6.3f} s   {seconds / base:5.2f}× minimal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
