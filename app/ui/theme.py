"""How the app looks: the font scale (presenter mode × zoom), the theme, and rows that follow.

One ``Appearance`` lives as long as the application (the window is rebuilt for another project
or language; the look stays). It changes application-wide things — the font, the palette, the
style — so only the composition root makes it and hands it to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTableView, QWidget

from app.settings import THEMES, ZOOM_LIMITS, AppSettings
from app.ui.widgets import row_height

PRESENTER_SCALE = 1.5
ZOOM_STEPS = (0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)

_CONTRAST = {  # high-contrast light: black on white, a strong blue selection
    "Window": "#FFFFFF", "WindowText": "#000000", "Base": "#FFFFFF", "AlternateBase": "#EDEDED",
    "Text": "#000000", "Button": "#E8E8E8", "ButtonText": "#000000", "Highlight": "#0039A6",
    "HighlightedText": "#FFFFFF", "ToolTipBase": "#FFFFE0", "ToolTipText": "#000000",
    "PlaceholderText": "#505050", "Link": "#0033CC", "Light": "#FFFFFF", "Midlight": "#D0D0D0",
    "Mid": "#808080", "Dark": "#404040", "Shadow": "#000000", "BrightText": "#FFFFFF",
}
_DARK = {
    "Window": "#202124", "WindowText": "#F1F3F4", "Base": "#17181A", "AlternateBase": "#2A2B2E",
    "Text": "#F1F3F4", "Button": "#35363A", "ButtonText": "#F1F3F4", "Highlight": "#8AB4F8",
    "HighlightedText": "#000000", "ToolTipBase": "#35363A", "ToolTipText": "#F1F3F4",
    "PlaceholderText": "#A0A4A8", "Link": "#8AB4F8", "Light": "#4A4B4F", "Midlight": "#3C3D41",
    "Mid": "#5F6368", "Dark": "#101114", "Shadow": "#000000", "BrightText": "#FFFFFF",
}
_DISABLED = {"contrast": "#6A6A6A", "dark": "#8A8E93"}  # still readable on a projector
# Palettes only, no stylesheet: a stylesheet on the window would stop the application font
# (zoom, presenter mode) from reaching the widgets it styles. Fusion draws table grid lines in
# "Mid" and tooltips in "ToolTipBase"/"ToolTipText", so the palette covers those too.
class Appearance(QObject):
    """Presenter mode, zoom and theme, applied to the application and kept in the settings.

    Signals:
        changed(): the font scale or the theme changed (windows refit what they size by hand).
    """

    changed = Signal()

    def __init__(self, app: QApplication, settings: AppSettings) -> None:
        super().__init__()
        self._app = app
        self._settings = settings
        self._base_font = QFont(app.font())
        self._base_style = app.style().name()
        self._base_palette = QPalette(app.palette())
        self._theme_applied = "standard"
        # A signal, not an application event filter: that would run Python for every event.
        app.focusWindowChanged.connect(self._on_focus_window_changed)
        self.apply()

    def close(self) -> None:
        """Give the application its own look back (the session is over; tests share one app)."""
        self._app.focusWindowChanged.disconnect(self._on_focus_window_changed)
        QApplication.setFont(self._base_font)
        self._apply_theme("standard")

    # -- state ---------------------------------------------------------------------------------

    @property
    def presenter(self) -> bool:
        return self._settings.presenter

    @property
    def zoom(self) -> float:
        return self._settings.zoom

    @property
    def theme(self) -> str:
        """The theme of the current mode: presenter mode has its own (high contrast by default)."""
        return self._settings.presenter_theme if self.presenter else self._settings.theme

    def scale(self) -> float:
        """How much larger than the system font the app's text is now."""
        return (PRESENTER_SCALE if self.presenter else 1.0) * self.zoom

    def base_point_size(self) -> float:
        return self._base_font.pointSizeF() if self._base_font.pointSizeF() > 0 else self._base_font.pixelSize() * 0.75

    def set_presenter(self, on: bool) -> None:
        self._settings.presenter = on
        self._commit()

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(theme)
        if self.presenter:
            self._settings.presenter_theme = theme
        else:
            self._settings.theme = theme
        self._commit()

    def zoom_in(self) -> None:
        self._set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom + 1e-6), ZOOM_LIMITS[1]))

    def zoom_out(self) -> None:
        self._set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom - 1e-6), ZOOM_LIMITS[0]))

    def reset_zoom(self) -> None:
        self._set_zoom(1.0)

    def _set_zoom(self, zoom: float) -> None:
        self._settings.zoom = min(max(zoom, ZOOM_LIMITS[0]), ZOOM_LIMITS[1])
        self._commit()

    def _commit(self) -> None:
        self._settings.save()
        self.apply()

    # -- applying ------------------------------------------------------------------------------

    def apply(self) -> None:
        """Set the application font and theme for the current settings."""
        font = QFont(self._base_font)
        if self._base_font.pointSizeF() > 0:
            font.setPointSizeF(self._base_font.pointSizeF() * self.scale())
        else:
            font.setPixelSize(max(1, round(self._base_font.pixelSize() * self.scale())))
        if font != self._app.font():
            QApplication.setFont(font)
        self._apply_theme(self.theme)
        self.changed.emit()

    def _apply_theme(self, theme: str) -> None:
        if theme == self._theme_applied:
            return
        self._theme_applied = theme
        if theme == "standard":
            QApplication.setStyle(self._base_style)
            QApplication.setPalette(self._base_palette)
            return
        # Fusion draws with the palette everywhere (native styles ignore parts of it).
        QApplication.setStyle("Fusion")
        QApplication.setPalette(_palette(_CONTRAST if theme == "contrast" else _DARK, _DISABLED[theme]))


    def _on_focus_window_changed(self, window) -> None:
        """A dialog came up: wide enough for its title, no larger than the screen."""
        if window is None:
            return
        for widget in QApplication.topLevelWidgets():
            if (isinstance(widget, QDialog) and not isinstance(widget, QMessageBox) and widget.isVisible()
                    and widget.windowHandle() == window):
                fit_dialog(widget)


def _palette(colors: dict[str, str], disabled: str) -> QPalette:
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    for role in ("WindowText", "Text", "ButtonText"):
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), QColor(disabled))
    return palette


def fit_row_heights(root: QWidget) -> None:
    """Every table under ``root`` gets rows as tall as its font needs (tables set a fixed
    default row height when made; after a zoom, that would clip the text)."""
    for table in root.findChildren(QTableView):
        table.verticalHeader().setDefaultSectionSize(row_height(table.fontMetrics()))


def fit_dialog(dialog: QDialog) -> None:
    """Widen ``dialog`` so its title is not cut off; keep it on the screen."""
    if dialog.minimumWidth() == dialog.maximumWidth():
        return  # a fixed-size dialog sizes itself
    title = QFont(dialog.font())
    title.setBold(True)
    wanted = QFontMetrics(title).horizontalAdvance(dialog.windowTitle()) + 140  # icon and buttons
    screen = dialog.screen().availableGeometry() if dialog.screen() else None
    width = max(dialog.width(), wanted)
    height = dialog.height()
    if screen is not None:
        width, height = min(width, screen.width()), min(height, screen.height())
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)

