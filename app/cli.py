"""The headless front end (DESIGN §5). It never imports Qt, so it starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from app import __version__
from app.cli_indexes import add_index_commands, index_command
from app.cli_time_travel import add_time_travel_commands, import_scenario, time_travel
from app.core.api import (
    SOURCE_CLI,
    Caller,
    HolderUnreachable,
    InputError,
    ProjectError,
    RemoteApi,
    SimulatorError,
    WorkspaceApi,
    call_function,
    jsontext,
)

Api = WorkspaceApi | RemoteApi

# Exit codes scripts can rely on (DESIGN §5; README "Command line").
EXIT_OK = 0
EXIT_FAILED = 1  # the operation failed as the platform fails it (errMsg printed)
EXIT_USAGE = 2  # a usage or input error: bad flags, bad --data JSON, an unknown persona
EXIT_UNREACHABLE = 3  # the workspace could not be reached or opened
EPILOG = """Every command works on the workspace whether or not another wxsim holds it: when the desktop
app or `wxsim serve` has it open, the command sends its requests there (they appear in that
app's timeline); otherwise it opens the workspace itself, and commands started meanwhile use it.

exit codes:
  0  ok
  1  the operation failed as the platform fails it (the function threw or does not exist;
     the errMsg is printed)
  2  a usage or input error (bad flags, bad --data JSON, an unknown persona, an unreadable file)
  3  the workspace could not be reached or opened
"""

COMMANDS = ("personas", "db", "storage", "call", "run-client", "serve", "snapshot", "reset", "scenario")
PERMISSION_MODES = ("READONLY", "PRIVATE", "ADMINWRITE", "ADMINONLY", "CUSTOM")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: GUI options at the top, headless commands as subcommands."""
    parser = argparse.ArgumentParser(
        prog="wxsim",
        description="wxsim (微信云开发模拟器): an offline simulator of WeChat Mini Program Cloud "
        "Development. Without a command it opens the desktop app on the bundled demo project.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wxsim {__version__}")
    _add_location_options(parser, None)
    parser.add_argument(
        "--lang", choices=("zh_CN", "en"), help="UI language (default: the system's, or the last chosen)"
    )
    parser.add_argument(
        "--scenario", type=Path, metavar="FILE",
        help="open a .wxsim scenario file in the desktop app, in a new workspace (under the user data "
        "folder's scenarios/, or --data-dir if given, which must be empty); never over an existing one",
    )
    parser.add_argument(
        "--install-desktop-entry", action="store_true",
        help="Linux: add wxsim to the desktop's application menu and open .wxsim files with it "
        "(writes under ~/.local/share); prints what it wrote as JSON",
    )
    # The file a desktop entry's %f expands to (app/desktop_entry.py); nothing when it gave none.
    parser.add_argument("--open-file", nargs="?", type=Path, metavar="FILE", help=argparse.SUPPRESS)
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
    _add_storage_commands(commands)
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
    client.add_argument("--watch-seconds", type=float, metavar="N",
                        help="stop its realtime listeners (watch) N seconds after the script started "
                        "(default: it runs until it closes them, at most 60 s); each snapshot they get is "
                        "printed as a JSON line as it comes, before the result")
    _add_location_options(client, argparse.SUPPRESS)
    add_time_travel_commands(commands, _add_location_options)
    serve = commands.add_parser(
        "serve", help="run the workspace headless with the loopback gateway the real wx-server-sdk talks to"
    )
    serve.add_argument("--port", type=int, default=0, help="the gateway's port on 127.0.0.1 (default: a free one)")
    _add_location_options(serve, argparse.SUPPRESS)
    return parser


def desktop_open_argv(argv: list[str]) -> list[str]:
    """A lone ``FILE.wxsim`` argument, as macOS (its open event as argv) and Windows' "Open with"
    pass it, opens that scenario: ``--open-file FILE``."""
    if len(argv) == 1 and argv[0].lower().endswith(".wxsim") and not argv[0].startswith("-"):
        return ["--open-file", argv[0]]
    return argv


def _add_db_commands(commands) -> None:
    db = commands.add_parser("db", help="console operations on the database (run as admin)")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    permission = actions.add_parser(
        "permission", help="set a collection's permission mode, as the console's 数据权限 does"
    )
    permission.add_argument("collection")
    permission.add_argument("mode", choices=PERMISSION_MODES)
    permission.add_argument(
        "--rules", type=Path, metavar="FILE",
        help='with CUSTOM: a JSON file of security rules, e.g. {"read": "doc._openid == auth.openid", '
        '"write": "doc._openid == auth.openid"} (keys read, write, create, update, delete)',
    )
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
    aggregate = actions.add_parser(
        "aggregate", help="run an aggregation pipeline on a collection; prints {list, errMsg} as JSON",
        description="PIPELINE_FILE holds the pipeline as a JSON array of stages in the wire's form: "
        'one-key stage objects such as [{"$match": {"done": false}}, {"$group": {"_id": "$tag", '
        '"n": {"$sum": 1}}}], Extended JSON for dates ({"$date": "2024-01-01T00:00:00Z"}); the '
        'SDK\'s own {"stageKey": "$match", "stageValue": "<EJSON text>"} items are taken too.')
    aggregate.add_argument("collection")
    aggregate.add_argument("pipeline_file", type=Path, metavar="PIPELINE_FILE")
    for sub in (permission, load, dump, aggregate):
        _add_location_options(sub, argparse.SUPPRESS)
    add_index_commands(actions, _add_location_options)


def _add_storage_commands(commands) -> None:
    storage = commands.add_parser("storage", help="console operations on cloud storage (run as admin)")
    actions = storage.add_subparsers(dest="storage_command", metavar="ACTION", required=True)
    permission = actions.add_parser(
        "permission", help="set the storage permission mode, as the console's 存储 → 权限设置 does"
    )
    permission.add_argument("mode", choices=PERMISSION_MODES)
    permission.add_argument(
        "--rules", type=Path, metavar="FILE",
        help='with CUSTOM: a JSON file of storage security rules, e.g. '
        '{"read": true, "write": "resource.openid == auth.openid"}',
    )
    _add_location_options(permission, argparse.SUPPRESS)


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
    if default is argparse.SUPPRESS:  # a headless command
        parser.add_argument(
            "--wait", type=float, default=argparse.SUPPRESS, metavar="SECONDS",
            help="how long to wait for a workspace another wxsim is opening or closing (default: 60)",
        )


def run(args: argparse.Namespace, api_for: Callable[[argparse.Namespace], Api]) -> int:
    """Run a headless command; ``api_for(args)`` attaches to or opens the workspace it acts on."""
    try:
        api = api_for(args)
    except ProjectError as exc:  # --project names no mini program project: the flag is wrong
        print(f"wxsim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SimulatorError as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    try:
        if args.command == "personas":
            return _personas(api)
        if args.command == "call":
            return _call(args, api)
        if args.command == "run-client":
            return _run_client(args, api)
        if args.command == "serve":
            return _serve(args, api)
        if args.command == "storage":
            return _storage(args, api)
        if args.command in ("snapshot", "reset", "scenario"):
            return time_travel(args, api)
        return _db(args, api)
    except HolderUnreachable as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except InputError as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SimulatorError as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        api.close()


def _personas(api: Api) -> int:
    print(json.dumps(api.request("personas.list"), ensure_ascii=False, indent=2))
    return 0


def _db(args: argparse.Namespace, api: Api) -> int:
    if args.db_command == "permission":
        params = {"collectionName": args.collection, "mode": args.mode, **_rules_param(args)}
        print(json.dumps(api.request("database.setPermission", params), ensure_ascii=False))
        return 0
    if args.db_command == "import":
        # The collection is made with its documents, so a refused import leaves none behind.
        report = api.request("database.importFile", {
            "collectionName": args.collection, "localPath": str(args.file.expanduser().resolve()),
            "format": args.format, "conflict": args.conflict, "atomic": not args.partial,
            "createCollection": True,
        })
        if report["created"]:
            print(f"created collection {args.collection}", file=sys.stderr)
        for error in report["lineErrors"][:50]:
            print(error["message"], file=sys.stderr)
        summary = {"inserted": report["inserted"], "replaced": report["replaced"],
                   "badLines": len(report["lineErrors"]), "conflicts": report["conflicts"]}
        print(json.dumps(summary, ensure_ascii=False))
        return 0 if not report["lineErrors"] and not report["conflicts"] else 1
    if args.db_command == "aggregate":
        return _aggregate(args, api)
    if args.db_command == "index":
        return index_command(args, api)
    return _export(args, api)


def _aggregate(args: argparse.Namespace, api: Api) -> int:
    """``db aggregate``: the file's stages in the wire's form (tcb-wire §4), run as admin."""
    path = args.pipeline_file.expanduser()
    try:
        pipeline = jsontext.loads(path.read_text(encoding="utf-8"), what=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the pipeline file {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    if not isinstance(pipeline, list):
        raise InputError(f"{path} must hold a JSON array of stages, e.g. [{{\"$match\": {{}}}}].")
    stages = []
    for stage in pipeline:
        if isinstance(stage, dict) and set(stage) == {"stageKey", "stageValue"}:
            stages.append(stage)
        elif isinstance(stage, dict) and len(stage) == 1:
            ((key, value),) = stage.items()
            stages.append({"stageKey": key, "stageValue": json.dumps(value, ensure_ascii=False)})
        else:
            raise InputError(f"{path}: each stage must be an object with one key, like {{\"$match\": {{}}}}.")
    answer = api.request("database.aggregateDocuments", {"collectionName": args.collection, "stages": stages})
    print(json.dumps({"list": answer["list"], "errMsg": "collection.aggregate:ok"}, ensure_ascii=False))
    return 0


def _storage(args: argparse.Namespace, api: Api) -> int:
    answer = api.request("storage.setPermission", {"mode": args.mode, **_rules_param(args)})
    print(json.dumps(answer, ensure_ascii=False))
    return 0


def _rules_param(args: argparse.Namespace) -> dict:
    """``{"rules": …}`` from ``--rules FILE`` (strict JSON), which goes with CUSTOM only."""
    if args.rules is None:
        if args.mode == "CUSTOM":
            raise InputError("CUSTOM needs --rules FILE: a JSON file of security rules.")
        return {}
    if args.mode != "CUSTOM":
        raise InputError(f"--rules goes with the mode CUSTOM, not {args.mode}.")
    path = args.rules.expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.") from None
    except OSError as exc:
        raise InputError(f"Cannot read the rules file {path}: {exc.strerror or exc}.") from None
    return {"rules": jsontext.loads(text, what=str(path))}


def _export(args: argparse.Namespace, api: Api) -> int:
    import os
    import shutil
    import tempfile

    params = {"collectionName": args.collection, "format": args.format, "fields": args.fields}
    if args.out is not None:
        report = api.request("database.exportFile", {**params, "localPath": str(args.out.expanduser().resolve())})
    else:
        # The export is written whole to a private temp file, then copied to stdout.
        fd, temp = tempfile.mkstemp(prefix="wxsim-export-", suffix=f".{args.format}")
        os.close(fd)
        try:
            report = api.request("database.exportFile", {**params, "localPath": temp})
            with open(temp, encoding="utf-8", newline="") as stream:
                shutil.copyfileobj(stream, sys.stdout)
            sys.stdout.flush()
        finally:
            os.unlink(temp)
    print(f"exported {report['exported']} document(s)", file=sys.stderr)
    return 0


def _caller(args: argparse.Namespace, api: Api) -> Caller | None:
    """The mini program user a command acts as, or None for the console's own test run."""
    if getattr(args, "persona", None):
        return api.client_caller(args.persona)
    if getattr(args, "openid", None):
        return api.openid_caller(args.openid)
    return None


def _call(args: argparse.Namespace, api: Api) -> int:
    data = jsontext.loads(args.data, what="--data")  # NaN, deep nesting, … refused here
    if not isinstance(data, dict):
        raise InputError("--data must be a JSON object, e.g. '{\"a\": 1}'")
    if args.node:
        api.request("functions.setNodePath", {"path": args.node})
    if args.runtime:
        answer = api.request("functions.setRuntime", {"name": args.name, "runtime": args.runtime, "thisRunOnly": True})
    else:
        listed = {f["name"]: f for f in api.request("functions.list", {"name": args.name})["functions"]}
        answer = listed.get(args.name, {})
    if answer.get("nodeProblem"):
        raise InputError(answer["nodeProblem"])
    caller = _caller(args, api) or Caller.console(SOURCE_CLI)
    try:
        # A console test run (no --as) still answers in the mini program's shape (DESIGN §5).
        outcome = call_function(lambda request: api.request(request.action, request.params, request.caller),
                                caller, args.name, data, client_shape=True)
    finally:
        if args.runtime:
            api.request("functions.setRuntime", {"name": args.name, "runtime": None, "thisRunOnly": True})
    request_id = outcome.value.get("requestID") or _request_id_of(outcome.value.get("errMsg", ""))
    if request_id:
        for invocation in api.request("functions.history", {"name": args.name, "requestId": request_id})["invocations"]:
            for line in invocation["logs"]:
                print(f"[{line['level']}] {line['text']}", file=sys.stderr)
    print(json.dumps(outcome.value, ensure_ascii=False))
    return 0 if outcome.ok else 1


def _request_id_of(err_msg: str) -> str | None:
    import re

    found = re.search(r"requestID ([0-9a-f-]{36})", err_msg)
    return found.group(1) if found else None


def _run_client(args: argparse.Namespace, api: Api) -> int:
    import tempfile

    params: dict = {"localPath": str(args.file.expanduser().resolve())}
    if args.openid:
        params["openid"] = args.openid
    else:
        personas = api.personas()
        params["persona"] = args.persona or (personas[0].name if personas else None)
    if not args.file.is_file():
        raise InputError(f"{args.file} is not a file.")
    if args.watch_seconds is not None:
        params["watchSeconds"] = args.watch_seconds
    printed = []

    def print_delivery(delivered: dict) -> None:  # each snapshot as its listener gets it
        print(json.dumps(delivered, ensure_ascii=False), flush=True)
        printed.append(delivered)

    with tempfile.TemporaryDirectory(prefix="wxsim-client-") as temp:
        answer = api.request("client.runScript", {**params, "tempDir": temp}, progress=print_delivery)
    # Attached to a running app, the snapshots come with the answer: printed now.
    for delivered in answer.get("snapshots", [])[len(printed):]:
        print(json.dumps(delivered, ensure_ascii=False))
    for line in answer["logs"]:
        print(f"[{line['level']}] {line['text']}", file=sys.stderr)
    if "stack" in answer:
        print(answer["stack"], file=sys.stderr)
    print(json.dumps(answer["value"], ensure_ascii=False))
    return 0 if answer["ok"] else 1


def _serve(args: argparse.Namespace, api: Api) -> int:
    import threading

    from app.core.api import host_os

    stop = threading.Event()
    # Ctrl+C as a stop request rather than KeyboardInterrupt: from the one-file binary it arrives
    # twice (the terminal's and the launcher's forwarded copy), and a second one raised mid-way
    # through closing the workspace would end in a traceback and exit 1.
    host_os.on_stop_signals(lambda *_: stop.set())
    info = api.serve(args.port)  # a busy port is an InputError with the reason
    print(json.dumps(info, ensure_ascii=False), flush=True)
    if isinstance(api, RemoteApi):
        # Another wxsim holds the workspace: its gateway serves, with its timeline and triggers.
        print(f"wxsim: the workspace is held by process {api.holder_pid}, whose gateway serves {api.env_id} "
              f"at {info['url']}", file=sys.stderr)
        return EXIT_OK
    api.start_triggers()
    print(f"wxsim: serving {api.env_id} at {info['url']}; Ctrl+C stops", file=sys.stderr)
    while not stop.wait(0.5):
        pass
    return EXIT_OK
