"""The composition root: arguments → paths → workspace → the GUI or the headless CLI."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from app import cli, paths
from app.core.api import SOURCE_CLI, SOURCE_CONSOLE, SimulatorError, WorkspaceApi, connect
from app.core.functions.runtime import worker_start

_LAUNCHED = time.time()
GUI_LINGER_S = 5.0  # a closing window lets attached terminal commands finish, but not for long
log = logging.getLogger("wxsim")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [worker_start.WORKER_FLAG]:  # the one-file binary re-runs itself as a JS worker
        from app.core.functions.runtime.child import v8_worker

        return v8_worker.main()
    args = cli.build_parser().parse_args(cli.desktop_open_argv(argv))
    if args.install_desktop_entry:
        from app import desktop_entry

        return desktop_entry.main(paths.resource("icons"), checkout=paths.resource().parent)
    if args.open_file is not None and args.scenario is None:  # a double-clicked .wxsim
        args.scenario = args.open_file
    if args.command:
        _setup_logging(verbose=False)
        try:
            if args.command == "scenario" and args.scenario_command == "import":
                return cli.import_scenario(args, open_scenario)
            return cli.run(args, attach_or_open)
        except BrokenPipeError:  # `wxsim db export … | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    _setup_logging(verbose=True)
    try:
        workspace = open_workspace(args)
    except SimulatorError as exc:
        print(f"wxsim: {exc}", file=sys.stderr)
        return 2
    return run_gui(args, workspace)


def attach_or_open(args: argparse.Namespace):
    """A command's workspace: the process holding it serves the requests, else it opens here."""
    chosen = paths.Paths.decide(getattr(args, "project", None), getattr(args, "data_dir", None))
    is_demo = chosen.project_dir == paths.demo_project().resolve()
    return connect(chosen.data_dir, chosen.project_dir, demo_data=paths.resource("demo-data") if is_demo else None,
                   source=SOURCE_CLI, wait_s=getattr(args, "wait", 60.0),
                   on_wait=lambda message: print(f"wxsim: {message}", file=sys.stderr, flush=True))


def open_scenario(scenario: Path, data_dir: Path, project: Path | None) -> WorkspaceApi:
    """A new workspace in ``data_dir`` opened from a ``.wxsim`` file, on ``project`` (or the demo)."""
    chosen = paths.Paths.decide(project, data_dir)
    return WorkspaceApi.from_scenario(scenario, chosen.data_dir, chosen.project_dir)


def open_workspace(args: argparse.Namespace, source: str = SOURCE_CONSOLE) -> WorkspaceApi:
    if args.scenario is not None:
        data_dir = args.data_dir or paths.scenario_data_dir(args.scenario)
        return open_scenario(args.scenario.expanduser(), data_dir, args.project)
    chosen = paths.Paths.decide(getattr(args, "project", None), getattr(args, "data_dir", None))
    return open_paths(chosen, source)


def open_paths(chosen: paths.Paths, source: str = SOURCE_CONSOLE) -> WorkspaceApi:
    """Open a project's workspace; the bundled demo comes with its sample collections."""
    is_demo = chosen.project_dir == paths.demo_project().resolve()
    return WorkspaceApi.open(
        chosen.data_dir, chosen.project_dir, demo_data=paths.resource("demo-data") if is_demo else None,
        source=source,
    )


def _setup_logging(verbose: bool) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    try:
        log_dir = paths.user_log_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_dir / "wxsim.log", encoding="utf-8"))
    except OSError:
        pass  # a read-only home still gets the app, just without a log file
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )


def run_gui(args: argparse.Namespace, workspace: WorkspaceApi) -> int:
    """Build the Qt application around ``workspace`` and run it until the window closes."""
    import asyncio

    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.settings import AppSettings
    from app.ui.i18n import Translations, system_language
    from app.ui.messages import install_excepthook

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("wxsim")
    app.setApplicationDisplayName("wxsim")
    app.setDesktopFileName("wxsim")  # Wayland matches the window to wxsim.desktop by this (desktop_entry.py)
    app.setWindowIcon(QIcon(str(paths.resource("icons/app.png"))))
    settings = AppSettings.load(paths.settings_file())
    translations = Translations(app, paths.resource("i18n"))
    translations.install(args.lang or settings.language or system_language())
    install_excepthook()
    windows = GuiSession(app, settings, translations, explicit_data_dir=args.data_dir)
    windows.show(workspace)
    if args.exit_after_start:
        windows.quit_after_first_paint()

    async def until_closed() -> None:
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        await closed.wait()

    try:
        qasync.run(until_closed())
    finally:
        windows.close()
    return 0


class GuiSession:
    """Keeps one main window open; rebuilds it for another project or language."""

    def __init__(self, app, settings, translations, explicit_data_dir: Path | None) -> None:
        from app.ui.theme import Appearance

        self._app = app
        self._settings = settings
        self._translations = translations
        self._explicit_data_dir = explicit_data_dir
        self._workspace: WorkspaceApi | None = None
        self._bridge = None
        self.window = None
        # The look (presenter mode, zoom, theme) outlives windows rebuilt for a language or project.
        self.appearance = Appearance(app, settings)

    def show(self, workspace: WorkspaceApi) -> None:
        from app.ui.bridge import WorkspaceBridge
        from app.ui.main_window import MainWindow
        from app.ui.panes.client_console_pane import ClientConsolePane
        from app.ui.panes.cloud_calls_pane import CloudCallsPane
        from app.ui.panes.database.pane import DatabasePane
        from app.ui.panes.functions.pane import FunctionsPane
        from app.ui.panes.messages.pane import MessagesPane
        from app.ui.panes.snapshots.pane import SnapshotsPane
        from app.ui.panes.storage.pane import StoragePane
        from app.ui.panes.users_pane import UsersPane
        from PySide6.QtGui import QIcon

        if self.window is not None:
            self.window.remember_layout()  # the new window opens where this one was
        bridge = WorkspaceBridge(workspace)
        panes = [
            (UsersPane.title(), QIcon(str(paths.resource("icons/users.svg"))), UsersPane(bridge)),
            (DatabasePane.title(), QIcon(str(paths.resource("icons/database.svg"))), DatabasePane(bridge)),
            (StoragePane.title(), QIcon(str(paths.resource("icons/storage.svg"))), StoragePane(bridge)),
            (FunctionsPane.title(), QIcon(str(paths.resource("icons/functions.svg"))), FunctionsPane(bridge)),
            (ClientConsolePane.title(), QIcon(str(paths.resource("icons/console.svg"))), ClientConsolePane(bridge)),
            (CloudCallsPane.title(), QIcon(str(paths.resource("icons/cloud-calls.svg"))), CloudCallsPane(bridge)),
            (MessagesPane.title(), QIcon(str(paths.resource("icons/messages.svg"))), MessagesPane(bridge)),
            (SnapshotsPane.title(), QIcon(str(paths.resource("icons/snapshots.svg"))), SnapshotsPane(bridge)),
        ]
        window = MainWindow(
            bridge, panes, self._settings.existing_recent_projects(), self._translations.language,
            settings=self._settings, appearance=self.appearance,
        )
        window.project_requested.connect(self._open_project)
        window.language_requested.connect(self._switch_language)
        if workspace is not self._workspace:
            workspace.start_triggers()  # timer triggers fire while the app shows this workspace
            workspace.publish()  # `wxsim call …` in a terminal now runs here, in this timeline
        old_window, old_bridge, old_workspace = self.window, self._bridge, self._workspace
        self.window, self._bridge, self._workspace = window, bridge, workspace
        if workspace.project_root and workspace.project_root != paths.demo_project().resolve():
            self._settings.remember_project(workspace.project_root)
        window.show()
        if old_window is not None:
            old_window.hide()
            old_window.deleteLater()
            old_bridge.close()
            if old_workspace is not workspace:
                old_workspace.close(linger_s=GUI_LINGER_S)

    @property
    def bridge(self):
        """The bridge of the window shown (tests wait on its requests)."""
        return self._bridge

    def _open_project(self, project: Path) -> None:
        # A data dir given on the command line belongs to the project it was given with.
        chosen = paths.Paths.decide(project, None)
        if self._workspace is not None and chosen.data_dir == self._workspace.data_dir:
            return  # already open
        try:
            workspace = open_paths(chosen)
        except SimulatorError as exc:
            from app.ui.reason_texts import error_text

            self.window.show_error(error_text(exc))  # in the window's language
            return
        self.show(workspace)

    def _switch_language(self, language: str) -> None:
        self._settings.language = language
        self._settings.save()
        self._translations.install(language)
        self.show(self._workspace)

    def quit_after_first_paint(self) -> None:
        """Print when the window first painted, then quit (smoke tests and bench)."""
        from PySide6.QtCore import QEvent, QObject, QTimer

        window, app = self.window, self._app

        class FirstPaint(QObject):
            def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
                if event.type() == QEvent.Type.Paint:
                    window.removeEventFilter(self)
                    painted = time.time()
                    print(json.dumps({
                        "launched": _LAUNCHED, "first_paint": painted,
                        "env": window.windowTitle(), "panes": window.navigation.count(),
                    }, ensure_ascii=False), flush=True)
                    QTimer.singleShot(0, app.closeAllWindows)
                return False

        self._first_paint = FirstPaint(window)
        window.installEventFilter(self._first_paint)

    def close(self) -> None:
        self.appearance.close()
        if self._bridge is not None:
            self._bridge.close()
        if self._workspace is not None:
            self._workspace.close(linger_s=GUI_LINGER_S)
