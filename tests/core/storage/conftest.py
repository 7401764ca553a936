"""A storage service behind a real dispatcher, on tmp_path, for env test-x1dzi (spec §9.9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.dispatcher import Dispatcher
from app.core.events import EventLog
from app.core.requests import Caller, Request
from app.core.storage import DEFAULT_MODE, StorageService, storage_actions
from app.core.storage.console_actions import storage_console_actions
from tests.support.storage_sdk import StorageSdk

ENV_ID = "test-x1dzi"
APPID = "1257000000"  # S1 uses the numeric id literally
BUCKET = "7465-test-x1dzi-1257000000"
PREFIX = f"cloud://{ENV_ID}.{BUCKET}/"
OPENID_A = "oA" + "a1b2c3d4e5f6g7h8i9j0k1l2m3"
OPENID_B = "oB" + "z9y8x7w6v5u4t3s2r1q0p9o8n7"


class StorageEnv:
    """The service, its dispatcher and event log, and the personas of the tests."""

    def __init__(self, data: Path, clock) -> None:
        self.data = data
        self.clock = clock
        self.mode = DEFAULT_MODE
        self.events = EventLog(None)
        self.service = self.open()
        self.a = Caller.client(OPENID_A, "wxabc", persona="学生A")
        self.b = Caller.client(OPENID_B, "wxabc", persona="学生B")
        self.visitor = Caller.client(None, "wxabc")
        self.admin = Caller.admin("scf")
        self.console = Caller.console()

    def open(self) -> StorageService:
        self.dispatcher = Dispatcher(self.events, lambda request: None)
        service = StorageService(self.data / "storage", self.data / "storage-index.json", ENV_ID, APPID,
                                 lambda: self.mode, self.clock, handle=self.dispatcher.handle)
        self.dispatcher.register(storage_actions(service, self._set_mode))
        self.dispatcher.register(storage_console_actions(service, self.caller_for))
        return service

    def reopen(self) -> StorageService:
        self.service.close()
        self.service = self.open()
        return self.service

    def caller_for(self, persona: str | None) -> Caller:
        return {"学生A": self.a, "学生B": self.b}.get(persona, self.visitor)

    def _set_mode(self, mode: str) -> None:
        self.mode = mode

    def handle(self, action: str, params: dict, caller: Caller | None = None) -> dict:
        """A request as ``caller`` (default: the console); like run-client's code, any caller
        may name local files under the test's folder."""
        request = Request(action, params, caller or self.console, local_roots=(self.data,))
        return self.dispatcher.handle(request)

    def sdk(self, caller: Caller) -> StorageSdk:
        return StorageSdk(self.dispatcher.handle, caller, download_dir=self.data / "downloads")

    def local(self, name: str, content: bytes) -> Path:
        path = self.data / "local" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    def put(self, caller: Caller, path: str, content: bytes) -> str:
        """Upload as ``caller`` through the in-process action; returns the fileID."""
        params = {"cloudPath": path, "localPath": str(self.local("upload.bin", content))}
        return self.handle("storage.uploadFile", params, caller)["fileID"]

    def last_event(self):
        return self.events.recent()[-1]


@pytest.fixture
def env(tmp_path: Path, clock) -> StorageEnv:
    (tmp_path / "downloads").mkdir()
    storage_env = StorageEnv(tmp_path, clock)
    yield storage_env
    storage_env.service.close()
