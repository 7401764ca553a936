"""A stand-in for the desktop app in the attach tests: holds a workspace and serves attached
commands until its stdin closes (or it is killed).

    python holder.py DATA_DIR [--hang-on ACTION MARKER]

Prints one line, ``ready``, once it serves. With ``--hang-on`` a request for ACTION writes
MARKER and then never returns, so a test can kill the holder in the middle of a call.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from app.core.api import WorkspaceApi
from app.paths import demo_project, resource


def main() -> None:
    data_dir = Path(sys.argv[1])
    api = WorkspaceApi.open(data_dir, demo_project(), demo_data=resource("demo-data"))
    if "--hang-on" in sys.argv:
        action, marker = sys.argv[sys.argv.index("--hang-on") + 1:][:2]
        workspace = api._workspace  # the test's own back door: core is not a front end here
        real = workspace.handle

        def hanging(request):
            if request.action == action:
                Path(marker).write_text("in the call")
                threading.Event().wait()
            return real(request)

        workspace.handle = hanging
    api.publish()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    api.close()


if __name__ == "__main__":
    main()
