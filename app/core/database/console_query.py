"""The database pane's query bar and document editor, as console actions on the SDK shims.

``database.runQuery`` takes the boxes as typed (``{done: false, progress: _.gt(10)}``,
``orderBy('progress', 'desc')``, ``{title: true}``) and runs them as mini program code in the
JS worker (``js/builtins/wxsim-console.js``): V8 compiles them and the SDK shims serialize
them, so what goes out is exactly what the real SDK sends. The viewer's own ``get()`` goes out
as a real request nested under this one: through the mini program's ``wx.cloud`` as a persona
(or signed out), or through wx-server-sdk for the console's own view. Then every match is
listed as the console sees it, each with the reason the viewer cannot see it, if so.

Params: ``collectionName``; ``where``, ``orderBy``, ``field``: the boxes' texts (empty: none);
``skip``, ``limit``: integers (limit 0 or absent: every match); ``viewer``: absent or null for
the console's admin view, else ``{"persona": name}`` (``{"persona": null}``: signed out);
``answer``: false lists without sending the viewer's ``get()`` (a quiet refresh).

Result: ``documents`` (relaxed Extended JSON, as ``database.getDocument`` answers), ``hidden``
(per document: why the viewer cannot see it, or null) and ``hiddenReasons`` (the same, each a
Reason's dict ``{id, template, params}`` for the app to say in the person's language), ``total``
(matches before skip and limit), ``answer`` (``{ok, errMsg, count}`` or ``{ok: false, errCode,
errMsg}``, null without one), ``reason`` (why the viewer's request failed, a Reason's dict, or
null) and ``wire`` (the ``database.getDocument`` params the SDK sent).

``database.runAggregate`` is the pane's aggregate mode: ``pipeline`` is the text a mini program
writes after ``db.collection(name).aggregate()`` (``.match({done: false}).group({_id: '$owner',
n: $.sum(1)})``, ``_`` and ``$`` in scope), run as ``viewer`` (as runQuery's); the viewer's
``.end()`` goes out as a real request nested under this one. Result: ``documents`` (the rows the
viewer got, relaxed Extended JSON; empty on failure), ``answer`` (``{ok, errMsg, count}`` or
``{ok: false, errCode, errMsg}``, e.g. ``collection.aggregate:fail …``), ``reason`` (as runQuery's)
and ``stages`` (the pipeline as the SDK sent it: ``[{stageKey, stageValue}]``).

``database.parseDocument`` reads the document editor's text (JSON, or a JS object such as
``{title: 'x', due: new Date('2025-01-01')}``) the same way: ``{"document": …}`` in relaxed EJSON.

A mistake in a box is an InputError naming the box, and the line and column when V8 or a
stack frame gives one (``where: Line 1, column 13: SyntaxError: Unexpected token ')'``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from app.core import jsontext
from app.core.database import ejson
from app.core.database.console_errors import box_failure, syntax_error
from app.core.database.failures import collection_name_required, invalid_ejson
from app.core.database.permissions import decide, owns
from app.core.database.projection import compile_projection
from app.core.database.rules_guard import with_openid
from app.core.database.service import DatabaseService
from app.core.dispatcher import Action
from app.core.errors import CloudError, InputError, SimulatorError, WxApiError
from app.core.functions.runner import FunctionRunner
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace
from app.core.workspace_state import WorkspaceState

CONSOLE_DIR = "database-console"  # in the data folder; the pool keeps a warm instance for it
ENTRY = "console.js"
ENTRY_TEXT = ("// wxsim's database console (app/core/database/console_query.py)\n"
              "module.exports = require('wxsim-console')\n")
TIMEOUT_S = 10.0
BOXES = ("where", "orderBy", "field")


def console_query_actions(
    service: DatabaseService,
    state: WorkspaceState,
    caller_for: Callable[[str | None], Caller],
    runner: FunctionRunner,
    handle: Callable[[Request], dict],
    data_dir: Path,
) -> dict[str, Action]:
    """``caller_for(persona)`` is a persona's mini program user; ``handle`` (the dispatcher)
    serves the viewer's ``get()``; the console's module lives in ``data_dir/database-console``."""
    js = _ConsoleJs(runner, state.settings.env_id, data_dir / CONSOLE_DIR)

    def run_query(request: Request, trace: Trace) -> dict:
        params = request.params
        collection = params.get("collectionName")
        if not isinstance(collection, str) or not collection:
            raise CloudError(-501007, collection_name_required())
        trace.target = collection
        texts = {box: _text(params, box) for box in BOXES}
        skip, limit = _count(params, "skip"), _count(params, "limit")
        viewer = _viewer(params.get("viewer"), caller_for)
        answer = params.get("answer", True) is not False
        event = {"collectionName": collection, **texts, "skip": skip, "limit": limit,
                 "viewer": "server" if viewer is None else "client", "answer": answer}
        as_whom = viewer or request.caller
        refused: list[CloudError] = []  # the viewer's get() as it failed, if it did
        result = js.run("runQuery", event, texts, _host(handle, as_whom, trace.id, refused=refused))
        wire = result["wire"] or {}
        # The viewer's '{openid}' is theirs, as the service reads it (spec §4.2).
        matches = browse_wire(service, collection, wire, viewer.openid if viewer is not None else None)
        page = matches[skip: skip + limit if limit else None]
        projection = decode_wire(wire.get("projection"))
        project = compile_projection(projection) if projection else None
        hidden = _hidden(service, state.db_mode(collection), viewer, collection, page)
        return {
            # ObjectIds keep their wrapper: the pane edits and deletes a document by this _id.
            "documents": ejson.to_ejson_shared([project(doc) for doc in page] if project else page, object_ids=True),
            "hidden": [None if why is None else why.text for why in hidden],
            "hiddenReasons": [None if why is None else why.to_dict() for why in hidden],
            "total": len(matches),
            "answer": result["answer"],
            "reason": _refusal(result["answer"], refused),
            "wire": wire,
        }

    def run_aggregate(request: Request, trace: Trace) -> dict:
        params = request.params
        collection = params.get("collectionName")
        if not isinstance(collection, str) or not collection:
            raise CloudError(-501007, collection_name_required())
        trace.target = collection
        text = _text(params, "pipeline")
        viewer = _viewer(params.get("viewer"), caller_for)
        event = {"collectionName": collection, "pipeline": text,
                 "viewer": "server" if viewer is None else "client"}
        answered: list[dict] = []  # the viewer's answer as the backend sent it (its rows)
        refused: list[CloudError] = []
        host = _host(handle, viewer or request.caller, trace.id, answered, refused)
        result = js.run("runAggregate", event, {"pipeline": text}, host)
        rows = answered[0].get("list") or [] if answered and result["answer"]["ok"] else []
        return {
            "documents": ejson.to_ejson_shared([ejson.decode(json.dumps(row)) for row in rows]),
            "answer": result["answer"],
            "reason": _refusal(result["answer"], refused),
            "stages": result["stages"],
        }

    def parse_document(request: Request, trace: Trace) -> dict:
        text = _text(request.params, "text")
        trace.target = f"{len(text)} characters"
        result = js.run("parseDocument", {"text": text}, {"document": text}, _no_requests)
        if result.get("blank"):
            raise InputError(Reason("database.console_type_document", "Type the document, e.g. {example}",
                                    example="{title: 'Learn cloud', done: false}"))
        document = ejson.decode_unchecked_numbers(result["data"], what="The document")
        jsontext.check_value(document, what="The document")  # NaN, Infinity, 1e999: not storable
        return {"document": ejson.to_ejson(document, object_ids=True)}  # the pane writes it back as typed

    return {
        "database.runQuery": Action(run_query, console_only=True),
        "database.runAggregate": Action(run_aggregate, console_only=True),
        "database.parseDocument": Action(parse_document, console_only=True),
    }


class _ConsoleJs:
    """Runs wxsim-console.js handlers in the JS pool, from one fixed module so the worker that
    ran it stays warm (its file never changes: the texts travel in the event)."""

    def __init__(self, runner: FunctionRunner, env_id: str, folder: Path) -> None:
        self._runner = runner
        self._env = {"TCB_ENV": env_id}
        self._folder = folder
        self._written = False

    def run(self, handler: str, event: dict, texts: dict[str, str], host) -> dict:
        """The handler's result; InputError for a mistake in one of ``texts`` (by box)."""
        self._write_entry()
        outcome = self._runner.pool().invoke(self._folder, event, {}, self._env, TIMEOUT_S, host,
                                             entry=ENTRY, handler=handler)
        if outcome.timed_out:
            raise InputError(Reason("database.console_timeout", "The console's code did not finish within "
                                    "{seconds:.0f} seconds: does something in a box loop forever?", seconds=TIMEOUT_S))
        if outcome.error is not None:
            located = syntax_error(outcome.error, texts)
            if located is not None:
                raise InputError(located)
            error = outcome.error
            raise CloudError(-1, Reason("database.console_failed", "the database console's code failed: "
                                        "{name}: {message}", name=error.name, message=error.message))
        result = outcome.result
        if "failed" in result:
            raise InputError(box_failure(result["failed"], texts))
        return result

    def _write_entry(self) -> None:
        entry = self._folder / ENTRY
        if self._written and entry.is_file():
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        try:
            current = entry.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != ENTRY_TEXT:  # rewritten only when different: a new text means a cold worker
            entry.write_text(ENTRY_TEXT, encoding="utf-8", newline="")
        self._written = True


def _host(handle: Callable[[Request], dict], caller: Caller, parent_id: str,
          answered: list[dict] | None = None, refused: list[CloudError] | None = None):
    """Serves the console module's one request: the viewer's get() (or, with ``answered``, its
    aggregate's end(), whose answer is appended there), nested under the action; its error,
    if it fails, is appended to ``refused``."""
    reads = "database.getDocument" if answered is None else "database.aggregateDocuments"

    def host(action: str, params: dict) -> dict:
        if action == "auth.initCloud":
            return {}  # wx.cloud.init of the console's own wx: no visit of the user's, nothing to log
        if action != reads:
            raise CloudError(-601004, Reason("database.console_only_reads", "{action}: the database console's "
                                             "query only reads", action=action))
        try:
            answer = handle(Request(action, params, caller, parent_id=parent_id))
            if answered is not None:
                answered.append(answer)
            return answer
        except CloudError as exc:
            failed: CloudError = exc
        except WxApiError as exc:
            failed = CloudError(exc.errcode, exc.errmsg)
        except SimulatorError as exc:  # only a CloudError crosses to JS as a rejection
            failed = CloudError(-1, exc.reason or str(exc))
        if refused is not None:
            refused.append(failed)
        raise failed from None

    return host


def _refusal(answer: dict | None, refused: list[CloudError]) -> dict | None:
    """Why the viewer's request failed, as a Reason's dict (the app says it in the person's
    language beside the answer's errCode); None when it did not, or had no reason of ours.

    A permission refusal gives the verdict's reason (which mode or rule, and why), not only
    the backend's "Permission denied"."""
    if not answer or answer.get("ok") or not refused:
        return None
    failed = refused[-1]
    access = getattr(failed, "access", None)
    why = getattr(access, "why", None) or failed.reason
    return why.to_dict() if why is not None else None


def _no_requests(action: str, params: dict) -> dict:
    raise CloudError(-601004, Reason("database.console_no_requests", "{action}: reading a document sends no "
                                     "request", action=action))


def _text(params: dict, key: str) -> str:
    value = params.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CloudError(-501007, Reason("database.console_text_param", "{key} must be the text typed in its box",
                                         key=key))
    return value


def _count(params: dict, key: str) -> int:
    value = params.get(key)
    if value is None:
        return 0
    if type(value) is not int or value < 0:
        raise CloudError(-501007, Reason("database.console_count_param", "{key} must be a non-negative integer",
                                         key=key))
    return value


def _viewer(viewer: Any, caller_for: Callable[[str | None], Caller]) -> Caller | None:
    """The mini program user whose view is asked for; None for the console's own."""
    if viewer is None:
        return None
    if not isinstance(viewer, dict) or "persona" not in viewer:
        raise CloudError(-501007, Reason("database.console_viewer_param", "viewer must be null or {example}",
                                         example='{"persona": name or null}'))
    persona = viewer["persona"]
    if persona is not None and not isinstance(persona, str):
        raise CloudError(-501007, Reason("database.console_viewer_persona", "viewer.persona must be a persona's "
                                         "name or null (signed out)"))
    return caller_for(persona)


def decode_wire(text: Any) -> Any:
    """An EJSON param of the SDK's ``database.getDocument`` (``query``, ``order``,
    ``projection``), read strictly, like any wire text."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise CloudError(-501007, Reason("database.console_wire_texts", "query, order and projection are the "
                                         "SDK's EJSON texts"))
    try:
        return ejson.decode(text)
    except ValueError as exc:
        raise CloudError(-501007, invalid_ejson(exc)) from None


def browse_wire(service: DatabaseService, collection: str, wire: dict, openid: str | None = None) -> list[dict]:
    """Every document matching the SDK's ``query`` and ``order`` params, in that order (the
    console's view: no limit, no permission filter); ``openid`` fills a viewer's '{openid}'."""
    query = service.resolve_server_dates(decode_wire(wire.get("query")))
    if openid is not None:
        query = with_openid(query, openid)
    order = decode_wire(wire.get("order"))
    return service.browse(collection, query, list(order.items()) if isinstance(order, dict) else None)


def _hidden(service: DatabaseService, mode: str, viewer: Caller | None, collection: str,
            docs: list[dict]) -> list[Reason | None]:
    """Why ``viewer`` cannot see each document (None: it can), by the collection's mode or,
    under security rules, by the read rule on each document."""
    if viewer is None:
        return [None] * len(docs)
    if service.rules.applies(viewer, collection):
        return service.rules.hidden(viewer, collection, docs)
    access = decide(mode, viewer, "read", collection)
    if not access.allowed:
        return [access.why] * len(docs)
    if access.owner is None:
        return [None] * len(docs)
    reason = Reason("database.view_as_hidden", "{viewer} cannot see this document: {why}",
                    viewer=viewer.persona or Reason("database.view_as_signed_out", "A signed-out visitor"), why=access.why)
    return [None if owns(doc, access.owner) else reason for doc in docs]
