"""The storage pane over a real demo workspace: owners, rights per persona, uploads, links."""

from __future__ import annotations

import urllib.request

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app.paths import resource
from app.ui.bridge import ADMIN
from app.ui.panes.storage.pane import StoragePane
from app.ui.panes.storage.models import FilesModel
from tests.ui.conftest import eventually


def open_pane(qtbot, bridge, folder="images") -> StoragePane:
    pane = StoragePane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    root = pane.folders.item(0)
    for i in range(root.rowCount()):
        if root.child(i).text() == folder:
            pane.tree.setCurrentIndex(root.child(i).index())
    return pane


def cells(pane, column) -> list:
    return [pane.files.index(r, column).data() for r in range(pane.files.rowCount())]


def select(pane, name):
    pane.table.selectRow(cells(pane, FilesModel.NAME).index(name))


def test_files_with_owners_and_what_the_persona_may_do(qtbot, demo):
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, demo)
    assert cells(pane, FilesModel.NAME) == ["avatar-xueshengA.png", "avatar-xueshengB.png", "campus.jpg"]
    assert cells(pane, FilesModel.OWNER) == ["学生A", "学生B", "老师"]
    assert cells(pane, FilesModel.READ) == ["✔", "✔", "✔"]
    assert cells(pane, FilesModel.WRITE) == ["✘", "✔", "✘"]
    reason = pane.files.index(0, FilesModel.WRITE).data(Qt.ItemDataRole.ToolTipRole)
    assert "only the uploader" in reason and "学生B" in reason
    demo.set_acting_as("学生A")  # switching persona re-evaluates
    assert cells(pane, FilesModel.WRITE) == ["✔", "✘", "✘"]


def test_image_preview(qtbot, qloop, demo):
    pane = open_pane(qtbot, demo)
    select(pane, "campus.jpg")
    qloop.run_until_complete(eventually(lambda: pane.preview.currentWidget() is pane.preview_image))
    assert not pane.preview_image.pixmap().isNull()


def test_text_preview(qtbot, qloop, demo):
    pane = open_pane(qtbot, demo, "notes")
    select(pane, "welcome.txt")
    qloop.run_until_complete(eventually(lambda: pane.preview.currentWidget() is pane.preview_text))
    assert "欢迎来到云开发课堂" in pane.preview_text.toPlainText()


def test_drop_uploads_as_the_acting_persona(qtbot, qloop, demo, tmp_path):
    demo.set_acting_as("学生A")
    pane = open_pane(qtbot, demo)
    picture = tmp_path / "拖进来.png"
    picture.write_bytes(resource("icons/app.png").read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    pane.dropEvent(drop)
    qloop.run_until_complete(eventually(lambda: "拖进来.png" in cells(pane, FilesModel.NAME)))
    record = next(r for r in demo.workspace.storage.files() if r.path == "images/拖进来.png")
    assert record.owner == demo.workspace.identity.persona("学生A").openid
    assert demo.workspace.events.recent()[-1].persona == "学生A"


def test_delete_refused_for_others_files_with_reason(qtbot, qloop, demo, monkeypatch):
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, demo)
    select(pane, "campus.jpg")
    qloop.run_until_complete(pane.delete())
    assert "-503002" in pane.message.text() or "permission" in pane.message.text()
    assert any(r.path == "images/campus.jpg" for r in demo.workspace.storage.files())
    pane.actor_box.setCurrentIndex(pane.actor_box.findData(ADMIN))
    pane.refresh()
    select(pane, "campus.jpg")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    pane._on_delete_clicked()
    qloop.run_until_complete(eventually(lambda: "campus.jpg" not in cells(pane, FilesModel.NAME)))


def test_copy_temp_url_opens_in_a_browser(qtbot, qloop, demo):
    pane = open_pane(qtbot, demo, "notes")
    select(pane, "welcome.txt")
    qloop.run_until_complete(pane.copy_temp_url())
    url = QGuiApplication.clipboard().text()
    assert url.startswith("http://127.0.0.1:") and "sign=" in url and "&t=" in url
    with urllib.request.urlopen(url, timeout=5) as response:
        assert "欢迎来到云开发课堂" in response.read().decode("utf-8")


def test_permission_mode_change(qtbot, qloop, demo):
    demo.set_acting_as("学生A")
    pane = open_pane(qtbot, demo)
    qloop.run_until_complete(pane.set_mode("ADMINONLY"))
    assert demo.workspace.storage_mode() == "ADMINONLY"
    assert cells(pane, FilesModel.READ) == ["✘", "✘", "✘"]
