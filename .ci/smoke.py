#!/usr/bin/env python3
"""Smoke-test the built binary of this system: .ci/run and .github/workflows/build.yml run it
after `python3 dev.py build`.

    Linux    dist/wxsim                            the launcher with the app packed in
    Windows  dist/wxsim.exe                        PyInstaller's one-file program
    macOS    dist/wxsim.app/Contents/MacOS/wxsim   the app bundle's executable, also the CLI

It checks the size budget of a single-file binary, then runs `--version`, `personas`, a start that
paints the window and quits, and a cloud function call through the bundled JS runtime, all on a
fresh data folder (and, on Linux, a fresh unpack cache and a desktop entry install). Standard
library only: it runs before and outside the app's virtual environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUDGET_MIB = 120  # the single file a trainer copies onto a laptop
TIMEOUT_S = 300  # a first start on a slow CI machine unpacks or verifies ~200 MB


def binary() -> Path:
    """The executable `dev.py build` made on this system."""
    if sys.platform.startswith("win"):
        return DIST / "wxsim.exe"
    if sys.platform == "darwin":
        return DIST / "wxsim.app" / "Contents" / "MacOS" / "wxsim"
    return DIST / "wxsim"


def run(command: list[str], env: dict[str, str]) -> str:
    """Run the binary; fail with its output unless it exits 0; return its stdout."""
    print("$", " ".join(command), flush=True)
    done = subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_S)
    out = done.stdout.decode("utf-8", errors="replace")
    err = done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        sys.exit(f"smoke: exit status {done.returncode}\n--- stdout\n{out}\n--- stderr\n{err}")
    print(out, end="" if out.endswith("\n") or not out else "\n", flush=True)
    return out


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"smoke: {message}")


def size_mib(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1024 / 1024


def main() -> int:
    exe = binary()
    check(exe.is_file() and os.access(exe, os.X_OK), f"no executable {exe.relative_to(ROOT)}; run `python3 dev.py build`")
    if sys.platform == "darwin":
        print(f"app bundle: {size_mib(DIST / 'wxsim.app'):.0f} MiB (a folder; the budget is for single files)")
    else:
        size = size_mib(exe)
        print(f"single-file binary: {size:.0f} MiB")
        check(size <= BUDGET_MIB, f"the binary is over the {BUDGET_MIB} MiB budget")
    linux = sys.platform.startswith("linux")
    with tempfile.TemporaryDirectory(prefix="wxsim-smoke-") as temp:
        smoke = Path(temp)
        # A fresh unpack cache: the first command unpacks the app once, the later ones run it from there.
        env = {**os.environ, "XDG_CACHE_HOME": str(smoke / "cache"), "XDG_DATA_HOME": str(smoke / "share"),
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env.pop("WXSIM_BINARY", None)
        data = ["--data-dir", str(smoke / "data")]
        check(run([str(exe), "--version"], env).startswith("wxsim "), "--version printed no version")
        if linux:
            markers = list((smoke / "cache" / "wxsim").glob("*/.wxsim-complete"))
            check(len(markers) == 1, "the first start left no complete unpack in the cache")
        check(isinstance(json.loads(run([str(exe), "personas", *data], env)), (list, dict)), "personas is not JSON")
        started = json.loads(run([str(exe), "--exit-after-start", *data], env).splitlines()[-1])
        check(started.get("panes", 0) > 0, "the window painted no panes")
        # The bundled JS runtime: a worker process started from the unpacked app runs the seed's login.
        called = json.loads(run([str(exe), "call", "login", "--as", "学生A", *data], env).splitlines()[-1])
        check(str(called.get("result", called).get("openid", "")).startswith("o"), "login returned no openid")
        if linux:
            # The desktop entry names the one file (passed on by the launcher), not its unpacked copy.
            summary = json.loads(run([str(exe), "--install-desktop-entry"], env))
            check(summary["exec"].startswith(f"{exe} ") or summary["exec"].startswith(f'"{exe}" '),
                  f"the desktop entry runs {summary['exec']!r}, not {exe}")
    print("binary smoke test: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
