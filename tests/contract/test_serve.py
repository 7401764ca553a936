"""``wxsim serve`` as a user runs it: a separate process whose printed env lets an outside Node
program with the real wx-server-sdk use the workspace, and only with the workspace secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract.conftest import NEEDS_NODE, NODE, NODE_DIR, ROOT, SDK_VERSIONS, install_sdk

pytestmark = NEEDS_NODE
REFUSED_CODE = {"4.0.2": -1, "2.6.3": -501001}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A running ``wxsim serve`` on a fresh data dir, and the one JSON line it printed."""
    data_dir = tmp_path_factory.mktemp("serve") / "data"
    process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--data-dir", str(data_dir)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _first_line(process, timeout=60)
        assert line, f"wxsim serve printed nothing:\n{process.stderr.read() if process.poll() is not None else ''}"
        yield json.loads(line)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


def run_outside(env: dict[str, str], version: str, collection: str) -> tuple[int, dict]:
    done = subprocess.run([NODE, str(NODE_DIR / "serve_client.js"), collection],
                          env={**os.environ, **env, "NODE_PATH": str(install_sdk(version))},
                          capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False)
    lines = done.stdout.strip().splitlines()
    assert lines, f"serve_client.js printed nothing (exit {done.returncode}):\n{done.stderr}"
    return done.returncode, json.loads(lines[-1])


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_an_outside_node_with_the_printed_env_works(served, version):
    env = served["env"]
    assert env["TENCENTCLOUD_SECRETKEY"] == json.loads(
        (Path(served["dataDir"]) / "secret.json").read_text(encoding="utf-8"))["secretKey"]
    code, printed = run_outside(env, version, f"probe_{version.replace('.', '_')}")
    assert (code, printed) == (0, {"ok": {"added": "p1", "got": {"_id": "p1", "by": "outside node"}}})


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_the_same_program_with_another_key_gets_the_auth_error(served, version):
    env = {**served["env"], "TENCENTCLOUD_SECRETKEY": "not-the-workspace-secret"}
    code, printed = run_outside(env, version, f"refused_{version.replace('.', '_')}")
    assert code == 1
    # SIGN_PARAM_INVALID has no errCode in wx-server-sdk's table; 4.x does not map createCollection's
    # errors at all. Either way the user reads the gateway's reason.
    assert printed["err"]["errCode"] == REFUSED_CODE[version], printed
    assert "signature error: the request is not signed with this workspace's TENCENTCLOUD_SECRETKEY" in \
        printed["err"]["errMsg"]
