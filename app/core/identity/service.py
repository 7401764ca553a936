"""Personas, their openids, wx.login codes, code2Session and the user list (spec §6–§7)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

from app.core.errors import InputError, WxApiError
from app.core.jsonfile import read_json, write_json
from app.core.reasons import Reason

CODE_TTL_S = 5 * 60  # spec §7.1: a code is valid for five minutes
_USED_CODE_MEMORY_S = 24 * 3600  # long enough to answer 40163 rather than 40029
_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
PALETTE = ["#1F7AE0", "#07C160", "#FA9D3B", "#9C27B0", "#E64340", "#00A3A3", "#795548"]
MAX_NAME = 24
VISIT_SAVE_DELAY_S = 1.0


@dataclass(frozen=True)
class Persona:
    """A named fake WeChat user with a stable openid."""

    name: str
    color: str
    openid: str
    unionid: str | None = None


@dataclass(frozen=True)
class UserRecord:
    """One row of 用户管理: a user who opened the mini program with traceUser."""

    openid: str
    appid: str
    first_visit: float
    last_visit: float
    visits: int


@dataclass(frozen=True)
class LoginCode:
    code: str
    openid: str
    expires_at: float


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def derive_openid(seed: str, name: str) -> str:
    """The persona's openid: ``o`` + a 5-char prefix shared by the workspace + 22 chars.

    Real openids share their first characters per app (spec §7.3); deriving both parts from
    the seed makes the same demo give the same openids on every trainee's laptop.
    """
    prefix = _b64url(hashlib.sha256(f"wxsim-app:{seed}".encode()).digest())[:5]
    body = _b64url(hmac.new(seed.encode(), f"openid:{name}".encode(), "sha256").digest())[:22]
    return "o" + prefix + body


def derive_unionid(seed: str, name: str) -> str:
    return "o" + _b64url(hmac.new(seed.encode(), f"unionid:{name}".encode(), "sha256").digest())[:27]


class Identity:
    """Owns the persona roster, login codes and visits of one workspace (thread-safe)."""

    def __init__(
        self,
        seed: str,
        personas: list[Persona],
        save_personas: Callable[[list[Persona]], None],
        auth_file: Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._seed = seed
        self._personas = list(personas)
        self._save_personas = save_personas
        self._auth_file = auth_file
        self._clock = clock
        self._lock = threading.RLock()
        state = read_json(auth_file, default={}) or {}
        self._users: dict[str, UserRecord] = {
            u["openid"]: UserRecord(**u) for u in state.get("users", [])
        }
        self._codes: dict[str, dict] = state.get("codes", {})
        # Each user's session_key from their last wx.login: what WeChat encrypts their open data
        # (the getPhoneNumber button's encryptedData) with until they log in again.
        self._session_keys: dict[str, str] = state.get("sessionKeys", {})
        self._visit_save: threading.Timer | None = None

    # -- personas ----------------------------------------------------------------------------

    def personas(self) -> list[Persona]:
        with self._lock:
            return list(self._personas)

    def persona(self, name: str) -> Persona:
        with self._lock:
            for persona in self._personas:
                if persona.name == name:
                    return persona
        raise InputError(Reason("persona.unknown", "There is no persona called “{name}”.", name=name))

    def persona_by_openid(self, openid: str | None) -> Persona | None:
        with self._lock:
            return next((p for p in self._personas if p.openid == openid), None)

    def add_persona(self, name: str, color: str | None = None, *, unionid: bool = False) -> Persona:
        name = self._valid_name(name)
        with self._lock:
            color = self._valid_color(color or PALETTE[len(self._personas) % len(PALETTE)])
            persona = Persona(
                name,
                color,
                derive_openid(self._seed, name),
                derive_unionid(self._seed, name) if unionid else None,
            )
            self._personas.append(persona)
            self._save_personas(self._personas)
            return persona

    def rename_persona(self, name: str, new_name: str) -> Persona:
        """Rename, keeping the openid: it is the same user, so their data stays theirs."""
        with self._lock:
            old = self.persona(name)
            if new_name.strip() == name:
                return old
            return self._replace(old, replace(old, name=self._valid_name(new_name)))

    def recolor_persona(self, name: str, color: str) -> Persona:
        with self._lock:
            old = self.persona(name)
            return self._replace(old, replace(old, color=self._valid_color(color)))

    def remove_persona(self, name: str) -> Persona:
        with self._lock:
            persona = self.persona(name)
            self._personas.remove(persona)
            self._save_personas(self._personas)
            return persona

    def _replace(self, old: Persona, new: Persona) -> Persona:
        self._personas[self._personas.index(old)] = new
        self._save_personas(self._personas)
        return new

    def _valid_name(self, name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise InputError(Reason("persona.name_missing", "A persona needs a name."))
        if len(name) > MAX_NAME:
            raise InputError(Reason("persona.name_too_long", "A persona name can have at most {n} characters.", n=MAX_NAME))
        if any(p.name == name for p in self.personas()):
            raise InputError(Reason("persona.name_taken", "There is already a persona called “{name}”.", name=name))
        return name

    @staticmethod
    def _valid_color(color: str) -> str:
        if not _COLOR.match(color or ""):
            raise InputError(Reason("persona.bad_color", "“{color}” is not a colour; use the #RRGGBB form, e.g. #07C160.", color=color))
        return color.upper()

    # -- wx.login and code2Session --------------------------------------------------------------

    def issue_code(self, openid: str) -> LoginCode:
        """wx.login: a fresh single-use code for this user, valid for five minutes."""
        now = self._clock()
        code = "0" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(31))
        with self._lock:
            self._prune_codes(now)
            # A login starts a new session: open data is encrypted with its key from now on,
            # and code2Session of this code answers that key.
            session_key = self._session_keys[openid] = _new_session_key()
            self._codes[code] = {"openid": openid, "issued": now, "used": False, "sessionKey": session_key}
            self._save_auth()
        return LoginCode(code, openid, now + CODE_TTL_S)

    def code_to_session(self, js_code: str) -> dict:
        """code2Session: exchange a code once for the openid and a session_key (spec §7.2)."""
        if not js_code:
            raise WxApiError(41008, f"missing code, rid: {_rid()}")
        now = self._clock()
        with self._lock:
            entry = self._codes.get(js_code)
            expired = entry is not None and now - entry["issued"] > CODE_TTL_S
            if entry is None or (expired and not entry["used"]):
                raise WxApiError(40029, f"invalid code, rid: {_rid()}")
            if entry["used"]:
                raise WxApiError(40163, f"code been used, rid: {_rid()}")
            entry["used"] = True
            self._save_auth()
        result = {"session_key": entry.get("sessionKey") or _new_session_key(), "openid": entry["openid"]}
        persona = self.persona_by_openid(entry["openid"])
        if persona and persona.unionid:
            result["unionid"] = persona.unionid
        return result

    def session_key(self, openid: str) -> str:
        """The user's current session_key (base64 of 16 bytes): their last wx.login's, which
        code2Session of its code answers, or a new one kept from now on if they never logged in."""
        with self._lock:
            if openid not in self._session_keys:
                self._session_keys[openid] = _new_session_key()
                self._save_auth()
            return self._session_keys[openid]

    def _prune_codes(self, now: float) -> None:
        for code in [c for c, e in self._codes.items() if now - e["issued"] > _USED_CODE_MEMORY_S]:
            del self._codes[code]

    # -- the user list (traceUser) --------------------------------------------------------------

    def record_visit(self, openid: str, appid: str) -> UserRecord:
        now = self._clock()
        with self._lock:
            old = self._users.get(openid)
            user = (
                replace(old, last_visit=now, visits=old.visits + 1)
                if old
                else UserRecord(openid, appid, now, now, 1)
            )
            self._users[openid] = user
            self._save_visits_soon()
            return user

    def users(self) -> list[UserRecord]:
        """Users who visited, most recent first, like the console's 用户管理."""
        with self._lock:
            return sorted(self._users.values(), key=lambda u: u.last_visit, reverse=True)

    def _save_visits_soon(self) -> None:
        # Every traced request is a visit; writing auth.json each time would cost more than
        # the request. Visits are the user list, not data: saving within a second is enough.
        if self._visit_save is None:
            self._visit_save = threading.Timer(VISIT_SAVE_DELAY_S, self._flush_visits)
            self._visit_save.daemon = True
            self._visit_save.start()

    def _flush_visits(self) -> None:
        with self._lock:
            self._visit_save = None
            self._save_auth()

    # -- snapshots -----------------------------------------------------------------------------

    def auth_state(self) -> dict:
        """The user list, login codes and session keys, as auth.json holds them."""
        with self._lock:
            return {"users": [asdict(u) for u in self._users.values()], "codes": dict(self._codes),
                    "sessionKeys": dict(self._session_keys)}

    @contextmanager
    def restoring(self) -> Iterator[Callable[[list[Persona]], None]]:
        """Hold the roster still while auth.json is replaced; call the yielded ``install(personas)``
        once the new file is in place (the personas come from the new workspace.json)."""
        with self._lock:
            timer, self._visit_save = self._visit_save, None
            if timer is not None:
                timer.cancel()  # its visits belong to the state being replaced

            def install(personas: list[Persona]) -> None:
                state = read_json(self._auth_file, default={}) or {}
                self._personas = list(personas)
                self._users = {u["openid"]: UserRecord(**u) for u in state.get("users", [])}
                self._codes = state.get("codes", {})
                self._session_keys = state.get("sessionKeys", {})

            yield install

    def close(self) -> None:
        """Write any visits still waiting for their deferred save."""
        with self._lock:
            timer, self._visit_save = self._visit_save, None
            if timer is not None:
                timer.cancel()
                self._save_auth()

    def _save_auth(self) -> None:
        write_json(
            self._auth_file,
            {"users": [asdict(u) for u in self._users.values()], "codes": self._codes,
             "sessionKeys": self._session_keys},
        )


def _new_session_key() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()


def _rid() -> str:
    """The request id WeChat appends to errmsg: ``rid: <hex>-<hex>-<hex>``."""
    return f"{secrets.token_hex(4)}-{secrets.token_hex(4)}-{secrets.token_hex(4)}"
