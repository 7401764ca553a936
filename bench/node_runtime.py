"""Node.js runtime next to the embedded one: warm overhead, cold start, recycle, in one run.

    .venv/bin/python bench/node_runtime.py [--runs 200] [--sdk FOLDER]

Both pools run the same functions on this machine in this run, so they compare like with
like. The body is timed inside JS (20 runs in one call, Date.now() around them); the warm
overhead is the parent's wall time of a call minus that. Budget (DESIGN §6): ≤ 2 ms.
``--sdk FOLDER`` (a folder with node_modules/wx-server-sdk, e.g. after ``npm install
wx-server-sdk`` there) adds the first and warm call of a function that loads the real SDK.
``rows(runs, sdk)`` is what bench/functions.py can import and print.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.functions.runtime.v8 import JsPool
from app.core.functions.runtime.node import NodePool, find_node
from app.core.functions.runtime.node_process import NodeProcess

BODY = "let s = 0; for (let i = 0; i < 300000; i++) s += i % 7; await new Promise(r => setTimeout(r, 2)); return s"
FUNCTIONS = {
    "trivial": "exports.main = async (event) => event.a + 1",
    "body": f"exports.main = async () => {{ {BODY} }}",
    "body x20": f"const once = async () => {{ {BODY} }}\n"
    "exports.main = async () => { const t = Date.now(); for (let i = 0; i < 20; i++) await once()\n"
    "  return (Date.now() - t) / 20 }",
    "10 log lines": "exports.main = async () => { for (let i = 0; i < 10; i++) console.log('line', i, { i }) }",
}
SDK_FUNCTION = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async () => cloud.getWXContext().OPENID
"""

Pool = JsPool | NodePool


def write(root: Path, name: str, source: str) -> Path:
    fn = root / name.replace(" ", "_")
    fn.mkdir(parents=True, exist_ok=True)
    (fn / "index.js").write_text(source)
    return fn


def call_ms(pool: Pool, fn: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    outcome = pool.invoke(fn, {"a": 1}, {}, env or {}, 10.0, lambda action, params: {})
    assert outcome.error is None, outcome.error
    return (time.perf_counter() - started) * 1000


def warm(pool: Pool, fn: Path, runs: int) -> float:
    for _ in range(50):
        call_ms(pool, fn)  # load it, and let the JIT warm up
    return statistics.median(call_ms(pool, fn) for _ in range(runs))


def measure(make_pool: Callable[..., Pool], root: Path, runs: int) -> dict[str, float]:
    """The same measurements for one kind of pool; ``root`` is a fresh scratch folder."""
    fns = {name: write(root, name, source) for name, source in FUNCTIONS.items()}
    out: dict[str, float] = {}
    with make_pool(spare_workers=1) as pool:
        out["trivial"] = warm(pool, fns["trivial"], runs)
        body_wall = warm(pool, fns["body"], runs)
        body_js = statistics.median(
            pool.invoke(fns["body x20"], {}, {}, {}, 30.0, lambda a, p: {}).result for _ in range(5)
        )
        out["overhead"] = body_wall - body_js
        out["logs"] = warm(pool, fns["10 log lines"], runs)
        cold, changed = [], []
        for i in range(10):
            time.sleep(0.4)  # let the spare come up, as it would between a user's clicks
            cold.append(call_ms(pool, write(root, f"cold{i}", FUNCTIONS["trivial"])))
        for i in range(10):
            time.sleep(0.4)
            (fns["trivial"] / "index.js").write_text(FUNCTIONS["trivial"] + f"\n// edit {i}\n")
            changed.append(call_ms(pool, fns["trivial"]))
        out["cold"] = statistics.median(cold)
        out["changed"] = statistics.median(changed)
    with make_pool(spare_workers=0) as pool:
        out["cold_none"] = statistics.median(
            call_ms(pool, write(root, f"none{i}", FUNCTIONS["trivial"])) for i in range(5)
        )
    return out


def sdk_costs(folder: Path, runs: int) -> tuple[float, float]:
    """First call (spare up; includes require('wx-server-sdk')) and warm call of an SDK function."""
    (folder / "index.js").write_text(SDK_FUNCTION)
    env = {"WX_OPENID": "o1", "WX_CONTEXT_KEYS": "WX_OPENID"}
    with NodePool(spare_workers=1) as pool:
        time.sleep(0.5)
        first = call_ms(pool, folder, env)
        for _ in range(50):
            call_ms(pool, folder, env)
        return first, statistics.median(call_ms(pool, folder, env) for _ in range(runs))


def node_start_ms() -> float:
    starts = []
    for _ in range(10):
        started = time.perf_counter()
        worker = NodeProcess(find_node() or "node", 256, {"type": "init"})
        worker.wait_ready(30)
        starts.append((time.perf_counter() - started) * 1000)
        worker.kill()
    return statistics.median(starts)


def rows(runs: int, sdk: Path | None = None) -> list[tuple[str, float, float | None]]:
    """(label, embedded ms, node ms) rows; embedded is None where it does not apply."""
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-node-") as folder:
        v8 = measure(JsPool, Path(folder) / "v8", runs)
        node = measure(NodePool, Path(folder) / "node", runs)
    table = [
        (f"warm trivial call, median of {runs}", v8["trivial"], node["trivial"]),
        ("warm overhead over the function body", v8["overhead"], node["overhead"]),
        ("warm call writing ten console.log lines", v8["logs"], node["logs"]),
        ("cold call, spare process already up", v8["cold"], node["cold"]),
        ("cold call, no spare (spawn + load)", v8["cold_none"], node["cold_none"]),
        ("first call after a code change", v8["changed"], node["changed"]),
    ]
    table.append(("node worker start alone (spawn → ready)", None, node_start_ms()))  # type: ignore[arg-type]
    if sdk is not None:
        first, warm_sdk = sdk_costs(sdk, runs)
        table.append(("wx-server-sdk function: first call", None, first))  # type: ignore[arg-type]
        table.append(("wx-server-sdk function: warm getWXContext", None, warm_sdk))  # type: ignore[arg-type]
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sdk", type=Path, help="a folder with node_modules/wx-server-sdk")
    args = parser.parse_args()
    if find_node() is None:
        print("node is not installed; nothing to compare")
        return 1
    print(f"{'':44} {'embedded':>9} {'node':>9}")
    for label, v8, node in rows(args.runs, args.sdk):
        left = f"{v8:9.2f}" if v8 is not None else f"{'-':>9}"
        print(f"{label:44} {left} {node:9.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
