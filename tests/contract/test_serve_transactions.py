"""@cloudbase/node-sdk, the layer under wx-server-sdk, used directly by an outside Node program
against ``wxsim serve``: 1,001 inserts in one transaction, and a conflict at an update retried."""

from __future__ import annotations

import json
import os
import subprocess

from tests.contract.conftest import NEEDS_NODE, NODE, NODE_DIR, install_sdk
from tests.contract.test_serve import served  # noqa: F401  (the fixture: one ``wxsim serve`` process)

pytestmark = NEEDS_NODE


def test_node_sdk_transactions_through_wxsim_serve(served):  # noqa: F811
    done = subprocess.run([NODE, str(NODE_DIR / "serve_transactions.js"), "txs"],
                          env={**os.environ, **served["env"], "NODE_PATH": str(install_sdk("4.0.2"))},
                          capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False)
    lines = done.stdout.strip().splitlines()
    assert lines, f"serve_transactions.js printed nothing (exit {done.returncode}):\n{done.stderr}"
    assert json.loads(lines[-1]) == {"ok": {
        "bulk": {"ids": 1001, "outside": 0}, "stored": 1001,
        "attempts": 2, "codes": ["DATABASE_TRANSACTION_CONFLICT"], "retried": 100, "c": 101,
    }}
