"""Large files stream: uploading or serving one never holds it in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("large_file_child.py")
SIZE_MB = int(os.environ.get("WXSIM_LARGE_FILE_MB", "64"))
# A route streams if the Python objects it holds at once stay a small part of the file:
# bounded chunks pass, reading the file whole (SIZE_MB) fails. Counted by tracemalloc, so the
# check does not depend on the machine's speed or its other processes (bench/storage.py
# measures RSS and time instead).
CHUNK_BOUND_MB = SIZE_MB / 4


def test_a_large_file_moves_every_way_in_bounded_chunks(tmp_path):
    """In-process upload and download, HTTP PUT (chunked), multipart POST and GET of a big file."""
    out = subprocess.run(
        [sys.executable, str(CHILD), str(tmp_path), str(SIZE_MB), "--trace-allocations"],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=900,
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    routes = ("upload_in_process", "download_in_process", "put_chunked_http", "post_multipart_http", "get_http")
    for route in routes:
        assert results[route]["allocated_peak_mb"] < CHUNK_BOUND_MB, (route, results)
    for name in ("in.bin", "put.bin", "post.bin"):
        assert (tmp_path / "storage" / "big" / name).stat().st_size == SIZE_MB << 20
