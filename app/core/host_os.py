"""Every place wxsim behaves differently on Windows, macOS and Linux goes through this module.

Each difference is a small function taking ``system`` (``"linux"``, ``"windows"`` or
``"macos"``; the running one when omitted), so the tests run every branch's logic on Linux
(tests/core/test_host_os.py, with stand-ins for Windows-only modules). Nothing else in ``app``
reads ``sys.platform`` or ``os.name`` or imports ``fcntl``/``msvcrt`` (tests/test_architecture.py
checks). Not here: ``launcher/`` (the Linux binary's front door, standard library only) and
``dev.py`` (runs before the app is installed); README "Which systems" says what is verified where.

Standard library only, and imported by the worker start path: keep it light.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

LINUX, WINDOWS, MACOS = "linux", "windows", "macos"

# Every text file wxsim writes ends its lines in "\n" on every system (open it with
# newline=""), so a data folder, an export or a scenario has the same bytes wherever it was
# written and moves between laptops unchanged. CSV is the one exception, "\r\n" by RFC 4180.
NEWLINE = "\n"

# subprocess defines these only on Windows; the values are Windows' own.
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000
# What Windows refuses in a file name (and names it reserves), for names we suggest to the user.
_WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def current() -> str:
    """The running system: ``"windows"``, ``"macos"`` or ``"linux"`` (other Unixes count as Linux)."""
    if sys.platform.startswith("win"):
        return WINDOWS
    if sys.platform == "darwin":
        return MACOS
    return LINUX


def _is(system: str | None, which: str) -> bool:
    return (system or current()) == which


# --- locks ---------------------------------------------------------------------------------

# Windows locks byte ranges, and a locked byte cannot be read by anyone else: lock one far past
# the holder's pid (written at the start of the lock file) so others can still read who holds it.
WINDOWS_LOCK_OFFSET = 1 << 20


def lock_exclusively(fd: int, system: str | None = None) -> None:
    """Take an exclusive lock on the open file ``fd`` without waiting; the OS drops it when the
    descriptor is closed or the process ends. Raises OSError when another process holds it."""
    if _is(system, WINDOWS):
        import msvcrt

        here = os.lseek(fd, 0, os.SEEK_CUR)
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        finally:
            os.lseek(fd, here, os.SEEK_SET)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_start(fd: int, size: int) -> bytes:
    """The first ``size`` bytes of an open file, wherever its position is (Windows has no pread)."""
    pread = getattr(os, "pread", None)
    if pread is not None:
        return pread(fd, size, 0)
    here = os.lseek(fd, 0, os.SEEK_CUR)
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, size)
    finally:
        os.lseek(fd, here, os.SEEK_SET)


# --- processes -----------------------------------------------------------------------------


def process_alive(pid: int, system: str | None = None, *, kernel32=None, proc_root: Path = Path("/proc")) -> bool:
    """Whether process ``pid`` exists (is not gone, nor a zombie its parent has not reaped)."""
    if pid <= 0:
        return False
    if _is(system, WINDOWS):  # no signal 0 on Windows: ask the kernel for a handle instead
        if kernel32 is None:
            import ctypes

            kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            kernel32.CloseHandle(handle)
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, just not ours to signal
    if not _is(system, LINUX):
        return True  # macOS has no /proc; a zombie holds no lock, which is what callers check next
    try:
        return (proc_root / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def child_process_options(system: str | None = None) -> dict:
    """Popen options for a worker process: a process group of its own (so ending it ends what
    it started, and the terminal's Ctrl+C reaches only us, who decide), and on Windows no
    console window flashing up under the windowed app."""
    if _is(system, WINDOWS):
        return {"creationflags": CREATE_NO_WINDOW | CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def kill_process_tree(proc: subprocess.Popen, system: str | None = None) -> None:
    """End a worker started with :func:`child_process_options` at once, with whatever it started.

    On Windows only the process itself ends (TerminateProcess); processes a Node.js function
    started itself are left to end on their own (README "Which systems").
    """
    if proc.poll() is not None:
        return  # reaped: its pid (and group id) may already belong to someone else
    if not _is(system, WINDOWS):
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # its group id is its pid (start_new_session)
            return
        except (ProcessLookupError, PermissionError):
            pass  # not a group leader after all (started elsewhere): the process alone
    proc.kill()


def stop_signal_names(system: str | None = None) -> tuple[str, ...]:
    """The signals that ask a terminal command (``wxsim serve``) to stop cleanly."""
    if _is(system, WINDOWS):
        return ("SIGINT", "SIGBREAK")  # Ctrl+C, Ctrl+Break; Windows never delivers SIGTERM
    return ("SIGINT", "SIGTERM", "SIGHUP")  # Ctrl+C, kill, the terminal closing


def on_stop_signals(handler, system: str | None = None) -> None:
    """Run ``handler(signum, frame)`` on each of :func:`stop_signal_names` this Python knows."""
    for name in stop_signal_names(system):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, handler)


# --- files ---------------------------------------------------------------------------------


def has_private_file_modes(system: str | None = None) -> bool:
    """Whether chmod can make a file the user's alone (NTFS permissions come from its folder)."""
    return not _is(system, WINDOWS)


def kernel_copy_usable(system: str | None = None) -> bool:
    """Whether ``os.sendfile`` copies file to file (Linux; macOS's sends only to sockets)."""
    return _is(system, LINUX) and hasattr(os, "sendfile")


def open_files_block_replace(system: str | None = None) -> bool:
    """Whether replacing or deleting a file fails while another program has it open, for a
    moment (Windows; a download being served, a virus scanner): worth retrying briefly."""
    return _is(system, WINDOWS)


_FICLONE = 0x40049409  # Linux's ioctl for a copy-on-write clone (Btrfs, XFS)


def clone_file(source_fd: int, target_fd: int, system: str | None = None) -> bool:
    """Make ``target_fd`` a copy-on-write clone of ``source_fd`` (no bytes copied) if this file
    system can; False when it cannot and the caller must copy."""
    if not _is(system, LINUX):
        return False
    try:
        import fcntl

        fcntl.ioctl(target_fd, _FICLONE, source_fd)
        return True
    except OSError:
        return False


def suggested_file_name(name: str, system: str | None = None) -> str:
    """``name`` made acceptable to this system's file dialogs, for a "Save as" suggestion: a
    cloudPath may hold characters Windows refuses (``a|b.png``) or end in a dot."""
    if _is(system, WINDOWS):
        name = "".join("_" if c in _WINDOWS_FORBIDDEN else c for c in name).rstrip(" .")
        if name.split(".")[0].upper() in _WINDOWS_DEVICES:
            name = "_" + name
    else:
        name = name.replace("/", "_").replace("\0", "_")
        if _is(system, MACOS):
            name = name.replace(":", "_")  # Finder shows ":" as "/" and refuses it in names
    return name or "_"


def open_folder_command(folder: Path, system: str | None = None) -> list[str]:
    """The file manager showing ``folder``: Explorer, Finder, or the desktop's choice (xdg-open)."""
    if _is(system, WINDOWS):
        return ["explorer", str(folder)]
    if _is(system, MACOS):
        return ["open", str(folder)]
    return ["xdg-open", str(folder)]


def system_program_env(environ: dict[str, str] | None = None, frozen: bool | None = None) -> dict[str, str]:
    """The environment for the system's own programs (file manager, desktop database tools).

    The binary's bootloader points the library path at the libraries bundled with wxsim (an
    older glib among them) and keeps the user's own value in ``<NAME>_ORIG``; a system program
    must get the user's value back, or none, or it may load ours and fail.
    """
    env = dict(os.environ if environ is None else environ)
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        for name in ("LD_LIBRARY_PATH", "LIBPATH", "DYLD_LIBRARY_PATH"):
            original = env.pop(f"{name}_ORIG", None)
            if original is None:
                env.pop(name, None)
            else:
                env[name] = original
    return env


def open_folder(folder: Path, system: str | None = None) -> bool:
    """Show ``folder`` in the file manager without waiting for it; False if none could start."""
    try:
        proc = subprocess.Popen(open_folder_command(folder, system), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=system_program_env(),
                                **child_process_options(system))
    except OSError:
        return False
    threading.Thread(target=proc.wait, daemon=True).start()  # reaped, however long it stays
    return True


# --- Node.js -------------------------------------------------------------------------------


def node_executable_name(system: str | None = None) -> str:
    return "node.exe" if _is(system, WINDOWS) else "node"


def node_install_places(system: str | None = None, *, environ: dict[str, str] | None = None,
                        home: Path | None = None) -> list[Path]:
    """Where Node.js usually is when it is not on PATH (an app started from a desktop launcher,
    macOS Finder above all, has no shell PATH): installers' folders, Homebrew, Volta, and nvm's
    versions newest first."""
    environ = os.environ if environ is None else environ
    exe = node_executable_name(system)
    if _is(system, WINDOWS):
        roots = [environ.get(v) for v in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA")]
        nvm = environ.get("NVM_SYMLINK")  # nvm-windows links the active version here
        return [Path(r) / "nodejs" / exe for r in roots if r] + ([Path(nvm) / exe] if nvm else [])
    home = Path.home() if home is None else home
    nvm = sorted((home / ".nvm" / "versions" / "node").glob(f"v*/bin/{exe}"), key=_version_key)
    fixed = ["/usr/local/bin", "/usr/bin", str(home / ".volta" / "bin")]
    if _is(system, MACOS):
        fixed[1:1] = ["/opt/homebrew/bin", "/opt/local/bin"]  # Homebrew on Apple silicon, MacPorts
    else:
        fixed.append("/home/linuxbrew/.linuxbrew/bin")
    return [Path(d) / exe for d in fixed] + nvm[::-1]


def _version_key(path: Path) -> tuple[int, ...]:
    digits = path.parts[-3].lstrip("v").split(".")
    return tuple(int(d) if d.isdigit() else 0 for d in digits)
