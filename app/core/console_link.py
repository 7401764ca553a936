"""Attach: the process that holds a workspace serves the console requests of other wxsim processes.

Two writers must never share ``db/``, so one process holds a workspace (the GUI, ``wxsim
serve``, or a command that found it free). It publishes ``endpoint.json`` in the data folder
(mode 0600, like the folder's other secrets): its pid, a loopback URL and a token made for this
run. Another ``wxsim`` command that finds a live holder sends its requests there instead of
refusing, the way ``docker`` talks to its daemon: same requests, same answers, and they show in
the holder's timeline. A stale file (the pid is gone, or nothing answers) is ignored.

The token is the console's: it lets a request act as the person at wxsim (simulator-only
actions, host paths). It is not the gateway secret that functions running on Node receive.
"""

from __future__ import annotations

import hmac
import http.client
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from app.core import host_os
from app.core.reasons import Reason
from app.core.errors import CloudError, InputError, SimulatorError, WxApiError
from app.core.http.base import LoopbackHandler, LoopbackServer, read_all
from app.core.http.body import BadBody
from app.core.http.loopback import host_refusal, origin_refusal
from app.core.jsonfile import write_json
from app.core.requests import Caller, Request

log = logging.getLogger(__name__)
ENDPOINT_FILE = "endpoint.json"
PATH = "/console"
MAX_BODY = 64 << 20
# A call can run a function for its whole timeout (up to 900 s on the platform), and an import
# can take a while: the socket waits that long, not a moment less.
CALL_TIMEOUT_S = 1000.0


class HolderUnreachable(SimulatorError):
    """The process holding the workspace did not answer, or went away during a request."""


class HolderClosing(Exception):
    """The holder is shutting down and took nothing: ask again (it may be free now)."""


@dataclass(frozen=True)
class Endpoint:
    """What a holder publishes: who it is and how to reach it."""

    pid: int
    url: str
    token: str

    @classmethod
    def read(cls, data_dir: Path) -> "Endpoint | None":
        """The published endpoint of a live holder, or None (no file, a dead pid, damage)."""
        try:
            raw = json.loads((data_dir / ENDPOINT_FILE).read_text(encoding="utf-8"))
            endpoint = cls(int(raw["pid"]), str(raw["url"]), str(raw["token"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if endpoint.pid != os.getpid() and not host_os.process_alive(endpoint.pid):
            return None
        return endpoint


# -- the holder's side ---------------------------------------------------------------------------


class ConsoleServer:
    """Serves ``POST /console`` for one workspace until ``close``; publishes the endpoint.

    An attached command opens a session first and closes it when done; a holder that is
    closing stops taking new sessions but serves the open ones to the end (a command is
    several requests), so twenty commands started together all complete.
    """

    def __init__(self, handle: Callable[[Request], dict], caller_of: Callable[[dict], Caller], data_dir: Path) -> None:
        self._handle = handle
        self._caller_of = caller_of
        self._data_dir = data_dir
        self.token = secrets.token_urlsafe(32)
        self._lock = threading.Condition()
        self._in_flight = 0
        self._sessions: dict[str, int] = {}  # session id -> the attached process's pid
        self._closing = False
        handler = type("BoundConsoleHandler", (_Handler,), {"link": self})
        self._server = LoopbackServer(handler, name="wxsim-console")
        self.url = f"{self._server.base_url}{PATH}"
        write_json(data_dir / ENDPOINT_FILE, {"pid": os.getpid(), "url": self.url, "token": self.token})

    def close(self, linger_s: float = 600.0) -> None:
        """Unpublish, refuse new sessions, serve the open ones to their end (at most
        ``linger_s``; a session whose process died ends with it), then stop."""
        try:
            if Endpoint.read(self._data_dir) == Endpoint(os.getpid(), self.url, self.token):
                (self._data_dir / ENDPOINT_FILE).unlink(missing_ok=True)
        except OSError:
            pass
        import time

        deadline = time.monotonic() + linger_s
        with self._lock:
            self._closing = True
            while self._in_flight or self._sessions:
                if time.monotonic() > deadline:
                    log.warning("closing with %d attached command(s) still open", len(self._sessions))
                    break
                for session, pid in list(self._sessions.items()):
                    if not host_os.process_alive(pid):
                        del self._sessions[session]
                self._lock.wait(0.05)
        self._server.close()

    def serve(self, body: bytes) -> dict:
        """One request's answer: ``{"result": …}`` or ``{"error": …}``; HolderClosing if closing."""
        try:
            message = json.loads(body)
        except ValueError as exc:
            return {"error": {"type": "InputError", "message": f"a malformed console request: {exc}"}}
        if not isinstance(message, dict):
            return {"error": {"type": "InputError", "message": "a console request is a JSON object"}}
        with self._lock:
            if "attach" in message:
                if self._closing:
                    raise HolderClosing()
                session = secrets.token_hex(8)
                self._sessions[session] = int(message["attach"])
                return {"result": {"session": session}}
            if "detach" in message:
                self._sessions.pop(str(message["detach"]), None)
                self._lock.notify_all()
                return {"result": {}}
            if self._closing and message.get("session") not in self._sessions:
                raise HolderClosing()
            self._in_flight += 1
        try:
            return _answer(self._handle, self._caller_of, message)
        finally:
            with self._lock:
                self._in_flight -= 1
                self._lock.notify_all()


def _answer(handle: Callable[[Request], dict], caller_of: Callable[[dict], Caller], message: dict) -> dict:
    try:
        caller = caller_of(message.get("caller") or {"kind": "console"})
        request = Request(str(message["action"]), dict(message.get("params") or {}), caller,
                          local_roots=tuple(Path(p) for p in message.get("localRoots") or ()))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return {"error": {"type": "InputError", "message": f"a malformed console request: {exc}"}}
    except SimulatorError as exc:
        return {"error": _error(exc)}
    try:
        return {"result": handle(request)}
    except SimulatorError as exc:
        return {"error": _error(exc)}
    except Exception as exc:  # noqa: BLE001 - the caller gets an answer; the bug is logged here
        log.exception("the console request %s failed", request.action)
        return {"error": {"type": "SimulatorError", "message": f"internal error: {exc!r}"}}


def _error(exc: SimulatorError) -> dict:
    if isinstance(exc, CloudError):
        answer = {"type": "CloudError", "code": exc.code, "detail": exc.detail}
    elif isinstance(exc, WxApiError):
        return {"type": "WxApiError", "code": exc.errcode, "message": exc.errmsg}
    else:
        answer = {"type": "InputError" if isinstance(exc, InputError) else "SimulatorError", "message": str(exc)}
    if exc.reason is not None:
        answer["reason"] = exc.reason.to_dict()  # so the attached side can say it in its language
    return answer


class _Handler(LoopbackHandler):
    server_version = "wxsim-console"
    disable_nagle_algorithm = True
    max_body = MAX_BODY
    link: ConsoleServer

    def do_POST(self) -> None:
        refusal = (host_refusal(self.headers.get("Host")) or origin_refusal(self.headers.get("Origin"))
                   or self._token_refusal())
        if refusal or self.path != PATH:
            self.drain(None)
            self._send(403 if refusal else 404, {"error": {"type": "SimulatorError", "message": refusal or "no such route"}})
            return
        try:
            answer = self.link.serve(read_all(self.body_reader(), MAX_BODY))
        except BadBody as exc:
            self.close_connection = True
            answer = {"error": {"type": "InputError", "message": str(exc)}}
        except HolderClosing:
            self._send(503, {"closing": True})
            return
        self._send(200, answer)

    def _token_refusal(self) -> str | None:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.link.token}"
        if hmac.compare_digest(given.encode(), expected.encode()):
            return None
        return "this console endpoint needs the token its holder published"

    def _send(self, status: int, answer: dict) -> None:
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# -- the attached side ---------------------------------------------------------------------------


def caller_to_wire(caller: Caller | None) -> dict:
    """A caller as the console link carries it (the holder rebuilds it with its own roster)."""
    if caller is None:
        return {"kind": "console"}
    return {"kind": caller.kind, "source": caller.source, "openid": caller.openid,
            "traceUser": caller.trace_user}


class RemoteLink:
    """Sends console requests to a holder; one keep-alive connection, reopened when needed."""

    def __init__(self, endpoint: Endpoint, timeout: float = CALL_TIMEOUT_S) -> None:
        from urllib.parse import urlsplit

        self.endpoint = endpoint
        self.timeout = timeout
        parts = urlsplit(endpoint.url)
        self._host, self._port, self._path = parts.hostname, parts.port, parts.path
        self._connection: http.client.HTTPConnection | None = None
        self.session: str | None = None

    def attach(self) -> None:
        """Open this process's session; HolderClosing if the holder takes no more."""
        self.session = self._exchange({"attach": os.getpid()})["session"]

    def detach(self) -> None:
        if self.session is not None:
            try:
                self._exchange({"detach": self.session})
            except SimulatorError:
                pass  # the holder is gone or going: nothing of ours is left to end
            except HolderClosing:
                pass
            self.session = None
        self.close()

    def call(self, action: str, params: dict[str, Any], caller: Caller | None, local_roots: tuple[Path, ...] = ()) -> dict:
        """The holder's answer to one request; raises its SimulatorError, HolderClosing (nothing
        was done: ask again) or HolderUnreachable (the holder went away)."""
        return self._exchange({"action": action, "params": params, "caller": caller_to_wire(caller),
                               "localRoots": [str(p) for p in local_roots], "session": self.session})

    def _exchange(self, message: dict) -> Any:
        status, answer = self._post(json.dumps(message, ensure_ascii=False).encode("utf-8"))
        if status == 503:
            raise HolderClosing()
        if status != 200 or not isinstance(answer, dict):
            raise HolderUnreachable(f"the wxsim holding this workspace (pid {self.endpoint.pid}) refused the request "
                                    f"(HTTP {status}): {answer}")
        if "error" in answer:
            raise _rebuild(answer["error"])
        return answer["result"]

    def _post(self, body: bytes) -> tuple[int, Any]:
        sent = False
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
            self._connection.timeout = self.timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(self.timeout)
            self._connection.request("POST", self._path, body=body, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {self.endpoint.token}"})
            sent = True
            response = self._connection.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        except ConnectionRefusedError:
            self.close()
            raise HolderClosing() from None  # nothing listens any more: nothing was done
        except TimeoutError:
            self.close()
            raise HolderUnreachable(
                f"the wxsim holding this workspace (pid {self.endpoint.pid}) did not answer within "
                f"{self.timeout:g} s; this command's outcome is unknown") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self.close()
            if not sent:
                raise HolderClosing() from None  # it never reached the holder: nothing was done
            # Sent and cut off without an answer: the holder always answers what it reads (and
            # keeps an attached session's connection for the whole command), so it died; its pid
            # may linger a moment while it does. What it did is unknown: never send it twice.
            raise HolderUnreachable(
                f"the wxsim holding this workspace (pid {self.endpoint.pid}) went away during the request "
                f"({type(exc).__name__}); its last writes are safe, but this command's outcome is unknown") from None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _rebuild(error: dict) -> SimulatorError:
    kind = error.get("type")
    reason = Reason.from_dict(error.get("reason"))
    if kind == "CloudError":
        return CloudError(int(error.get("code", -1)), reason or str(error.get("detail", "")))
    if kind == "WxApiError":
        return WxApiError(int(error.get("code", -1)), str(error.get("message", "")))
    if kind == "InputError":
        return InputError(reason or str(error.get("message", "")))
    return SimulatorError(reason or str(error.get("message", "")))


