"""The main window: navigation, panes, the persona switcher, the timeline and the menus."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from app import __version__
from app.ui.bridge import WorkspaceBridge
from app.ui.persona_switcher import PersonaSwitcher
from app.ui.timeline import TimelineView


class MainWindow(QMainWindow):
    """Assembles the panes it is given; holds no simulator logic.

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
    ) -> None:
        super().__init__()
        self._bridge = bridge
        self.setWindowTitle(
            self.tr("wxsim — {project} ({env})").format(project=bridge.project_name, env=bridge.env_id)
        )
        self.resize(1280, 820)
        self.navigation = QListWidget()
        self.navigation.setFixedWidth(150)
        self.stack = QStackedWidget()
        for title, icon, pane in panes:
            QListWidgetItem(icon, title, self.navigation)
            self.stack.addWidget(pane)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.switcher = PersonaSwitcher(bridge)
        toolbar = QToolBar(self.tr("Acting as"))
        toolbar.setObjectName("persona-toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.switcher)
        self.addToolBar(toolbar)
        self.timeline = TimelineView(bridge)
        dock = QDockWidget(self.tr("Timeline"), self)
        dock.setObjectName("timeline-dock")
        dock.setWidget(self.timeline)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.resizeDocks([dock], [280], Qt.Orientation.Vertical)
        env = QLabel(
            self.tr("env {env} · appid {appid} · data {data}").format(
                env=bridge.env_id, appid=bridge.appid, data=bridge.data_dir
            )
        )
        env.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(env)
        self._build_menus(recent_projects, language)
        bridge.notified.connect(self._on_bridge_notified)
        bridge.flush_notes()

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
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        language_menu = self.menuBar().addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        for code, label in (("zh_CN", "中文"), ("en", "English")):
            action = QAction(label, self, checkable=True, checked=code == language)
            action.triggered.connect(lambda _checked=False, c=code: self.language_requested.emit(c))
            group.addAction(action)
            language_menu.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About wxsim")).triggered.connect(self._on_about_triggered)

    def _on_open_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Open a mini program project (the folder with project.config.json)")
        )
        if folder:
            self.project_requested.emit(Path(folder))

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About wxsim"),
            self.tr(
                "wxsim {version}\n微信云开发模拟器 — an offline simulator of WeChat Mini Program "
                "Cloud Development: login, database, storage and cloud functions on your laptop."
            ).format(version=__version__),
        )

    def _on_bridge_notified(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text: str) -> None:
        """An error about the window as a whole (e.g. a project that would not open)."""
        self.statusBar().showMessage(text, 15000)
        QMessageBox.warning(self, self.tr("wxsim"), text)
