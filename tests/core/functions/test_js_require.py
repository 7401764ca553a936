"""CommonJS: Node's resolution, caching, cycles, packages in node_modules, and built-ins."""

from __future__ import annotations


def test_relative_json_and_directory_index(make_function, run):
    """./a, ../x, .json, a directory's index.js and package.json main all resolve as in Node."""
    fn = make_function(
        {
            "index.js": """exports.main = async () => ({
            a: require('./a'), b: require('./lib/b').name, data: require('./data.json'),
            dir: require('./dir'), pkg: require('./pkgdir'), explicit: require('./a.js') === require('./a') })""",
            "a.js": "module.exports = { file: __filename, dir: __dirname }",
            "lib/b.js": "exports.name = 'b:' + require('../a').file",
            "data.json": '{"k": [1, 2]}',
            "dir/index.js": "module.exports = 'dir index'",
            "pkgdir/package.json": '{"main": "src/main.js"}',
            "pkgdir/src/main.js": "module.exports = 'pkg main'",
        }
    )
    assert run(fn).result == {
        "a": {"file": "/var/user/a.js", "dir": "/var/user"},
        "b": "b:/var/user/a.js",
        "data": {"k": [1, 2]},
        "dir": "dir index",
        "pkg": "pkg main",
        "explicit": True,
    }


def test_node_modules_packages(make_function, run):
    """Bare names come from node_modules, found by walking up; main, exports, scopes, subpaths."""
    fn = make_function(
        {
            "index.js": """exports.main = async () => ({ plain: require('plain'), scoped: require('@s/pkg'),
            sub: require('plain/extra'), exp: require('withexports'), nested: require('./lib/uses').x })""",
            "lib/uses.js": "exports.x = require('plain').name + '+' + require('deep')",
            "node_modules/plain/package.json": '{"name": "plain", "main": "./main"}',
            "node_modules/plain/main.js": "exports.name = 'plain'",
            "node_modules/plain/extra.js": "module.exports = 'extra'",
            "node_modules/@s/pkg/index.js": "module.exports = 'scoped'",
            "node_modules/withexports/package.json": '{"exports": {".": {"require": "./cjs.js", "import": "./esm.mjs"}}}',
            "node_modules/withexports/cjs.js": "module.exports = 'cjs'",
            "node_modules/deep/index.js": "module.exports = require('inner')",
            "node_modules/deep/node_modules/inner/index.js": "module.exports = 'inner of deep'",
        }
    )
    assert run(fn).result == {
        "plain": {"name": "plain"},
        "scoped": "scoped",
        "sub": "extra",
        "exp": "cjs",
        "nested": "plain+inner of deep",
    }


def test_modules_are_cached_and_cycles_see_partial_exports(make_function, run):
    """A module runs once; a cycle gets the unfinished exports object, as in Node's docs example."""
    fn = make_function(
        {
            "index.js": """const log = []; global.log = log
            const a = require('./a'); const b = require('./b')
            exports.main = async () => ({ log, aDone: a.done, bDone: b.done, same: require('./a') === a,
              cached: Object.keys(require.cache).sort(), main: require.main === module })""",
            "a.js": "exports.done = false; const b = require('./b'); log.push('in a, b.done=' + b.done); exports.done = true",
            "b.js": "exports.done = false; const a = require('./a'); log.push('in b, a.done=' + a.done); exports.done = true",
        }
    )
    assert run(fn).result == {
        "log": ["in b, a.done=false", "in a, b.done=true"],
        "aDone": True,
        "bDone": True,
        "same": True,
        "cached": ["/var/user/a.js", "/var/user/b.js", "/var/user/index.js"],
        "main": True,
    }


def test_missing_module_names_it_with_the_require_stack(make_function, run):
    """A module that is not there fails with Node's message and code."""
    fn = make_function(
        {"index.js": "exports.main = async () => require('./lib')", "lib.js": "require('./nope')"}
    )
    error = run(fn).error
    assert (
        error.message
        == "Cannot find module './nope'\nRequire stack:\n- /var/user/lib.js\n- /var/user/index.js"
    )
    fn = make_function({"index.js": "exports.main = async () => require('left-pad')"})
    assert run(fn).error.message.startswith("Cannot find module 'left-pad'")


def test_other_node_builtins_are_refused_by_name(make_function, run):
    """fs, child_process and friends fail with a message that names them and what is available."""
    for name in ("fs", "node:http", "child_process"):
        fn = make_function({"index.js": f"exports.main = async () => require('{name}')"})
        assert run(fn).error.message == (
            f"Cannot find module '{name}' (Node built-in modules other than path, util, events, crypto, buffer "
            "are not available in the embedded runtime)\nRequire stack:\n- /var/user/index.js"
        )


def test_builtins_win_over_node_modules(make_function, run):
    """A registered built-in is used even when node_modules has a package of that name."""
    fn = make_function(
        {
            "index.js": "exports.main = async () => typeof require('test-host').call",
            "node_modules/test-host/index.js": "module.exports = { call: 'the npm one' }",
            "node_modules/events/index.js": "module.exports = 'npm events'",
        }
    )
    assert run(fn).result == "function"
    fn = make_function(
        {
            "index.js": "exports.main = async () => typeof require('events')",
            "node_modules/events/index.js": "module.exports = 'npm events'",
        }
    )
    assert run(fn).result == "function"


def test_nothing_outside_the_function_is_reachable(make_function, run, tmp_path):
    """require of a path above /var/user (or through a symlink leaving it) is not found."""
    (tmp_path / "secret.js").write_text("module.exports = 'secret'")
    fn = make_function({"index.js": "exports.main = async () => require('../../secret')"})
    assert "Cannot find module" in run(fn).error.message
    fn = make_function({"index.js": "exports.main = async () => require('./link/secret')"})
    (fn / "link").symlink_to(tmp_path)
    assert "Cannot find module" in run(fn).error.message


def test_computed_require_of_unscanned_package_says_why(make_function, run):
    """A package only reachable through a computed name was not loaded ahead, and the error says so."""
    fn = make_function(
        {
            "index.js": "const n = 'pl' + 'ain'\nexports.main = async () => require(n)",
            "node_modules/plain/index.js": "module.exports = 1",
        }
    )
    assert "computed at run time" in run(fn).error.message


def test_computed_require_of_own_files_works(make_function, run):
    """The function's own files are all loaded ahead, so a computed relative require works."""
    fn = make_function(
        {
            "index.js": "exports.main = async (e) => require('./locales/' + e.lang)",
            "locales/zh.json": '{"hi": "你好"}',
        }
    )
    assert run(fn, {"lang": "zh"}).result == {"hi": "你好"}


def test_failed_initialisation_is_retried_on_a_fresh_instance(make_function, run):
    """If index.js throws while loading, the next call loads it again from scratch."""
    fn = make_function(
        {
            "index.js": "global.tries = (global.tries || 0) + 1\nif (!process.env.OK) throw new Error('init')\n"
            "exports.main = async () => global.tries"
        }
    )
    assert run(fn).error.message == "init"
    assert run(fn, env={"OK": "1"}).result == 1
