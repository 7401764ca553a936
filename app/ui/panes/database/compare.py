"""The database pane's "compare personas" view: one query as two personas, side by side.

Each column is one ``database.runQuery`` as its persona (logged in the timeline like any other
request): its answer in words, how many of the matches are hidden from it and why, and the
documents it gets. A trainer shows why 学生B sees fewer PRIVATE todos than 学生A, or why a
query under security rules is refused for a student and answered for the admin.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.ui.async_slot import async_slot
from app.ui.bridge import ADMIN, WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.panes.database.models import compact
from app.ui.panes.persona_box import PersonaBox
from app.ui.reason_texts import code_text, say

PREVIEW_FIELDS = ("title", "name")  # what names a document best in one line, if it has one
TOOLTIP_IDS = 8  # document ids listed per reason in the hidden line's tooltip


class PersonaCompare(QWidget):
    """Two ``CompareColumn``\\ s over the same collection and query.

    ``lock`` is the pane's query lock: the columns' requests run one after another on the warm
    console worker, in the order they were asked for, like the pane's own.
    """

    def __init__(self, bridge: WorkspaceBridge, lock: asyncio.Lock, console_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QPushButton(self.tr("Compare"))  # the pane places it, beside its viewer box
        self.toggle.setCheckable(True)
        self.toggle.setToolTip(self.tr("The same query as two personas side by side: "
                                       "what each gets, and what is hidden from it and why"))
        self.columns = [CompareColumn(bridge, lock, console_label, choice) for choice in default_pair(bridge)]
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        for column in self.columns:
            splitter.addWidget(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_query(self, collection: str | None, texts: dict) -> None:
        """Run ``texts`` (the query bar's) on ``collection`` in both columns (None: show nothing)."""
        for column in self.columns:
            column.show_query(None if collection is None else {"collectionName": collection, **texts})

    def refresh(self) -> None:
        """The data changed: ask both columns again."""
        for column in self.columns:
            column.refresh()

    def catch_up(self) -> None:
        """Shown again: run the columns whose persona changed while hidden."""
        for column in self.columns:
            column.catch_up()

    def busy(self) -> bool:
        return any(column.busy() for column in self.columns)


class CompareColumn(QWidget):
    """One persona's side: the chooser, its answer, the hidden count (why, in the tooltip) and
    the documents it gets, updated in place so the selected one stays selected."""

    def __init__(self, bridge: WorkspaceBridge, lock: asyncio.Lock, console_label: str,
                 choice: str | object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._lock = lock
        self._query: dict | None = None  # collectionName and the query bar's texts
        self._stale = False  # the persona changed while hidden: ask when shown
        self._asked = 0  # runs asked for; a queued run that is no longer the last one is skipped
        self._runs: set[asyncio.Task] = set()
        self.persona_box = PersonaBox(bridge, console_label)
        self.persona_box.select(choice)
        self.answer = InlineMessage()
        self.hidden_line = QLabel()
        self.hidden_line.setWordWrap(True)
        self.documents = QListWidget()
        self.documents.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.persona_box, self.answer, self.hidden_line):
            layout.addWidget(widget)
        layout.addWidget(self.documents, 1)
        self.persona_box.chosen.connect(self.refresh)

    def show_query(self, query: dict | None) -> None:
        self._query = query
        if query is None:
            self._asked += 1  # whatever is queued is for a collection no longer shown
            self.answer.clear_message()
            self.hidden_line.clear()
            self._fill([])
            return
        self.refresh()

    def refresh(self) -> None:
        """Run the query as the chosen persona; a hidden column sends nothing (each read is a
        logged request) and asks when shown."""
        if self._query is None:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._asked += 1
        task = self._run(self._asked)
        self._runs.add(task)
        task.add_done_callback(self._runs.discard)

    def catch_up(self) -> None:
        if self._stale:
            self.refresh()

    def busy(self) -> bool:
        return bool(self._runs)

    def sees(self) -> list[Any]:
        """The ``_id``\\ s listed, in order."""
        return [self.documents.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.documents.count())]

    @async_slot(int)
    async def _run(self, asked: int) -> None:
        async with self._lock:
            if asked != self._asked or self._query is None:
                return  # asked again meanwhile: only the last one is sent
            params = {**self._query, **self._bridge.viewer_param(self.persona_box.choice())}
            with self.answer.reporting(clear=False):  # a typo keeps the last answer's list
                result = await self._bridge.request("database.runQuery", params)
                if asked == self._asked:
                    self._show(result)

    def _show(self, result: dict) -> None:
        documents = result["documents"]
        reasons = result.get("hiddenReasons") or [None] * len(documents)
        hidden = [(doc, why or text) for doc, text, why in zip(documents, result["hidden"], reasons)
                  if why or text]
        answer = result["answer"]
        self.answer.setToolTip("")
        if answer["ok"]:
            self.answer.show_info(self.tr("Gets {n} document(s) ({msg})").format(
                n=answer["count"], msg=answer["errMsg"]))
            self.hidden_line.setText(self.tr("{hidden} of the {total} matches are hidden from them").format(
                hidden=len(hidden), total=len(documents)))
            self._fill([doc for doc, text in zip(documents, result["hidden"]) if not text])
        else:
            self._show_refusal(answer, result.get("reason"))
            self.hidden_line.setText(self.tr("Refused: it gets none of the {total} matches").format(
                total=len(documents)))
            self._fill([])
        self.hidden_line.setToolTip(_why_hidden(hidden))

    def _show_refusal(self, answer: dict, reason: dict | None) -> None:
        """The refusal's code in words and core's reason in the UI's language; the SDK's own
        errMsg in the tooltip (alone when core gave no reason: the SDK refused before sending)."""
        if reason is None or not isinstance(answer.get("errCode"), int):
            self.answer.show_error(answer["errMsg"])
            return
        self.answer.show_error(code_text(answer["errCode"], say(reason)))
        self.answer.setToolTip(f"“{answer['errMsg']}”")

    def _fill(self, documents: list[dict]) -> None:
        """List ``documents`` in place: rows are rewritten, added or removed at the end, never
        reset, and the selected document stays selected while it is listed."""
        current = self.documents.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.documents.blockSignals(True)
        for row, doc in enumerate(documents):
            item = self.documents.item(row)
            if item is None:
                item = QListWidgetItem()
                self.documents.addItem(item)
            item.setText(_line(doc))
            item.setData(Qt.ItemDataRole.UserRole, doc.get("_id"))
        while self.documents.count() > len(documents):
            self.documents.takeItem(self.documents.count() - 1)
        ids = [doc.get("_id") for doc in documents]
        self.documents.setCurrentRow(ids.index(selected) if selected is not None and selected in ids else -1)
        self.documents.blockSignals(False)


def default_pair(bridge: WorkspaceBridge) -> tuple[str | object, str | object]:
    """The first two personas of the roster (the demo's 学生A | 学生B); the admin where the
    roster has fewer."""
    names: list[str | object] = [persona.name for persona in bridge.personas()[:2]]
    while len(names) < 2:
        names.append(ADMIN)
    return names[0], names[1]


def _line(doc: dict) -> str:
    """``_id`` and what names the document: its title, else its first text field, else its fields."""
    rest = {key: value for key, value in doc.items() if key not in ("_id", "_openid")}
    named = next((rest[key] for key in PREVIEW_FIELDS if isinstance(rest.get(key), str)), None)
    if named is None:
        named = next((value for value in rest.values() if isinstance(value, str)), None)
    preview = compact(named if named is not None else rest)
    return f"{compact(doc.get('_id'))} · {preview}"


def _why_hidden(hidden: list[tuple[dict, dict | str]]) -> str:
    """Each reason in the UI's language with the ids of the documents it hides."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for doc, why in hidden:
        by_reason[say(why) if isinstance(why, dict) else why].append(compact(doc.get("_id")))
    lines = []
    for why, ids in by_reason.items():
        more = f" … (+{len(ids) - TOOLTIP_IDS})" if len(ids) > TOOLTIP_IDS else ""
        lines.append(f"{', '.join(ids[:TOOLTIP_IDS])}{more}\n  {why}")
    return "\n".join(lines)
