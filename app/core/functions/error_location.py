"""Where a function's error happened, as a file on this computer: the stack's ``/var/user/…``
frame mapped onto the function's folder.

The embedded runtime shows a function only ``/var/user`` (where the platform puts the code), so
a SyntaxError's stack starts ``/var/user/index.js:10`` and a thrown error's frames read
``at f (/var/user/lib/util.js:3:9)``. Real Node runs the function in its own folder, so its
frames name the folder itself. The first frame in the function's own code wins (its
``node_modules`` only when nothing else is named), and only a file inside the folder counts.
"""

from __future__ import annotations

import re
from pathlib import Path

VROOT = "/var/user/"  # runtime/child/function_files.py VROOT
_FRAME = re.compile(r"(?<![\w.:/])(/[^\s()]*?):(\d+)(?::(\d+))?(?=[\s)]|$)")


def error_location(stack: str | None, folder: Path) -> dict | None:
    """``{"path", "line", "column"}`` (column may be None) of the error in ``stack``, or None."""
    if not stack:
        return None
    try:
        root = folder.resolve()
    except OSError:
        return None
    found = [place for place in (_place(m, folder, root) for m in _FRAME.finditer(stack)) if place]
    if not found:
        return None
    own = [place for place in found if "node_modules" not in Path(place["path"]).relative_to(root).parts]
    return (own or found)[0]


def _place(match: re.Match, folder: Path, root: Path) -> dict | None:
    named, line, column = match.group(1), int(match.group(2)), match.group(3)
    if named.startswith(VROOT):
        host = root / named[len(VROOT):]
    elif named.startswith((f"{folder}/", f"{root}/")):
        host = Path(named)
    else:
        return None
    try:
        host = host.resolve()
        inside = host.is_relative_to(root) and host.is_file()
    except OSError:
        return None
    if not inside:
        return None
    return {"path": str(host), "line": line, "column": int(column) if column else None}
