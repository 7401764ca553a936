#!/usr/bin/env python3
"""Set up wxsim in a local virtual environment and run it, its tests, or its build.

    python3 dev.py run [APP ARGS...]    set up, then open the app on the bundled demo project
    python3 dev.py test [PYTEST ARGS...] set up, then run the whole test suite
    python3 dev.py build                set up, then build the binary (dist/wxsim, wxsim.exe or wxsim.app)
    python3 dev.py lint                 set up, then check the GitHub Actions workflows (actionlint)

Only Python 3.11+ is needed; everything else is installed into .venv on first use and
reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".wxsim-setup"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):
        sys.exit(f"wxsim needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    if command not in ("run", "test", "build", "lint"):
        sys.exit(__doc__)
    setup()
    if command == "run":
        warn_missing_qt_libraries()
        return subprocess.call([str(PYTHON), "-m", "app", *rest], cwd=ROOT)
    if command == "test":
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if command == "lint":
        return lint()
    return build()


def lint() -> int:
    """actionlint (pinned in pyproject.toml's test extra) on every workflow in .github/workflows."""
    workflows = sorted(str(path) for path in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    actionlint = BIN / ("actionlint.exe" if os.name == "nt" else "actionlint")
    code = subprocess.call([str(actionlint), *workflows], cwd=ROOT)
    if code == 0:
        print(f"actionlint: {len(workflows)} workflow(s) ok")
    return code


def build() -> int:
    """dist/wxsim: on Linux the launcher with the one-folder app packed in (see launcher/); on
    Windows dist/wxsim.exe, on macOS dist/wxsim.app (build.spec)."""
    pyinstaller = [str(PYTHON), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    if not sys.platform.startswith("linux"):
        return subprocess.call([*pyinstaller, "build.spec"], cwd=ROOT)
    parts = ROOT / "build" / "parts"
    code = subprocess.call([*pyinstaller, "--distpath", str(parts), "build.spec"], cwd=ROOT)
    if code:
        return code
    (ROOT / "dist").mkdir(exist_ok=True)
    pack = [str(PYTHON), "-m", "launcher.pack", str(parts / "wxsim-app"), str(parts / "wxsim-launcher")]
    return subprocess.call([*pack, str(ROOT / "dist" / "wxsim")], cwd=ROOT)


def setup() -> None:
    """Create .venv and install the pinned dependencies when pyproject.toml changed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("wxsim: creating .venv …", file=sys.stderr)
        try:
            venv.create(VENV, with_pip=True)
        except (subprocess.CalledProcessError, OSError) as exc:
            sys.exit(
                f"wxsim: could not create a virtual environment ({exc}).\n"
                "On Debian/Ubuntu install it with: sudo apt-get install python3-venv"
            )
    print("wxsim: installing dependencies into .venv (first run only) …", file=sys.stderr)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.check_call([*pip, "-e", ".[test,build]"], cwd=ROOT)
    STAMP.write_text(wanted)


def warn_missing_qt_libraries() -> None:
    """Qt's X11 plugin needs a few system libraries that minimal desktops lack; name them."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return
    plugins = list(VENV.glob("lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so"))
    if not plugins:
        return
    try:
        out = subprocess.run(["ldd", str(plugins[0])], capture_output=True, text=True).stdout
    except OSError:
        return
    missing = sorted({line.split()[0] for line in out.splitlines() if "not found" in line})
    if missing:
        print(
            "wxsim: Qt's X11 plugin is missing system libraries: " + ", ".join(missing) + "\n"
            "On Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
            "libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 "
            "libxkbcommon-x11-0",
            file=sys.stderr,
        )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
