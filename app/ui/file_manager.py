"""Showing a folder in the system's file manager (Explorer, Finder, the Linux desktop's)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.core.api import host_os
from app.ui.messages import InlineMessage


def show_folder(folder: str | Path, message: InlineMessage) -> None:
    """Open ``folder`` in the file manager; if none starts, say where it is, where the user clicked."""
    if not host_os.open_folder(Path(folder)):
        message.show_error(QCoreApplication.translate(
            "FileManager", "No file manager could be started. The folder is: {path}").format(path=folder))
