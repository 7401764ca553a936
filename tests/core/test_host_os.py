"""Every Windows/macOS/Linux branch of app/core/host_os.py, run on Linux.

Windows-only modules (msvcrt, ctypes.windll) are replaced by stand-ins that record what they
were asked; what can run for real here (flock, process groups, /proc, pread) does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest

from app.core import host_os
from app.core.host_os import LINUX, MACOS, WINDOWS
from app.core.workspace_lock import WorkspaceBusy, WorkspaceLock
from tests.support.waiting import wait_until

LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc, flock and process groups")


def test_the_running_system_is_named_one_of_three(monkeypatch):
    for platform, expected in (("linux", LINUX), ("win32", WINDOWS), ("darwin", MACOS), ("freebsd14", LINUX)):
        monkeypatch.setattr(sys, "platform", platform)
        assert host_os.current() == expected


# --- locks ---------------------------------------------------------------------------------


@LINUX_ONLY
def test_a_second_lock_on_linux_is_refused_until_the_first_is_released(tmp_path):
    first = WorkspaceLock(tmp_path)
    with pytest.raises(WorkspaceBusy) as refused:
        WorkspaceLock(tmp_path)
    assert refused.value.holder_pid == os.getpid()  # read from the locked file
    first.release()
    WorkspaceLock(tmp_path).release()


class FakeMsvcrt(types.ModuleType):
    """Records msvcrt.locking calls: (fd, mode, length, the file position at the time)."""

    LK_NBLCK = 2

    def __init__(self, refuse: bool = False) -> None:
        super().__init__("msvcrt")
        self.calls: list[tuple[int, int, int, int]] = []
        self.refuse = refuse

    def locking(self, fd: int, mode: int, length: int) -> None:
        self.calls.append((fd, mode, length, os.lseek(fd, 0, os.SEEK_CUR)))
        if self.refuse:
            raise PermissionError(13, "Permission denied")


def test_windows_locks_one_byte_far_past_the_pid_and_leaves_the_position(tmp_path, monkeypatch):
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    fd = os.open(tmp_path / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        host_os.lock_exclusively(fd, WINDOWS)
        # Not byte 0: Windows would refuse others the read of the holder's pid written there.
        assert fake.calls == [(fd, FakeMsvcrt.LK_NBLCK, 1, host_os.WINDOWS_LOCK_OFFSET)]
        assert os.lseek(fd, 0, os.SEEK_CUR) == 0  # the pid is then written where it belongs
        fake.refuse = True
        with pytest.raises(OSError):
            host_os.lock_exclusively(fd, WINDOWS)
        assert os.lseek(fd, 0, os.SEEK_CUR) == 0
    finally:
        os.close(fd)


def test_the_holder_pid_is_read_without_pread_too(tmp_path, monkeypatch):
    path = tmp_path / "f"
    path.write_bytes(b"4242 and more")
    fd = os.open(path, os.O_RDWR)
    try:
        os.lseek(fd, 5, os.SEEK_SET)
        assert host_os.read_start(fd, 4) == b"4242"
        monkeypatch.delattr(os, "pread")  # as on Windows
        assert host_os.read_start(fd, 4) == b"4242"
        assert os.lseek(fd, 0, os.SEEK_CUR) == 5
    finally:
        os.close(fd)


# --- processes -----------------------------------------------------------------------------


class FakeKernel32:
    def __init__(self, live: set[int]) -> None:
        self.live, self.closed = live, []

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:  # noqa: N802 - the Win32 name
        assert access == 0x1000 and inherit is False
        return 1000 + pid if pid in self.live else 0

    def CloseHandle(self, handle: int) -> None:  # noqa: N802
        self.closed.append(handle)


def test_process_alive_on_windows_asks_for_a_handle_and_closes_it():
    kernel32 = FakeKernel32({77})
    assert host_os.process_alive(77, WINDOWS, kernel32=kernel32) is True
    assert kernel32.closed == [1077]
    assert host_os.process_alive(78, WINDOWS, kernel32=kernel32) is False
    assert host_os.process_alive(0, WINDOWS, kernel32=kernel32) is False


@LINUX_ONLY
def test_process_alive_on_linux_tells_a_zombie_from_a_live_process(tmp_path):
    assert host_os.process_alive(os.getpid(), LINUX)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    wait_until(lambda: _state(child.pid) == "Z", "the child to exit unreaped")
    assert not host_os.process_alive(child.pid, LINUX)  # exited, not yet reaped
    assert host_os.process_alive(child.pid, MACOS)  # no /proc there: existing is all it can tell
    child.wait()
    assert not host_os.process_alive(child.pid, LINUX)
    fake_proc = tmp_path / "proc" / str(os.getpid())
    fake_proc.mkdir(parents=True)
    fake_proc.joinpath("stat").write_text("1 (a) b) Z 0")  # a name with ") " in it, then the state
    assert not host_os.process_alive(os.getpid(), LINUX, proc_root=tmp_path / "proc")


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def test_child_processes_get_a_group_of_their_own_or_no_console_window():
    assert host_os.child_process_options(LINUX) == {"start_new_session": True}
    assert host_os.child_process_options(MACOS) == {"start_new_session": True}
    assert host_os.child_process_options(WINDOWS) == {"creationflags": 0x08000000 | 0x00000200}


@LINUX_ONLY
def test_killing_a_worker_ends_what_it_started_too():
    script = "import subprocess, sys, time\n" \
             "grandchild = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n" \
             "print(grandchild.pid, flush=True)\ntime.sleep(600)\n"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            **host_os.child_process_options())
    grandchild = int(proc.stdout.readline())
    host_os.kill_process_tree(proc)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    wait_until(lambda: not host_os.process_alive(grandchild), "the grandchild to end with its group")
    proc.stdout.close()


def test_killing_on_windows_terminates_the_process_itself():
    killed = []
    proc = types.SimpleNamespace(poll=lambda: None, pid=999_999_999, kill=lambda: killed.append(True))
    host_os.kill_process_tree(proc, WINDOWS)  # no killpg there (and this pid is nobody's group)
    assert killed == [True]
    ended = types.SimpleNamespace(poll=lambda: 0, pid=1, kill=lambda: killed.append("again"))
    host_os.kill_process_tree(ended, LINUX)  # reaped: its pid may be someone else's now
    assert killed == [True]


def test_stop_signals_per_system(monkeypatch):
    assert host_os.stop_signal_names(WINDOWS) == ("SIGINT", "SIGBREAK")
    assert host_os.stop_signal_names(LINUX) == ("SIGINT", "SIGTERM", "SIGHUP")
    assert host_os.stop_signal_names(MACOS) == host_os.stop_signal_names(LINUX)
    installed = {}
    monkeypatch.setattr(signal, "signal", lambda number, handler: installed.setdefault(number, handler))
    host_os.on_stop_signals(print, WINDOWS)  # SIGBREAK does not exist on Linux: skipped, not an error
    assert installed == {signal.SIGINT: print}


# --- files ---------------------------------------------------------------------------------


def test_file_facilities_per_system():
    assert host_os.has_private_file_modes(LINUX) and host_os.has_private_file_modes(MACOS)
    assert not host_os.has_private_file_modes(WINDOWS)
    assert host_os.kernel_copy_usable(LINUX)
    assert not host_os.kernel_copy_usable(MACOS) and not host_os.kernel_copy_usable(WINDOWS)
    assert host_os.open_files_block_replace(WINDOWS)
    assert not host_os.open_files_block_replace(LINUX) and not host_os.open_files_block_replace(MACOS)


@LINUX_ONLY
def test_clone_file_clones_where_it_can_and_says_so(tmp_path):
    source, target = tmp_path / "a", tmp_path / "b"
    source.write_bytes(b"x" * 10_000)
    with open(source, "rb") as src, open(target, "wb") as dst:
        assert host_os.clone_file(src.fileno(), dst.fileno(), WINDOWS) is False
        assert host_os.clone_file(src.fileno(), dst.fileno(), MACOS) is False
        cloned = host_os.clone_file(src.fileno(), dst.fileno(), LINUX)  # Btrfs/XFS: True; ext4, tmpfs: False
    assert target.read_bytes() == (source.read_bytes() if cloned else b"")


@pytest.mark.parametrize(("name", "system", "expected"), [
    ("a|b测试.jpeg", WINDOWS, "a_b测试.jpeg"),
    ('x<y>:"z"?*.txt', WINDOWS, "x_y___z___.txt"),
    ("notes. ", WINDOWS, "notes"),
    ("CON.txt", WINDOWS, "_CON.txt"),
    ("con", WINDOWS, "_con"),
    ("tab\there", WINDOWS, "tab_here"),
    ("a|b测试.jpeg", LINUX, "a|b测试.jpeg"),
    ("a:b.png", MACOS, "a_b.png"),
    ("a:b.png", LINUX, "a:b.png"),
    ("...", WINDOWS, "_"),
])
def test_suggested_file_names(name, system, expected):
    assert host_os.suggested_file_name(name, system) == expected


@LINUX_ONLY  # the stand-in file manager is a shell script
def test_open_folder_commands_and_a_missing_file_manager(tmp_path, monkeypatch):
    assert host_os.open_folder_command(tmp_path, WINDOWS) == ["explorer", str(tmp_path)]
    assert host_os.open_folder_command(tmp_path, MACOS) == ["open", str(tmp_path)]
    assert host_os.open_folder_command(tmp_path, LINUX) == ["xdg-open", str(tmp_path)]
    marker = tmp_path / "opened"
    fake = tmp_path / "fake-xdg-open"
    fake.write_text(f'#!/bin/sh\necho "$1" > {marker}\n')
    fake.chmod(0o755)
    monkeypatch.setattr(host_os, "open_folder_command", lambda folder, system=None: [str(fake), str(folder)])
    assert host_os.open_folder(tmp_path / "folder") is True
    wait_until(lambda: marker.exists() and marker.read_text().strip(), "the file manager to start")
    assert marker.read_text().strip() == str(tmp_path / "folder")
    monkeypatch.setattr(host_os, "open_folder_command", lambda folder, system=None: [str(tmp_path / "none")])
    assert host_os.open_folder(tmp_path) is False


# --- Node.js -------------------------------------------------------------------------------


def test_node_is_looked_for_where_each_system_installs_it(tmp_path):
    assert host_os.node_executable_name(WINDOWS) == "node.exe"
    assert host_os.node_executable_name(LINUX) == host_os.node_executable_name(MACOS) == "node"
    environ = {"ProgramFiles": r"C:\Program Files", "LOCALAPPDATA": r"C:\Users\u\AppData\Local",
               "NVM_SYMLINK": r"C:\nvm4w\nodejs"}
    assert host_os.node_install_places(WINDOWS, environ=environ, home=tmp_path) == [
        Path(r"C:\Program Files") / "nodejs" / "node.exe", Path(r"C:\Users\u\AppData\Local") / "nodejs" / "node.exe",
        Path(r"C:\nvm4w\nodejs") / "node.exe"]
    for version in ("v18.20.1", "v20.9.0", "v9.11.2"):
        (tmp_path / ".nvm" / "versions" / "node" / version / "bin").mkdir(parents=True)
        (tmp_path / ".nvm" / "versions" / "node" / version / "bin" / "node").write_text("")
    mac = host_os.node_install_places(MACOS, environ={}, home=tmp_path)
    linux = host_os.node_install_places(LINUX, environ={}, home=tmp_path)
    assert Path("/opt/homebrew/bin/node") in mac and Path("/opt/homebrew/bin/node") not in linux
    assert Path("/home/linuxbrew/.linuxbrew/bin/node") in linux
    nvm = [p.parts[-3] for p in linux if ".nvm" in p.parts]
    assert nvm == ["v20.9.0", "v18.20.1", "v9.11.2"]  # newest first, by number not by text


def test_system_programs_get_the_users_library_path_back():
    frozen = {"LD_LIBRARY_PATH": "/c/wxsim/b1/_internal:/u", "LD_LIBRARY_PATH_ORIG": "/u", "DYLD_LIBRARY_PATH": "/b"}
    assert host_os.system_program_env(frozen, frozen=True) == {"LD_LIBRARY_PATH": "/u"}
    assert host_os.system_program_env(frozen, frozen=False) == frozen  # from source: untouched
