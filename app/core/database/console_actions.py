"""The database console's own operations (simulator-only names, the backend's style).

``database.listCollections`` (names, counts, modes, security rules), ``database.importFile`` and
``database.exportFile`` (a host file the person at the console chose, in the console's JSON
Lines or CSV). Only the console may ask for them; the panes and ``wxsim db`` both use them,
so a console read is logged like every other request.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from app.core.database import files as database_files
from app.core.database.console_query import browse_wire
from app.core.database.index_actions import index_actions
from app.core.database.service import DatabaseService
from app.core.database.transfer import parse_field_list
from app.core.dispatcher import Action
from app.core.errors import CloudError, InputError
from app.core.reasons import Reason
from app.core.requests import Request, Trace
from app.core.workspace_state import WorkspaceState


def database_console_actions(service: DatabaseService, state: WorkspaceState,
                             handle: Callable[[Request], dict]) -> dict[str, Action]:
    """Handlers for the console's database operations; ``state`` holds the permission modes and
    ``handle`` (the dispatcher) takes the requests an import makes, nested under it."""

    def list_collections(request: Request, trace: Trace) -> dict:
        store = service.store
        # ``rules``: the saved security rules (kept while a simple mode is in force), or None.
        collections = [{"name": name, "count": store.count(name), "mode": state.db_mode(name),
                        "rules": state.db_rules(name)} for name in store.collection_names()]
        # The names, not "4 collection(s)": a target is shown as is, in either language.
        names = ", ".join(c["name"] for c in collections)
        trace.target = names if len(names) <= 60 else names[:59] + "…"
        return {"collections": collections}

    def import_file(request: Request, trace: Trace) -> dict:
        params = request.params
        collection = str(params.get("collectionName") or "")
        trace.target = collection
        path = _local_path(params)
        outcome = database_files.import_file(
            lambda inner: handle(replace(inner, parent_id=trace.id)), collection, path,
            fmt=database_files.format_of(path, params.get("format")),
            upsert=params.get("conflict", "insert") == "upsert",
            atomic=bool(params.get("atomic", True)), source=request.caller.source,
            progress=request.progress, create=bool(params.get("createCollection", False)),
        )
        return {
            "inserted": outcome.inserted, "replaced": outcome.replaced, "conflicts": outcome.conflicts,
            "created": outcome.created,
            "lineErrors": [{"line": e.line, "message": e.message, "reason": e.why.to_dict() if e.why else None}
                           for e in outcome.line_errors],
        }

    def export_file(request: Request, trace: Trace) -> dict:
        params = request.params
        collection = str(params.get("collectionName") or "")
        trace.target = collection
        service.require_collection(collection)
        fields = params.get("fields")
        if isinstance(fields, str):
            fields = parse_field_list(fields)
        elif fields is not None and not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
            raise CloudError(-501007, Reason("database.fields_param", "fields must be a list of field names"))
        fmt = params.get("format") or "jsonl"
        if fmt not in ("jsonl", "csv"):
            raise InputError(database_files.unknown_format(fmt))
        docs = None
        if params.get("query") or params.get("order"):
            # The query the pane shows, as runQuery's ``wire`` gave it (the SDK's own params).
            docs = browse_wire(service, collection, {"query": params.get("query"), "order": params.get("order")})
        count = database_files.export_file(service, collection, _local_path(params), fmt=fmt, fields=fields,
                                           docs=docs, progress=request.progress)
        return {"exported": count, "localPath": str(_local_path(params))}

    return {
        "database.listCollections": Action(list_collections, console_only=True),
        "database.importFile": Action(import_file, console_only=True),
        "database.exportFile": Action(export_file, console_only=True),
        **index_actions(service),  # 索引管理
    }


def _local_path(params: dict) -> Path:
    # Console-only actions: the person at the console named this path (SECURITY.md).
    value = params.get("localPath")
    if not isinstance(value, str) or not value:
        raise CloudError(-501007, Reason("database.local_path_param", "localPath must be the path of a file"))
    return Path(value).expanduser()

