"""Test support: a Python rendering of the SDKs' database calls, as an oracle for the tests.

The app has one SDK implementation, the JS shims (app/core/functions/js/sdk). This mirror
serializes like the SDK and shapes answers like it, in Python, so the service tests can state
what a mini program (client caller) or a cloud function (admin caller) gets, errMsg included,
without a JS worker per call; tests/core/functions check the shims against the same answers.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from app.core.database import ejson
from app.core.errors import CloudError
from app.core.functions.sdk import SdkOutcome
from app.core.requests import Caller, Request

__all__ = ["SdkDatabase", "SdkOutcome", "missing_document", "shape_error", "shape_result"]


class SdkDatabase:
    """``db = cloud.database()`` for one caller, over a workspace's request handler."""

    def __init__(
        self,
        handle: Callable[[Request], dict],
        caller: Caller,
        *,
        throw_on_not_found: bool = True,
        parent_id: str | None = None,
    ) -> None:
        self._handle = handle
        self._caller = caller
        self._throw = throw_on_not_found
        self._parent = parent_id

    # -- collection queries --------------------------------------------------------------------

    def get(
        self,
        collection: str,
        where: Mapping | None = None,
        *,
        order: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int | None = None,
        field: Mapping | None = None,
    ) -> SdkOutcome:
        params: dict[str, Any] = {"collectionName": collection, "queryType": "WHERE"}
        _put(params, "query", where)
        if order:
            params["order"] = ejson.encode(dict(order))
        if skip:
            params["offset"] = skip
        params["limit"] = limit if limit else 100  # the SDK always sends one (tcb-wire §5)
        _put(params, "projection", field)
        return self._call("collection.get", "database.getDocument", params)

    def count(self, collection: str, where: Mapping | None = None) -> SdkOutcome:
        params = {"collectionName": collection, "queryType": "WHERE"}
        _put(params, "query", where)
        return self._call("collection.count", "database.calculateDocument", params)

    def add(self, collection: str, data: Any) -> SdkOutcome:
        if isinstance(data, list) and self._caller.is_client:
            return _fail("collection.add", -1, "parameter.data should be object instead of array", client=True)
        items = data if isinstance(data, list) else [data]
        if not items or not all(isinstance(d, dict) for d in items):
            return _fail("collection.add", -1, "parameter.data should be object", client=self._caller.is_client)
        params = {"collectionName": collection, "data": [ejson.encode(d) for d in items]}
        outcome = self._call("collection.add", "database.insertDocument", params)
        if outcome.ok and isinstance(data, list):
            outcome = SdkOutcome(True, {"_ids": outcome.value.get("_ids", [outcome.value.get("_id")]), "errMsg": "collection.add:ok"})
        return outcome

    def update(self, collection: str, where: Mapping | None, data: Mapping, *, multi: bool = True) -> SdkOutcome:
        problem = _check_update("collection.update", data, self._caller.is_client)
        if problem:
            return problem
        params = {"collectionName": collection, "queryType": "WHERE", "data": ejson.encode(dict(data)),
                  "multi": multi, "merge": True, "upsert": False}
        _put(params, "query", where)
        return self._call("collection.update", "database.modifyDocument", params)

    def remove(self, collection: str, where: Mapping | None, *, multi: bool = True) -> SdkOutcome:
        params = {"collectionName": collection, "queryType": "WHERE", "multi": multi}
        _put(params, "query", where)
        return self._call("collection.remove", "database.removeDocument", params)

    # -- single documents ----------------------------------------------------------------------

    def doc_get(self, collection: str, doc_id: Any, *, field: Mapping | None = None) -> SdkOutcome:
        params = self._doc(collection, doc_id)
        _put(params, "projection", field)
        outcome = self._call("document.get", "database.getDocument", params)
        if outcome.ok and outcome.value["data"] is None and (self._throw or self._caller.is_client):
            return SdkOutcome(False, missing_document(doc_id, is_client=self._caller.is_client))
        return outcome

    def doc_update(self, collection: str, doc_id: Any, data: Mapping) -> SdkOutcome:
        problem = _check_update("document.update", data, self._caller.is_client)
        if problem:
            return problem
        params = {**self._doc(collection, doc_id), "data": ejson.encode(dict(data)),
                  "merge": True, "upsert": False}
        return self._call("document.update", "database.modifyDocument", params)

    def doc_set(self, collection: str, doc_id: Any, data: Mapping) -> SdkOutcome:
        problem = _check_update("document.set", data, self._caller.is_client)
        if problem:
            return problem
        if _has_operator(data):
            error = CloudError(-502001, "update operator complicit")
            return SdkOutcome(False, shape_error("document.set", error, is_client=self._caller.is_client))
        params = {**self._doc(collection, doc_id), "data": ejson.encode(dict(data)),
                  "merge": False, "upsert": True}
        return self._call("document.set", "database.modifyDocument", params, doc_id=doc_id)

    def doc_remove(self, collection: str, doc_id: Any) -> SdkOutcome:
        return self._call("document.remove", "database.removeDocument", self._doc(collection, doc_id))

    def create_collection(self, name: str) -> SdkOutcome:
        return self._call("createCollection", "database.addCollection", {"collectionName": name})

    # -- plumbing ------------------------------------------------------------------------------

    def _doc(self, collection: str, doc_id: Any) -> dict:
        return {"collectionName": collection, "queryType": "DOC",
                "query": ejson.encode({"_id": doc_id}), "multi": False}

    def _call(self, api: str, action: str, params: dict, *, doc_id: Any = None) -> SdkOutcome:
        try:
            response = self._handle(Request(action, params, self._caller, self._parent))
        except CloudError as error:
            return SdkOutcome(False, shape_error(api, error, is_client=self._caller.is_client))
        return SdkOutcome(True, shape_result(api, response, doc_id=doc_id))


def _put(params: dict, key: str, value: Mapping | None) -> None:
    if value:  # the SDK leaves out an absent or empty where/field
        params[key] = ejson.encode(value)


def _fail(api: str, code: int, reason: str, *, client: bool) -> SdkOutcome:
    """An SDK assertion: wx-server-sdk's errMsg is the bare reason (spec §2.2), the client's is prefixed."""
    if not client:
        return SdkOutcome(False, {"errCode": code, "errMsg": reason})
    return SdkOutcome(False, {"errCode": code, "errMsg": f"{api}:fail {reason}"})


def _check_update(api: str, data: Any, client: bool) -> SdkOutcome | None:
    """The SDK's own assertions before anything is sent (spec §3.1)."""
    if not isinstance(data, Mapping):
        return _fail(api, -1, f"parameter.data should be object instead of {type(data).__name__}", client=client)
    if not data:
        return _fail(api, -1, "options.data must not be empty", client=client)
    if "_id" in data:
        # Raised by the SDK in the backend's words, so it reads like a backend error (U42).
        return SdkOutcome(False, shape_error(api, CloudError(-501007, "不能更新_id的值"), is_client=client))
    return None


def _has_operator(value: Any) -> bool:
    """An update command anywhere in set() data; ``db.serverDate()`` is a value, not one."""
    if isinstance(value, Mapping) and list(value) == ["$tcb_server_date"]:
        return False
    if isinstance(value, Mapping):
        return any(str(k).startswith("$") or _has_operator(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_operator(v) for v in value)
    return False


def shape_result(api: str, response: dict, *, doc_id: Any = None) -> dict:
    """The SDK's success object for ``api`` (e.g. ``collection.get``) from the backend's answer."""
    ok = f"{api}:ok"
    if api == "collection.get":
        return {"data": response["list"], "errMsg": ok}
    if api == "document.get":
        docs = response["list"]
        return {"data": docs[0] if docs else None, "errMsg": ok}
    if api == "collection.count":
        return {"total": response["total"], "errMsg": ok}
    if api == "collection.add":
        ids = response["insertedIds"]
        return {"_id": ids[0], "errMsg": ok} if len(ids) == 1 else {"_ids": ids, "errMsg": ok}
    if api in ("collection.update", "document.update"):
        return {"stats": {"updated": response["updated"]}, "errMsg": ok}
    if api == "document.set":
        created = 1 if response.get("upsert_id") is not None else 0
        return {"_id": doc_id, "stats": {"updated": response["updated"], "created": created}, "errMsg": ok}
    if api in ("collection.remove", "document.remove"):
        return {"stats": {"removed": response["deleted"]}, "errMsg": ok}
    if api == "createCollection":
        return {"errMsg": ok}
    raise ValueError(f"unknown SDK api {api}")


def missing_document(doc_id: Any, *, is_client: bool) -> dict:
    """``doc(id).get()`` that found nothing: the SDKs reject with errCode -1 (spec §3.9)."""
    if is_client:
        detail = (
            f"document.get:fail cannot find document with _id {doc_id}, please make sure that "
            "the document exists and you have the corresponding Read permission"
        )
    else:
        detail = f"document with _id {doc_id} does not exist"
    return {"errCode": -1, "errMsg": f"document.get:fail {detail}"}


def shape_error(api: str, error: CloudError, *, is_client: bool) -> dict:
    """The SDK's rejection: ``<api>:fail <code> <text>. <detail>`` on the server (spec §2.2).

    The mini program's base library joins the backend's message with `` | errMsg: ``, as in
    ``collection.get:fail -502003 database permission denied | errMsg: Permission denied``.
    """
    if is_client:
        message = f"{api}:fail {error.code} {error.text}"
        if error.detail:
            message += f" | errMsg: {error.detail}"
        return {"errCode": error.code, "errMsg": message}
    return {"errCode": error.code, "errMsg": error.errmsg_for(api)}
