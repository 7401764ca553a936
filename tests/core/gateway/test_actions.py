"""The actions the gateway registers: WeChat Pay's refusal, and refusals for what is not served yet
(``wx.openApi`` is app/core/openapi's, see tests/core/openapi)."""

from __future__ import annotations

import pytest

from app.core.errors import CloudError
from app.core.gateway import gateway_actions
from app.core.gateway.actions import PENDING
from app.core.requests import Caller, Request
from app.core.workspace import Workspace


def test_only_missing_actions_are_added():
    everything = set(gateway_actions())
    assert everything == {"wx.wxPayApi", *PENDING}
    assert set(gateway_actions(["wx.wxPayApi", "database.startTransaction"])) == everything - {
        "wx.wxPayApi", "database.startTransaction"}
    assert gateway_actions(everything) == {}
    assert set(gateway_actions(pending=False)) == {"wx.wxPayApi"}


def test_pending_actions_refuse_in_words(tmp_path, monkeypatch):
    """Registered on a workspace, a pending action fails as a database error in words."""
    monkeypatch.setitem(PENDING, "database.futureAction", "future() is not supported by wxsim yet")
    workspace = Workspace.open(tmp_path)
    try:
        with pytest.raises(CloudError) as refused:
            workspace.handle(Request("database.futureAction", {}, Caller.admin("scf")))
        assert (refused.value.code, refused.value.tcb_code) == (-502001, "DATABASE_REQUEST_FAILED")
        assert refused.value.detail == "future() is not supported by wxsim yet (database.futureAction)"
        assert workspace.events.recent()[-1].action == "database.futureAction"
    finally:
        workspace.close()


def test_aggregation_is_served_not_pending():
    assert "database.aggregateDocuments" not in PENDING
