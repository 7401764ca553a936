"""The command line's 索引管理: ``wxsim db index create|drop|list`` (DESIGN §5).

Each is one console request (``database.createIndex``/``dropIndex``/``listIndexes``) whose answer
is printed as JSON, with ``cli.py``'s exit codes (a refused create, e.g. a unique index over
duplicates, is 1 with the backend's error on stderr; a malformed key list is 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from app.core.api import RemoteApi, WorkspaceApi

Api = WorkspaceApi | RemoteApi
EXIT_USAGE = 2  # as cli.py's


def add_index_commands(db_actions, add_location_options: Callable[[argparse.ArgumentParser, object], None]) -> None:
    """``db index create|drop|list`` under ``db``'s subcommands."""
    index = db_actions.add_parser("index", help="create, drop and list a collection's indexes, as the console's "
                                                "索引管理 does; prints JSON")
    actions = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create", help="create an index over the collection's documents",
        description="KEYS is FIELD[:1|-1][,FIELD2[:1|-1]…]: dotted paths, ascending (1, the default) or "
                    "descending (-1), e.g. city,age:-1 or profile.vip")
    create.add_argument("collection")
    create.add_argument("keys", metavar="KEYS")
    create.add_argument("--unique", action="store_true", help="refuse two documents with the same key "
                        "(a missing field counts as null)")
    create.add_argument("--name", metavar="NAME", help="default: MongoDB's, e.g. city_1_age_-1")
    drop = actions.add_parser("drop", help="drop the index NAME (never _id_)")
    drop.add_argument("collection")
    drop.add_argument("name")
    listing = actions.add_parser("list", help="the collection's indexes, _id_ first")
    listing.add_argument("collection")
    for command in (create, drop, listing):
        add_location_options(command, argparse.SUPPRESS)


def parse_keys(text: str) -> list[dict] | None:
    """``city,age:-1`` as ``[{"field": "city", "direction": 1}, {"field": "age", "direction": -1}]``."""
    keys = []
    for part in text.split(","):
        field, direction = part.strip(), 1
        head, sep, tail = field.rpartition(":")
        if sep:
            if tail not in ("1", "-1"):
                return None
            field, direction = head, int(tail)
        if not field:
            return None
        keys.append({"field": field, "direction": direction})
    return keys


def index_command(args: argparse.Namespace, api: Api) -> int:
    command = args.index_command
    if command == "create":
        keys = parse_keys(args.keys)
        if keys is None:
            print(f"wxsim: {args.keys!r} is not FIELD[:1|-1][,FIELD2[:1|-1]…]", file=sys.stderr)
            return EXIT_USAGE
        params = {"collectionName": args.collection, "keys": keys, "unique": args.unique}
        if args.name:
            params["name"] = args.name
        answer = api.request("database.createIndex", params)
    elif command == "drop":
        answer = api.request("database.dropIndex", {"collectionName": args.collection, "name": args.name})
    else:
        answer = api.request("database.listIndexes", {"collectionName": args.collection})
    print(json.dumps(answer, ensure_ascii=False))
    return 0
