"""The request timeline: every handled request, newest first, filterable, with details."""

from __future__ import annotations

from dataclasses import asdict
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
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.api import OUTCOME_DENIED, OUTCOME_ERROR, OUTCOME_OK, Event
from app.ui.bridge import WorkspaceBridge
from app.ui.widgets import JsonView, color_dot, format_time

Index = QModelIndex | QPersistentModelIndex
MAX_ROWS = 5000
ADMIN = "\0admin"  # filter keys that can never be persona names
SIGNED_OUT = "\0signed-out"
EventRole = Qt.ItemDataRole.UserRole + 1


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
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(30)
        self._flush_timer.timeout.connect(self.flush)

    def add(self, event: Event) -> None:
        self._pending.append(event)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Insert pending events at the top now."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        for event in batch:
            self._by_id[event.id] = event
            if event.parent_id:
                self._parents.add(event.parent_id)
        if any(e.id in self._parents for e in batch):
            # A function's own requests finished (and were logged) before it did: regroup
            # them under it, so the timeline reads parent first, then what it did.
            self.beginResetModel()
            for event in batch:
                self._rows[:0] = [event]
                self._gather_children(event)
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

    def depth(self, event: Event) -> int:
        """How many function calls this request was made inside (its parent may still run)."""
        depth, parent_id = 0, event.parent_id
        while parent_id and depth < 32:
            depth += 1
            parent = self._by_id.get(parent_id)
            parent_id = parent.parent_id if parent else None
        return depth

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
        if role == Qt.ItemDataRole.ToolTipRole and column == self.OUTCOME:
            return event.permission_reason or event.error_message
        if role == Qt.ItemDataRole.DecorationRole and column == self.PERSONA and event.caller_kind == "client":
            return color_dot(self._color_of(event.persona))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.OUTCOME:
            return QColor({OUTCOME_OK: "#188038", OUTCOME_DENIED: "#B06000"}.get(event.outcome, "#D93025"))
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
            return ("    " * (depth - 1) + "└ " if depth else "") + event.action
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
    if event.outcome == OUTCOME_OK:
        return QCoreApplication.translate("Timeline", "ok")
    text = (
        QCoreApplication.translate("Timeline", "denied")
        if event.outcome == OUTCOME_DENIED
        else QCoreApplication.translate("Timeline", "error")
    )
    return f"{text} {event.error_code}" if event.error_code is not None else text


class TimelineFilter(QSortFilterProxyModel):
    """Keeps the rows that match the chosen persona, service and outcome."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._persona: str | None = None
        self._service: str | None = None
        self._outcome: str | None = None

    def set_filters(self, persona: str | None, service: str | None, outcome: str | None) -> None:
        self.beginFilterChange()
        self._persona, self._service, self._outcome = persona, service, outcome
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        event = self.sourceModel().index(source_row, 0, source_parent).data(EventRole)
        if event is None:
            return False
        if self._service and event.service != self._service:
            return False
        if self._outcome and event.outcome != self._outcome:
            return False
        return self._persona is None or _persona_key(event) == self._persona


def _persona_key(event: Event) -> str:
    if event.caller_kind != "client":
        return ADMIN
    return event.persona or SIGNED_OUT


class TimelineView(QWidget):
    """The timeline dock's content: filters, the table and the selected request's details."""

    SERVICES = ("auth", "personas", "database", "storage", "functions")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.model = TimelineModel(bridge.persona_color, self)
        self.proxy = TimelineFilter(self)
        self.proxy.setSourceModel(self.model)
        self.persona_filter = QComboBox()
        self.service_filter = QComboBox()
        self.outcome_filter = QComboBox()
        self._fill_filters()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((96, 90, 90, 240, 150, 75)):
            self.table.setColumnWidth(column, width)
        self.details = JsonView()
        self.details.setPlaceholderText(self.tr("Click a request to see what was asked and answered."))
        self._build_layout()
        for combo in (self.persona_filter, self.service_filter, self.outcome_filter):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        bridge.event_logged.connect(self.model.add)
        bridge.personas_changed.connect(self._fill_persona_filter)
        for event in bridge.recent_events():
            self.model.add(event)
        self.model.flush()

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        for label, combo in (
            (self.tr("Persona"), self.persona_filter),
            (self.tr("Service"), self.service_filter),
            (self.tr("Outcome"), self.outcome_filter),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addStretch(1)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(filters)
        column.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    def _fill_filters(self) -> None:
        self._fill_persona_filter()
        self.service_filter.addItem(self.tr("All"), None)
        for service in self.SERVICES:
            self.service_filter.addItem(service, service)
        self.outcome_filter.addItem(self.tr("All"), None)
        self.outcome_filter.addItem(self.tr("ok"), OUTCOME_OK)
        self.outcome_filter.addItem(self.tr("error"), OUTCOME_ERROR)
        self.outcome_filter.addItem(self.tr("denied"), OUTCOME_DENIED)

    def _fill_persona_filter(self) -> None:
        current = self.persona_filter.currentData()
        self.persona_filter.blockSignals(True)
        self.persona_filter.clear()
        self.persona_filter.addItem(self.tr("All"), None)
        for persona in self._bridge.personas():
            self.persona_filter.addItem(color_dot(persona.color), persona.name, persona.name)
        self.persona_filter.addItem(self.tr("Signed out"), SIGNED_OUT)
        self.persona_filter.addItem(self.tr("Admin"), ADMIN)
        self.persona_filter.setCurrentIndex(max(0, self.persona_filter.findData(current)))
        self.persona_filter.blockSignals(False)

    def _on_filter_changed(self) -> None:
        self.proxy.set_filters(
            self.persona_filter.currentData(),
            self.service_filter.currentData(),
            self.outcome_filter.currentData(),
        )

    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = current.data(EventRole) if current.isValid() else None
        if event is None:
            self.details.clear()
        else:
            self.details.show_value(asdict(event))
