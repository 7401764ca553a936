"""Realtime listeners (issue 17): commit-to-snapshot latency and the write path's cost.

    .venv/bin/python bench/watch.py [--writes 1000]

Latency, twice: in core, one in-process (callback) listener, each write a doc update through
``Workspace.handle``, timed from the request (an upper bound on commit → callback) to the
callback; and as a mini program sees it, a ``client.runScript`` script (what ``wxsim run-client``
runs) timing its own ``add()`` to its listener's ``onChange`` with ``Date.now()``. Write path: the same
writes with 0, 10 and 100 listeners open on the collection (every write changes their members;
one in ten changes their result), each count in a fresh workspace, the counts taking turns.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.requests import Caller, Request  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402

ADMIN = Caller.admin("scf")


def update(workspace: Workspace, i: int) -> None:
    workspace.handle(Request("database.modifyDocument", {"collectionName": "c", "queryType": "DOC",
                                                         "query": {"_id": f"d{i % 100}"}, "data": {"n": i + 1}}, ADMIN))


def latency(workspace: Workspace, writes: int) -> list[float]:
    arrived = threading.Event()
    received: list[float] = []

    def on_snapshot(snapshot) -> None:
        received.append(time.perf_counter())
        arrived.set()

    listener, _ = workspace.watch.open(Caller.console(), "c", None, on_snapshot=on_snapshot)
    received.clear()
    samples = []
    for i in range(writes):
        arrived.clear()
        asked = time.perf_counter()  # the worker may deliver before handle() returns: time from the ask
        update(workspace, i)
        if not arrived.wait(5):
            raise SystemExit("a snapshot did not arrive")
        samples.append((received[-1] - asked) * 1000)
    workspace.watch.close(listener)
    return samples


SHIM_SCRIPT = """
exports.main = async () => {
  const db = wx.cloud.database()
  const seen = []
  let wake = null
  const watcher = db.collection('c').where({ shim: true }).watch({
    onChange: (snapshot) => { seen.push(Date.now()); if (wake) wake() },
    onError: (e) => { throw e } })
  const next = (n) => new Promise((resolve) => { wake = () => { if (seen.length >= n) resolve() }; wake() })
  await next(1)
  const samples = []
  for (let i = 0; i < WRITES; i++) {
    const asked = Date.now()
    await db.collection('c').add({ data: { shim: true, i } })
    await next(i + 2)
    samples.push(seen[i + 1] - asked)
  }
  await watcher.close()
  return samples
}
"""


def shim_latency(workspace: Workspace, folder: Path, writes: int) -> list[float]:
    """The mini program's side: a client script's own add() to its listener's onChange, in ms
    (Date.now(): whole milliseconds), through the shim's poll and the worker's host calls."""
    script = folder / "listen.js"
    script.write_text(SHIM_SCRIPT.replace("WRITES", str(writes)), encoding="utf-8")
    answer = workspace.handle(Request("client.runScript", {"localPath": str(script), "persona": "学生A"},
                                      Caller.console()))
    if not answer["ok"]:
        raise SystemExit(f"the client script failed: {answer['value']}")
    return [float(sample) for sample in answer["value"]]


def write_path(workspace: Workspace, writes: int, listeners: int) -> tuple[float, float]:
    ids = [workspace.watch.open(Caller.console(), "c", None, limit=10)[0] for _ in range(listeners)]
    started = time.perf_counter()
    for i in range(writes):
        update(workspace, i + 1_000_000)
    written = time.perf_counter() - started
    workspace.watch.wait_idle(60)
    caught_up = time.perf_counter() - started
    for listener in ids:
        workspace.watch.close(listener)
    return written * 1000 / writes, caught_up * 1000 / writes


def fresh_workspace(folder: Path) -> Workspace:
    workspace = Workspace.open(folder)
    workspace.handle(Request("database.addCollection", {"collectionName": "c"}, ADMIN))
    workspace.handle(Request("database.insertDocument", {"collectionName": "c",
                                                         "data": [{"_id": f"d{i}", "n": 0} for i in range(100)]}, ADMIN))
    return workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workspace = fresh_workspace(Path(folder) / "latency")
        try:
            samples = sorted(latency(workspace, args.writes))
        finally:
            workspace.close()
        p99 = samples[int(len(samples) * 0.99) - 1]
        print(f"write request → snapshot (in core) over {len(samples)} writes: median "
              f"{statistics.median(samples):.3f} ms, p99 {p99:.3f} ms (budget median ≤ 10, p99 ≤ 50)")
        workspace = fresh_workspace(Path(folder) / "shim")
        try:
            shim = sorted(shim_latency(workspace, Path(folder), args.writes))
        finally:
            workspace.close()
        p99 = shim[int(len(shim) * 0.99) - 1]
        print(f"client add() → onChange (run-client shim) over {len(shim)} writes: median "
              f"{statistics.median(shim):.0f} ms, p99 {p99:.0f} ms (budget median ≤ 10, p99 ≤ 50)")
        # Each count in a fresh workspace (the journal and the event log grow with every write),
        # the counts taking turns over several rounds, so a busy moment of the machine is shared.
        results: dict[int, list[tuple[float, float]]] = {0: [], 10: [], 100: []}
        for round_ in range(args.rounds):
            for count in results:
                workspace = fresh_workspace(Path(folder) / f"w{round_}-{count}")
                try:
                    results[count].append(write_path(workspace, args.writes, count))
                finally:
                    workspace.close()
        print(f"{'listeners':>9}  {'write path ms/write':>19}  {'ratio':>6}  {'all delivered ms/write':>22}"
              f"   (median of {args.rounds} rounds)")
        base = statistics.median(per for per, _ in results[0])
        for count, runs in results.items():
            per_write = statistics.median(per for per, _ in runs)
            delivered = statistics.median(done for _, done in runs)
            print(f"{count:>9}  {per_write:>19.3f}  {per_write / base:>5.2f}×  {delivered:>22.3f}")
        print("budget: 100 listeners ≤ 2× the write path with none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
