"""The storage pane over a real demo workspace: owners, rights per persona, uploads, links."""

from __future__ import annotations

import asyncio
import urllib.request

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app.paths import resource
from app.ui.bridge import ADMIN
from app.ui.panes.persona_box import FOLLOW
from app.ui.panes.storage.pane import StoragePane
from app.ui.panes.storage.models import FilesModel
from app.ui.timeline import TimelineView
from tests.ui.conftest import eventually


def open_pane(qtbot, qloop, bridge, folder="images") -> StoragePane:
    """Show the pane, wait for its listing, then open ``folder``."""
    pane = StoragePane(bridge)
    qtbot.addWidget(pane)
    pane.show()
    qloop.run_until_complete(eventually(lambda: pane.folders.rowCount() == 1))
    root = pane.folders.item(0)
    for i in range(root.rowCount()):
        if root.child(i).text() == folder:
            pane.tree.setCurrentIndex(root.child(i).index())
    qloop.run_until_complete(eventually(
        lambda: pane.files.rowCount() and all(row.path.startswith(f"{folder}/") for row in pane.files._rows)))
    return pane


def cells(pane, column) -> list:
    return [pane.files.index(r, column).data() for r in range(pane.files.rowCount())]


def select(pane, name):
    pane.table.selectRow(cells(pane, FilesModel.NAME).index(name))


def test_files_with_owners_and_what_the_persona_may_do(qtbot, qloop, demo):
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, qloop, demo)
    assert cells(pane, FilesModel.NAME) == ["avatar-xueshengA.png", "avatar-xueshengB.png", "campus.jpg"]
    assert cells(pane, FilesModel.OWNER) == ["学生A", "学生B", "老师"]
    assert cells(pane, FilesModel.READ) == ["✔", "✔", "✔"]
    assert cells(pane, FilesModel.WRITE) == ["✘", "✔", "✘"]
    reason = pane.files.index(0, FilesModel.WRITE).data(Qt.ItemDataRole.ToolTipRole)
    assert "only the uploader" in reason and "学生B" in reason
    demo.set_acting_as("学生A")  # switching persona re-evaluates
    qloop.run_until_complete(eventually(lambda: cells(pane, FilesModel.WRITE) == ["✔", "✘", "✘"]))


def test_image_preview(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo)
    select(pane, "campus.jpg")
    qloop.run_until_complete(eventually(lambda: pane.preview.currentWidget() is pane.preview_image))
    assert not pane.preview_image.pixmap().isNull()


def test_text_preview(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo, "notes")
    select(pane, "welcome.txt")
    qloop.run_until_complete(eventually(lambda: pane.preview.currentWidget() is pane.preview_text))
    assert "欢迎来到云开发课堂" in pane.preview_text.toPlainText()


def test_drop_uploads_as_the_acting_persona(qtbot, qloop, demo, demo_workspace, tmp_path):
    demo.set_acting_as("学生A")
    pane = open_pane(qtbot, qloop, demo)
    picture = tmp_path / "拖进来.png"
    picture.write_bytes(resource("icons/app.png").read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    pane.dropEvent(drop)
    qloop.run_until_complete(eventually(lambda: "拖进来.png" in cells(pane, FilesModel.NAME)))
    record = next(r for r in demo_workspace.storage.files() if r.path == "images/拖进来.png")
    assert record.owner == demo_workspace.identity.persona("学生A").openid
    upload = next(e for e in reversed(demo.recent_events()) if e.action == "storage.uploadFile")
    assert upload.persona == "学生A"


def test_delete_refused_for_others_files_with_reason(qtbot, qloop, demo, demo_workspace, monkeypatch):
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, qloop, demo)
    select(pane, "campus.jpg")
    qloop.run_until_complete(pane.delete())
    assert "-503002" in pane.message.text() or "permission" in pane.message.text()
    assert any(r.path == "images/campus.jpg" for r in demo_workspace.storage.files())
    pane.actor_box.setCurrentIndex(pane.actor_box.findData(ADMIN))
    qloop.run_until_complete(pane.refresh())
    select(pane, "campus.jpg")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    pane._on_delete_clicked()
    qloop.run_until_complete(eventually(lambda: "campus.jpg" not in cells(pane, FilesModel.NAME)))


def test_copy_temp_url_opens_in_a_browser(qtbot, qloop, demo):
    pane = open_pane(qtbot, qloop, demo, "notes")
    select(pane, "welcome.txt")
    qloop.run_until_complete(pane.copy_temp_url())
    url = QGuiApplication.clipboard().text()
    assert url.startswith("http://127.0.0.1:") and "sign=" in url and "&t=" in url
    with urllib.request.urlopen(url, timeout=5) as response:
        assert "欢迎来到云开发课堂" in response.read().decode("utf-8")


def test_permission_mode_change(qtbot, qloop, demo, demo_workspace):
    demo.set_acting_as("学生A")
    pane = open_pane(qtbot, qloop, demo)
    qloop.run_until_complete(pane.set_mode("ADMINONLY"))
    assert demo_workspace.state.storage_mode() == "ADMINONLY"
    assert cells(pane, FilesModel.READ) == ["✘", "✘", "✘"]


async def settled(bridge, quiet: float = 0.6, timeout: float = 5.0) -> int:
    """The number of logged events once none has been added for ``quiet`` seconds
    (several times the pane's 200 ms refresh throttle)."""
    count, waited = -1, 0.0
    while count != len(bridge.recent_events()):
        assert waited < timeout, "requests kept coming: the pane is refreshing on its own requests"
        count = len(bridge.recent_events())
        await asyncio.sleep(quiet)
        waited += quiet
    return count


def test_the_listing_is_a_logged_console_request_and_does_not_loop(qtbot, qloop, demo):
    """The console's reads are requests like any other: they show in the timeline, and the
    pane's own reads (listing, preview) do not make it read again."""
    timeline = TimelineView(demo)
    qtbot.addWidget(timeline)
    pane = open_pane(qtbot, qloop, demo)
    select(pane, "campus.jpg")
    before = qloop.run_until_complete(settled(demo))
    listings = [e for e in demo.recent_events() if e.action == "storage.listFiles"]
    assert listings and all(e.caller_kind == "console" and e.outcome == "ok" for e in listings)
    assert any(e.action == "storage.preview" for e in demo.recent_events())
    shown = [[timeline.proxy.index(r, c).data() for c in (1, 2, 3)] for r in range(timeline.proxy.rowCount())]
    assert ["Admin", "console", "storage.listFiles"] in shown

    qloop.run_until_complete(pane.set_mode("READONLY"))  # a change: the pane reads once more
    after = qloop.run_until_complete(settled(demo))
    new = [e.action for e in demo.recent_events()[before:after]]
    assert new.count("storage.setPermission") == 1 and 1 <= new.count("storage.listFiles") <= 2


def test_preview_refused_for_a_viewer_who_may_not_read_says_why(qtbot, qloop, demo, demo_workspace):
    demo_workspace.state.set_storage_mode("ADMINONLY")
    demo.set_acting_as("学生A")
    pane = open_pane(qtbot, qloop, demo, "notes")
    select(pane, "welcome.txt")
    qloop.run_until_complete(eventually(lambda: "-503002" in pane.preview_none.text()
                                        or "permission" in pane.preview_none.text()))
    assert pane.preview.currentWidget() is pane.preview_none
    pane.actor_box.setCurrentIndex(pane.actor_box.findData(ADMIN))
    qloop.run_until_complete(pane.refresh())
    qloop.run_until_complete(eventually(lambda: pane.preview.currentWidget() is pane.preview_text))
    assert "欢迎来到云开发课堂" in pane.preview_text.toPlainText()


def test_open_folder_asks_core_where_the_files_are(qtbot, qloop, demo, demo_workspace, monkeypatch):
    from app.core import host_os

    opened = []
    monkeypatch.setattr(host_os, "open_folder", lambda folder: opened.append(str(folder)) or True)
    pane = open_pane(qtbot, qloop, demo, "notes")
    qloop.run_until_complete(pane._on_open_folder_clicked())
    assert opened == [str(demo_workspace.storage.disk("notes"))]
    assert demo.recent_events()[-1].action == "storage.localFolder"
    assert pane.message.isHidden()


def test_open_folder_without_a_file_manager_says_where_the_folder_is(qtbot, qloop, demo, demo_workspace, monkeypatch):
    from app.core import host_os

    monkeypatch.setattr(host_os, "open_folder_command", lambda folder, system=None: ["/nonexistent/file-manager"])
    pane = open_pane(qtbot, qloop, demo, "notes")
    qloop.run_until_complete(pane._on_open_folder_clicked())
    assert not pane.message.isHidden()
    assert str(demo_workspace.storage.disk("notes")) in pane.message.text()


def test_act_as_follows_the_toolbar_unless_overridden(qtbot, qloop, demo):
    """The pane acts as the toolbar's persona by default, and says so; picking a persona in
    its own box overrides the toolbar until "Follow toolbar" is picked again."""
    demo.set_acting_as("学生B")
    pane = open_pane(qtbot, qloop, demo)
    assert pane.actor_box.currentText() == "Follow toolbar (学生B)"
    assert cells(pane, FilesModel.WRITE) == ["✘", "✔", "✘"]
    pane.actor_box.select("学生A")
    qloop.run_until_complete(eventually(lambda: cells(pane, FilesModel.WRITE) == ["✔", "✘", "✘"]))
    demo.set_acting_as("老师")  # the pane's own choice stays
    assert pane.actor_box.itemText(0) == "Follow toolbar (老师)" and pane.actor_box.currentText() == "学生A"
    assert not pane._refresh_timer.isActive()  # no refresh asked for
    qloop.run_until_complete(pane.refresh())
    assert cells(pane, FilesModel.WRITE) == ["✔", "✘", "✘"]
    pane.actor_box.select(FOLLOW)
    qloop.run_until_complete(eventually(lambda: cells(pane, FilesModel.WRITE) == ["✘", "✘", "✔"]))


def test_a_copied_temp_url_opens_after_the_app_restarts(qtbot, qloop, tmp_path, qapp):
    """"Valid for 24 hours" used to end when the app quit: the link only opened again once
    someone asked for a new one. Now it opens after a restart, and says until when it is valid."""
    from app.core.api import WorkspaceApi
    from app.core.workspace import Workspace
    from app.paths import demo_project
    from app.ui.bridge import WorkspaceBridge

    def open_workspace():
        ws = Workspace.open(tmp_path / "data", demo_project(), demo_data=resource("demo-data"))
        return ws, WorkspaceBridge(WorkspaceApi(ws))

    ws, bridge = open_workspace()
    try:
        pane = open_pane(qtbot, qloop, bridge, "notes")
        select(pane, "welcome.txt")
        qloop.run_until_complete(pane.copy_temp_url())
        url, said = QGuiApplication.clipboard().text(), pane.message.text()
        pane.hide()
    finally:
        bridge.close()
        ws.close()
    ws, bridge = open_workspace()  # the app starts again; nothing is asked of storage yet
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "欢迎来到云开发课堂" in response.read().decode("utf-8")
    finally:
        bridge.close()
        ws.close()
    assert "valid until 20" in said and "(24 hours)" in said


def test_a_name_windows_cannot_keep_uploads_previews_saves_and_deletes(
        qtbot, qloop, demo, demo_workspace, tmp_path, monkeypatch):
    """Issue 19: a|b测试.jpeg, as the cloud accepts it, through the pane's own code paths."""
    pane = open_pane(qtbot, qloop, demo)
    picture = tmp_path / "a|b测试.jpeg"
    picture.write_bytes(resource("icons/app.png").read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    pane.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier))
    qloop.run_until_complete(eventually(lambda: "a|b测试.jpeg" in cells(pane, FilesModel.NAME)))
    assert (demo_workspace.storage.root / "images" / "a%u007Cb测试.jpeg").is_file()  # disknames.py
    select(pane, "a|b测试.jpeg")
    qloop.run_until_complete(eventually(lambda: pane.preview.currentWidget() is pane.preview_image))
    assert not pane.preview_image.pixmap().isNull()
    saved = tmp_path / "saved" / "a|b测试.jpeg"
    saved.parent.mkdir()
    qloop.run_until_complete(pane.save_as(saved))
    assert saved.read_bytes() == picture.read_bytes()
    qloop.run_until_complete(pane.copy_temp_url())
    with urllib.request.urlopen(QGuiApplication.clipboard().text(), timeout=5) as response:
        assert response.read() == picture.read_bytes()
    pane.actor_box.setCurrentIndex(pane.actor_box.findData(ADMIN))
    qloop.run_until_complete(pane.refresh())
    select(pane, "a|b测试.jpeg")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    pane._on_delete_clicked()
    qloop.run_until_complete(eventually(lambda: "a|b测试.jpeg" not in cells(pane, FilesModel.NAME)))
    assert not any(r.path == "images/a|b测试.jpeg" for r in demo_workspace.storage.files())
    assert not (demo_workspace.storage.root / "images" / "a%u007Cb测试.jpeg").exists()
