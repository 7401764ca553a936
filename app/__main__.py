import sys

from app.core.functions.runtime import worker_start

worker_start.start_early(sys.argv[1:])  # `wxsim call`: its JS worker boots while the app imports

from app.main import main  # noqa: E402

raise SystemExit(main())
