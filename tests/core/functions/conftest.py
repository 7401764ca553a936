"""Fixtures for the JS runtime tests: one shared pool, and functions written to tmp_path."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.functions.runtime.v8 import JsOutcome, JsPool

_names = itertools.count()


@pytest.fixture(scope="session")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JsPool]:
    """A pool shared by the tests, with a test-only built-in ``test-host`` exposing host calls."""
    builtin = tmp_path_factory.mktemp("builtins") / "test-host.js"
    builtin.write_text("module.exports = require('wxsim:host')", encoding="utf-8")
    with JsPool(spare_workers=2, max_idle=16, builtins={"test-host": builtin}) as p:
        yield p


@pytest.fixture
def make_function(tmp_path: Path) -> Callable[..., Path]:
    """Write ``{relative path: text}`` into a fresh function directory and return it."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / f"fn{next(_names)}"
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def run(pool: JsPool) -> Callable[..., JsOutcome]:
    """Invoke a function with sensible defaults: ``run(fn_dir, event, timeout_s=…, host=…)``."""

    def invoke(
        fn_dir: Path,
        event: dict | None = None,
        *,
        context: dict | None = None,
        env: dict | None = None,
        timeout_s: float = 5.0,
        host: Callable[[str, dict], dict] | None = None,
    ) -> JsOutcome:
        host = host or (lambda action, params: {"echo": params})
        return pool.invoke(fn_dir, event or {}, context or {}, env or {}, timeout_s, host)

    return invoke


@pytest.fixture
def js(
    make_function: Callable[..., Path], run: Callable[..., JsOutcome]
) -> Callable[[str], object]:
    """Evaluate the body of an async main and return its result, failing on any JS error."""

    def evaluate(body: str) -> object:
        outcome = run(make_function({"index.js": f"exports.main = async (event) => {{ {body} }}"}))
        assert outcome.error is None, outcome.error
        return outcome.result

    return evaluate
