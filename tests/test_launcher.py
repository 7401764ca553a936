"""The binary's launcher (launcher/): its file layout, the unpack cache, and running the app.

No real binary is built: a fake "launcher program" gets a small fake app packed in with the real
``launcher.pack``, and ``launcher.start.main`` runs it from a child Python process.
"""

from __future__ import annotations

import sys

import pytest

if not sys.platform.startswith("linux"):  # the launcher is the Linux binary's front door alone
    pytest.skip("launcher/ runs on Linux only", allow_module_level=True)

import fcntl  # noqa: E402
import json
import os
import signal
import subprocess
import textwrap
import threading
import time
from pathlib import Path

from launcher import cache
from launcher.bundle import TRAILER, BundleError, extract_payload, read_trailer
from launcher.pack import COOKIE, COOKIE_MAGIC, pack
from launcher.start import app_environment
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 60

# The fake app: reports what it was started with, then leaves the way its arguments say.
FAKE_APP = textwrap.dedent(f"""\
    #!{sys.executable}
    import json, os, signal, sys
    print(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(),
                       "home": os.path.dirname(os.path.abspath(__file__)),
                       "pyi": sorted(k for k in os.environ if k.startswith("_PYI_"))}}), flush=True)
    if sys.argv[1:2] == ["--die-by"]:
        os.kill(os.getpid(), int(sys.argv[2]))
    sys.exit(int(sys.argv[1]) if sys.argv[1:2] and sys.argv[1].isdigit() else 0)
""")


def fake_launcher(path: Path) -> Path:
    """Bytes standing in for the PyInstaller program: some code, then an archive (entries, an empty
    table of contents) ending in its cookie."""
    archive = b"archive entries"
    cookie = COOKIE.pack(COOKIE_MAGIC, len(archive) + COOKIE.size, len(archive), 0, 311, b"libpython3.11.so")
    path.write_bytes(b"\x7fELF program code " * 100 + archive + cookie)
    return path


def fake_app(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True)
    app = folder / cache.APP_EXECUTABLE
    app.write_text(FAKE_APP + extra, encoding="utf-8")
    app.chmod(0o755)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "data.txt").write_text("bundled", encoding="utf-8")
    return folder


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    out = tmp_path / "dist" / "wxsim"
    out.parent.mkdir()
    pack(fake_app(tmp_path / "app"), fake_launcher(tmp_path / "launcher"), out)
    return out


def run_launcher(bundle: Path, args: list[str], cache_home: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``launcher.start.main`` in a child Python, as the frozen launcher would run it."""
    code = ("import os, sys; from pathlib import Path; from launcher.start import main; "
            "sys.exit(main(sys.argv[2:], Path(sys.argv[1]), dict(os.environ), frozen=True))")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache_home),
           "_PYI_ARCHIVE_FILE": str(bundle), "_PYI_APPLICATION_HOME_DIR": "/tmp/_MEIxyz"}
    return subprocess.run([sys.executable, "-c", code, str(bundle), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=WAIT_S)


def report(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout.splitlines()[0])


def counting_unpack(source: Path, calls: list[Path]):
    def unpack(folder: Path) -> None:
        calls.append(folder)
        for path in sorted(source.rglob("*")):
            target = folder / path.relative_to(source)
            if path.is_dir():
                target.mkdir()
            else:
                target.write_bytes(path.read_bytes())
                target.chmod(path.stat().st_mode)
    return unpack



def test_cache_root_follows_xdg_cache_home():
    """XDG_CACHE_HOME decides the cache; a relative value is ignored as the XDG spec says."""
    assert cache.cache_root({"XDG_CACHE_HOME": "/srv/cache", "HOME": "/home/a"}) == Path("/srv/cache/wxsim")
    assert cache.cache_root({"XDG_CACHE_HOME": "rel", "HOME": "/home/a"}) == Path("/home/a/.cache/wxsim")
    assert cache.cache_root({"HOME": "/home/a"}) == Path("/home/a/.cache/wxsim")


def test_the_trailer_names_the_payload_and_its_build_id(bundle: Path, tmp_path: Path):
    """The build id is read from the file's end; it changes with the app inside."""
    trailer = read_trailer(bundle)
    assert trailer.payload_offset == (tmp_path / "launcher").stat().st_size
    assert trailer.payload_offset + trailer.payload_length + TRAILER.size + COOKIE.size == bundle.stat().st_size
    assert len(trailer.build_id) == 16
    other = tmp_path / "other"
    pack(fake_app(tmp_path / "app2", extra="# another build\n"), tmp_path / "launcher", other)
    assert read_trailer(other).build_id != trailer.build_id


def test_a_file_without_payload_is_refused(tmp_path: Path):
    """A plain program (or a truncated download) is named as such, not unpacked."""
    with pytest.raises(BundleError, match="no wxsim payload"):
        read_trailer(fake_launcher(tmp_path / "plain"))


def test_a_damaged_payload_is_reported(bundle: Path, tmp_path: Path):
    """Corrupt compressed bytes end in a BundleError, not a traceback from tarfile."""
    trailer = read_trailer(bundle)
    data = bytearray(bundle.read_bytes())
    middle = trailer.payload_offset + trailer.payload_length // 2
    data[middle:middle + 64] = bytes(64)
    bundle.write_bytes(bytes(data))
    (tmp_path / "out").mkdir()
    with pytest.raises(BundleError, match="damaged"):
        extract_payload(bundle, trailer, tmp_path / "out")


def test_the_moved_cookie_leads_pyinstaller_back_to_the_launchers_archive(tmp_path: Path):
    """PyInstaller's reader finds the same archive, from a cookie in the file's last bytes."""
    readers = pytest.importorskip("PyInstaller.archive.readers")
    writers = pytest.importorskip("PyInstaller.archive.writers")
    (tmp_path / "entry.txt").write_text("inside the launcher's archive", encoding="utf-8")
    launcher = tmp_path / "launcher"
    entries = [("entry.txt", str(tmp_path / "entry.txt"), True, "x")]
    writers.CArchiveWriter(str(launcher), entries, "libpython3.11.so")
    launcher.write_bytes(b"\x7fELF program code " * 100 + launcher.read_bytes())
    out = tmp_path / "wxsim"
    pack(fake_app(tmp_path / "app"), launcher, out)
    packed, original = readers.CArchiveReader(str(out)), readers.CArchiveReader(str(launcher))
    assert packed.toc == original.toc
    assert packed.extract("entry.txt") == b"inside the launcher's archive"
    assert out.read_bytes()[-COOKIE.size:].startswith(COOKIE_MAGIC)  # the bootloader's scan ends at once


def test_first_install_unpacks_and_later_ones_reuse_it(tmp_path: Path):
    """One unpack; the folder carries the marker and is found again without unpacking."""
    calls: list[Path] = []
    unpack = counting_unpack(fake_app(tmp_path / "app"), calls)
    root = tmp_path / "cache" / "wxsim"
    os.close(cache.install(root, "b1", unpack))
    os.close(cache.install(root, "b1", unpack))
    assert len(calls) == 1
    assert (root / "b1" / cache.MARKER).read_bytes() == cache.marker_text("b1")
    assert (root / "b1" / "_internal" / "data.txt").read_text(encoding="utf-8") == "bundled"
    assert [p.name for p in root.iterdir() if p.name.startswith(cache.STAGING)] == []


@pytest.mark.parametrize("damage", ["no marker", "marker of another build", "no executable"])
def test_an_incomplete_build_folder_is_unpacked_again(tmp_path: Path, damage: str):
    """Only a marker naming this build next to the executable counts as complete."""
    calls: list[Path] = []
    unpack = counting_unpack(fake_app(tmp_path / "app"), calls)
    root = tmp_path / "cache"
    os.close(cache.install(root, "b1", unpack))
    if damage == "no marker":
        (root / "b1" / cache.MARKER).unlink()
    elif damage == "marker of another build":
        (root / "b1" / cache.MARKER).write_bytes(cache.marker_text("b0"))
    else:
        (root / "b1" / cache.APP_EXECUTABLE).unlink()
    assert cache.open_if_ready(root / "b1", "b1") is None
    os.close(cache.install(root, "b1", unpack))
    assert len(calls) == 2
    assert cache.open_if_ready(root / "b1", "b1") is not None
    assert sorted(p.name for p in root.iterdir()) == [".b1.lock", "b1"]


def test_a_start_waiting_for_another_first_start_uses_its_result(tmp_path: Path):
    """While one start unpacks (holding the lock), a second waits, then runs that copy unpacked once."""
    source = fake_app(tmp_path / "app")
    root = tmp_path / "cache"
    root.mkdir()
    lock = os.open(root / ".b1.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # the first start, mid-unpack
    calls: list[Path] = []
    results: list[int] = []
    unpack = counting_unpack(source, calls)
    second = threading.Thread(target=lambda: results.append(cache.install(root, "b1", unpack)))
    second.start()
    inode = os.fstat(lock).st_ino

    def waiting_on_the_lock() -> bool:  # /proc/locks marks a blocked request with "->"
        return any("->" in line and f":{inode} " in line for line in Path("/proc/locks").read_text().splitlines())

    wait_until(waiting_on_the_lock, "the second start to wait on the lock")
    os.close(cache.install(root / "elsewhere", "b1", counting_unpack(source, [])))
    os.rename(root / "elsewhere" / "b1", root / "b1")  # what the first start publishes
    os.close(lock)
    second.join(WAIT_S)
    assert calls == []
    assert results and cache.open_if_ready(root / "b1", "b1") is not None
    os.close(results[0])


def test_a_copy_published_by_a_start_without_locks_is_kept(tmp_path: Path):
    """Where locks are unsupported two starts may race: the loser keeps the winner's complete copy."""
    root = tmp_path / "cache"
    os.close(cache.install(root, "b1", counting_unpack(fake_app(tmp_path / "app"), [])))
    (root / "b1" / "winner").write_text("first", encoding="utf-8")
    staging = fake_app(root / ".staging-b1-late")
    (staging / cache.MARKER).write_bytes(cache.marker_text("b1"))
    cache.publish(staging, root / "b1", "b1")
    assert (root / "b1" / "winner").exists()


def test_clean_up_removes_unused_builds_and_keeps_running_ones(tmp_path: Path):
    """Old builds go unless an app holds their marker; abandoned staging folders go after an hour."""
    root = tmp_path / "cache"
    source = fake_app(tmp_path / "app")
    for build in ("old", "running"):
        os.close(cache.install(root, build, counting_unpack(source, [])))
    running = cache.open_if_ready(root / "running", "running")  # as an app started from it holds it
    fresh, abandoned = root / ".staging-new-1-1", root / ".staging-new-2-2"
    fresh.mkdir()
    abandoned.mkdir()
    os.utime(abandoned, (time.time() - 2 * cache.LEFTOVER_AGE_S,) * 2)
    os.close(cache.install(root, "new", counting_unpack(source, [])))
    assert sorted(p.name for p in root.iterdir()) == [".new.lock", ".running.lock", fresh.name, "new", "running"]
    os.close(running)
    cache.remove_other_builds(root, keep="new")
    assert sorted(p.name for p in root.iterdir()) == [".new.lock", fresh.name, "new"]


def test_the_bootloaders_environment_is_undone():
    """The app sees the user's environment: no PyInstaller variables, the user's library path."""
    environ = {"HOME": "/h", "_PYI_ARCHIVE_FILE": "/x", "_MEIPASS2": "/t", "LD_LIBRARY_PATH": "/tmp/_MEI1:/u",
               "LD_LIBRARY_PATH_ORIG": "/u"}
    assert app_environment(environ, frozen=True) == {"HOME": "/h", "LD_LIBRARY_PATH": "/u"}
    assert app_environment({"LD_LIBRARY_PATH": "/tmp/_MEI1"}, frozen=True) == {}
    assert app_environment({"LD_LIBRARY_PATH": "/u"}, frozen=False) == {"LD_LIBRARY_PATH": "/u"}


def test_arguments_directory_and_exit_code_pass_through(bundle: Path, tmp_path: Path):
    """The app gets the argv (Chinese included) and working directory; its exit code is ours."""
    work = tmp_path / "work dir"
    work.mkdir()
    first = run_launcher(bundle, ["7", "call", "--as", "学生A", "a b"], tmp_path / "xdg", work)
    assert first.returncode == 7, first.stderr
    seen = report(first)
    assert seen["argv"] == ["7", "call", "--as", "学生A", "a b"]
    assert seen["cwd"] == str(work)
    assert seen["pyi"] == []
    build = tmp_path / "xdg" / "wxsim" / read_trailer(bundle).build_id
    assert seen["home"] == str(build)
    again = run_launcher(bundle, ["0"], tmp_path / "xdg", work)
    assert again.returncode == 0 and report(again)["home"] == str(build)


def test_death_by_signal_passes_through(bundle: Path, tmp_path: Path):
    """An app killed by a signal looks killed by it to whoever started wxsim."""
    result = run_launcher(bundle, ["--die-by", str(int(signal.SIGTERM))], tmp_path / "xdg", tmp_path)
    assert result.returncode == -signal.SIGTERM


def test_an_unwritable_cache_falls_back_to_a_temporary_copy(bundle: Path, tmp_path: Path):
    """With no usable cache the app still runs, from a folder removed after it exits."""
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = run_launcher(bundle, ["3", "学生A"], blocked, tmp_path)
    assert result.returncode == 3, result.stderr
    seen = report(result)
    assert seen["argv"] == ["3", "学生A"]
    assert "for this run only" in result.stderr
    assert not Path(seen["home"]).exists()
    dying = run_launcher(bundle, ["--die-by", str(int(signal.SIGTERM))], blocked, tmp_path)
    assert dying.returncode == -signal.SIGTERM
