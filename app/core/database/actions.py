"""The ``database.*`` actions in the backend's vocabulary (tcb-wire §4), over the service."""

from __future__ import annotations

from typing import Any

from app.core import jsontext
from app.core.database import ejson
from app.core.database.permissions import MODES, Access
from app.core.database.rules_guard import CUSTOM, custom_rules, with_openid
from app.core.database.failures import collection_name_required, invalid_ejson
from app.core.database.field_names import ids_as_text, refuse_dollar_fields
from app.core.database.find_and_modify import modify_and_return
from app.core.database.service import DatabaseService, PermissionDenied
from app.core.database.transaction_view import in_transaction
from app.core.database.transactions import Transactions
from app.core.database.transfer import CheckedDocuments
from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Decision, Request, Trace


def document_actions(service: DatabaseService, transactions: Transactions) -> dict[str, Action]:
    """The document requests a mini program, a function or the SDK sends (get, count, add,
    update, remove); ``database.rerun`` runs them again over a dry-run view of the service."""
    in_tx = _TransactionOps(service, transactions)

    def get_document(request: Request, trace: Trace) -> dict:
        p = _Params(request, trace, service)
        if p.transaction is not None:
            return in_tx.get(p)
        docs, access = service.get(
            request.caller, p.collection, p.query,
            order=p.order(), skip=p.int("offset"), limit=p.int("limit"),
            projection=p.ejson("projection"), single=p.is_doc,
        )
        hidden = _hidden(service, request.caller, p, access, found=len(docs))
        p.allow(access, Reason("database.outcome_documents_hidden", "{n} document(s); {hidden} matching document(s) "
                               "were created by others", n=len(docs), hidden=hidden)
                if hidden else Reason("database.outcome_documents", "{n} document(s)", n=len(docs)), hidden)
        if p.is_doc and request.caller.is_client and not docs:
            _client_missed(service, p, access, trace)
        return {"list": [ejson.to_ejson(doc) for doc in docs]}

    def calculate_document(request: Request, trace: Trace) -> dict:
        p = _Params(request, trace, service)
        if p.transaction is not None:
            return in_tx.count(p)
        total, access = service.count(request.caller, p.collection, p.query)
        hidden = _hidden(service, request.caller, p, access, found=total)
        p.allow(access, Reason("database.outcome_total_hidden", "total {n}; {hidden} matching document(s) were "
                               "created by others", n=total, hidden=hidden)
                if hidden else Reason("database.outcome_total", "total {n}", n=total), hidden)
        return {"total": total}

    def insert_document(request: Request, trace: Trace) -> dict:
        p = _Params(request, trace, service)
        data = request.params.get("data")
        docs = data if isinstance(data, list) else [data]
        decoded = [service.resolve_server_dates(_decode(item)) for item in docs]
        refuse_dollar_fields(decoded)
        if p.transaction is not None:
            return ids_as_text(in_tx.insert(p, decoded))
        ids, access = service.insert(request.caller, p.collection, decoded)
        p.allow(access, Reason("database.outcome_added", "{n} added", n=len(ids)))
        return ids_as_text({"insertedIds": ids})

    def modify_document(request: Request, trace: Trace) -> dict:
        p = _Params(request, trace, service)
        data = service.resolve_server_dates(p.ejson("data"))
        if not isinstance(data, dict) or not data:
            raise CloudError(-501007, Reason("database.data_empty", "data must be a non-empty object"))
        if p.transaction is not None:
            return in_tx.modify(p, data, merge=p.flag("merge", True))
        modified, access = service.modify(
            request.caller, p.collection, p.query, data,
            multi=p.flag("multi", not p.is_doc), merge=p.flag("merge", True),
            upsert=p.flag("upsert", False), single=p.is_doc,
        )
        p.allow(access, Reason("database.outcome_upserted", "{n} updated (created)", n=modified.updated)
                if modified.upsert_id is not None
                else Reason("database.outcome_updated", "{n} updated", n=modified.updated))
        return {"updated": modified.updated, "upsert_id": modified.upsert_id}

    def modify_and_return_doc(request: Request, trace: Trace) -> dict:
        _admin_only(request)  # node-sdk's updateAndReturn: no mini program API sends it
        p = _Params(request, trace, service)
        data = service.resolve_server_dates(p.ejson("data"))
        if not isinstance(data, dict) or not data:
            raise CloudError(-501007, Reason("database.data_empty", "data must be a non-empty object"))
        # In a transaction: the same code over its view (a conflict fails at the write).
        target = service if p.transaction is None else in_transaction(service, transactions, p.transaction)
        return modify_and_return(target, p.collection, p.query, data, return_new=p.flag("returnNew", True),
                                 upsert=p.flag("upsert", False))

    def remove_document(request: Request, trace: Trace) -> dict:
        p = _Params(request, trace, service)
        if p.transaction is not None:
            return in_tx.remove(p)
        deleted, access = service.remove(
            request.caller, p.collection, p.query, multi=p.flag("multi", not p.is_doc), single=p.is_doc
        )
        p.allow(access, Reason("database.outcome_removed", "{n} removed", n=deleted))
        return {"deleted": deleted}

    return {
        "database.getDocument": Action(_denials(get_document)),
        "database.calculateDocument": Action(_denials(calculate_document)),
        "database.insertDocument": Action(_denials(insert_document)),
        "database.modifyDocument": Action(_denials(modify_document)),
        "database.removeDocument": Action(_denials(remove_document)),
        "database.modifyAndReturnDoc": Action(modify_and_return_doc),
    }


def database_actions(service: DatabaseService, set_mode, transactions: Transactions) -> dict[str, Action]:
    """Handlers for every database action; ``set_mode(collection, mode)`` persists a mode."""

    def add_collection(request: Request, trace: Trace) -> dict:
        _admin_only(request)
        trace.target = str(request.params.get("collectionName", ""))
        service.create_collection(request.params.get("collectionName"))
        return {}

    def drop_collection(request: Request, trace: Trace) -> dict:
        trace.target = str(request.params.get("collectionName", ""))
        service.drop_collection(trace.target)
        set_mode(trace.target, None)
        return {}

    def start_transaction(request: Request, trace: Trace) -> dict:
        _admin_only(request)
        trace.target = transaction_id = transactions.start()
        return {"transactionId": transaction_id}

    def end_transaction(commit: bool):
        def end(request: Request, trace: Trace) -> dict:
            _admin_only(request)
            trace.target = str(request.params.get("transactionId", ""))
            (transactions.commit if commit else transactions.abort)(request.params.get("transactionId"))
            return {}

        return end

    def import_documents(request: Request, trace: Trace) -> dict:
        params = request.params
        trace.target = str(params.get("collectionName", ""))
        if params.get("conflict", "insert") not in ("insert", "upsert"):
            raise CloudError(-501007, Reason("database.conflict_param", "conflict must be insert or upsert"))
        docs = params.get("documents") or []
        if type(docs) is not CheckedDocuments:  # an import file this process read: engine values
            docs = _decode(docs)
        if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
            raise CloudError(-501007, Reason("database.documents_param", "documents must be a list of objects"))
        report = service.import_documents(
            trace.target, docs, upsert=params.get("conflict") == "upsert", atomic=bool(params.get("atomic", True)),
            create=bool(params.get("createCollection", False)),
        )
        return {"inserted": report.inserted, "replaced": report.replaced, "conflicts": report.conflicts,
                "created": report.created}

    def set_permission(request: Request, trace: Trace) -> dict:
        name, mode = request.params.get("collectionName"), request.params.get("mode")
        trace.target = str(name)
        if mode not in (*MODES, CUSTOM):
            raise CloudError(-501007, Reason("database.mode_param", "mode must be one of {modes}, not {mode}",
                                             modes=", ".join((*MODES, CUSTOM)), mode=repr(mode)))
        service.require_collection(name)
        # CUSTOM: the rules are checked whole before anything is saved, so bad ones leave the
        # previous rules (or mode) in force.
        rules = custom_rules(request.params.get("rules"), mode, service.rules.saved(name))
        if rules is None:
            set_mode(name, mode)
        else:
            set_mode(name, mode, rules)
        return {"collectionName": name, "mode": mode, **({"rules": rules} if rules is not None else {})}

    return {
        **document_actions(service, transactions),
        "database.addCollection": Action(add_collection),
        # Console operations (simulator-only names, same style).
        "database.deleteCollection": Action(drop_collection, console_only=True),
        "database.setPermission": Action(set_permission, console_only=True),
        "database.importDocuments": Action(import_documents, console_only=True),
        "database.startTransaction": Action(start_transaction),
        "database.commitTransaction": Action(end_transaction(commit=True)),
        "database.abortTransaction": Action(end_transaction(commit=False)),
    }


class _Params:
    """Reads one request's wire parameters and records its target for the timeline."""

    def __init__(self, request: Request, trace: Trace, service: DatabaseService) -> None:
        self._params = request.params
        self._trace = trace
        self.collection = self._params.get("collectionName")
        if not isinstance(self.collection, str) or not self.collection:
            raise CloudError(-501007, collection_name_required())
        self.is_doc = self._params.get("queryType") == "DOC"
        self.transaction = self._params.get("transactionId")
        self.caller = request.caller
        if self.transaction is not None and request.caller.is_client:
            raise CloudError(-601004, Reason("database.transaction_server_only", "transactions are for cloud functions "
                                             "(server side) only"))
        self.query = service.resolve_server_dates(self.ejson("query"))
        if self.query is not None and not isinstance(self.query, dict):
            raise CloudError(-501007, Reason("database.query_param", "query must be an object"))
        if request.caller.is_client:  # '{openid}' in a mini program's query is the caller (spec §4.2)
            self.query = with_openid(self.query, request.caller.openid)
        doc_id = (self.query or {}).get("_id") if self.is_doc else None
        trace.target = self.collection + (f"/{doc_id}" if doc_id is not None else "")

    def ejson(self, key: str) -> Any:
        return _decode(self._params.get(key))

    def order(self) -> list | None:
        order = self.ejson("order")
        if isinstance(order, dict):
            return list(order.items())
        return order

    def int(self, key: str) -> int | None:
        value = self._params.get(key)
        if value is not None and (type(value) is not int):
            raise CloudError(-501007, Reason("database.integer_param", "{key} must be an integer", key=key))
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._params.get(key)
        return default if value is None else bool(value)

    def allow(self, access: Access, outcome: Reason, hidden: int = 0) -> None:
        details = {**access.details, "hidden": hidden} if hidden and access.details else access.details
        self._trace.decision = Decision.of(True, Reason("database.allowed_outcome", "{why} — {outcome}",
                                                        why=access.why or access.reason, outcome=outcome),
                                           details)


def _decode(value: Any) -> Any:
    """EJSON arrives as a string on the wire, or already parsed from in-process callers.

    Either way it is read by the strict reader (``ejson.decode``): a value from code is
    encoded first, so NaN and lone surrogates are refused the same way; its depth is bounded
    by the encoder's recursion here and by the store's document limit.
    """
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return ejson.decode(value)
        return ejson.decode(ejson.encode(value), encoded_here=True)
    except ValueError as exc:  # JsonTextError included
        raise CloudError(-501007, invalid_ejson(exc)) from None
    except RecursionError:  # a value from code nested far past the limit, met while encoding
        raise CloudError(-501007, Reason("database.ejson_too_deep", "invalid EJSON: nested more than {depth} levels "
                                         "deep", depth=jsontext.MAX_DEPTH)) from None


def _hidden(service: DatabaseService, caller, p: _Params, access: Access, *, found: int) -> int:
    """How many matching documents a mini program's owner-limited query (PRIVATE) could not see,
    counted only when it found none (the case the app explains), so other reads cost nothing."""
    if found or not caller.is_client or access.owner is None or p.is_doc:
        return 0
    return service.count_hidden(p.collection, p.query, access.owner)


def _client_missed(service: DatabaseService, p: _Params, access: Access, trace: Trace) -> None:
    """A mini program's ``doc(id).get()`` that found nothing: its SDK fails with -1, so the
    event does too; denied when the document is there but another user's (PRIVATE)."""
    doc_id = (p.query or {}).get("_id")
    trace.failure = CloudError(-1, Reason("database.doc_not_found", "document.get:fail cannot find document with _id "
                                          "{doc_id}, please make sure that the document exists and you have the "
                                          "corresponding Read permission", doc_id=doc_id))
    if access.owner is not None and service.has_document(p.collection, doc_id):
        trace.decision = Decision.of(False, Reason("database.others_document", "{why}; {doc_id} is another user's "
                                                   "document", why=access.why or access.reason, doc_id=doc_id),
                                     access.details)


def _denials(handler):
    """Record a permission refusal's reason in the trace before the error propagates."""

    def wrapped(request: Request, trace: Trace) -> dict:
        try:
            return handler(request, trace)
        except PermissionDenied as exc:
            trace.decision = Decision.of(False, exc.access.why or exc.access.reason, exc.access.details)
            raise

    return wrapped


def _admin_only(request: Request) -> None:
    if request.caller.is_client:
        raise CloudError(-601004, Reason("database.admin_only", "only cloud functions and the console can do this"))


class _TransactionOps:
    """Requests inside a transaction (issue 19): the same service code over the transaction's
    view (``transaction_view.py``): its snapshot plus its own writes, applied at commit."""

    def __init__(self, service: DatabaseService, transactions: Transactions) -> None:
        self._service = service
        self._tx = transactions

    def _db(self, p: _Params) -> DatabaseService:
        return in_transaction(self._service, self._tx, p.transaction)

    def get(self, p: _Params) -> dict:
        docs, access = self._db(p).get(p.caller, p.collection, p.query, order=p.order(), skip=p.int("offset"),
                                       limit=p.int("limit"), projection=p.ejson("projection"), single=p.is_doc)
        p.allow(access, Reason("database.outcome_documents", "{n} document(s)", n=len(docs)))
        return {"list": [ejson.to_ejson(doc) for doc in docs]}

    def count(self, p: _Params) -> dict:
        total, access = self._db(p).count(p.caller, p.collection, p.query)
        p.allow(access, Reason("database.outcome_total", "total {n}", n=total))
        return {"total": total}

    def insert(self, p: _Params, docs: list) -> dict:
        ids, access = self._db(p).insert(p.caller, p.collection, docs)
        p.allow(access, Reason("database.outcome_added", "{n} added", n=len(ids)))
        return {"insertedIds": ids}

    def modify(self, p: _Params, data: dict, *, merge: bool) -> dict:
        modified, access = self._db(p).modify(p.caller, p.collection, p.query, data, multi=p.flag("multi", not p.is_doc),
                                              merge=merge, upsert=p.flag("upsert", False), single=p.is_doc)
        p.allow(access, Reason("database.outcome_updated", "{n} updated", n=modified.updated))
        return {"updated": modified.updated, "upsert_id": modified.upsert_id}

    def remove(self, p: _Params) -> dict:
        deleted, access = self._db(p).remove(p.caller, p.collection, p.query, multi=p.flag("multi", not p.is_doc),
                                             single=p.is_doc)
        p.allow(access, Reason("database.outcome_removed", "{n} removed", n=deleted))
        return {"deleted": deleted}
