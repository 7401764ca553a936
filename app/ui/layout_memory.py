"""Remembering a window's layout across restarts: geometry, dock state and splitter positions."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

DEFAULT_SIZE = QSize(1280, 820)


def encode(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def decode(text: str) -> QByteArray:
    return QByteArray.fromBase64(text.encode("ascii"))


def splitter_states(roots: dict[str, QWidget]) -> dict[str, str]:
    """Each splitter under each named root, keyed so another layout of that root is not
    mistaken for this one (root name, splitter number, number of parts)."""
    states = {}
    for name, root in roots.items():
        for number, splitter in enumerate(root.findChildren(QSplitter)):
            states[f"{name}/{number}/{splitter.count()}"] = encode(splitter.saveState())
    return states


def restore_splitters(roots: dict[str, QWidget], states: dict[str, str]) -> None:
    for name, root in roots.items():
        for number, splitter in enumerate(root.findChildren(QSplitter)):
            state = states.get(f"{name}/{number}/{splitter.count()}")
            if state:
                splitter.restoreState(decode(state))


def no_collapsing(root: QWidget) -> None:
    """Splitters under ``root`` stop at their parts' minimum sizes instead of hiding a part
    (a collapsed list looks like a missing feature on a projector)."""
    for splitter in root.findChildren(QSplitter):
        splitter.setChildrenCollapsible(False)


def fit_on_screen(window: QMainWindow, available: QRect) -> None:
    """Keep the window inside the screen's free area (a geometry saved on a larger screen, or
    the default size on a 1024×768 projector)."""
    frame = window.frameGeometry()
    extra = QSize(frame.width() - window.width(), frame.height() - window.height())
    most = available.size() - extra
    size = window.size().boundedTo(most).expandedTo(window.minimumSizeHint().boundedTo(most))
    if size != window.size():
        window.resize(size)
    left = min(max(window.x(), available.left()), max(available.left(), available.right() - window.frameGeometry().width() + 1))
    top = min(max(window.y(), available.top()), max(available.top(), available.bottom() - window.frameGeometry().height() + 1))
    if (left, top) != (window.x(), window.y()):
        window.move(left, top)
