"""``wxsim serve`` stops cleanly on Ctrl+C however many times it arrives: from the one-file
binary each Ctrl+C comes twice (the terminal's and the launcher's forwarded copy)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_repeated_ctrl_c_stops_serve_with_exit_0_and_no_traceback(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--data-dir", str(tmp_path / "data")],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith("{")  # serving: the JSON line with the env
        # Ctrl+C in a terminal running the binary: the terminal's SIGINT and the launcher's
        # forwarded copy arrive together (sending more until it exits would also hit the
        # interpreter's own shutdown, after which any process dies of SIGINT).
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=60)
        stderr = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in stderr, stderr
    assert returncode == 0
