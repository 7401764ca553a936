"""A layout that places its items in a row and wraps to the next line when the row is full.

Button rows use it so a narrow window (1024×768, or presenter mode's big fonts) gets two
rows of buttons instead of a window that cannot be made narrower.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget


class FlowLayout(QLayout):
    """Items left to right, wrapping; its minimum height is that of the lines it needs at the
    width it was last given.

    Not height-for-width on purpose: a scroll area around a pane would then size the pane to
    everything's preferred height. When a new width needs another number of lines, the layout
    asks its parent for a relayout.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._width = -1  # the width last laid out in, and the height it needed
        self._height = -1
        if parent is None:
            self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation(0)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        height = self._arrange(rect, apply=True)
        if (rect.width(), height) != (self._width, self._height):
            changed = height != self._height
            self._width, self._height = rect.width(), height
            if changed:
                self.invalidate()  # the parent makes room for the lines (or takes it back)

    def _lines_height(self, one_line: int) -> int:
        return max(self._height, one_line) if self._width >= 0 else one_line

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """Everything on one line."""
        width, height = 0, 0
        for item in self._visible():
            hint = item.sizeHint()
            width += hint.width() + (self._gap(item, Qt.Orientation.Horizontal) if width else 0)
            height = max(height, hint.height())
        size = QSize(width, height) + self._margin_size()
        return QSize(size.width(), self._lines_height(size.height()))

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        """As wide as the widest item (each may get a line of its own), as tall as the lines
        need at the last width."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        size += self._margin_size()
        return QSize(size.width(), self._lines_height(size.height()))

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _margin_size(self) -> QSize:
        margins: QMargins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _gap(self, item: QLayoutItem, orientation: Qt.Orientation) -> int:
        if self._spacing >= 0:
            return self._spacing
        widget = item.widget()
        style = widget.style() if widget is not None else None
        if style is None:
            return 6
        pm = QStyle.PixelMetric.PM_LayoutHorizontalSpacing if orientation == Qt.Orientation.Horizontal \
            else QStyle.PixelMetric.PM_LayoutVerticalSpacing
        gap = style.pixelMetric(pm, None, widget)
        if gap < 0:
            gap = style.layoutSpacing(QSizePolicy.ControlType.PushButton, QSizePolicy.ControlType.PushButton,
                                      orientation, None, widget)
        return max(gap, 0)

    def _arrange(self, rect: QRect, apply: bool) -> int:
        """Lay the items out in ``rect`` (or only measure); the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        line: list[tuple[QLayoutItem, int, int, int]] = []  # item, x, width, height

        def place_line() -> None:
            # What is left of the line goes to the items that want to grow (a line edit).
            growing = [i for i, entry in enumerate(line)
                       if entry[0].expandingDirections() & Qt.Orientation.Horizontal]
            spare = max(0, area.right() + 1 - (line[-1][1] + line[-1][2])) if line else 0
            extra = {i: spare // len(growing) for i in growing}
            if growing:
                extra[growing[-1]] += spare % len(growing)
            shift = 0
            for index, (item, item_x, width, height) in enumerate(line):
                grow = extra.get(index, 0)
                # Centred in the line, so a taller item does not leave buttons hanging at the top.
                offset = (line_height - height) // 2
                item.setGeometry(QRect(QPoint(item_x + shift, y + offset), QSize(width + grow, height)))
                shift += grow

        for item in self._visible():
            hint = item.sizeHint()
            width = min(max(hint.width(), item.minimumSize().width()), max(area.width(), 1))
            height = item.heightForWidth(width) if item.hasHeightForWidth() else hint.height()
            gap = self._gap(item, Qt.Orientation.Horizontal)
            if line and x + width > area.right() + 1:
                if apply:
                    place_line()
                y += line_height + self._gap(item, Qt.Orientation.Vertical)
                x, line_height, line = area.x(), 0, []
            line.append((item, x, width, height))
            x += width + gap
            line_height = max(line_height, height)
        if apply:
            place_line()
        return y + line_height - rect.y() + margins.bottom()
