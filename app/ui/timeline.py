"""The request timeline: every handled request, newest first, filterable, with details; clear
it, export what it shows, and pause the timer triggers that would fill it during a class."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.api import OUTCOME_DENIED, OUTCOME_ERROR, OUTCOME_OK, Event
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.messages import InlineMessage
from app.ui.flow_layout import FlowLayout
from app.ui.rerun_dialog import RerunDialog, can_rerun, open_rerun, persona_menu
from app.ui.timeline_details import describe, headline
from app.ui.timeline_model import ADMIN, OUTCOME_COLORS, SIGNED_OUT, EventRole, TimelineFilter, TimelineModel
from app.ui.widgets import JsonView, color_dot

SPOTLIGHT_MS = 8000  # long enough to read aloud, short enough not to stand for the next request

__all__ = ["ADMIN", "SIGNED_OUT", "EventRole", "TimelineFilter", "TimelineModel", "TimelineView"]


class SpotlightBanner(QLabel):
    """Presenter mode's line for the class: wrapped, and always as tall as its text."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("timeline-spotlight")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hide()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        # A layout inside a scroll area gives a wrapped label one line and cuts the reason off.
        self.setMinimumHeight(self.heightForWidth(max(self.width(), 1)))


class TimelineView(QWidget):
    """The timeline dock's content: filters and tools, the table and the selected request's details."""

    SERVICES = ("auth", "personas", "database", "storage", "functions", "client", "wx", "gateway")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.model = TimelineModel(bridge.persona_color, self)
        self.proxy = TimelineFilter(self.model, self)
        self.persona_filter = QComboBox()
        self.service_filter = QComboBox()
        self.outcome_filter = QComboBox()
        self._fill_filters()
        self.pause_triggers = QCheckBox(self.tr("Pause timer triggers"))
        self.pause_triggers.setToolTip(self.tr(
            "Timer triggers (such as dailyReport) fire no more until this is unticked; "
            "the choice is saved with the workspace."))
        self._show_paused(bridge.triggers_paused())
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr(
            "Empty the timeline. The request log (events.jsonl) keeps every request for QA."))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the rows shown, as JSON Lines or CSV."))
        self.message = InlineMessage()
        # Presenter mode's line for the class: the newest mini program request, verdict and why.
        self.spotlight = SpotlightBanner()
        self._spotlighting = False
        self._spotlight_timer = QTimer(self)
        self._spotlight_timer.setSingleShot(True)
        self._spotlight_timer.setInterval(SPOTLIGHT_MS)
        self._spotlight_timer.timeout.connect(self._end_spotlight)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # One line per row, elided at its end: wrapping at the space of "└ database.…" left
        # only "└ …" of a nested operation in a narrow column.
        self.table.setWordWrap(False)
        self._fit_rows()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # The outcome (last, stretching) stays readable beside the details at 1024 px.
        for column, width in enumerate((90, 84, 84, 200, 130, 70)):
            self.table.setColumnWidth(column, width)
        self.details = JsonView()
        self.details.setPlaceholderText(self.tr("Click a request to see who asked, the verdict and why, "
                                                "then what was asked and answered."))
        # Under a denied or empty mini program database request: run it again, side by side.
        self.rerun_as_button = QPushButton(self.tr("Re-run as…"))
        self.rerun_as_button.setToolTip(self.tr("Run this request again as another persona, signed out or as "
                                                "admin, beside the original. Nothing is changed."))
        self._fill_rerun_menu()
        self.what_if_button = QPushButton(self.tr("What if…"))
        self.what_if_button.setToolTip(self.tr("Run this request again under edited security rules, which are "
                                               "not saved."))
        self.what_if_button.clicked.connect(self._what_if)
        self.rerun_dialog: RerunDialog | None = None
        self._build_layout()
        for combo in (self.persona_filter, self.service_filter, self.outcome_filter):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.pause_triggers.toggled.connect(self.set_triggers_paused)
        self.clear_button.clicked.connect(self.clear)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        # Rows regroup (a late delivery brings its listener's group to the top): the chosen
        # request stays chosen, where it now is.
        self._chosen_before_reset: str | None = None
        self.model.modelAboutToBeReset.connect(self._remember_chosen)
        self.model.modelReset.connect(self._restore_chosen)
        self.table.clicked.connect(self._on_clicked)
        bridge.event_logged.connect(self._on_bridge_event_logged)
        bridge.personas_changed.connect(self._fill_persona_filter)
        bridge.personas_changed.connect(self._fill_rerun_menu)
        for event in bridge.recent_events():
            self.model.add(event)
        self.model.flush()

    def _build_layout(self) -> None:
        tools = FlowLayout()  # wraps in presenter mode at 1024 px instead of scrolling sideways
        for label, combo in (
            (self.tr("Persona"), self.persona_filter),
            (self.tr("Service"), self.service_filter),
            (self.tr("Outcome"), self.outcome_filter),
        ):
            pair = QWidget()  # a label stays beside its box when the row wraps
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(QLabel(label))
            row.addWidget(combo)
            tools.addWidget(pair)
        for widget in (self.pause_triggers, self.clear_button, self.export_button):
            tools.addWidget(widget)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(tools)
        column.addWidget(self.spotlight)
        self.layout_of_spotlight = column
        column.addWidget(self.message)
        column.addWidget(self.table)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rerun_as_button)
        buttons.addWidget(self.what_if_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        self._show_rerun_buttons(None)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
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
        self.outcome_filter.addItem(self.tr("Success"), OUTCOME_OK)
        self.outcome_filter.addItem(self.tr("Denied"), OUTCOME_DENIED)
        self.outcome_filter.addItem(self.tr("Failed"), OUTCOME_ERROR)

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

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom, presenter mode
            self._fit_rows()

    def _fit_rows(self) -> None:
        """Rows one line of text tall in the current font."""
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)

    def settings_controls(self) -> list[QWidget]:
        """The controls that change the workspace's settings (for the window's settings lock)."""
        return [self.pause_triggers]

    def visible_events(self) -> list[Event]:
        """The events of the rows the filters show, top first."""
        return [self.proxy.index(row, 0).data(EventRole) for row in range(self.proxy.rowCount())]

    # -- clear, export, pause ------------------------------------------------------------------

    @async_slot()
    async def clear(self) -> None:
        """Empty the view and core's recent events; events.jsonl (the QA log) keeps them."""
        self.model.clear()
        self.details.clear()
        with self.message.reporting():
            await self._bridge.clear_timeline()

    def _on_export_clicked(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the rows shown"), "timeline.jsonl",
            self.tr("JSON Lines (*.jsonl);;CSV (*.csv)"))
        if not path:
            return
        target = Path(path)
        csv = target.suffix.lower() == ".csv" or (not target.suffix and "csv" in chosen.lower())
        if not target.suffix:
            target = target.with_suffix(".csv" if csv else ".jsonl")
        self.export_to(target, "csv" if csv else "jsonl")

    @async_slot(object, str)
    async def export_to(self, path: Path, fmt: str) -> None:
        """Write the rows shown to ``path`` as "jsonl" or "csv" (off the GUI thread)."""
        with self.message.reporting():
            count = await self._bridge.export_events(self.visible_events(), path, fmt)
            self.message.show_info(self.tr("Exported {n} request(s) to {path}").format(n=count, path=path))

    @async_slot(bool)
    async def set_triggers_paused(self, paused: bool) -> None:
        """Pause (or resume) every timer trigger: a console request, saved with the workspace."""
        self.pause_triggers.setEnabled(False)  # one change at a time
        with self.message.reporting():
            try:
                await self._bridge.request("functions.pauseTriggers", {"paused": paused})
            finally:
                self._show_paused(self._bridge.triggers_paused())  # what core holds, whatever happened
                self.pause_triggers.setEnabled(True)

    def _show_paused(self, paused: bool) -> None:
        self.pause_triggers.blockSignals(True)
        self.pause_triggers.setChecked(paused)
        self.pause_triggers.blockSignals(False)

    # -- slots ---------------------------------------------------------------------------------

    # -- presenter mode's spotlight -------------------------------------------------------------

    def set_spotlighting(self, on: bool) -> None:
        """In presenter mode, each new mini program request is spotlit for a few seconds."""
        self._spotlighting = on
        if not on:
            self._end_spotlight()

    def spotlight_event(self, event: Event) -> None:
        """Show ``event``'s verdict in words above the table and tint its row strongly."""
        self.model.flush()  # its row exists now
        self.spotlight.setText(headline(event))
        color = OUTCOME_COLORS.get(event.outcome, OUTCOME_COLORS[OUTCOME_ERROR])
        self.spotlight.setStyleSheet(
            f"#timeline-spotlight {{ color: white; background: {color.name()}; border-radius: 4px;"
            " padding: 4px 8px; font-weight: bold; }")
        self.spotlight.show()
        self.model.spotlight(event.id)
        self._spotlight_timer.start()

    def take_spotlight(self) -> QLabel:
        """The banner, out of this view's layout, for a window to show where a class looks
        (the timeline dock is a few rows tall on a projector)."""
        self.layout_of_spotlight.removeWidget(self.spotlight)
        return self.spotlight

    def _end_spotlight(self) -> None:
        self._spotlight_timer.stop()
        self.spotlight.hide()
        self.model.spotlight(None)

    def _on_bridge_event_logged(self, event: Event) -> None:
        self.model.add(event)
        if self._spotlighting and event.caller_kind == "client":
            self.spotlight_event(event)
        if event.action == "functions.pauseTriggers":  # also when asked from elsewhere
            self._show_paused(self._bridge.triggers_paused())

    def _on_filter_changed(self) -> None:
        self.proxy.set_filters(
            self.persona_filter.currentData(),
            self.service_filter.currentData(),
            self.outcome_filter.currentData(),
        )

    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = current.data(EventRole) if current.isValid() else None
        self._show_rerun_buttons(event)
        if event is None:
            self.details.clear()
        else:
            self.details.setPlainText(describe(event))

    # -- re-run as, what if ----------------------------------------------------------------------

    def select_event(self, event_id: str) -> bool:
        """Select and show the row of the request ``event_id`` (showing every row first if the
        filters hide it); False when the timeline no longer holds it."""
        self.model.flush()
        row = self.model.row_of(event_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            for combo in (self.persona_filter, self.service_filter, self.outcome_filter):
                combo.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def _on_clicked(self, index) -> None:
        """A click on the Action cell of a row with requests under it folds or unfolds them."""
        if index.column() == TimelineModel.ACTION:
            event = index.data(EventRole)
            if event is not None:
                self.model.toggle_fold(event.id)

    def _remember_chosen(self) -> None:
        event = self.selected_event()
        self._chosen_before_reset = event.id if event is not None else None

    def _restore_chosen(self) -> None:
        chosen, self._chosen_before_reset = self._chosen_before_reset, None
        row = self.model.row_of(chosen) if chosen else None
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.table.selectRow(index.row())

    def selected_event(self) -> Event | None:
        current = self.table.currentIndex()
        return current.data(EventRole) if current.isValid() else None

    def _fill_rerun_menu(self) -> None:
        previous = self.rerun_as_button.menu()
        self.rerun_as_button.setMenu(persona_menu(self._bridge, self.rerun_as_button, self._rerun_as))
        if previous is not None:
            previous.deleteLater()

    def _show_rerun_buttons(self, event: Event | None) -> None:
        shown = can_rerun(event)
        self.rerun_as_button.setVisible(shown)
        self.what_if_button.setVisible(shown)

    def _rerun_as(self, who) -> None:
        """Re-run the selected request as ``who`` (a persona's name, None signed out, ADMIN)."""
        event = self.selected_event()
        if can_rerun(event):
            self.rerun_dialog = open_rerun(self._bridge, event, self, who=who)

    def _what_if(self) -> None:
        event = self.selected_event()
        if can_rerun(event):
            self.rerun_dialog = open_rerun(self._bridge, event, self, what_if=True)
