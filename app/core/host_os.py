"""Every place wxsim behaves differently on Windows, macOS and Linux goes through this module.

Each difference is a small function of ``system`` (``"linux"``, ``"windows"`` or ``"macos"``;
the running one by default) so that the tests can run each branch's logic on Linux. Nothing
else in ``app`` reads ``sys.platform`` or ``os.name`` (tests/test_architecture.py checks).
"""

from __future__ import annotations

import sys

LINUX, WINDOWS, MACOS = "linux", "windows", "macos"


def current() -> str:
    """The running system: ``"windows"``, ``"macos"`` or ``"linux"`` (other Unixes count as Linux)."""
    if sys.platform.startswith("win"):
        return WINDOWS
    if sys.platform == "darwin":
        return MACOS
    return LINUX
