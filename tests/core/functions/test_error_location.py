"""A failed run says where the error is, as a file on this computer (not ``/var/user/…``)."""

from __future__ import annotations

from app.core.functions.error_location import error_location
from app.core.functions.sdk import call_function
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.functions.test_runner import make_project

SYNTAX = "exports.main = async () => {\n  let x = 1\n  x++ const y = 2\n}\n"
THROWS = "function f () {\n  throw new Error('boom')\n}\nexports.main = async () => f()\n"
REQUIRES = "const helper = require('./lib/helper')\nexports.main = async () => helper()\n"
HELPER = "module.exports = () => {\n  return null.x\n}\n"


def test_syntax_runtime_and_required_file_errors_name_the_real_file(tmp_path):
    project = make_project(tmp_path / "p", {"bad": SYNTAX, "throws": THROWS, "requires": REQUIRES})
    (project / "cloudfunctions" / "requires" / "lib").mkdir()
    (project / "cloudfunctions" / "requires" / "lib" / "helper.js").write_text(HELPER, encoding="utf-8")
    ws = Workspace.open(tmp_path / "d", project)
    try:
        def location(name: str) -> dict:
            call_function(ws.handle, Caller.console(), name, {})
            [run] = ws.handle(Request("functions.history", {"name": name}, Caller.console()))["invocations"]
            return run["location"]

        folder = (project / "cloudfunctions").resolve()
        assert location("bad") == {"path": str(folder / "bad" / "index.js"), "line": 3, "column": None}
        assert location("throws") == {"path": str(folder / "throws" / "index.js"), "line": 2, "column": 9}
        assert location("requires") == {"path": str(folder / "requires" / "lib" / "helper.js"), "line": 2, "column": 15}
    finally:
        ws.close()


def test_frames_outside_the_folder_or_in_node_modules_come_last(tmp_path):
    folder = tmp_path / "fn"
    (folder / "node_modules" / "dep").mkdir(parents=True)
    (folder / "index.js").write_text("x")
    (folder / "node_modules" / "dep" / "index.js").write_text("x")
    stack = ("Error: no\n    at dep (/var/user/node_modules/dep/index.js:1:1)\n"
             "    at main (/var/user/../../etc/passwd:1:1)\n    at wxsim:sdk/database.js:4:2\n"
             f"    at exports.main ({folder}/index.js:7:3)\n")
    assert error_location(stack, folder) == {"path": str(folder.resolve() / "index.js"), "line": 7, "column": 3}
    assert error_location("Error: no\n    at /var/user/node_modules/dep/index.js:5:2", folder)["line"] == 5
    assert error_location("Error: no\n    at /var/user/gone.js:5:2\n    at /var/user/../x.js:1:1", folder) is None
    assert error_location(None, folder) is None
