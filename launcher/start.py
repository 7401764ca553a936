"""The launcher program: find (or unpack once) this build in the user cache, then become the app.

Built by ``build.spec`` into a small PyInstaller one-file program that ``launcher.pack`` appends
the app to. On a warm start it reads its trailer, checks the cached build's marker and ``exec``s
the cached ``wxsim``: same process, so argv, the working directory, stdin/stdout/stderr, the exit
code and signals are the app's own. When the cache cannot be written it unpacks into a temporary
folder for this run only, runs the app as a child and removes the folder afterwards.

Either way the app's environment carries ``WXSIM_BINARY``: the absolute path of this one file.
The app's own ``sys.executable`` is the unpacked copy, whose folder changes with every build (or is
deleted after the run), so whatever must start wxsim again later, such as the desktop entry that
``wxsim --install-desktop-entry`` writes, names this file instead.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from launcher import cache
from launcher.bundle import BundleError, Trailer, extract_payload, read_trailer

# Set by PyInstaller's one-file bootloader for the launcher's own Python; the app's bootloader
# would read them as its own (and its libraries must not resolve into our temporary folder).
_BOOTLOADER_PREFIXES = ("_PYI_", "_MEIPASS")
_SAVED_BY_BOOTLOADER = ("LD_LIBRARY_PATH", "LIBPATH", "DYLD_LIBRARY_PATH")
BINARY_VARIABLE = "WXSIM_BINARY"  # read by app.desktop_entry: the file to start wxsim with


def app_environment(environ: dict[str, str], frozen: bool) -> dict[str, str]:
    """The environment the user started us with: the bootloader's variables removed, its edits undone."""
    env = {key: value for key, value in environ.items() if not key.startswith(_BOOTLOADER_PREFIXES)}
    if frozen:
        for name in _SAVED_BY_BOOTLOADER:
            original = env.pop(f"{name}_ORIG", None)
            if original is not None:
                env[name] = original
            else:
                env.pop(name, None)
    return env


def main(argv: list[str], bundle: Path, environ: dict[str, str], frozen: bool) -> int:
    """Run the app in ``bundle`` with ``argv``; returns only on failure or from a temporary copy."""
    try:
        trailer = read_trailer(bundle)
    except (OSError, BundleError) as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return 1
    env = {**app_environment(environ, frozen), BINARY_VARIABLE: os.path.abspath(bundle)}
    root = cache.cache_root(environ)
    try:
        marker = cache.install(root, trailer.build_id, lambda folder: extract_payload(bundle, trailer, folder))
    except BundleError as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return 1
    except (OSError, cache.CacheError) as exc:
        return run_from_temporary_copy(bundle, trailer, argv, env, reason=exc)
    os.set_inheritable(marker, True)  # the app keeps the shared lock that marks this build in use
    app = str(root / trailer.build_id / cache.APP_EXECUTABLE)
    try:
        os.execve(app, [app, *argv], env)
    except OSError as exc:  # e.g. a cache on a file system mounted noexec
        os.close(marker)
        return run_from_temporary_copy(bundle, trailer, argv, env, reason=exc)


def run_from_temporary_copy(bundle: Path, trailer: Trailer, argv: list[str], env: dict[str, str],
                            reason: Exception) -> int:
    """Unpack into a fresh temporary folder, run the app as a child, remove the folder after it."""
    import subprocess
    import tempfile

    print(f"wxsim: the unpack cache is not usable ({reason}); unpacking for this run only",
          file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="wxsim-") as folder:
        try:
            extract_payload(bundle, trailer, Path(folder))
        except (OSError, BundleError) as exc:
            print(f"wxsim: {exc}", file=sys.stderr)
            return 1
        child = subprocess.Popen([str(Path(folder) / cache.APP_EXECUTABLE), *argv], env=env)
        # Ctrl-C reaches the child from the terminal itself; other stop signals are passed on.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for stop in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(stop, lambda number, _frame: child.send_signal(number))
        code = child.wait()
    if code < 0:  # the app was killed by a signal: end the same way, so the caller sees that
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], Path(sys.executable), dict(os.environ), getattr(sys, "frozen", False)))
