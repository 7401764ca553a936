"""What a mini program or cloud function sees: the SDK's result objects and errMsgs (spec §3.10).

The dispatcher answers in the backend's shapes (``{"list": […]}``, ``{"updated": 1}``); the
real SDKs turn those into user-visible objects. The JS shims do this in JS; this module does
it in Python for the console panes and the tests.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import CloudError


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
