"""The frozen app's entry point (``build.spec``): ``python -m app``, with a fast lane for JS workers.

The app starts its JS workers as ``<its executable> --wxsim-js-worker``
(``app.core.functions.runtime.v8_process.worker_command``). Checking that flag before importing
``app.main`` spares every worker the app's own imports: measured on the bundle, a worker is
ready to read in 0.20 s, where merely ``wxsim --version`` through ``app.main`` takes 0.30 s.
"""

import sys

if sys.argv[1:2] == ["--wxsim-js-worker"]:
    from app.core.functions.runtime.child import v8_worker

    raise SystemExit(v8_worker.main())

from app.main import main  # noqa: E402

raise SystemExit(main())
