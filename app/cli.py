"""The headless front end (DESIGN §5). It never imports Qt, so it starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from app import __version__
from app.core.errors import InputError, SimulatorError
from app.core.workspace import Workspace

COMMANDS = ("personas", "db", "call", "run-client", "serve")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: GUI options at the top, headless commands as subcommands."""
    parser = argparse.ArgumentParser(
        prog="wxsim",
        description="wxsim (微信云开发模拟器): an offline simulator of WeChat Mini Program Cloud "
        "Development. Without a command it opens the desktop app on the bundled demo project.",
    )
    parser.add_argument("--version", action="version", version=f"wxsim {__version__}")
    _add_location_options(parser, None)
    parser.add_argument(
        "--lang", choices=("zh_CN", "en"), help="UI language (default: the system's, or the last chosen)"
    )
    parser.add_argument(
        "--exit-after-start",
        action="store_true",
        help="open the window, print startup timings as JSON once it has painted, and quit "
        "(for smoke tests and bench/startup.py)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    personas = commands.add_parser(
        "personas", help="print the persona roster with openids as JSON"
    )
    _add_location_options(personas, argparse.SUPPRESS)
    _add_db_commands(commands)
    call = commands.add_parser(
        "call", help="invoke a cloud function as wx.cloud.callFunction would; prints one JSON object"
    )
    call.add_argument("name", help="the function's folder name under cloudfunctionRoot")
    call.add_argument("--data", default="{}", metavar="JSON", help="the event data, a JSON object")
    who = call.add_mutually_exclusive_group()
    who.add_argument("--as", dest="persona", metavar="PERSONA", help="call as this persona's mini program")
    who.add_argument("--openid", metavar="OPENID", help="call as a mini program user with this openid")
    call.add_argument("--runtime", choices=("v8", "node"),
                      help="v8: the embedded engine; node: real Node.js with the function's own "
                      "node_modules (default: the function's saved choice, else v8)")
    call.add_argument("--node", metavar="PATH", help="the Node.js to use with --runtime node")
    _add_location_options(call, argparse.SUPPRESS)
    client = commands.add_parser(
        "run-client",
        help="run FILE as mini program code (exports.main, a global wx.cloud) as a user; prints its result",
    )
    client.add_argument("file", type=Path)
    who = client.add_mutually_exclusive_group()
    who.add_argument("--as", dest="persona", metavar="PERSONA", help="run as this persona (default: the first)")
    who.add_argument("--openid", metavar="OPENID", help="run as a mini program user with this openid")
    _add_location_options(client, argparse.SUPPRESS)
    serve = commands.add_parser(
        "serve", help="run the workspace headless with the loopback gateway the real wx-server-sdk talks to"
    )
    serve.add_argument("--port", type=int, default=0, help="the gateway's port on 127.0.0.1 (default: a free one)")
    _add_location_options(serve, argparse.SUPPRESS)
    return parser


def _add_db_commands(commands) -> None:
    db = commands.add_parser("db", help="console operations on the database (run as admin)")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    permission = actions.add_parser(
        "permission", help="set a collection's permission mode, as the console's 数据权限 does"
    )
    permission.add_argument("collection")
    permission.add_argument("mode", choices=("READONLY", "PRIVATE", "ADMINWRITE", "ADMINONLY", "CUSTOM"))
    permission.add_argument("--rules", type=Path, metavar="FILE", help="security rules JSON (CUSTOM)")
    load = actions.add_parser("import", help="import a JSON Lines or CSV file into a collection")
    load.add_argument("collection")
    load.add_argument("file", type=Path)
    load.add_argument("--format", choices=("jsonl", "csv"), help="default: from the file extension")
    load.add_argument(
        "--conflict", choices=("insert", "upsert"), default="insert",
        help="insert: an existing _id is an error; upsert: it is replaced (default: insert)",
    )
    load.add_argument(
        "--partial", action="store_true",
        help="import the good lines even if some are bad (default: all or nothing)",
    )
    dump = actions.add_parser("export", help="export a collection as JSON Lines or CSV to stdout")
    dump.add_argument("collection")
    dump.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    dump.add_argument("--fields", metavar="A,B", help="the fields to export (required for CSV)")
    dump.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    for sub in (permission, load, dump):
        _add_location_options(sub, argparse.SUPPRESS)


def _add_location_options(parser: argparse.ArgumentParser, default: object) -> None:
    # Subcommands repeat these with SUPPRESS so a value given before the command survives.
    parser.add_argument(
        "--project", type=Path, default=default, metavar="DIR",
        help="a mini program project folder (with project.config.json); default: the bundled demo",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=default, metavar="DIR",
        help="where the workspace state lives; default: the user data folder",
    )


def run(args: argparse.Namespace, workspace_for: Callable[[argparse.Namespace], Workspace]) -> int:
    """Run a headless command; ``workspace_for(args)`` opens the workspace it acts on."""
    try:
        workspace = workspace_for(args)
    except SimulatorError as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "personas":
            return _personas(workspace)
        if args.command == "call":
            return _call(args, workspace)
        if args.command == "run-client":
            return _run_client(args, workspace)
        if args.command == "serve":
            return _serve(args, workspace)
        return _db(args, workspace)
    except SimulatorError as exc:
        print(f"wxsim: {_message(exc)}", file=sys.stderr)
        return 1
    finally:
        workspace.close()


def _personas(workspace: Workspace) -> int:
    roster = [asdict(p) for p in workspace.identity.personas()]
    print(json.dumps(
        {"env": workspace.settings.env_id, "appid": workspace.settings.appid, "personas": roster},
        ensure_ascii=False, indent=2,
    ))
    return 0


def _db(args: argparse.Namespace, workspace: Workspace) -> int:
    from app.core.database import files as database_files
    from app.core.database.transfer import parse_field_list
    from app.core.requests import SOURCE_CLI, Caller, Request

    if args.db_command == "permission":
        if args.mode == "CUSTOM":
            raise InputError("CUSTOM security rules are not supported yet; use one of the four simple modes.")
        params = {"collectionName": args.collection, "mode": args.mode}
        workspace.handle(Request("database.setPermission", params, Caller.console(SOURCE_CLI)))
        print(json.dumps(params, ensure_ascii=False))
        return 0
    if args.db_command == "import":
        # The collection is made with its documents, so a refused import leaves none behind.
        outcome = database_files.import_file(
            workspace.handle, args.collection, args.file,
            fmt=database_files.format_of(args.file, args.format), upsert=args.conflict == "upsert",
            atomic=not args.partial, source=SOURCE_CLI, create=True,
        )
        if outcome.created:
            print(f"created collection {args.collection}", file=sys.stderr)
        for error in outcome.line_errors[:50]:
            print(error.message, file=sys.stderr)
        report = {"inserted": outcome.inserted, "replaced": outcome.replaced,
                  "badLines": len(outcome.line_errors), "conflicts": outcome.conflicts}
        print(json.dumps(report, ensure_ascii=False))
        return 0 if not outcome.line_errors and not outcome.conflicts else 1
    fields = parse_field_list(args.fields) if args.fields else None
    workspace.database.require_collection(args.collection)
    count = database_files.export_file(
        workspace.database, args.collection, args.out, sys.stdout, fmt=args.format, fields=fields
    )
    print(f"exported {count} document(s)", file=sys.stderr)
    return 0


def _message(exc: SimulatorError) -> str:
    return str(exc)


def _call(args: argparse.Namespace, workspace: Workspace) -> int:
    from app.core.functions.sdk import call_function
    from app.core.requests import SOURCE_CLI, Caller

    from app.core import jsontext

    data = jsontext.loads(args.data, what="--data")  # NaN, deep nesting, … refused here
    if not isinstance(data, dict):
        raise InputError("--data must be a JSON object, e.g. '{\"a\": 1}'")
    if args.persona:
        caller = workspace.client_caller(args.persona)
    elif args.openid:
        caller = Caller.client(args.openid, workspace.settings.appid)
    else:
        caller = Caller.console(SOURCE_CLI)
    if args.node:
        workspace.set_node_path(args.node)
    if args.runtime == "node" or (args.runtime is None and workspace.function_runtime(args.name) == "node"):
        problem = workspace.node_runtime_problem(args.name)
        if problem:
            raise InputError(problem)
    workspace.functions.set_runtime_override(args.name, args.runtime)
    # A console test run (no --as) still answers in the mini program's shape (DESIGN §5).
    outcome = call_function(workspace.handle, caller, args.name, data, client_shape=True)
    for invocation in workspace.functions.history(args.name)[:1]:
        for line in invocation.logs:
            print(f"[{line['level']}] {line['text']}", file=sys.stderr)
    print(json.dumps(outcome.value, ensure_ascii=False))
    return 0 if outcome.ok else 1


def _run_client(args: argparse.Namespace, workspace: Workspace) -> int:
    import tempfile

    from app.core.requests import Caller

    if args.openid:
        caller = Caller.client(args.openid, workspace.settings.appid)
    else:
        personas = workspace.identity.personas()
        caller = workspace.client_caller(args.persona or (personas[0].name if personas else None))
    with tempfile.TemporaryDirectory(prefix="wxsim-client-") as temp:
        outcome = workspace.functions.run_client(args.file, caller, Path(temp))
    for line in outcome.logs:
        print(f"[{line.level}] {line.text}", file=sys.stderr)
    if outcome.timed_out:
        result = {"errCode": -1, "errMsg": f"{args.file.name} did not finish within 60 seconds"}
    elif outcome.error is not None:
        if outcome.error.code is None and outcome.error.stack:
            print(outcome.error.stack, file=sys.stderr)
        result = {"errCode": outcome.error.code if outcome.error.code is not None else -1,
                  "errMsg": outcome.error.err_msg or outcome.error.message}
    else:
        print(json.dumps(outcome.result, ensure_ascii=False))
        return 0
    print(json.dumps(result, ensure_ascii=False))
    return 1


def _serve(args: argparse.Namespace, workspace: Workspace) -> int:
    import signal
    import threading

    from app.core.functions.triggers import TriggerScheduler

    workspace.gateway.start(args.port)  # a busy port is an InputError with the reason
    triggers = TriggerScheduler(workspace.functions.functions, workspace.handle)
    triggers.start()
    print(json.dumps(workspace.gateway.serve_info(workspace.data_dir), ensure_ascii=False), flush=True)
    print(f"wxsim: serving {workspace.settings.env_id} at {workspace.gateway.url}; Ctrl+C stops",
          file=sys.stderr)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        triggers.stop()
    return 0
