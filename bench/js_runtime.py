"""JS runtime costs: warm call overhead next to the function body, cold start, worker start.

    .venv/bin/python bench/js_runtime.py [--runs 200]

All numbers come from one run on one machine, so they compare like with like. The body is
timed inside JS (20 runs in one call, Date.now() around them); the warm overhead is the
parent's wall time of a call minus that. Budget (DESIGN §6): warm overhead ≤ 2 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.functions.runtime.v8 import JsPool
from app.core.functions.runtime.v8_process import WorkerProcess

BODY = "let s = 0; for (let i = 0; i < 300000; i++) s += i % 7; await new Promise(r => setTimeout(r, 2)); return s"
FUNCTIONS = {
    "trivial": "exports.main = async () => 1",
    "body": f"exports.main = async () => {{ {BODY} }}",
    "body x20": f"const once = async () => {{ {BODY} }}\n"
    "exports.main = async () => { const t = Date.now(); for (let i = 0; i < 20; i++) await once()\n"
    "  return (Date.now() - t) / 20 }",
    "host call": "const host = require('bench-host')\nexports.main = async () => (await host.call('ping', {})).pong",
    "10 log lines": "exports.main = async () => { for (let i = 0; i < 10; i++) console.log('line', i, { i }) }",
}


def write(root: Path, name: str, source: str) -> Path:
    fn = root / name.replace(" ", "_")
    fn.mkdir(parents=True, exist_ok=True)
    (fn / "index.js").write_text(source)
    return fn


def call_ms(pool: JsPool, fn: Path) -> float:
    started = time.perf_counter()
    outcome = pool.invoke(fn, {}, {}, {}, 10.0, lambda action, params: {"pong": 1})
    assert outcome.error is None, outcome.error
    return (time.perf_counter() - started) * 1000


def warm(pool: JsPool, fn: Path, runs: int) -> float:
    for _ in range(50):
        call_ms(pool, fn)  # load it, and let V8 tier up the loader's hot paths
    return statistics.median(call_ms(pool, fn) for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="wxsim-bench-js-"))
    builtin = root / "bench-host.js"
    builtin.write_text("module.exports = require('wxsim:host')")
    fns = {name: write(root, name, source) for name, source in FUNCTIONS.items()}
    with JsPool(spare_workers=1, builtins={"bench-host": builtin}) as pool:
        trivial = warm(pool, fns["trivial"], args.runs)
        body_wall = warm(pool, fns["body"], args.runs)
        body_js = statistics.median(
            pool.invoke(fns["body x20"], {}, {}, {}, 30.0, lambda a, p: {}).result for _ in range(5)
        )
        host = warm(pool, fns["host call"], args.runs)
        logs = warm(pool, fns["10 log lines"], args.runs)
        cold_spare = []
        for i in range(10):
            time.sleep(0.4)  # let the spare come up, as it would between a user's clicks
            cold_spare.append(call_ms(pool, write(root, f"cold{i}", FUNCTIONS["trivial"])))
    starts = []
    for _ in range(10):
        started = time.perf_counter()
        worker = WorkerProcess({"type": "init", "heap_mb": 256, "builtins": {}})
        worker.wait_ready(30)
        starts.append((time.perf_counter() - started) * 1000)
        worker.kill()
    with JsPool(spare_workers=0) as pool:
        cold_none = statistics.median(
            call_ms(pool, write(root, f"none{i}", FUNCTIONS["trivial"])) for i in range(5)
        )

    overhead = body_wall - body_js
    cold = statistics.median(cold_spare)
    rows = [
        (f"warm call, median of {args.runs} (parent wall time)", None, ""),
        ("trivial function: all of it is overhead", trivial, ""),
        ("function body alone, timed inside JS", body_js, ""),
        (
            "that body through the pool, warm",
            body_wall,
            f"overhead {overhead:.2f} ms = {overhead / 2:.2f}× the 2 ms budget",
        ),
        ("function making one host call", host, f"+{host - trivial:.2f} ms vs trivial"),
        ("function writing ten console.log lines", logs, f"{logs - trivial:+.2f} ms vs trivial"),
        ("cold start, medians of 10 / 5 / 10", None, ""),
        (
            "new function, spare worker already up",
            cold,
            f"{cold / trivial:.1f}× a warm trivial call",
        ),
        ("new function, no spare (spawn + load)", cold_none, ""),
        ("worker start alone (spawn → ready)", statistics.median(starts), ""),
    ]
    for label, ms, note in rows:
        print(label + ":" if ms is None else f"  {label:40} {ms:7.2f} ms   {note}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
