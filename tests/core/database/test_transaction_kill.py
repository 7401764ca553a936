"""kill -9 during a transaction's commit of 1,001 inserts leaves none or all of them.

A child (transaction_kill_child.py) builds the transaction, then commits when told to; the
parent kills it with SIGKILL after a random delay around the commit's own duration (measured
by a first run that is not killed), reopens the folder and counts the documents.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.core.database.store import DocumentStore

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("transaction_kill_child.py")
COUNT = 1001
TRIALS = int(os.environ.get("WXSIM_TX_KILLS", "24"))


def spawn(folder: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(CHILD), str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def documents(folder: Path) -> int:
    store = DocumentStore(folder, background=False)
    try:
        return store.count("bulk")
    finally:
        store.close()


def test_kill_during_commit_leaves_none_or_all(tmp_path):
    calibration = spawn(tmp_path / "calibration")
    calibration.stdin.write("go\n")
    calibration.stdin.flush()
    took = float(calibration.stdout.readline().split()[1])
    calibration.kill()
    calibration.wait()
    assert documents(tmp_path / "calibration") == COUNT
    rng = random.Random(int(os.environ.get("WXSIM_KILL_SEED", "20261207")))
    outcomes = {0: 0, COUNT: 0}
    for trial in range(TRIALS):
        folder = tmp_path / f"t{trial}"
        proc = spawn(folder)
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(rng.uniform(0, took * 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = documents(folder)
        assert found in outcomes, f"trial {trial}: {found} of {COUNT} documents after the kill"
        outcomes[found] += 1
    print(f"\n{TRIALS} kills during a commit of {COUNT} inserts ({took * 1000:.1f} ms): "
          f"{outcomes[0]} left none, {outcomes[COUNT]} left all")
