"""云函数 / Functions: the project's functions, test runs with payloads, and their logs."""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from app.core.api import OUTCOME_OK, Caller, InputError, Invocation, JsonTextError, Reason, jsontext
from app.ui.async_slot import async_slot
from app.ui.file_manager import show_folder
from app.ui.bridge import RESTORES, WorkspaceBridge
from app.ui.panes.functions.models import FunctionRow, FunctionsModel, InvocationsModel, node_problem
from app.ui.panes.persona_box import PersonaBox
from app.ui.messages import InlineMessage
from app.ui.reason_texts import chinese, say
from app.ui.flow_layout import FlowLayout
from app.ui.widgets import make_table, JsonView, WrapLabel, format_time

HELLO_WORLD = '{\n  "key1": "test value 1",\n  "key2": "test value 2"\n}'  # the console's template


class FunctionsPane(QWidget):
    """Pick a function, a caller and a payload; run it; read its result and logs."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("FunctionsPane", "Functions")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._name: str | None = None
        self.functions = FunctionsModel(self)
        self.history = InvocationsModel(self)
        self.function_view = make_table(self.functions)
        self.history_view = make_table(self.history)
        self.caller_box = PersonaBox(bridge, self.tr("Console test (no user)"))  # follows the toolbar by default
        self.preset_box = QComboBox()
        self.payload = JsonView()
        self.payload.setReadOnly(False)
        self.payload.setPlainText(HELLO_WORLD)
        self.message = InlineMessage()
        self.summary = WrapLabel()  # a long error wraps instead of widening the pane
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_location = WrapLabel()  # where a failed run's error is: a link that opens the file
        self.error_location.setTextFormat(Qt.TextFormat.RichText)
        self.error_location.hide()
        self.result = JsonView()
        self.logs = JsonView()
        self.runtime_box = QComboBox()
        self.runtime_box.addItem(self.tr("Embedded (V8)"), "v8")
        self.runtime_box.addItem(self.tr("Node.js"), "node")
        self.runtime_box.setToolTip(self.tr("Node.js runs the function with its own node_modules and the real wx-server-sdk"))
        self.embedded_button = QPushButton(self.tr("Use the embedded runtime"))
        self.embedded_button.hide()
        self.run_button = QPushButton(self.tr("Run"))
        self.trigger_button = QPushButton(self.tr("Run trigger now"))
        # The list is re-read when the pane is shown or the window comes back to the front (from
        # the editor), not polled: each read is a request in the timeline.
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self.refresh_functions)
        self._history_timer = QTimer(self)  # a burst of calls (a trigger, other functions) refreshes once
        self._history_timer.setSingleShot(True)
        self._history_timer.setInterval(200)
        self._history_timer.timeout.connect(self._refresh_history)
        self._build_layout()
        self.function_view.selectionModel().currentRowChanged.connect(self._on_function_changed)
        self.history_view.selectionModel().currentRowChanged.connect(self._on_history_changed)
        self.preset_box.activated.connect(self._on_preset_activated)
        self.runtime_box.activated.connect(self._on_runtime_activated)
        self.embedded_button.clicked.connect(lambda: self.set_runtime("v8"))
        self.run_button.clicked.connect(self.run)
        self.trigger_button.clicked.connect(self.run_trigger)
        self.error_location.linkActivated.connect(self._on_error_location_link_activated)
        bridge.event_logged.connect(self._on_bridge_event_logged)

    def _build_layout(self) -> None:
        presets = FlowLayout()  # these rows wrap in a narrow window or with presenter mode's big text
        presets.addWidget(QLabel(self.tr("Run as")))
        presets.addWidget(self.caller_box)
        presets.addWidget(QLabel(self.tr("Preset")))
        self.preset_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        presets.addWidget(self.preset_box)
        for text, slot in ((self.tr("Save preset…"), self._on_save_preset_clicked),
                           (self.tr("Delete preset"), self._on_delete_preset_clicked)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            presets.addWidget(button)
        actions = FlowLayout()
        actions.addWidget(QLabel(self.tr("Runtime")))
        actions.addWidget(self.runtime_box)
        actions.addWidget(self.run_button)
        actions.addWidget(self.trigger_button)
        folder = QPushButton(self.tr("Open folder"))
        folder.clicked.connect(self._on_open_folder_clicked)
        actions.addWidget(folder)
        tabs = QTabWidget()
        tabs.addTab(self.result, self.tr("Result"))
        tabs.addTab(self.logs, self.tr("Logs"))
        tabs.addTab(self.history_view, self.tr("History (日志)"))
        self.tabs = tabs
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(presets)
        column.addWidget(QLabel(self.tr("Event (JSON)")))
        column.addWidget(self.payload, 1)
        column.addLayout(actions)
        column.addWidget(self.message)
        column.addWidget(self.embedded_button)
        column.addWidget(self.summary)
        column.addWidget(self.error_location)
        column.addWidget(tabs, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.function_view)
        splitter.addWidget(right)
        splitter.setSizes([380, 800])
        QVBoxLayout(self).addWidget(splitter)

    def settings_controls(self) -> list[QWidget]:
        """The controls the shell's read-only lock turns off: the runtime choice."""
        return [self.runtime_box, self.embedded_button]

    # -- functions -----------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._reload.start()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isVisible() and self.isActiveWindow():
            self._reload.start()  # back from editing index.js: show what changed on disk

    @async_slot()
    async def refresh_functions(self) -> None:
        """Re-read the project's functions: new, edited and removed ones show up."""
        with self.message.reporting(clear=False):
            answer = await self._bridge.request("functions.list")
            self.functions.set_functions([FunctionRow.from_answer(item) for item in answer["functions"]])
            row = self.functions.row_of(self._name)
            if row < 0 and self.functions.rowCount():
                row = 0
            if row >= 0:
                self.function_view.selectRow(row)
            self._update_buttons()

    def _selected_info(self) -> FunctionRow | None:
        return self.functions.function_at(self.functions.row_of(self._name))

    def _on_function_changed(self, current, _previous) -> None:
        info = self.functions.function_at(current.row())
        another = (info.name if info else None) != self._name  # else the list was re-read
        self._name = info.name if info else None
        self._fill_presets()
        self._refresh_history()
        self._update_buttons()
        if info:
            self.runtime_box.setCurrentIndex(self.runtime_box.findData(info.runtime))
        if info and info.problem:
            self.message.show_error(info.problem)
            return
        if another:
            self.message.clear_message()
        self._show_runtime_problem()

    def _update_buttons(self) -> None:
        info = self._selected_info()
        self.run_button.setEnabled(info is not None)
        self.trigger_button.setEnabled(bool(info and info.cron))

    def _on_runtime_activated(self) -> None:
        self.set_runtime(self.runtime_box.currentData())

    @async_slot(str)
    async def set_runtime(self, runtime: str) -> None:
        """Run the selected function on ``runtime`` from now on (saved in the workspace)."""
        if self._name is None:
            return
        with self.message.reporting():
            answer = await self._bridge.request("functions.setRuntime", {"name": self._name, "runtime": runtime})
            info = self.functions.function_at(self.functions.row_of(answer["name"]))
            if info is not None:
                self.functions.replace_function(replace(info, runtime=answer["runtime"],
                                                        node_problem=node_problem(answer)))
            if answer["name"] == self._name:
                self.runtime_box.setCurrentIndex(self.runtime_box.findData(answer["runtime"]))
                self._show_runtime_problem()

    def _show_runtime_problem(self) -> None:
        """On Node.js, say up front what is missing (node, or npm install) and offer the way out."""
        info = self._selected_info()
        problem = info.node_problem if info and info.runtime == "node" else None
        self.embedded_button.setVisible(problem is not None)
        if problem:
            self.message.show_error(problem)

    # -- runs ----------------------------------------------------------------------------------

    @async_slot()
    async def run(self) -> None:
        """Invoke the selected function with the payload, as the chosen caller."""
        with self.message.reporting():
            if self._name is None:
                raise InputError(self.tr("Select a function first."))
            name, data = self._name, _payload(self.payload.toPlainText())
            value = await self._bridge.call_function(self.caller_box.choice(), name, data)
            request_id = value.get("requestID") or _request_id(value.get("errMsg", ""))
            runs = await self._load_history(name)
            self._show_invocation(next((r for r in runs if r.request_id == request_id), None), value)

    @async_slot()
    async def run_trigger(self) -> None:
        """Fire the selected function's timer trigger now (SOURCE wx_trigger)."""
        with self.message.reporting():
            name = self._name
            try:
                # What the trigger scheduler sends: an admin call whose SOURCE is wx_trigger.
                await self._bridge.request_as(Caller.admin("wx_trigger"), "functions.invokeFunction",
                                              {"function_name": name, "request_data": "{}"})
            finally:
                runs = await self._load_history(name)
                self._show_invocation(runs[0] if runs else None)

    def _show_invocation(self, run: Invocation | None, value: dict | None = None) -> None:
        self._show_error_location(run.location if run is not None else None)
        if run is None:
            self.summary.setText(value.get("errMsg", "") if value else "")
            self.result.show_value(value)
            self.logs.clear()
            return
        status = self.tr("ok") if run.ok else say(run.error_why, run.error)
        self.summary.setText(self.tr("{time} · {source} · {duration:.1f} ms · requestID {rid} · {status}").format(
            time=format_time(run.started, with_date=True), source=run.source, duration=run.duration_ms,
            rid=run.request_id, status=status))
        self.result.show_value(value if value is not None else (run.result if run.ok else {"error": run.error, "stack": run.stack}))
        self.logs.setPlainText("\n".join(f"{format_time(line['time'])} [{line['level']}] {line['text']}" for line in run.logs))

    async def _load_history(self, name: str | None) -> list[Invocation]:
        """The runs of ``name``, newest first; shown if it is still the selected function."""
        runs: list[Invocation] = []
        if name:
            answer = await self._bridge.request("functions.history", {"name": name})
            runs = [Invocation(**run) for run in answer["invocations"]]
        if name == self._name:
            self._history_timer.stop()  # this read already includes the run that asked for one
            self.history.set_invocations(runs)
        return runs

    @async_slot()
    async def _refresh_history(self) -> None:
        with self.message.reporting(clear=False):
            await self._load_history(self._name)

    def _show_error_location(self, location: dict | None) -> None:
        """"At /…/cloudfunctions/f/index.js, line 10": the real file (the error names /var/user)."""
        if location is None:
            self.error_location.hide()
            return
        url = QUrl.fromLocalFile(location["path"]).toString()
        where = self.tr("At {path}, line {line}").format(path=location["path"], line=location["line"])
        self.error_location.setText(f'<a href="{html.escape(url)}">{html.escape(where)}</a>')
        self.error_location.setToolTip(self.tr("Open the file in its editor"))
        self.error_location.show()

    def _on_error_location_link_activated(self, link: str) -> None:
        QDesktopServices.openUrl(QUrl(link))

    def _on_history_changed(self, current, _previous) -> None:
        self._show_invocation(self.history.invocation_at(current.row()))

    def _on_bridge_event_logged(self, event) -> None:
        if event.action == "functions.invokeFunction" and event.target == self._name and self.isVisible():
            self._history_timer.start()  # e.g. a timer trigger or a call from another function
        elif event.action in RESTORES and event.outcome == OUTCOME_OK and self.isVisible():
            self._reload.start()  # a restored state has its own presets and runtimes (hidden: at its next show)

    # -- presets -------------------------------------------------------------------------------

    def _fill_presets(self) -> None:
        self.preset_box.clear()
        self.preset_box.addItem("Hello World", HELLO_WORLD)
        info = self._selected_info()
        for label, text in (info.presets if info else {}).items():
            self.preset_box.addItem(label, text)

    def _on_preset_activated(self, index: int) -> None:
        self.payload.setPlainText(self.preset_box.itemData(index))

    def _on_save_preset_clicked(self) -> None:
        label, ok = QInputDialog.getText(self, self.tr("Save preset"), self.tr("Preset name:"))
        if ok and self._name:
            self.save_preset(label)

    @async_slot(str)
    async def save_preset(self, label: str) -> None:
        with self.message.reporting():
            _payload(self.payload.toPlainText())  # only valid JSON is kept
            name = self._name
            answer = await self._bridge.request("functions.savePreset",
                                                {"name": name, "label": label, "payload": self.payload.toPlainText()})
            self._show_presets(name, answer["presets"])
            self.preset_box.setCurrentIndex(self.preset_box.findText(label.strip()))

    def _on_delete_preset_clicked(self) -> None:
        if self._name and self.preset_box.currentIndex() > 0:
            self.delete_preset(self.preset_box.currentText())

    @async_slot(str)
    async def delete_preset(self, label: str) -> None:
        with self.message.reporting():
            name = self._name
            answer = await self._bridge.request("functions.deletePreset", {"name": name, "label": label})
            self._show_presets(name, answer["presets"])

    def _show_presets(self, name: str | None, presets: dict[str, str]) -> None:
        info = self.functions.function_at(self.functions.row_of(name))
        if info is not None:
            self.functions.replace_function(replace(info, presets=presets))
        if name == self._name:
            self._fill_presets()

    def _on_open_folder_clicked(self) -> None:
        info = self._selected_info()
        if info is not None:
            show_folder(info.folder, self.message)


def _payload(text: str) -> dict:
    """The event as the console's test box takes it: a JSON object."""
    try:
        data = jsontext.loads(text or "{}", what=QCoreApplication.translate("FunctionsPane", "The event"))
    except JsonTextError as exc:
        if exc.decode_error is None:
            raise  # NaN, too deep, …: the strict reader's own words, with where
        raise InputError(QCoreApplication.translate("FunctionsPane", "The event is not valid JSON: {error}").format(
            error=_decode_problem(exc))) from None
    if not isinstance(data, dict):
        raise InputError(QCoreApplication.translate("FunctionsPane", "The event must be a JSON object, like {\"a\": 1}."))
    return data


def _decode_problem(exc: JsonTextError) -> str:
    """What json said about text that is not JSON, and where; json's own words in English."""
    detail = exc.problem_why.params.get("detail") if exc.problem_why is not None else None
    if not chinese() or not isinstance(detail, Reason):
        return str(exc.decode_error)
    return say(detail) + (f"（{say(exc.where_why, exc.where)}）" if exc.where else "")


def _request_id(err_msg: str) -> str | None:
    marker = "requestID "
    return err_msg.split(marker, 1)[1].split(",", 1)[0] if marker in err_msg else None
