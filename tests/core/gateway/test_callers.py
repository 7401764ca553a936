"""seqId routing: requests of a run we started are its caller's, nested under it."""

from __future__ import annotations

import pytest

from app.core.gateway.callers import InvocationRegistry, source_of
from app.core.requests import Caller

USER = Caller("admin", "wx_client", "oUser", "wx0123456789abcdef")
RUN_ID = "2e6819b7-5d90-479c-b61c-b5792ab877c8"  # the runner's request ids are UUIDs


def test_a_registered_run_owns_the_seq_ids_node_sdk_builds_from_it():
    """node-sdk sends ``<TCB_SEQID>-<hex ms>_<hex n>``; the prefix finds the run."""
    registry = InvocationRegistry()
    with registry.register(RUN_ID, USER, "parent-event"):
        origin = registry.lookup(f"{RUN_ID}-19a2b3c4d5e_1f")
        assert origin.caller == USER and origin.parent_id == "parent-event"
        assert registry.lookup(RUN_ID).caller == USER  # sent bare
    assert registry.lookup(f"{RUN_ID}-19a2b3c4d5e_1f") is None  # the run is over
    assert len(registry) == 0


@pytest.mark.parametrize("seq_id", [None, "", "19a2b3c4d5e_1", "inv-12-19a2b3c4d5e_1", "inv-1-x", "xinv-1-1_1"])
def test_other_seq_ids_belong_to_no_run(seq_id):
    """No TCB_SEQID, another id sharing a prefix, or a malformed suffix: not the run's."""
    registry = InvocationRegistry()
    with registry.register("inv-1", USER, None):
        assert registry.lookup(seq_id) is None


def test_runs_are_told_apart_and_ids_are_checked():
    registry = InvocationRegistry()
    other = Caller("admin", "wx_client,scf", "oOther", "wx0123456789abcdef")
    with registry.register("inv-1", USER, "p1"), registry.register("inv-1-2", other, "p2"):
        assert registry.lookup("inv-1-18c_1").parent_id == "p1"
        assert registry.lookup("inv-1-2-18c_1").parent_id == "p2"
        with pytest.raises(ValueError, match="already registered"), registry.register("inv-1", USER, None):
            pass
    for bad in ("", "a b", "a&b", "x" * 129):
        with pytest.raises(ValueError, match="seq id"), registry.register(bad, USER, None):
            pass


@pytest.mark.parametrize(
    ("header", "source"),
    [(",scf", "scf"), ("wx_client,scf", "wx_client,scf"), (",not_scf", "not_scf"),
     (None, "unknown"), (" , ", "unknown")],
)
def test_source_comes_from_the_x_tcb_source_header(header, source):
    assert source_of(header) == source
