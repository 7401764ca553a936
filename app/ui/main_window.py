"""The main window: navigation, panes, the persona switcher, the timeline and the menus."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import SIMULATES, __version__
from app.paths import build_date
from app.settings import AppSettings
from app.ui.bridge import WorkspaceBridge
from app.ui.layout_memory import (
    DEFAULT_SIZE,
    decode,
    encode,
    fit_on_screen,
    no_collapsing,
    restore_splitters,
    splitter_states,
)
from app.ui.persona_switcher import PersonaSwitcher
from app.ui.presenter import ReadOnlyLock
from app.ui.theme import Appearance, fit_row_heights
from app.ui.time_travel import TimeTravelMenu, UndoOffer
from app.ui.timeline import TimelineView
from app.ui.widgets import ElidedLabel


class MainWindow(QMainWindow):
    """Assembles the panes it is given; holds no simulator logic.

    ``settings`` (remembered layout, presenter mode, the lock, the first-run screen) and
    ``appearance`` (font scale and theme) come from the composition root; without them the
    window remembers nothing and the View menu's look controls are off (a window in a test).

    Signals:
        project_requested(Path): the user chose a project folder to open.
        language_requested(str): the user chose a UI language ("zh_CN" or "en").
    """

    project_requested = Signal(Path)
    language_requested = Signal(str)

    def __init__(
        self,
        bridge: WorkspaceBridge,
        panes: list[tuple[str, QIcon, QWidget]],
        recent_projects: list[Path],
        language: str,
        settings: AppSettings | None = None,
        appearance: Appearance | None = None,
    ) -> None:
        super().__init__()
        self._bridge = bridge
        self._settings = settings if settings is not None else AppSettings(None)
        self._first_run = settings is not None and not settings.welcomed
        self._appearance = appearance
        self._painted = False
        self.tour = None  # the guided tour's dock, made when first asked for
        self.welcome = None
        self.setWindowTitle(
            self.tr("wxsim — {project} ({env})").format(project=bridge.project_name, env=bridge.env_id)
        )
        self.lock = ReadOnlyLock(self)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit_to_font)
        self._build_body(panes)
        self.switcher = PersonaSwitcher(bridge)
        self.addToolBar(self.switcher)
        self._build_timeline()
        self._build_status_bar(bridge)
        self._build_menus(recent_projects, language)
        self._build_view_toolbar()
        for pane in self.panes:
            self.lock.add_widgets(list(getattr(pane, "settings_controls", list)()))
        no_collapsing(self)
        self._restore_layout()
        self.lock.set_locked(self._settings.locked)
        self.lock.changed.connect(self._on_lock_changed)
        self._on_lock_changed(self.lock.locked)
        if appearance is not None:
            appearance.changed.connect(self._on_appearance_changed)
        self._on_appearance_changed()
        bridge.notified.connect(self._on_bridge_notified)
        bridge.flush_notes()

    # -- building ------------------------------------------------------------------------------

    def _build_body(self, panes: list[tuple[str, QIcon, QWidget]]) -> None:
        self.navigation = QListWidget()
        self.stack = QStackedWidget()
        self.panes: list[QWidget] = []
        for title, icon, pane in panes:
            QListWidgetItem(icon, title, self.navigation)
            self.stack.addWidget(_scrolling(pane))
            self.panes.append(pane)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)
        body = QWidget()
        self._body_column = QVBoxLayout(body)  # the timeline's spotlight banner goes on top
        self._body_column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self._body_column.addLayout(row, 1)
        self.setCentralWidget(body)

    def _build_timeline(self) -> None:
        self.timeline = TimelineView(self._bridge)
        # Above the panes, full width: where a class looks, not in the few rows of the dock.
        self._body_column.insertWidget(0, self.timeline.take_spotlight())
        self.timeline_dock = QDockWidget(self.tr("Timeline"), self)
        self.timeline_dock.setObjectName("timeline-dock")
        self.timeline_dock.setWidget(_scrolling(self.timeline))
        self.timeline_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline_dock)
        for pane in self.panes:  # a pane's link to a request (e.g. a message's sender) selects its row
            if hasattr(pane, "event_requested"):
                pane.event_requested.connect(self.show_event)

    def _build_status_bar(self, bridge: WorkspaceBridge) -> None:
        self.env_label = ElidedLabel(
            self.tr("env {env} · appid {appid} · data {data}").format(
                env=bridge.env_id, appid=bridge.appid, data=bridge.data_dir
            )
        )
        self.env_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.env_label, 1)
        # Permanent, so the short messages shown meanwhile (a copied openid) do not hide it.
        self.undo_offer = UndoOffer(bridge)
        self.statusBar().addPermanentWidget(self.undo_offer)
        self.lock_label = QLabel(self.tr("Settings locked"))
        self.lock_label.setToolTip(self.tr("View → Lock settings: persona, permission and runtime changes are off"))
        self.statusBar().addPermanentWidget(self.lock_label)

    def _build_menus(self, recent_projects: list[Path], language: str) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        open_action = file_menu.addAction(self.tr("&Open mini program project…"))
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._on_open_triggered)
        recent = file_menu.addMenu(self.tr("Recent projects"))
        recent.setEnabled(bool(recent_projects))
        for path in recent_projects:
            action = recent.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.project_requested.emit(p))
        file_menu.addSeparator()
        self.time_travel = TimeTravelMenu(self._bridge, self, file_menu)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self._build_view_menu()
        language_menu = self.menuBar().addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        for code, label in (("zh_CN", "中文"), ("en", "English")):
            action = QAction(label, self, checkable=True, checked=code == language)
            action.triggered.connect(lambda _checked=False, c=code: self.language_requested.emit(c))
            group.addAction(action)
            language_menu.addAction(action)
        # Opening another project or switching language rebuilds the window: locked too.
        # Reset puts back personas and permissions: locked as changing them is.
        self.lock.add_actions([open_action, recent.menuAction(), *group.actions(), self.time_travel.reset_action])
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.tour_action = help_menu.addAction(self.tr("Guided &tour"))
        self.tour_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.tour_action.triggered.connect(self.open_tour)
        self.welcome_action = help_menu.addAction(self.tr("&Welcome screen…"))
        self.welcome_action.triggered.connect(self.show_welcome)
        help_menu.addSeparator()
        help_menu.addAction(self.tr("&About wxsim")).triggered.connect(self._on_about_triggered)

    def _build_view_menu(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        look = self._appearance is not None
        self.presenter_action = view.addAction(self.tr("&Presenter mode"))
        self.presenter_action.setCheckable(True)
        self.presenter_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.presenter_action.setToolTip(self.tr("Large text, high contrast and a big persona badge (F5)"))
        self.presenter_action.toggled.connect(self._on_presenter_toggled)
        self.zoom_in_action = view.addAction(self.tr("Zoom &in"))
        self.zoom_in_action.setShortcuts(_unique([QKeySequence("Ctrl+="), QKeySequence("Ctrl++"),
                                                  QKeySequence(QKeySequence.StandardKey.ZoomIn)]))
        self.zoom_out_action = view.addAction(self.tr("Zoom &out"))
        self.zoom_out_action.setShortcuts(_unique([QKeySequence("Ctrl+-"),
                                                   QKeySequence(QKeySequence.StandardKey.ZoomOut)]))
        self.zoom_reset_action = view.addAction(self.tr("&Actual size"))
        self.zoom_reset_action.setShortcut(QKeySequence("Ctrl+0"))
        theme_menu = view.addMenu(self.tr("&Theme"))
        themes = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for key, label in (("standard", self.tr("Standard")), ("contrast", self.tr("High contrast (light)")),
                           ("dark", self.tr("Dark"))):
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _checked=False, k=key: self._appearance.set_theme(k))
            themes.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[key] = action
        if look:
            self.zoom_in_action.triggered.connect(self._appearance.zoom_in)
            self.zoom_out_action.triggered.connect(self._appearance.zoom_out)
            self.zoom_reset_action.triggered.connect(self._appearance.reset_zoom)
        for action in (self.presenter_action, self.zoom_in_action, self.zoom_out_action,
                       self.zoom_reset_action, theme_menu.menuAction()):
            action.setEnabled(look)
        view.addSeparator()
        timeline = self.timeline_dock.toggleViewAction()
        timeline.setText(self.tr("&Timeline"))
        view.addAction(timeline)
        view.addSeparator()
        self.lock_action = view.addAction(self.tr("&Lock settings (read-only)"))
        self.lock_action.setCheckable(True)
        self.lock_action.setToolTip(self.tr("Turn off the controls that change personas, permissions, runtimes "
                                            "and imports, so nobody changes them by accident"))
        self.lock_action.toggled.connect(self.lock.set_locked)

    def _build_view_toolbar(self) -> None:
        bar = QToolBar(self.tr("View"))
        bar.setObjectName("view-toolbar")
        bar.setMovable(False)
        for action, text in ((self.presenter_action, self.tr("Presenter")), (self.zoom_out_action, "A−"),
                             (self.zoom_in_action, "A+"), (self.lock_action, self.tr("Lock")),
                             (self.tour_action, self.tr("Tour"))):
            action.setIconText(text)  # short words on the bar; the menu keeps the long ones
            bar.addAction(action)
        self.zoom_out_action.setToolTip(self.tr("Smaller text (Ctrl+-)"))
        self.zoom_in_action.setToolTip(self.tr("Larger text (Ctrl+=)"))
        self.addToolBar(bar)
        self.view_toolbar = bar

    # -- remembered layout ---------------------------------------------------------------------

    def _splitter_roots(self) -> dict[str, QWidget]:
        roots: dict[str, QWidget] = {type(pane).__name__: pane for pane in self.panes}
        roots["timeline"] = self.timeline
        return roots

    def _restore_layout(self) -> None:
        available = self.screen().availableGeometry()
        saved = self._settings
        if not (saved.geometry and self.restoreGeometry(decode(saved.geometry))):
            self.resize(DEFAULT_SIZE)
        fit_on_screen(self, available)
        height = min(280, max(150, available.height() * 23 // 100))  # the timeline's share of the height
        self.resizeDocks([self.timeline_dock], [height], Qt.Orientation.Vertical)
        if saved.window_state:
            self.restoreState(decode(saved.window_state))
        restore_splitters(self._splitter_roots(), saved.splitters)
        if self.navigation.count():
            self.navigation.setCurrentRow(min(saved.last_pane, self.navigation.count() - 1))

    def remember_layout(self) -> None:
        """Keep the geometry, docks, splitters and the shown pane in the settings (and save)."""
        saved = self._settings
        saved.geometry = encode(self.saveGeometry())
        saved.window_state = encode(self.saveState())
        saved.splitters = {**saved.splitters, **splitter_states(self._splitter_roots())}
        saved.last_pane = max(self.navigation.currentRow(), 0)
        saved.save()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.remember_layout()
        super().closeEvent(event)

    # -- panes, tour and the first-run screen --------------------------------------------------

    def show_pane(self, name: str) -> bool:
        """Show the pane of class ``name``; False if this window has none."""
        for row, pane in enumerate(self.panes):
            if type(pane).__name__ == name:
                self.navigation.setCurrentRow(row)
                return True
        return False

    def show_event(self, event_id: str) -> bool:
        """Bring the timeline forward with the request ``event_id`` selected."""
        self.timeline_dock.show()
        self.timeline_dock.raise_()
        return self.timeline.select_event(event_id)

    def has_pane(self, name: str) -> bool:
        return any(type(pane).__name__ == name for pane in self.panes)

    def open_tour(self) -> None:
        """Show the guided tour's cards (made on first use: nothing of it before first paint)."""
        if self.tour is None:
            from app.ui.tour import TourDock

            self.tour = TourDock(self.has_pane, self)
            self.tour.pane_requested.connect(self.show_pane)
            # A tab beside the timeline: the panes keep their room on a 1024×768 projector.
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.tour)
            self.tabifyDockWidget(self.timeline_dock, self.tour)
        else:
            self.tour.restart()
        self.tour.show()
        self.tour.raise_()

    def show_welcome(self) -> None:
        """The first-run screen: the three personas and the four panes."""
        from app.ui.welcome import WelcomeDialog

        self.welcome = WelcomeDialog(self._bridge.persona_color, self)
        self.welcome.tour_requested.connect(self.open_tour)
        self.welcome.open()
        self._settings.welcomed = True
        self._settings.save()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._first_run:  # after the first paint, so it never slows the start
                QTimer.singleShot(0, self._show_first_run)

    def _show_first_run(self) -> None:
        if self.isVisible() and not self._settings.welcomed:
            self.show_welcome()

    # -- presenter mode, zoom, theme, lock -----------------------------------------------------

    def _on_presenter_toggled(self, on: bool) -> None:
        if self._appearance is not None and on != self._appearance.presenter:
            self._appearance.set_presenter(on)

    def _on_appearance_changed(self) -> None:
        appearance = self._appearance
        presenter = bool(appearance and appearance.presenter)
        self.presenter_action.blockSignals(True)
        self.presenter_action.setChecked(presenter)
        self.presenter_action.blockSignals(False)
        if appearance is not None:
            self.theme_actions[appearance.theme].setChecked(True)
        self.switcher.show_badge(presenter)
        self.timeline.set_spotlighting(presenter)
        self._fit_to_font()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # The application font reaches widgets after it is set: fit once they all have it.
            self._refit.start()

    def _fit_to_font(self) -> None:
        self._fit_navigation()
        fit_row_heights(self)

    def _fit_navigation(self) -> None:
        """The pane list as wide as its longest title in the current font (zoom)."""
        metrics = self.navigation.fontMetrics()
        icon = metrics.height() + 4
        self.navigation.setIconSize(QSize(icon, icon))
        texts = [self.navigation.item(i).text() for i in range(self.navigation.count())]
        widest = max((metrics.horizontalAdvance(text) for text in texts), default=80)
        self.navigation.setFixedWidth(widest + icon + 4 * metrics.averageCharWidth() + 16)

    def _on_lock_changed(self, locked: bool) -> None:
        self.lock_action.blockSignals(True)
        self.lock_action.setChecked(locked)
        self.lock_action.blockSignals(False)
        self.lock_label.setVisible(locked)
        if locked != self._settings.locked:
            self._settings.locked = locked
            self._settings.save()

    # -- menus -----------------------------------------------------------------------------------

    def _on_open_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Open a mini program project (the folder with project.config.json)")
        )
        if folder:
            self.project_requested.emit(Path(folder))

    def _on_about_triggered(self) -> None:
        QMessageBox.about(self, self.tr("About wxsim"), self.about_text())

    def about_text(self) -> str:
        """Version, build date and what it simulates; no update check: wxsim never goes online."""
        built = build_date()
        return "\n\n".join([
            self.tr("wxsim {version}\n微信云开发模拟器 — an offline simulator of WeChat Mini Program "
                    "Cloud Development: login, database, storage and cloud functions on your laptop."
                    ).format(version=__version__),
            self.tr("Built {date}").format(date=built) if built else self.tr("Running from a source checkout"),
            self.tr("Simulates {sdk}").format(sdk=SIMULATES),
            self.tr("wxsim never connects to the internet: it looks for no updates. A newer version comes "
                    "as a new file, from your trainer or the project's releases."),
        ])

    def _on_bridge_notified(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text: str) -> None:
        """An error about the window as a whole (e.g. a project that would not open)."""
        self.statusBar().showMessage(text, 15000)
        QMessageBox.warning(self, self.tr("wxsim"), text)


def _scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a scroll area, for when the window is smaller than it: nothing inside can
    make the window wider or taller than the screen, and everything stays reachable."""
    scroll = QScrollArea()
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    return scroll


def _unique(sequences: list[QKeySequence]) -> list[QKeySequence]:
    """Key sequences without repeats or empties (a standard key may be one of ours already)."""
    seen: list[QKeySequence] = []
    for sequence in sequences:
        if not sequence.isEmpty() and sequence not in seen:
            seen.append(sequence)
    return seen
