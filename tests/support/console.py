"""A console (admin) request, as the panes and the CLI send them."""

from __future__ import annotations

from app.core.requests import Caller, Request


def console(action: str, **params) -> Request:
    return Request(action, params, Caller.console("test"))
