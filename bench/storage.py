"""Storage with a large file: peak memory and time of every route a file can take.

    .venv/bin/python bench/storage.py [--size-mb 1024]

Runs tests/core/storage/large_file_child.py (the routes test_large.py checks at 200 MB) in a
fresh process on a temp folder: in-process upload and download, the SDK's chunked PUT, the
older SDKs' multipart POST, and a temp-URL GET. The file is generated sparse, so disk use is
about three times its size while it runs. Budget (DESIGN §7, the issue): memory stays flat,
whatever the size; peak RSS growth per route is printed next to the file size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "tests" / "core" / "storage" / "large_file_child.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-storage-") as work:
        out = subprocess.run(
            [sys.executable, str(CHILD), work, str(args.size_mb)], cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, check=False,
        )
    if out.returncode:
        sys.exit(out.stderr)
    results = json.loads(out.stdout)
    size = results["size_mb"]
    print(f"file size {size} MB; process RSS before the routes {results['baseline_rss_mb']} MB")
    print(f"{'route':<22}{'peak RSS growth':>18}{'time':>10}{'throughput':>14}")
    for route, numbers in results.items():
        if isinstance(numbers, dict):
            rate = size / numbers["seconds"] if numbers["seconds"] else float("inf")
            print(f"{route:<22}{numbers['peak_growth_mb']:>15.1f} MB{numbers['seconds']:>9.2f}s{rate:>10.0f} MB/s")
    print(f"peak RSS of the whole process: {results['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
