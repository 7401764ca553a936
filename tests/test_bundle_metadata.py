"""What the Windows and macOS builds say about themselves (launcher/bundle_metadata.py), on Linux."""

from __future__ import annotations

import ast
import importlib.util
import plistlib
from pathlib import Path

import pytest

from app import __version__
from launcher import bundle_metadata

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_read_from_app_init_as_text():
    assert bundle_metadata.read_version(ROOT / "app" / "__init__.py") == __version__


def test_a_file_without_a_version_is_refused(tmp_path: Path):
    (tmp_path / "__init__.py").write_text('"""No version here."""\n', encoding="utf-8")
    with pytest.raises(ValueError, match="__version__"):
        bundle_metadata.read_version(tmp_path / "__init__.py")


def test_windows_gets_four_numbers():
    assert bundle_metadata.version_numbers("0.1.0") == (0, 1, 0, 0)
    assert bundle_metadata.version_numbers("2.3rc1") == (2, 3, 0, 0)
    assert bundle_metadata.version_numbers("1.2.3.4.5") == (1, 2, 3, 4)
    with pytest.raises(ValueError):
        bundle_metadata.version_numbers("dev")


def _constructor_keywords(source: str) -> dict[str, list[str]]:
    """Class name -> its __init__ parameters, from PyInstaller's versioninfo.py (read, not imported:
    it imports pefile and win32api, which exist on Windows only)."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    found[node.name] = [a.arg for a in item.args.args[1:]]
    return found


def _evaluate(text: str) -> dict:
    """The version file evaluated with recording stand-ins for PyInstaller's classes."""
    def record(kind):
        return lambda *args, **kwargs: {"kind": kind, "args": args, "kwargs": kwargs}

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct")
    return eval(compile(ast.parse(text, mode="eval"), "version", "eval"), {n: record(n) for n in names})


def test_the_windows_version_resource_names_wxsim():
    """The text PyInstaller evaluates: its classes with their own parameter names, and the strings."""
    text = bundle_metadata.windows_version_resource("0.1.0")
    info = _evaluate(text)
    fixed = info["kwargs"]["ffi"]
    assert fixed["kwargs"]["filevers"] == fixed["kwargs"]["prodvers"] == (0, 1, 0, 0)
    table = info["kwargs"]["kids"][0]["args"][0][0]
    strings = dict(entry["args"] for entry in table["args"][1])
    assert strings["FileDescription"] == "wxsim 微信云开发模拟器"
    assert strings["ProductName"] == "wxsim 微信云开发模拟器"
    assert strings["OriginalFilename"] == "wxsim.exe"
    assert strings["FileVersion"] == strings["ProductVersion"] == "0.1.0"
    assert strings["CompanyName"] and strings["LegalCopyright"]
    versioninfo = importlib.util.find_spec("PyInstaller.utils.win32.versioninfo")
    if versioninfo is None:
        pytest.skip("PyInstaller is not installed (pyproject.toml's build extra)")
    signatures = _constructor_keywords(Path(versioninfo.origin).read_text(encoding="utf-8"))
    assert set(info["kwargs"]) <= set(signatures["VSVersionInfo"])
    assert set(fixed["kwargs"]) <= set(signatures["FixedFileInfo"])


def test_the_macos_bundle_opens_wxsim_scenarios():
    """Info.plist: the version, Retina, a Dock icon, and .wxsim files declared and owned."""
    plist = plistlib.loads(plistlib.dumps(bundle_metadata.macos_info_plist("0.1.0")))
    assert plist["CFBundleShortVersionString"] == "0.1.0"
    assert plist["NSHighResolutionCapable"] is True and plist["LSBackgroundOnly"] is False
    (declared,) = plist["UTExportedTypeDeclarations"]
    assert declared["UTTypeTagSpecification"]["public.filename-extension"] == ["wxsim"]
    assert declared["UTTypeTagSpecification"]["public.mime-type"] == ["application/x-wxsim-scenario"]
    (document,) = plist["CFBundleDocumentTypes"]
    assert document["LSItemContentTypes"] == [declared["UTTypeIdentifier"]]


def test_the_icons_are_committed_in_every_size():
    """app.ico holds 16–256 px, app.icns up to 512 px@2x; both made from app.svg."""
    ico = (ROOT / "resources" / "icons" / "app.ico").read_bytes()
    reserved, kind, count = int.from_bytes(ico[0:2], "little"), int.from_bytes(ico[2:4], "little"), \
        int.from_bytes(ico[4:6], "little")
    assert (reserved, kind) == (0, 1)
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes
    icns = (ROOT / "resources" / "icons" / "app.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
    assert b"ic10" in icns  # the 1024 px (512@2x) image


def test_the_spec_reads_the_metadata_without_importing_app():
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert "from launcher import bundle_metadata" in spec
    assert not any(line.startswith(("import app", "from app")) for line in spec.splitlines())
