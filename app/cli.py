"""The headless front end (DESIGN §5). It never imports Qt, so it starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from app import __version__
from app.core.errors import SimulatorError
from app.core.workspace import Workspace

COMMANDS = ("personas",)


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
    return parser


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
        raise AssertionError(args.command)
    finally:
        workspace.close()


def _personas(workspace: Workspace) -> int:
    roster = [asdict(p) for p in workspace.identity.personas()]
    print(json.dumps(
        {"env": workspace.settings.env_id, "appid": workspace.settings.appid, "personas": roster},
        ensure_ascii=False, indent=2,
    ))
    return 0
