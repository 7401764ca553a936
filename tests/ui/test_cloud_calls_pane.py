"""The Cloud calls pane over the demo: the registry of issued codes and links (updated in place),
scanning a code from the registry or as a picture file, opening a link, editing the word list."""

from __future__ import annotations

import base64

from app.core.functions.sdk import call_function
from app.core.openapi.qrpng import qr_png
from app.core.requests import Caller, Request
from app.ui.panes.cloud_calls_pane import CloudCallsPane
from tests.ui.conftest import chinese, eventually, settle


def make_pane(qtbot, qloop, bridge) -> CloudCallsPane:
    """The pane shown and done with its first reads (the push receivers are the last of them):
    a read still in flight when a test ends would resume with no loop running."""
    pane = CloudCallsPane(bridge)
    qtbot.addWidget(pane)
    pane.resize(1000, 700)
    pane.show()
    qloop.run_until_complete(eventually(lambda: pane.push.count() > 0))
    return pane


def poster(workspace, scene: str, persona: str = "学生A") -> dict:
    """The demo's makePoster run by a persona: a getUnlimited code in the registry."""
    outcome = call_function(workspace.handle, workspace.client_caller(persona), "makePoster", {"scene": scene})
    assert outcome.ok, outcome.value
    return outcome.value["result"]


def rows(pane) -> list[tuple[str, str, str]]:
    return [tuple(pane.registry.item(r, c).text() for c in range(3)) for r in range(pane.registry.rowCount())]


def test_the_registry_lists_codes_and_grows_in_place(qtbot, qloop, demo, demo_workspace):
    poster(demo_workspace, "class=3")
    pane = make_pane(qtbot, qloop, demo)

    async def scenario():
        await eventually(lambda: pane.registry.rowCount() == 1)
        pane.registry.selectRow(0)
        poster(demo_workspace, "class=4", persona="学生B")  # a function issues one more while the pane shows
        await eventually(lambda: pane.registry.rowCount() == 2)

    qloop.run_until_complete(scenario())
    settle(qloop, demo)
    assert rows(pane) == [("Code 1 (getUnlimited)", "pages/index/index · scene=class=3", "makePoster · 学生A"),
                          ("Code 2 (getUnlimited)", "pages/index/index · scene=class=4", "makePoster · 学生B")]
    assert pane.registry.currentRow() == 0  # the user's selection stays


def test_scanning_a_registry_code_as_a_persona_shows_the_page_scene_and_picture(qtbot, qloop, demo, demo_workspace):
    poster(demo_workspace, "id=42")
    pane = make_pane(qtbot, qloop, demo)

    async def scenario():
        await eventually(lambda: pane.registry.rowCount() == 1)
        pane.registry.selectRow(0)
        pane.persona.setCurrentIndex(pane.persona.findText("学生B"))
        pane.scan_button.click()
        await eventually(lambda: "scanned code 1" in pane.outcome.text())

    qloop.run_until_complete(scenario())
    text = pane.outcome.text()
    assert text.startswith("学生B scanned code 1. The mini program opens pages/index/index")
    assert '{"scene": "id%3D42"}' in text and "(scene 1047)" in text and "decodeURIComponent gives id=42" in text
    assert pane.picture.pixmap() is not None and not pane.picture.pixmap().isNull()


def test_a_chosen_picture_is_matched_by_its_bytes_or_refused(qtbot, qloop, demo, demo_workspace, tmp_path):
    poster(demo_workspace, "class=3")
    png = base64.b64decode(demo_workspace.handle(Request("openapi.scanCode", {"codeId": 1}, Caller.console()))["png"])
    (tmp_path / "poster.png").write_bytes(png)
    (tmp_path / "other.png").write_bytes(qr_png("https://example.com", 280, (0, 0, 0), False))
    pane = make_pane(qtbot, qloop, demo)

    async def scenario():
        pane.scan_file(str(tmp_path / "poster.png"))
        await eventually(lambda: "scanned code 1" in pane.outcome.text())
        assert "(scene 1049)" in pane.outcome.text() and not pane.scan_message.isVisible()
        pane.scan_file(str(tmp_path / "other.png"))
        await eventually(pane.scan_message.isVisible)
        with chinese():
            pane.scan_file(str(tmp_path / "other.png"))
            await eventually(lambda: "不是本工作区" in pane.scan_message.text())
        pane.scan_file(str(tmp_path / "missing.png"))
        await eventually(lambda: "missing.png could not be read" in pane.scan_message.text())

    qloop.run_until_complete(scenario())
    settle(qloop, demo)


def test_opening_a_link_as_a_persona(qtbot, qloop, demo, demo_workspace):
    console = Caller.console()
    demo_workspace.handle(Request("openapi.settings", {"lenient": True}, console))  # a call from outside a function
    demo_workspace.handle(Request("wx.openApi", {"apiName": "urlscheme.generate", "data": {
        "jump_wxa": {"path": "pages/index/index", "query": "from=poster"}}}, Caller.admin()))
    pane = make_pane(qtbot, qloop, demo)

    async def scenario():
        await eventually(lambda: pane.registry.rowCount() == 1)
        assert rows(pane)[0][:2] == ("URL Scheme", "pages/index/index?from=poster")
        pane.registry.selectRow(0)
        pane.persona.setCurrentIndex(pane.persona.findText("Signed out"))
        pane.scan_button.click()
        await eventually(lambda: "opened weixin://dl/business/?t=" in pane.outcome.text())

    qloop.run_until_complete(scenario())
    assert pane.outcome.text().startswith("A signed-out user opened")
    assert '{"from": "poster"}' in pane.outcome.text() and "(scene 1065)" in pane.outcome.text()


def test_nothing_selected_is_said_where_the_user_acted(qtbot, qloop, demo):
    pane = make_pane(qtbot, qloop, demo)

    async def scenario():
        pane.scan_button.click()
        await eventually(pane.scan_message.isVisible)

    qloop.run_until_complete(scenario())
    settle(qloop, demo)
    assert "Select a code or a link" in pane.scan_message.text()


def test_editing_the_word_list_validates_and_counts_at_once(qtbot, qloop, demo, demo_workspace):
    pane = make_pane(qtbot, qloop, demo)
    pane.tabs.setCurrentIndex(1)

    def check(text: str) -> dict:
        outcome = call_function(demo_workspace.handle, demo_workspace.client_caller("学生A"), "checkText", {"text": text})
        return outcome.value["result"]

    async def scenario():
        await eventually(lambda: "违禁示例" in pane.words.toPlainText())
        pane.words.setPlainText("作弊\t20006\trisky\n考试\tmaybe")
        with chinese():
            pane.save_words()
            await eventually(lambda: "第 2 行" in pane.words_message.text())
        assert check("考试作弊")["v2"]["suggest"] == "pass"  # nothing was saved
        pane.words.setPlainText("作弊\t20006\trisky")
        pane.save_words()
        await eventually(lambda: "Saved" in pane.words_message.text())

    qloop.run_until_complete(scenario())
    settle(qloop, demo)
    assert pane.words.toPlainText() == "作弊\t20006\trisky\n"
    assert check("考试作弊")["v1"]["errCode"] == 87014
    assert check("这是违禁示例")["v2"]["suggest"] == "pass"  # the default entries are gone


def test_the_lenient_setting_is_shown_and_changed_from_the_pane(qtbot, qloop, demo, demo_workspace):
    """Off as in the cloud; ticked, a function's undeclared cloud call answers (DevTools' local debugging)."""
    from app.core.requests import Caller, Request

    def lenient() -> bool:
        return demo_workspace.handle(Request("openapi.settings", {}, Caller.console()))["lenient"]

    pane = make_pane(qtbot, qloop, demo)
    assert not pane.lenient.isChecked() and not lenient()
    pane.lenient.setChecked(True)
    qloop.run_until_complete(eventually(lenient))
    second = make_pane(qtbot, qloop, demo)  # another window reads the saved setting
    assert second.lenient.isChecked()
    assert pane.lenient in pane.settings_controls()  # the presenter's lock covers it
