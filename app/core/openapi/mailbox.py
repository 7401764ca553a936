"""The messages' state in ``<data>/openapi/`` (openapi.md §8.1): templates, each persona's
subscriptions, customer-service windows, the legacy settings and the inbox.

- ``templates.json``: ``{templateId: {title, kind, keywords, enums?}}`` (``templates.py``),
  seeded from the project's code the first time anything asks for it, then edited in the pane.
- ``subscriptions.json``: ``{openid: {templateId: {policy, keep, count}}}``: what the persona
  answers ``wx.requestSubscribeMessage`` (accept, the default; reject; ban), whether that
  choice is kept ("总是保持以上选择"), and the sends left (§4.2's quota).
- ``cs_sessions.json``: ``{openid: {openedAt, left}}``: the window a persona's own message opens.
- ``messages.json``: ``{legacy: "legacy" | "strict", maxSubscribeIds: 5 | 3, usedFormIds: [...]}``.
- ``inbox.jsonl``: every delivered message, one JSON object a line (appends only).

One lock guards each read-modify-write, so a quota is never spent twice by parallel sends.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from app.core.errors import InputError
from app.core.jsonfile import make_private_dir, read_json, write_json
from app.core.openapi.store import OpenApiStore
from app.core.reasons import Reason

if TYPE_CHECKING:  # the template rules compile ~20 patterns: loaded when messages are first used
    from app.core.openapi.templates import Template

POLICIES = ("accept", "reject", "ban")
LEGACY_MODES = ("legacy", "strict")
SUBSCRIBE_ID_LIMITS = (5, 3)  # §10 #6: today's page says 5, older pages and the minigame 3
CS_WINDOW = 48 * 3600
CS_MESSAGES = 5
INBOX = "inbox"
TEMPLATES_FILE = "templates.json"
SUBSCRIPTIONS_FILE = "subscriptions.json"
SESSIONS_FILE = "cs_sessions.json"
SETTINGS_FILE = "messages.json"


class Mailbox:
    """Thread-safe; every method reads the files afresh, so hand edits count at once."""

    def __init__(self, store: OpenApiStore, functions_root: Path | None, clock: Callable[[], float]) -> None:
        self.store = store
        self.folder = store.folder
        self._functions_root = functions_root
        self._clock = clock
        self._lock = threading.RLock()

    # -- templates -----------------------------------------------------------------------------

    def templates(self) -> dict[str, Template]:
        from app.core.openapi.templates import parse_template, scan_project

        with self._lock:
            path = self.folder / TEMPLATES_FILE
            if not path.exists():
                self._save_templates(scan_project(self._functions_root))
            raw = self._read(TEMPLATES_FILE, {})
            out = {}
            for template_id, declared in (raw.items() if isinstance(raw, dict) else ()):
                try:
                    out[template_id] = parse_template(template_id, declared)
                except InputError:
                    continue  # a hand-broken declaration is as if undeclared (40037), not a crash
            return out

    def template(self, template_id: Any) -> Template | None:
        return self.templates().get(template_id) if isinstance(template_id, str) else None

    def set_template(self, template: Template, replaces: str | None = None) -> None:
        """Declare or change ``template``; ``replaces`` is its old id when the id was edited."""
        with self._lock:
            templates = self.templates()
            if replaces is not None and replaces != template.id:
                if template.id in templates:
                    raise InputError(Reason("openapi.template_exists", "There is already a template {template_id}.",
                                            template_id=template.id))
                templates.pop(replaces, None)
            templates[template.id] = template
            self._save_templates(templates)

    def remove_template(self, template_id: str) -> None:
        with self._lock:
            templates = self.templates()
            if templates.pop(template_id, None) is None:
                raise InputError(unknown_template(template_id))
            self._save_templates(templates)

    def _save_templates(self, templates: dict[str, Template]) -> None:
        self._write(TEMPLATES_FILE, {t.id: t.to_json() for t in templates.values()})

    # -- subscriptions -------------------------------------------------------------------------

    def subscriptions(self, openid: str) -> dict[str, dict[str, Any]]:
        """Every declared template's state for this persona (the defaults where none is saved)."""
        with self._lock:
            saved = self._subscriptions().get(openid, {})
            return {template_id: _state(saved.get(template_id)) for template_id in self.templates()}

    def set_subscription(self, openid: str, template_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self.template(template_id) is None:
                raise InputError(unknown_template(template_id))
            everyone = self._subscriptions()
            state = _state(everyone.get(openid, {}).get(template_id))
            policy, keep, count = changes.get("policy"), changes.get("keep"), changes.get("count")
            if policy is not None:
                if policy not in POLICIES:
                    raise InputError(Reason("openapi.policy_invalid", "A policy is accept, reject or ban."))
                state["policy"] = policy
            if keep is not None:
                if not isinstance(keep, bool):
                    raise InputError(Reason("openapi.keep_not_bool", "keep must be true or false."))
                state["keep"] = keep
            if count is not None:
                if type(count) is not int or not 0 <= count <= 1000:
                    raise InputError(Reason("openapi.count_invalid", "The sends left must be 0 to 1000."))
                state["count"] = count
            everyone.setdefault(openid, {})[template_id] = state
            self._write(SUBSCRIPTIONS_FILE, everyone)
            return state

    def answer_subscribe(self, openid: str, templates: list[Template]) -> dict[str, str]:
        """The persona's answer per template, as ``wx.requestSubscribeMessage`` gives it: each
        accept adds one send (§4.2: accepts accumulate); a title already answered in this call
        is ``filter``; reject and ban add nothing and keep what was granted (§10 #8)."""
        with self._lock:
            everyone = self._subscriptions()
            mine = everyone.setdefault(openid, {})
            answers: dict[str, str] = {}
            titles: set[str] = set()
            for template in templates:
                if template.title in titles:
                    answers[template.id] = "filter"
                    continue
                titles.add(template.title)
                state = _state(mine.get(template.id))
                answers[template.id] = state["policy"]
                if state["policy"] == "accept":
                    state["count"] += 1
                mine[template.id] = state
            self._write(SUBSCRIPTIONS_FILE, everyone)
            return answers

    def take_send(self, openid: str, template: Template) -> bool:
        """Spend one send of a one-time template; a long-term one needs an accept, never spent."""
        with self._lock:
            everyone = self._subscriptions()
            state = _state(everyone.get(openid, {}).get(template.id))
            if state["count"] <= 0:
                return False
            if template.kind == "once":
                state["count"] -= 1
                everyone.setdefault(openid, {})[template.id] = state
                self._write(SUBSCRIPTIONS_FILE, everyone)
            return True

    def _subscriptions(self) -> dict[str, dict[str, Any]]:
        saved = self._read(SUBSCRIPTIONS_FILE, {})
        return {k: v for k, v in saved.items() if isinstance(v, dict)} if isinstance(saved, dict) else {}

    # -- customer service ----------------------------------------------------------------------

    def open_session(self, openid: str) -> dict[str, Any]:
        """The persona sent a message: 5 replies within 48 hours from now (§4.3)."""
        with self._lock:
            sessions = self._read(SESSIONS_FILE, {})
            sessions = sessions if isinstance(sessions, dict) else {}
            sessions[openid] = {"openedAt": self._clock(), "left": CS_MESSAGES}
            self._write(SESSIONS_FILE, sessions)
            return self._window(sessions[openid])

    def session(self, openid: str) -> dict[str, Any] | None:
        """The open window (``left``, ``closesAt``), or None when there is none or it closed."""
        sessions = self._read(SESSIONS_FILE, {})
        saved = sessions.get(openid) if isinstance(sessions, dict) else None
        if not isinstance(saved, dict) or self._clock() > saved.get("openedAt", 0) + CS_WINDOW:
            return None
        return self._window(saved)

    def take_reply(self, openid: str) -> str | None:
        """Spend one reply: None when sent, else why not (``closed`` or ``spent``)."""
        with self._lock:
            window = self.session(openid)
            if window is None:
                return "closed"
            if window["left"] <= 0:
                return "spent"
            sessions = self._read(SESSIONS_FILE, {})
            sessions[openid]["left"] = window["left"] - 1
            self._write(SESSIONS_FILE, sessions)
            return None

    @staticmethod
    def _window(saved: dict[str, Any]) -> dict[str, Any]:
        return {"left": int(saved.get("left", 0)), "closesAt": float(saved.get("openedAt", 0)) + CS_WINDOW}

    # -- settings and legacy form ids ----------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        saved = self._read(SETTINGS_FILE, {})
        saved = saved if isinstance(saved, dict) else {}
        legacy = saved.get("legacy") if saved.get("legacy") in LEGACY_MODES else "legacy"
        limit = saved.get("maxSubscribeIds") if saved.get("maxSubscribeIds") in SUBSCRIBE_ID_LIMITS else 5
        return {"legacy": legacy, "maxSubscribeIds": limit}

    def set_settings(self, legacy: Any = None, max_subscribe_ids: Any = None) -> dict[str, Any]:
        with self._lock:
            if legacy is not None and legacy not in LEGACY_MODES:
                raise InputError(Reason("openapi.legacy_mode", "The legacy setting is legacy or strict."))
            if max_subscribe_ids is not None and max_subscribe_ids not in SUBSCRIBE_ID_LIMITS:
                raise InputError(Reason("openapi.subscribe_limit", "At most 5 or 3 template ids per request."))
            saved = self._read(SETTINGS_FILE, {})
            saved = saved if isinstance(saved, dict) else {}
            saved.update({k: v for k, v in (("legacy", legacy), ("maxSubscribeIds", max_subscribe_ids))
                          if v is not None})
            self._write(SETTINGS_FILE, saved)
            return self.settings()

    def use_form_id(self, form_id: str) -> bool:
        """A legacy form id works once (§8.2 #6): False when it was used before."""
        with self._lock:
            saved = self._read(SETTINGS_FILE, {})
            saved = saved if isinstance(saved, dict) else {}
            used = saved.get("usedFormIds") if isinstance(saved.get("usedFormIds"), list) else []
            if form_id in used:
                return False
            saved["usedFormIds"] = [*used, form_id]
            self._write(SETTINGS_FILE, saved)
            return True

    # -- inbox ---------------------------------------------------------------------------------

    def deliver(self, entry: dict[str, Any]) -> None:
        self.store.append(INBOX, entry)

    def inbox(self, openid: str | None = None) -> list[dict[str, Any]]:
        """The messages delivered to ``openid`` (everyone's when None), oldest first."""
        return [m for m in self.store.entries(INBOX) if openid is None or m.get("touser") == openid]

    # -- files ---------------------------------------------------------------------------------

    def _read(self, name: str, default: Any) -> Any:
        try:
            return read_json(self.folder / name, default)
        except ValueError:
            return default

    def _write(self, name: str, data: Any) -> None:
        make_private_dir(self.folder)
        write_json(self.folder / name, data)


def _state(saved: Any) -> dict[str, Any]:
    saved = saved if isinstance(saved, dict) else {}
    policy = saved.get("policy") if saved.get("policy") in POLICIES else "accept"
    count = saved.get("count") if type(saved.get("count")) is int and saved.get("count") >= 0 else 0
    return {"policy": policy, "keep": saved.get("keep") is True, "count": count}


def unknown_template(template_id: Any) -> Reason:
    return Reason("openapi.template_unknown", "No template {template_id} is declared in this workspace.",
                  template_id=str(template_id))
