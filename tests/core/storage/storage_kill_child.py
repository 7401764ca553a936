"""Child of test_index.py's kill -9 test: uploads and deletes in a loop, reporting each step.

    python storage_kill_child.py DATA_DIR FIRST_VERSION SEED

Prints {"ready": true}, then for every operation an "intent" line before the call and an
"ack" line after it returned, until it is killed.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from app.core.requests import Caller
from app.core.storage import StorageService

OPENID = "oA" + "a1b2c3d4e5f6g7h8i9j0k1l2m3"
PATHS = ["f0.bin", "d/f1.bin", "d/e/f2.bin", "f3.bin"]


def pattern(version: int, size: int) -> bytes:
    unit = f"<v{version:08d}>".encode()
    return (unit * (size // len(unit) + 1))[:size]


def main() -> None:
    data, version, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    service = StorageService(data / "storage", data / "storage-index.json", "test-x1dzi", "1257000000",
                             lambda: "READONLY")
    caller = Caller.client(OPENID, "wxabc", persona="A")
    rng = random.Random(seed)
    print(json.dumps({"ready": True}), flush=True)
    while True:
        path = rng.choice(PATHS)
        if rng.random() < 0.2:
            op = {"op": "delete", "path": path}
            print(json.dumps({"intent": op}), flush=True)
            service.delete(caller, [path])
        else:
            version += 1
            op = {"op": "put", "path": path, "version": version, "size": rng.randrange(1, 3 << 20)}
            print(json.dumps({"intent": op}), flush=True)
            service.upload(caller, path, pattern(version, op["size"]))
        print(json.dumps({"ack": op}), flush=True)


if __name__ == "__main__":
    main()
