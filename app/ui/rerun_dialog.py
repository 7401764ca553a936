"""Explaining a denied or empty mini program database request, and running it again side by side:
"Re-run as…" another persona, signed out or admin, and "What if…" the rules were edited (nothing
saved). The timeline's details and the client console both offer it; core's ``database.rerun``
does the work (one logged console request; a write is a dry run)."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.api import OUTCOME_DENIED, OUTCOME_OK, RERUNNABLE_READS, RERUNNABLE_WRITES, Event
from app.ui.async_slot import async_slot
from app.ui.bridge import ADMIN, WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.panes.rules_editor import OWNER, RulesEditor
from app.ui.reason_texts import code_text, event_error, event_why, say
from app.ui.timeline_model import OUTCOME_COLORS, outcome_label, persona_label
from app.ui.widgets import JsonView, color_dot, pretty_json

RERUNNABLE = (*RERUNNABLE_READS, *RERUNNABLE_WRITES)
# What the simple modes allow, as security rules: the what-if editor starts from these.
MODE_RULES = {
    "PRIVATE": {"read": OWNER, "write": OWNER},
    "READONLY": {"read": True, "write": OWNER},
    "ADMINWRITE": {"read": True, "write": False},
    "ADMINONLY": {"read": False, "write": False},
}
_ORIGINAL = object()  # the re-run's user: the one who made the request


def can_rerun(event: Event | None) -> bool:
    """A mini program's database request that was denied or came back empty."""
    return (event is not None and event.caller_kind == "client" and event.action in RERUNNABLE
            and (event.outcome == OUTCOME_DENIED or (event.outcome == OUTCOME_OK and event.came_back_empty)))


def explain(item: dict) -> str:
    """One line under a client console result: a request the code made that was denied or came
    back empty, and why (the decision as core said it, missing condition and hidden count included)."""
    who = item.get("persona") or QCoreApplication.translate("Timeline", "Signed out")
    why = say((item.get("permission") or {}).get("why"), item.get("permissionReason") or "")
    if not why and item.get("errorMessage"):
        why = say(item.get("errorReason"), item["errorMessage"])
    if item.get("outcome") == OUTCOME_DENIED:
        line = QCoreApplication.translate("RerunDialog", "{who} was denied on {target}: {why}")
    elif item.get("action") in RERUNNABLE_WRITES:
        line = QCoreApplication.translate("RerunDialog", "{who} changed nothing in {target}: {why}")
    else:
        line = QCoreApplication.translate("RerunDialog", "{who} got nothing from {target}: {why}")
    return line.format(who=who, target=item.get("target") or "", why=why)


def persona_menu(bridge: WorkspaceBridge, parent: QWidget, chosen: Callable[[Any], None]) -> QMenu:
    """Every persona, signed out and admin; ``chosen(who)`` gets a name, None or ``ADMIN``."""
    menu = QMenu(parent)
    for persona in bridge.personas():
        menu.addAction(color_dot(persona.color), persona.name).triggered.connect(
            lambda _checked=False, name=persona.name: chosen(name))
    menu.addAction(QCoreApplication.translate("Timeline", "Signed out")).triggered.connect(lambda: chosen(None))
    menu.addAction(QCoreApplication.translate("Timeline", "Admin")).triggered.connect(lambda: chosen(ADMIN))
    return menu


def _same(data: Any, who: Any) -> bool:
    """Whether a choice's data is ``who`` (the markers by identity, a name by its text)."""
    return data is who or (isinstance(who, str) and data == who)


def _as_param(who: Any) -> dict | None:
    if who is _ORIGINAL:
        return None
    return {"admin": True} if who is ADMIN else {"persona": who}


class _Side(QGroupBox):
    """One request: who, under what, the outcome, why, and what it got."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.who = QLabel()
        self.outcome = QLabel()
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer = JsonView()
        column = QVBoxLayout(self)
        column.addWidget(self.who)
        column.addWidget(self.outcome)
        column.addWidget(self.why)
        column.addWidget(self.answer, 1)

    def present(self, who: str, outcome: str, color_key: str, why: str, answer: Any) -> None:
        self.who.setText(who)
        self.outcome.setText(outcome)
        color = OUTCOME_COLORS.get(color_key)
        self.outcome.setStyleSheet(f"color: {color.name()}; font-weight: bold;" if color else "")
        self.why.setText(why)
        self.answer.setPlainText(pretty_json(answer) if answer is not None else "")


class RerunDialog(QDialog):
    """``original`` beside its re-run. ``what_if``: an editor of the collection's rules (the
    saved ones, or the simple mode's as rules), re-run under them when asked; else re-run at
    once as ``who`` (a persona's name, None for signed out, ``ADMIN``)."""

    def __init__(self, bridge: WorkspaceBridge, original: Event, *, what_if: bool = False,
                 who: Any = _ORIGINAL, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.original = original
        self.answer: dict | None = None
        self.setWindowTitle(self.tr("What if the rules were…") if what_if else self.tr("Re-run as…"))
        self.who_box = QComboBox()
        self.who_box.addItem(self.tr("As before ({who})").format(who=persona_label(original)), _ORIGINAL)
        for persona in bridge.personas():
            self.who_box.addItem(color_dot(persona.color), persona.name, persona.name)
        self.who_box.addItem(QCoreApplication.translate("Timeline", "Signed out"), None)
        self.who_box.addItem(QCoreApplication.translate("Timeline", "Admin"), ADMIN)
        choices = range(self.who_box.count())
        self.who_box.setCurrentIndex(next((i for i in choices if _same(self.who_box.itemData(i), who)), 0))
        self.run_button = QPushButton(self.tr("Re-run"))
        self.run_button.clicked.connect(self.rerun)
        self.message = InlineMessage()
        self.rules_editor: RulesEditor | None = None
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Run as:")))
        top.addWidget(self.who_box, 1)
        top.addWidget(self.run_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        if what_if:
            self.run_button.hide()  # the editor's button re-runs, after checking the text
            self.rules_editor = RulesEditor(bridge, "database", self._rerun_under, self,
                                            apply_text=self.tr("Re-run with these rules"),
                                            applied_text=self.tr("Re-run under these rules; nothing was saved."))
            column.addWidget(self.rules_editor)
        column.addWidget(self.message)
        sides = QHBoxLayout()
        self.before = _Side(self.tr("The request"))
        self.after = _Side(self.tr("The re-run"))
        sides.addWidget(self.before, 1)
        sides.addWidget(self.after, 1)
        column.addLayout(sides, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        column.addWidget(buttons)
        self.resize(940, 640 if what_if else 540)  # inside a 1024×768 screen
        self.before.present(persona_label(original), outcome_label(original), original.outcome,
                         event_why(original) or event_error(original), _answer_of(original))
        self.after.present(self.tr("Not run yet"), "", "", "", None)

    # -- running --------------------------------------------------------------------------------

    @async_slot()
    async def load_rules(self) -> None:
        """Fill the what-if editor with the collection's rules, or its simple mode's as rules."""
        with self.message.reporting():
            listing = await self._bridge.request("database.listCollections")
            name = (self.original.params or {}).get("collectionName")
            found = next((c for c in listing["collections"] if c["name"] == name), None)
            if found is not None and self.rules_editor is not None:
                rules = found["rules"] if found["mode"] == "CUSTOM" else MODE_RULES.get(found["mode"])
                self.rules_editor.load(rules)

    @async_slot()
    async def rerun(self) -> None:
        """Re-run as the chosen user, under the saved rules."""
        with self.message.reporting():
            await self._run(None)

    async def _rerun_under(self, rules: dict) -> None:
        await self._run(rules)

    async def _run(self, rules: dict | None) -> None:
        params: dict = {"eventId": self.original.id}
        who = _as_param(self.who_box.currentData())
        if who is not None:
            params["as"] = who
        if rules is not None:
            params["rules"] = rules
        self.answer = await self._bridge.request("database.rerun", params)
        self._show_answer(self.answer, rules is not None)

    def _show_answer(self, answer: dict, edited: bool) -> None:
        caller = answer["caller"]
        who = (QCoreApplication.translate("Timeline", "Admin") if caller["kind"] != "client"
               else caller["persona"] or QCoreApplication.translate("Timeline", "Signed out"))
        if edited:
            who = self.tr("{who}, under the edited rules (not saved)").format(who=who)
        permission, error = answer.get("permission") or {}, answer.get("error")
        why = say(permission.get("why"), permission.get("reason") or "")
        if error is not None and answer["outcome"] != OUTCOME_DENIED:
            why = code_text(error["code"], say(error["reason"], error["message"])) if isinstance(
                error["code"], int) else say(error["reason"], error["message"])
        if answer["dryRun"] and answer["wouldTouch"] is not None:
            why += "\n" + self.tr("A dry run: it would touch {n} document(s); nothing was changed.").format(
                n=answer["wouldTouch"])
        self.after.present(who, _outcome_text(answer["outcome"], error), answer["outcome"], why,
                        answer["result"] if answer["result"] is not None else _error_answer(error))


def _outcome_text(outcome: str, error: dict | None) -> str:
    if outcome == OUTCOME_OK:
        return QCoreApplication.translate("Timeline", "Success")
    text = (QCoreApplication.translate("Timeline", "Denied") if outcome == OUTCOME_DENIED
            else QCoreApplication.translate("Timeline", "Failed"))
    return f"{text} {error['code']}" if error and error.get("code") is not None else text


def _answer_of(event: Event) -> Any:
    if event.result is not None:
        return event.result
    return {"errCode": event.error_code, "errMsg": event.error_message} if event.error_code is not None else None


def _error_answer(error: dict | None) -> Any:
    return {"errCode": error["code"], "errMsg": error["message"]} if error else None


def open_rerun(bridge: WorkspaceBridge, original: Event, parent: QWidget, *, what_if: bool = False,
               who: Any = _ORIGINAL) -> RerunDialog:
    """Show the side-by-side dialog; "Re-run as" runs at once, "What if" loads the rules first."""
    dialog = RerunDialog(bridge, original, what_if=what_if, who=who, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    if what_if:
        dialog.load_rules()
    else:
        dialog.rerun()
    return dialog
