"""The timeline's rows: every handled request newest first, its outcome, and the filters."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from app.core.api import OUTCOME_DENIED, OUTCOME_ERROR, OUTCOME_OK, Event
from app.ui.reason_texts import event_error, event_why
from app.ui.widgets import color_dot, format_time

Index = QModelIndex | QPersistentModelIndex
MAX_ROWS = 5000
ADMIN = "\0admin"  # filter keys that can never be persona names
SIGNED_OUT = "\0signed-out"
EventRole = Qt.ItemDataRole.UserRole + 1
# The outcome's text colour, and a tint of the whole row: translucent, so it reads on light
# and dark themes alike. Denied is amber, failed red: a class tells them apart at a glance.
OUTCOME_COLORS = {OUTCOME_OK: QColor("#188038"), OUTCOME_DENIED: QColor("#B06000"), OUTCOME_ERROR: QColor("#D93025")}
ROW_TINTS = {OUTCOME_DENIED: QColor(255, 171, 0, 60), OUTCOME_ERROR: QColor(217, 48, 37, 40)}
# The spotlit row (presenter mode's newest client request): the same hues, strong enough to find
# from the back of a classroom.
SPOTLIGHT_TINTS = {OUTCOME_OK: QColor(24, 128, 56, 90), OUTCOME_DENIED: QColor(255, 171, 0, 150),
                   OUTCOME_ERROR: QColor(217, 48, 37, 110)}
CONTEXT_COLOR = QColor("#80868B")


class TimelineModel(QAbstractTableModel):
    """Events newest first; bursts are added in one batch so the view stays smooth."""

    TIME, PERSONA, SOURCE, ACTION, TARGET, DURATION, OUTCOME = range(7)

    def __init__(self, color_of: Callable[[str | None], str | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._color_of = color_of
        self._rows: list[Event] = []
        self._pending: list[Event] = []
        self._by_id: dict[str, Event] = {}
        self._parents: set[str] = set()  # ids that some logged event names as its parent
        self._folded: set[str] = set()  # rows whose requests the person folded away
        self._spotlit: str | None = None  # the id of the row drawn in its strong tint
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(30)
        self._flush_timer.timeout.connect(self.flush)

    def add(self, event: Event) -> None:
        self._pending.append(event)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    # Folding: a row with requests under it (a function call, a listener and its deliveries)
    # folds them away and unfolds them with a click on its Action cell.
    folds_changed = Signal()

    def toggle_fold(self, event_id: str) -> bool:
        """Fold or unfold the requests under ``event_id``; False when it has none."""
        if event_id not in self._parents:
            return False
        self._folded ^= {event_id}
        row = self.row_of(event_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, self.ACTION), self.index(row, self.ACTION))
        self.folds_changed.emit()
        return True

    def is_folded(self, event_id: str) -> bool:
        return event_id in self._folded

    def folded_away(self, event: Event) -> bool:
        """Whether a row it was made inside is folded."""
        return bool(self._folded) and any(a.id in self._folded for a in self.ancestors(event))

    def _inside(self, event_id: str) -> int:
        return sum(1 for row in self._rows if any(a.id == event_id for a in self.ancestors(row)))

    def spotlight(self, event_id: str | None) -> None:
        """Draw the row of ``event_id`` in its strong tint (None: no row)."""
        previous, self._spotlit = self._spotlit, event_id
        for changed in {previous, event_id} - {None}:
            row = self.row_of(changed)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1),
                                      [Qt.ItemDataRole.BackgroundRole])

    @property
    def spotlit(self) -> str | None:
        return self._spotlit

    def clear(self) -> None:
        """Drop every row, and the events not shown yet."""
        self._flush_timer.stop()
        self.beginResetModel()
        self._rows, self._pending, self._by_id, self._parents, self._folded = [], [], {}, set(), set()
        self.endResetModel()

    def flush(self) -> None:
        """Insert pending events at the top now."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        shown = set(self._by_id)
        for event in batch:
            self._by_id[event.id] = event
            if event.parent_id:
                self._parents.add(event.parent_id)
        # A request made long after the one it belongs to (a listener's delivery after its
        # opening): its whole group comes back to the top, so it never sits under a stranger.
        late = [self._root_of(e) for e in batch if e.parent_id in shown]
        if late or any(e.id in self._parents for e in batch):
            # A function's own requests finished (and were logged) before it did: regroup
            # them under it, so the timeline reads parent first, then what it did.
            self.beginResetModel()
            for event in batch:
                self._rows[:0] = [event]
                self._gather_children(event)
            for root in {root.id: root for root in late}.values():
                self._rows.remove(root)
                self._rows[:0] = [root]
                self._gather_children(root)
            self.endResetModel()
        else:
            self.beginInsertRows(QModelIndex(), 0, len(batch) - 1)
            self._rows[:0] = batch[::-1]
            self.endInsertRows()
        if len(self._rows) > MAX_ROWS:
            self.beginRemoveRows(QModelIndex(), MAX_ROWS, len(self._rows) - 1)
            for gone in self._rows[MAX_ROWS:]:
                self._by_id.pop(gone.id, None)
                self._parents.discard(gone.id)
            del self._rows[MAX_ROWS:]
            self.endRemoveRows()

    def _gather_children(self, parent: Event) -> None:
        """Move the rows made on ``parent``'s behalf right below it, as a tree, newest first."""
        rows = self._rows[1:]
        family, grew = {parent.id}, True
        while grew:  # newest first means grandchildren come before their parents: iterate
            grew = False
            for event in rows:
                if event.id not in family and event.parent_id in family:
                    family.add(event.id)
                    grew = True
        children: dict[str, list[Event]] = {}
        for event in rows:
            if event.id in family:
                children.setdefault(event.parent_id, []).append(event)
        ordered: list[Event] = []

        def walk(parent_id: str) -> None:
            for child in children.get(parent_id, []):
                ordered.append(child)
                walk(child.id)

        walk(parent.id)
        self._rows[1:] = ordered + [e for e in rows if e.id not in family]

    def _root_of(self, event: Event) -> Event:
        """The outermost shown request ``event`` belongs to."""
        root = event
        for _ in range(32):
            parent = self._by_id.get(root.parent_id or "")
            if parent is None:
                return root
            root = parent
        return root

    def depth(self, event: Event) -> int:
        """How many function calls this request was made inside (its parent may still run)."""
        depth, parent_id = 0, event.parent_id
        while parent_id and depth < 32:
            depth += 1
            parent = self._by_id.get(parent_id)
            parent_id = parent.parent_id if parent else None
        return depth

    def ancestors(self, event: Event) -> list[Event]:
        """The shown requests ``event`` was made inside, innermost first."""
        found, parent = [], self._by_id.get(event.parent_id or "")
        while parent is not None and len(found) < 32:
            found.append(parent)
            parent = self._by_id.get(parent.parent_id or "")
        return found

    def events(self) -> list[Event]:
        """The rows' events, top first."""
        return list(self._rows)

    def row_of(self, event_id: str) -> int | None:
        """The row showing ``event_id`` (new rows are at the top, where this looks first)."""
        return next((row for row, event in enumerate(self._rows) if event.id == event_id), None)

    def event_at(self, row: int) -> Event | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("Time"),
                self.tr("Persona"),
                self.tr("Source"),
                self.tr("Action"),
                self.tr("Target"),
                self.tr("Duration"),
                self.tr("Outcome"),
            )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self.event_at(index.row())
        if event is None:
            return None
        column = index.column()
        if role == EventRole:
            return event
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if event.id == self._spotlit:
                return SPOTLIGHT_TINTS.get(event.outcome)
            return ROW_TINTS.get(event.outcome)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.OUTCOME:
            return event_why(event) or event_error(event) or None
        if role == Qt.ItemDataRole.DecorationRole and column == self.PERSONA and event.caller_kind == "client":
            return color_dot(self._color_of(event.persona))
        if role == Qt.ItemDataRole.DecorationRole and column == self.ACTION and event.id in self._parents:
            arrow = QStyle.StandardPixmap.SP_ArrowRight if event.id in self._folded else QStyle.StandardPixmap.SP_ArrowDown
            return QApplication.style().standardIcon(arrow)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ACTION and event.id in self._parents:
            return (self.tr("Click to show the requests made inside it") if event.id in self._folded
                    else self.tr("Click to fold the requests made inside it"))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.OUTCOME:
            return OUTCOME_COLORS.get(event.outcome, OUTCOME_COLORS[OUTCOME_ERROR])
        return None

    def _display(self, event: Event, column: int) -> str:
        if column == self.TIME:
            return format_time(event.time)
        if column == self.PERSONA:
            return persona_label(event)
        if column == self.SOURCE:
            return event.source
        if column == self.ACTION:
            depth = self.depth(event)
            text = ("    " * (depth - 1) + "└ " if depth else "") + event.action
            if event.id in self._folded and event.id in self._parents:
                return f"{text} (+{self._inside(event.id)})"
            return text
        if column == self.TARGET:
            return event.target
        if column == self.DURATION:
            return f"{event.duration_ms:.2f} ms" if event.duration_ms < 10 else f"{event.duration_ms:.0f} ms"
        return outcome_label(event)


def persona_label(event: Event) -> str:
    """Who made the request, as the timeline names them."""
    if event.caller_kind != "client":
        return QCoreApplication.translate("Timeline", "Admin")
    return event.persona or QCoreApplication.translate("Timeline", "Signed out")


def outcome_label(event: Event) -> str:
    """Success, Denied or Failed, with the error code the caller met ("Denied -502003")."""
    if event.outcome == OUTCOME_OK:
        return QCoreApplication.translate("Timeline", "Success")
    text = (
        QCoreApplication.translate("Timeline", "Denied")
        if event.outcome == OUTCOME_DENIED
        else QCoreApplication.translate("Timeline", "Failed")
    )
    return f"{text} {event.error_code}" if event.error_code is not None else text


class TimelineFilter(QSortFilterProxyModel):
    """Keeps the rows that match the chosen persona, service and outcome, and the requests
    they were made inside (greyed: shown so a nested match still reads under its call)."""

    def __init__(self, model: TimelineModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._persona: str | None = None
        self._service: str | None = None
        self._outcome: str | None = None
        self._matching: set[str] = set()
        self._shown: set[str] | None = None  # matching ids and their ancestors; None: to compute
        self.setSourceModel(model)
        model.folds_changed.connect(self._refilter)
        for signal in (model.modelAboutToBeReset, model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved):
            signal.connect(self._forget)
        model.rowsInserted.connect(self._on_model_rows_inserted)

    def set_filters(self, persona: str | None, service: str | None, outcome: str | None) -> None:
        self.beginFilterChange()
        self._persona, self._service, self._outcome = persona, service, outcome
        self._shown = None
        self.endFilterChange()

    def is_filtering(self) -> bool:
        return (self._persona, self._service, self._outcome) != (None, None, None)

    def is_context(self, event: Event) -> bool:
        """Shown only because a request made inside it matches the filters."""
        if not self.is_filtering():
            return False
        self._shown_ids()  # computes the matching ids too
        return event.id not in self._matching

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        event = self.sourceModel().index(source_row, 0, source_parent).data(EventRole)
        if event is None:
            return False
        if self.sourceModel().folded_away(event):
            return False
        return not self.is_filtering() or event.id in self._shown_ids()

    def _refilter(self) -> None:
        self.beginFilterChange()
        self.endFilterChange()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole):
            event = super().data(index, EventRole)
            value = self._context_data(index.column(), role) if event and self.is_context(event) else None
            if value is not None:
                return value
        return super().data(index, role)

    def _context_data(self, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if column == TimelineModel.OUTCOME:
            return None  # its own colour, and its reason as the tooltip
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Shown for context: a request made inside it matches the filters.")
        return CONTEXT_COLOR

    def _matches(self, event: Event) -> bool:
        if self._service and event.service != self._service:
            return False
        if self._outcome and event.outcome != self._outcome:
            return False
        return self._persona is None or _persona_key(event) == self._persona

    def _shown_ids(self) -> set[str]:
        if self._shown is None:
            model: TimelineModel = self.sourceModel()
            matching = [e for e in model.events() if self._matches(e)]
            self._matching = {e.id for e in matching}
            self._shown = set(self._matching)
            for event in matching:
                self._shown.update(parent.id for parent in model.ancestors(event))
        return self._shown

    def _forget(self) -> None:
        self._shown = None

    def _on_model_rows_inserted(self, _parent: Index, first: int, last: int) -> None:
        # A new match made inside a request already listed (code that did not await its
        # request) shows that request too, which the proxy would not look at again.
        model: TimelineModel = self.sourceModel()
        if self.is_filtering() and any(
                (e := model.event_at(row)) and self._matches(e) and model.ancestors(e)
                for row in range(first, last + 1)):
            self.beginFilterChange()
            self._shown = None
            self.endFilterChange()


def _persona_key(event: Event) -> str:
    if event.caller_kind != "client":
        return ADMIN
    return event.persona or SIGNED_OUT
