"""wxsim never goes online (issue 21): every socket it connects, listens on or looks up is on
this computer, through a working session of the core: the gateway, a function call, storage's
temp URLs over HTTP and a snapshot with its scenario file."""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from pathlib import Path

import pytest

from app import paths
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", ""}


def _local(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@pytest.fixture
def sockets(monkeypatch) -> list[tuple[str, object]]:
    """Every address a socket connects or binds to and every name looked up, refused if not local."""
    seen: list[tuple[str, object]] = []
    connect, bind, lookup = socket.socket.connect, socket.socket.bind, socket.getaddrinfo

    def check(kind: str, family: int, address: object) -> None:
        seen.append((kind, address))
        if family == socket.AF_UNIX:
            return
        host = address[0] if isinstance(address, tuple) else address
        assert _local(host), f"wxsim tried to {kind} {address!r}, which is not this computer"

    def guarded_connect(self, address):
        check("connect to", self.family, address)
        return connect(self, address)

    def guarded_bind(self, address):
        check("listen on", self.family, address)
        return bind(self, address)

    def guarded_lookup(host, *args, **kwargs):
        check("look up", socket.AF_INET, (host.decode() if isinstance(host, bytes) else host, 0))
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "bind", guarded_bind)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    return seen


def test_a_working_session_opens_no_socket_beyond_this_computer(sockets, tmp_path: Path):
    ws = Workspace.open(tmp_path / "data", paths.demo_project(), demo_data=paths.resource("demo-data"))
    try:
        console = Caller.console("test")
        described = ws.handle(Request("gateway.describe", {"port": 0}, console))
        assert described  # the gateway listens, on loopback only
        ws.handle(Request("functions.invokeFunction", {"function_name": "login", "request_data": "{}"},
                          ws.client_caller("学生A")))
        record = ws.storage.files()[0]
        answer = ws.handle(Request("storage.batchGetDownloadUrl", {
            "file_list": [{"fileid": ws.storage.file_id(record.path), "max_age": 60}]}, Caller.admin("test")))
        url = answer["download_list"][0]["tempFileURL"]
        with urllib.request.urlopen(url, timeout=30) as response:  # the temp URL, fetched as a browser would
            assert response.read() == ws.storage.disk(record.path).read_bytes()
        ws.handle(Request("snapshot.save", {"name": "s"}, console))
        ws.handle(Request("snapshot.export", {"localPath": str(tmp_path / "s.wxsim"), "name": "s"}, console))
    finally:
        ws.close()
    kinds = {kind for kind, _ in sockets}
    assert {"listen on", "connect to"} <= kinds  # the checks saw the loopback traffic they guard


def test_the_guard_refuses_an_address_beyond_this_computer(sockets):
    with pytest.raises(AssertionError, match="not this computer"):
        socket.socket().connect(("203.0.113.7", 80))  # TEST-NET-3: never routed
