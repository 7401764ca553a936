"""Chinese or English through Qt's translation system, following the system locale."""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = ("zh_CN", "en")


def qt_translation_folders() -> list[Path]:
    """Where Qt's own .qm files are: Qt's answer, then PySide6's folder (the one-file build
    unpacks it there; build.spec keeps qtbase_zh_CN.qm)."""
    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            Path(PySide6.__file__).parent / "Qt" / "translations"]


def system_language() -> str:
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


class Translations:
    """Installs our translation and Qt's own (dialog buttons) for one language at a time."""

    def __init__(self, app: QCoreApplication, folder: Path) -> None:
        self._app = app
        self._folder = folder
        self._installed: list[QTranslator] = []
        self.language = "en"

    def install(self, language: str) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed = []
        self.language = language
        QLocale.setDefault(QLocale(language))
        if language == "en":
            return  # our source strings are English
        ours = QTranslator(self._app)
        if ours.load(str(self._folder / f"wxsim_{language}.qm")):
            self._installed.append(ours)
        # Qt's own strings (file dialog "Look in:", "Files of type:", standard buttons).
        qt = QTranslator(self._app)
        if any(qt.load(f"qtbase_{language}", str(folder)) for folder in qt_translation_folders()):
            self._installed.append(qt)
        for translator in self._installed:
            self._app.installTranslator(translator)
