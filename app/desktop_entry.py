"""``wxsim --install-desktop-entry``: wxsim in a Linux desktop's application menu, and .wxsim files
opening in it on a double-click.

It writes, under ``$XDG_DATA_HOME`` (``~/.local/share``):

    applications/wxsim.desktop              the menu entry; Exec= starts wxsim on the file it is given
    icons/hicolor/256x256/apps/wxsim.png    its icon (and scalable/apps/wxsim.svg)
    mime/packages/wxsim.xml                 *.wxsim is application/x-wxsim-scenario

then refreshes the desktop's MIME and application caches with ``update-mime-database`` and
``update-desktop-database`` where they are installed. Each file is replaced whole (a temp file
beside it, then a rename), so running it again is safe. Windows and macOS get the same from the
app bundle itself (build.spec), so there it only says so.

The entry must name a program that stays where it is. The Linux binary's own ``sys.executable``
is its unpacked copy in ``~/.cache/wxsim/<build id>/``, which the next build replaces, so the
launcher passes the path of the one file in ``WXSIM_BINARY`` (launcher/start.py); from a source
checkout the entry runs this Python with ``-m app`` in the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.api import host_os

APP_ID = "wxsim"  # the .desktop file's name and the icon's
WM_CLASS = "wxsim"  # X11 WM_CLASS of the window: Qt takes it from the application name (app/main.py)
MIME_TYPE = "application/x-wxsim-scenario"  # launcher/bundle_metadata.py declares the same for macOS
EXTENSION = "wxsim"
BINARY_VARIABLE = "WXSIM_BINARY"  # set by the Linux launcher (launcher/start.py)
OPEN_FILE_OPTION = "--open-file"  # app/cli.py: the file the desktop passes; nothing when it passes none
NAMES = {"": "wxsim", "zh_CN": "微信云开发模拟器"}
COMMENTS = {
    "": "Offline simulator of WeChat Mini Program Cloud Development",
    "zh_CN": "离线的微信小程序云开发模拟器",
}
SCENARIO_COMMENTS = {"": "wxsim scenario", "zh_CN": "wxsim 场景文件"}
EXIT_FAILED = 2  # as the CLI's usage and input errors (app/cli.py EXIT_USAGE)


@dataclass(frozen=True)
class Launch:
    """How the desktop starts wxsim: a command (before the file argument) and its folder."""

    argv: tuple[str, ...]
    working_dir: Path | None = None


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    content: bytes


def launch_for(frozen: bool, executable: str, environ: Mapping[str, str], checkout: Path) -> Launch:
    """The Linux binary's own file (from its launcher), a frozen build's executable, or source."""
    if frozen:
        return Launch((environ.get(BINARY_VARIABLE) or executable,))
    return Launch((executable, "-m", "app"), working_dir=checkout)


def data_home(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share``; a relative value is ignored, as the XDG spec says."""
    xdg = environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg)
    return Path(environ.get("HOME") or os.path.expanduser("~")) / ".local" / "share"


def _escape_value(text: str) -> str:
    """A desktop entry string value: backslash, newline, tab and carriage return escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def exec_argument(arg: str) -> str:
    """One argument of Exec=, quoted as the Desktop Entry spec says (and % doubled)."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'


def _localized(key: str, texts: Mapping[str, str]) -> list[str]:
    return [f"{key}{f'[{lang}]' if lang else ''}={_escape_value(text)}" for lang, text in texts.items()]


def exec_line(launch: Launch) -> str:
    """The command line of Exec=, before its string escapes: ``… --open-file %f``."""
    return " ".join(exec_argument(arg) for arg in (*launch.argv, OPEN_FILE_OPTION)) + " %f"


def entry_text(launch: Launch) -> str:
    """The text of ``wxsim.desktop`` for ``launch``."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        *_localized("Name", NAMES),
        *_localized("GenericName", {"": "Cloud Development simulator", "zh_CN": "云开发模拟器"}),
        *_localized("Comment", COMMENTS),
        f"Exec={_escape_value(exec_line(launch))}",
        *([f"Path={_escape_value(str(launch.working_dir))}"] if launch.working_dir else []),
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Development;",
        f"MimeType={MIME_TYPE};",
        "Keywords=WeChat;Mini Program;CloudBase;微信;小程序;云开发;",
        f"StartupWMClass={WM_CLASS}",
    ]
    return "\n".join(lines) + "\n"


def mime_package_text() -> str:
    """A shared-mime-info package: ``*.wxsim`` is a scenario (a zip file inside)."""
    comments = "".join(
        f"    <comment{f' xml:lang={chr(34)}{lang}{chr(34)}' if lang else ''}>{text}</comment>\n"
        for lang, text in SCENARIO_COMMENTS.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">\n'
        f'  <mime-type type="{MIME_TYPE}">\n'
        f"{comments}"
        '    <sub-class-of type="application/zip"/>\n'
        f'    <glob pattern="*.{EXTENSION}"/>\n'
        f'    <icon name="{APP_ID}"/>\n'
        "  </mime-type>\n"
        "</mime-info>\n"
    )


def plan(home: Path, launch: Launch, icons: Path) -> list[PlannedFile]:
    """The files to write under ``home`` (the XDG data folder); ``icons`` holds app.png and app.svg."""
    hicolor = home / "icons" / "hicolor"
    return [
        PlannedFile(home / "applications" / f"{APP_ID}.desktop", entry_text(launch).encode()),
        PlannedFile(hicolor / "256x256" / "apps" / f"{APP_ID}.png", (icons / "app.png").read_bytes()),
        PlannedFile(hicolor / "scalable" / "apps" / f"{APP_ID}.svg", (icons / "app.svg").read_bytes()),
        PlannedFile(home / "mime" / "packages" / f"{APP_ID}.xml", mime_package_text().encode()),
    ]


def write_whole(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content``: a temp file beside it, renamed over it, removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temp, 0o644)  # mkstemp's 0600 would hide the entry from a desktop running as another user
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def install(files: list[PlannedFile], home: Path, env: Mapping[str, str] | None = None,
            which: Callable[[str], str | None] = shutil.which) -> dict:
    """Write ``files``, then refresh the caches whose tools exist; returns what was done."""
    for planned in files:
        write_whole(planned.path, planned.content)
    ran, skipped = [], []
    for tool, folder in (("update-mime-database", home / "mime"), ("update-desktop-database", home / "applications")):
        program = which(tool)
        if program is None:
            skipped.append(f"{tool} (not installed)")
            continue
        done = subprocess.run([program, str(folder)], capture_output=True, text=True, env=env)
        if done.returncode == 0:
            ran.append(f"{tool} {folder}")
        else:
            skipped.append(f"{tool} {folder} (failed: {(done.stderr.strip().splitlines() or ['?'])[-1]})")
    return {"written": [str(planned.path) for planned in files], "ran": ran, "skipped": skipped}


def main(icons: Path, checkout: Path, environ: Mapping[str, str] | None = None) -> int:
    """``wxsim --install-desktop-entry``: install on Linux and print a JSON summary; exit 2 elsewhere or on failure."""
    if host_os.current() != host_os.LINUX:
        print("wxsim: --install-desktop-entry is for Linux desktops; on Windows and macOS the wxsim "
              "app bundle registers itself (see README).", file=sys.stderr)
        return EXIT_FAILED
    environ = os.environ if environ is None else environ
    home = data_home(environ)
    frozen = getattr(sys, "frozen", False)
    launch = launch_for(frozen, sys.executable, environ, checkout)
    try:
        summary = install(plan(home, launch, icons), home, host_os.system_program_env(dict(environ), frozen))
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"wxsim: could not install the desktop entry:{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps({"exec": exec_line(launch), **summary}, ensure_ascii=False, indent=2))
    for note in summary["skipped"]:
        print(f"wxsim: skipped {note}", file=sys.stderr)
    return 0
