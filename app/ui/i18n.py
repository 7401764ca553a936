"""Chinese or English through Qt's translation system, following the system locale."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = ("zh_CN", "en")


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
        qt = QTranslator(self._app)
        if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self._installed.append(qt)
        for translator in self._installed:
            self._app.installTranslator(translator)
