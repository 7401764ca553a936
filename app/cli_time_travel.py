"""The command line's time travel: ``snapshot …``, ``reset`` and ``scenario …`` (DESIGN §5).

Each is one console request whose answer is printed as JSON, with ``cli.py``'s exit codes;
``scenario import`` alone opens no existing workspace: it makes a new one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from app.core.api import InputError, ProjectError, RemoteApi, SimulatorError, WorkspaceApi

Api = WorkspaceApi | RemoteApi
EXIT_USAGE, EXIT_UNREACHABLE = 2, 3  # as cli.py's


def add_time_travel_commands(commands, add_location_options: Callable[[argparse.ArgumentParser, object], None]) -> None:
    """``snapshot …``, ``reset`` and ``scenario …``; ``add_location_options`` adds --project, --data-dir, --wait."""
    snapshot = commands.add_parser(
        "snapshot", help="save, list, restore, compare and delete snapshots of the whole environment "
        "(database, storage, personas and users, settings); prints JSON")
    actions = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION", required=True)
    save = actions.add_parser("save", help="save the state now under NAME")
    save.add_argument("name")
    save.add_argument("--note", default="", metavar="TEXT", help="a note shown beside it")
    actions.add_parser("list", help="every snapshot, newest first, with automatic checkpoints and what triggered them")
    restore = actions.add_parser("restore", help="put a snapshot back (the state now is kept as a checkpoint first)")
    restore.add_argument("name")
    diff = actions.add_parser("diff", help="what differs from snapshot A to snapshot B (default: now)")
    diff.add_argument("a", metavar="A")
    diff.add_argument("b", metavar="B", nargs="?")
    delete = actions.add_parser("delete", help="delete a snapshot")
    delete.add_argument("name")
    for command in (save, actions.choices["list"], restore, diff, delete):
        add_location_options(command, argparse.SUPPRESS)
    reset = commands.add_parser(
        "reset", help="return the workspace to the state it had when created (the demo: its sample data); "
        "the state now is kept as a checkpoint first")
    add_location_options(reset, argparse.SUPPRESS)
    scenario = commands.add_parser("scenario", help="write or open .wxsim scenario files")
    actions = scenario.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write the state now (or a snapshot's) to FILE")
    export.add_argument("file", type=Path)
    export.add_argument("--snapshot", metavar="NAME", help="export this snapshot instead of the state now")
    add_location_options(export, argparse.SUPPRESS)
    load = actions.add_parser("import", help="open FILE into a new workspace in --data-dir (which must be empty)")
    load.add_argument("file", type=Path)
    load.add_argument("--project", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                      help="the mini program project the workspace runs (default: the bundled demo)")
    load.add_argument("--data-dir", type=Path, required=True, metavar="DIR", help="the new workspace's folder")


def time_travel(args: argparse.Namespace, api: Api) -> int:
    """``snapshot …``, ``reset`` and ``scenario export``: one console request each, its answer as JSON."""
    if args.command == "reset":
        answer = api.request("snapshot.reset")
    elif args.command == "scenario":
        params = {"localPath": str(args.file.expanduser().resolve())}
        if args.snapshot:
            params["name"] = args.snapshot
        answer = api.request("snapshot.export", params)
    else:
        command = args.snapshot_command
        if command == "save":
            answer = api.request("snapshot.save", {"name": args.name, "note": args.note})
        elif command == "list":
            answer = api.request("snapshot.list")
        elif command == "restore":
            answer = api.request("snapshot.restore", {"name": args.name})
        elif command == "diff":
            answer = api.request("snapshot.diff", {"from": args.a, **({"to": args.b} if args.b else {})})
        else:
            answer = api.request("snapshot.delete", {"name": args.name})
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return 0


def import_scenario(args: argparse.Namespace, open_scenario: Callable[[Path, Path, Path | None], Api]) -> int:
    """``scenario import FILE --data-dir DIR``: a new workspace holding the scenario (nothing to
    attach to: the folder must be new)."""
    try:
        api = open_scenario(args.file.expanduser(), args.data_dir, getattr(args, "project", None))
    except SimulatorError as exc:  # a bad file or folder is the person's to fix; else the folder failed
        print(f"wxsim: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, (ProjectError, InputError)) else EXIT_UNREACHABLE
    try:
        listed = api.request("snapshot.list")["snapshots"]
        initial = next(s for s in listed if s["kind"] == "initial")
        print(json.dumps({"dataDir": str(api.data_dir), "envId": api.env_id, "scenario": initial["note"],
                          "collections": initial["collections"], "documents": initial["documents"],
                          "files": initial["files"]}, ensure_ascii=False, indent=2))
    finally:
        api.close()
    return 0
