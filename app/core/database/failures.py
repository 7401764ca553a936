"""The engine's three kinds of failure, as the backend's CloudError codes (spec §2.2)."""

from __future__ import annotations

from typing import Any

from app.core.errors import CloudError
from app.core.reasons import Reason

# Mongo reports a malformed operand or a type clash as a failed request (BadValue,
# TypeMismatch); TCB passes those through as DATABASE_REQUEST_FAILED.
REQUEST_FAILED = -502001
# An operator the backend does not know (or we do not simulate): DATABASE_INVALID_OPERRATOR.
INVALID_COMMAND = -502002
# Bad call arguments (skip, limit, order) and the SDK's own `_id` guard: INVALID_PARAM.
INVALID_PARAM = -501007


def request_failed(detail: str | Reason) -> CloudError:
    """A malformed operand or a type mismatch (-502001)."""
    return CloudError(REQUEST_FAILED, detail)


def invalid_command(detail: str | Reason) -> CloudError:
    """An unknown or unsupported `$` operator (-502002)."""
    return CloudError(INVALID_COMMAND, detail)


def invalid_param(detail: str | Reason) -> CloudError:
    """A bad argument to find() or an attempt to change `_id` (-501007)."""
    return CloudError(INVALID_PARAM, detail)


def collection_name_required() -> Reason:
    """A request without a collection name (-501007)."""
    return Reason("database.collection_name_required", "collectionName is required")


def invalid_ejson(error: Any) -> Reason:
    """An EJSON param that does not read (-501007); ``error`` the reader's ValueError."""
    return Reason("database.invalid_ejson", "invalid EJSON: {error}", error=getattr(error, "reason", None) or str(error))
