"""`wxsim --install-desktop-entry` (app/desktop_entry.py) and how a desktop opens a .wxsim file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import cli, desktop_entry
from app.core.api import host_os
from app.desktop_entry import Launch
from launcher import bundle_metadata

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
# Installing is Linux's (Windows and macOS get the same from the app bundle).
linux_only = pytest.mark.skipif(host_os.current() != host_os.LINUX, reason="the desktop entry is for Linux")


def entry_keys(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:])


def installed(tmp_path: Path, capsys) -> tuple[int, dict, str]:
    code = desktop_entry.main(ICONS, checkout=ROOT, environ={"XDG_DATA_HOME": str(tmp_path), "HOME": "/nowhere"})
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else {}), err


def test_the_entry_starts_the_binary_on_the_file_and_names_the_window():
    """Exec= runs the one file on %f; name, comment in both languages, icon, MIME type, WM class."""
    keys = entry_keys(desktop_entry.entry_text(Launch(("/opt/wxsim/wxsim",))))
    assert keys["Exec"] == "/opt/wxsim/wxsim --open-file %f"
    assert keys["Name"] == "wxsim" and keys["Name[zh_CN]"] == "微信云开发模拟器"
    assert keys["Comment"] and keys["Comment[zh_CN]"]
    assert (keys["Icon"], keys["Terminal"], keys["Categories"]) == ("wxsim", "false", "Development;")
    assert keys["MimeType"] == "application/x-wxsim-scenario;"
    assert keys["StartupWMClass"] == "wxsim"
    assert "Path" not in keys


def test_exec_quotes_paths_as_the_desktop_entry_spec_says():
    """Spaces, quotes, backslashes and % survive: quoted, escaped, then escaped again as a string."""
    assert desktop_entry.exec_argument("/home/a/My Apps/wxsim") == '"/home/a/My Apps/wxsim"'
    assert desktop_entry.exec_argument('/x/a"b$c') == '"/x/a\\"b\\$c"'
    assert desktop_entry.exec_argument("/x/100%") == "/x/100%%"
    keys = entry_keys(desktop_entry.entry_text(Launch(("/x/back\\slash dir/wxsim",))))
    assert keys["Exec"] == '"/x/back\\\\\\\\slash dir/wxsim" --open-file %f'


def test_the_command_is_the_launchers_file_or_python_in_the_checkout():
    """Frozen: WXSIM_BINARY (the one file), not the unpacked copy; source: this Python, -m app."""
    unpacked = "/home/a/.cache/wxsim/0123abcd/wxsim"
    assert desktop_entry.launch_for(True, unpacked, {"WXSIM_BINARY": "/home/a/bin/wxsim"}, ROOT) == \
        Launch(("/home/a/bin/wxsim",))
    assert desktop_entry.launch_for(True, "/Apps/wxsim", {}, ROOT) == Launch(("/Apps/wxsim",))
    source = desktop_entry.launch_for(False, "/venv/bin/python", {"WXSIM_BINARY": "/stale"}, ROOT)
    assert source == Launch(("/venv/bin/python", "-m", "app"), working_dir=ROOT)
    assert entry_keys(desktop_entry.entry_text(source))["Path"] == str(ROOT)


def test_system_programs_run_without_the_bundles_libraries():
    """update-mime-database & co. get the user's LD_LIBRARY_PATH, not the frozen app's _internal."""
    bundled = {"LD_LIBRARY_PATH": "/c/wxsim/b1/_internal", "HOME": "/h"}
    assert host_os.system_program_env(bundled, frozen=True) == {"HOME": "/h"}
    saved = {"LD_LIBRARY_PATH": "/c/wxsim/b1/_internal:/u", "LD_LIBRARY_PATH_ORIG": "/u"}
    assert host_os.system_program_env(saved, frozen=True) == {"LD_LIBRARY_PATH": "/u"}
    assert host_os.system_program_env({"LD_LIBRARY_PATH": "/u"}, frozen=False) == {"LD_LIBRARY_PATH": "/u"}


def test_the_data_folder_follows_xdg_data_home():
    assert desktop_entry.data_home({"XDG_DATA_HOME": "/srv/share", "HOME": "/h"}) == Path("/srv/share")
    assert desktop_entry.data_home({"XDG_DATA_HOME": "rel", "HOME": "/h"}) == Path("/h/.local/share")


@linux_only
def test_install_writes_the_entry_icons_and_mime_type(tmp_path: Path, capsys):
    """The four files land under XDG_DATA_HOME, and the JSON summary names them."""
    code, summary, _ = installed(tmp_path, capsys)
    assert code == 0
    entry = tmp_path / "applications" / "wxsim.desktop"
    png = tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "wxsim.png"
    svg = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "wxsim.svg"
    mime = tmp_path / "mime" / "packages" / "wxsim.xml"
    assert summary["written"] == [str(entry), str(png), str(svg), str(mime)]
    assert png.read_bytes() == (ICONS / "app.png").read_bytes()
    assert svg.read_bytes() == (ICONS / "app.svg").read_bytes()
    assert entry_keys(entry.read_text(encoding="utf-8"))["Exec"] == summary["exec"]
    assert oct(entry.stat().st_mode & 0o777) == "0o644"
    kind = ET.parse(mime).getroot().find("{http://www.freedesktop.org/standards/shared-mime-info}mime-type")
    assert kind.get("type") == "application/x-wxsim-scenario"
    assert [g.get("pattern") for g in kind if g.tag.endswith("glob")] == ["*.wxsim"]
    for tool in ("update-mime-database", "update-desktop-database"):
        assert any(tool in line for line in summary["ran"] + summary["skipped"])


@linux_only
def test_installing_again_replaces_the_files(tmp_path: Path, capsys):
    """Idempotent: the same files with the same bytes, and no temporary files left beside them."""
    _, first, _ = installed(tmp_path, capsys)
    before = {path: Path(path).read_bytes() for path in first["written"]}
    code, again, _ = installed(tmp_path, capsys)
    assert code == 0 and again["written"] == first["written"]
    assert {path: Path(path).read_bytes() for path in again["written"]} == before
    assert [p for p in tmp_path.rglob(".wxsim*")] == []  # the temp files beside them


@linux_only
def test_a_write_failure_is_one_line_and_exit_2(tmp_path: Path, capsys):
    """A folder that cannot be made ends the install with one clear line, no traceback."""
    (tmp_path / "icons").write_text("a file where the icons folder goes", encoding="utf-8")
    code, summary, err = installed(tmp_path, capsys)
    assert code == 2 and summary == {}
    assert err.count("\n") == 1 and err.startswith("wxsim: could not install the desktop entry")
    assert [p.name for p in (tmp_path / "applications").iterdir()] == ["wxsim.desktop"]  # whole or absent


def test_other_systems_are_told_the_bundle_does_it(monkeypatch, capsys, tmp_path: Path):
    monkeypatch.setattr(host_os, "current", lambda: host_os.MACOS)
    code, summary, err = installed(tmp_path, capsys)
    assert code == 2 and summary == {} and "app bundle" in err
    assert list(tmp_path.iterdir()) == []


@linux_only
def test_the_entry_validates(tmp_path: Path, capsys):
    """desktop-file-validate (desktop-file-utils) accepts the entry."""
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (Debian/Ubuntu: desktop-file-utils)")
    installed(tmp_path, capsys)
    for launch in (Launch(("/home/a/My Apps/wxsim",)), Launch((sys.executable, "-m", "app"), ROOT)):
        entry = tmp_path / "check" / "wxsim.desktop"
        entry.parent.mkdir(exist_ok=True)
        entry.write_text(desktop_entry.entry_text(launch), encoding="utf-8")
        done = subprocess.run([validate, str(entry)], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


@linux_only
def test_the_command_line_installs_and_prints_json(tmp_path: Path):
    """`wxsim --install-desktop-entry` from source: the entry runs this Python in the checkout."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    env.pop("WXSIM_BINARY", None)
    done = subprocess.run([sys.executable, "-m", "app", "--install-desktop-entry"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["exec"] == f"{desktop_entry.exec_argument(sys.executable)} -m app --open-file %f"


def test_the_file_the_desktop_passes_opens_as_a_scenario():
    """%f becomes --open-file FILE, or nothing; a lone FILE.wxsim (macOS, Windows) means the same."""
    parser = cli.build_parser()
    assert parser.parse_args(["--open-file", "/x/a.wxsim"]).open_file == Path("/x/a.wxsim")
    assert parser.parse_args(["--open-file"]).open_file is None
    assert cli.desktop_open_argv(["/x/课程.WXSIM"]) == ["--open-file", "/x/课程.WXSIM"]
    assert cli.desktop_open_argv(["personas"]) == ["personas"]
    assert cli.desktop_open_argv(["--scenario", "a.wxsim"]) == ["--scenario", "a.wxsim"]


def test_an_opened_file_goes_the_scenario_way(tmp_path: Path):
    """The app treats --open-file (or a lone FILE.wxsim) as --scenario: a missing file is the
    scenario's own error, before any window."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    gone = str(tmp_path / "gone.wxsim")
    for argv in (["--open-file", gone, "--data-dir", str(tmp_path / "data")], [gone]):
        done = subprocess.run([sys.executable, "-m", "app", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stderr) == (2, f"wxsim: There is no file {gone}.\n")


def test_the_scenario_type_is_the_same_on_every_system():
    """Linux's MIME type and extension are the ones the macOS bundle declares."""
    assert desktop_entry.MIME_TYPE == bundle_metadata.SCENARIO_MIME_TYPE
    assert desktop_entry.EXTENSION == bundle_metadata.SCENARIO_EXTENSION


@linux_only
def test_the_launcher_tells_the_app_its_own_file(tmp_path: Path):
    """The app started by the launcher sees WXSIM_BINARY = the one file, from the cache or a temporary copy."""
    from launcher import cache
    from launcher.pack import pack
    from tests.test_launcher import fake_launcher, run_launcher

    app = tmp_path / "app"
    app.mkdir()
    executable = app / cache.APP_EXECUTABLE
    executable.write_text(f"#!{sys.executable}\nimport os\nprint(os.environ.get('WXSIM_BINARY'))\n",
                          encoding="utf-8")
    executable.chmod(0o755)
    bundle = tmp_path / "dist" / "wxsim"
    bundle.parent.mkdir()
    pack(app, fake_launcher(tmp_path / "launcher"), bundle)
    cached = run_launcher(bundle, [], tmp_path / "xdg", tmp_path)
    assert (cached.returncode, cached.stdout) == (0, f"{bundle}\n"), cached.stderr
    blocked = tmp_path / "not a folder"
    blocked.write_text("", encoding="utf-8")
    temporary = run_launcher(bundle, [], blocked, tmp_path)
    assert (temporary.returncode, temporary.stdout) == (0, f"{bundle}\n"), temporary.stderr
