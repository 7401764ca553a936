"""The frozen app's entry point (``build.spec``): ``python -m app``, with a fast lane for JS workers.

The app starts its JS workers as ``<its executable> --wxsim-js-worker``
(``app.core.functions.runtime.worker_start.worker_command``). Checking that flag before importing
``app.main`` spares every worker the app's own imports: measured on the bundle, a worker is
ready to read in 0.20 s, where merely ``wxsim --version`` through ``app.main`` takes 0.30 s.
For the same reason a ``wxsim call`` starts its worker here, before those imports.
"""

import sys

from app.core.functions.runtime import worker_start

if sys.argv[1:2] == [worker_start.WORKER_FLAG]:
    from app.core.functions.runtime.child import v8_worker

    raise SystemExit(v8_worker.main())
worker_start.start_early(sys.argv[1:])  # `wxsim call`: its worker boots while the app imports

from app.main import main  # noqa: E402

raise SystemExit(main())
