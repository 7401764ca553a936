"""监听 / Listeners in the client console: the chat demo with two personas, the live log, the
list of every open listener, and closing one."""

from __future__ import annotations

from app.core.requests import Request
from app.ui.panes.client_console_pane import CHAT_LISTEN, CHAT_SEND, ClientConsolePane
from tests.ui.conftest import eventually, settle


def test_the_chat_demo_a_listens_b_sends_and_the_snapshot_arrives(qtbot, qloop, demo, demo_workspace):
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    pane.show()
    demo.set_acting_as("学生A")
    pane.editor.setPlainText(CHAT_LISTEN)
    qloop.run_until_complete(pane.run())
    assert pane.side_tabs.currentWidget() is pane.listeners  # shown as soon as one stays open
    listeners = pane.listeners
    qloop.run_until_complete(eventually(lambda: listeners.table.rowCount() == 1))
    assert [listeners.table.item(0, c).text() for c in range(2)] == ["学生A", "messages"]
    (listener,) = listeners.reading()
    listeners.table.selectRow(0)
    assert listeners.log.toPlainText().startswith("#1 init: 3 documents")

    demo.set_acting_as("学生B")
    pane.editor.setPlainText(CHAT_SEND)
    qloop.run_until_complete(pane.run())
    qloop.run_until_complete(eventually(lambda: "enqueue / add" in listeners.log.toPlainText()))
    assert "#2: 1 change(s), 4 documents now" in listeners.log.toPlainText()
    assert "大家好，我来啦！" in listeners.log.toPlainText()
    # The delivery is 学生A's, one row under the listener's opening.
    delivery = next(e for e in demo.recent_events() if e.action == "database.watchPoll")
    opening = next(e for e in demo.recent_events() if e.action == "database.watchOpen")
    assert (delivery.persona, delivery.target, delivery.parent_id) == ("学生A", "messages", opening.id)

    listeners.close_button.click()
    qloop.run_until_complete(eventually(lambda: listeners.table.rowCount() == 0))
    assert demo_workspace.watch.listeners() == [] and listeners.reading() == []
    assert listeners.log.toPlainText().endswith("— closed from the console")
    settle(qloop, demo)


def test_another_client_s_listener_is_listed_but_its_snapshots_are_left_to_it(qtbot, qloop, demo, demo_workspace):
    """A run-client script's listener: listed with its persona and count; this view does not read
    its snapshots (they wait for the script) and says so."""
    caller = demo_workspace.client_caller("学生B")
    opened = demo_workspace.handle(Request("database.watchOpen", {"collectionName": "messages"}, caller))
    pane = ClientConsolePane(demo)
    qtbot.addWidget(pane)
    pane.show()
    pane.side_tabs.setCurrentWidget(pane.listeners)
    listeners = pane.listeners
    qloop.run_until_complete(eventually(lambda: listeners.table.rowCount() == 1))
    listeners.table.selectRow(0)
    assert "another client" in listeners.log.toPlainText()
    demo_workspace.handle(Request("database.insertDocument", {"collectionName": "messages",
                                                              "data": ['{"text": "hi"}']}, caller))
    qloop.run_until_complete(eventually(lambda: listeners.table.item(0, 3).text() == "2"))
    snapshots, error = demo_workspace.watch.poll(opened["listenerId"], 5)
    assert error is None and len(snapshots) == 1  # still there for its own client
    pane.side_tabs.setCurrentIndex(0)  # hidden, with nothing of its own to read: it stops reading
    qloop.run_until_complete(eventually(lambda: not listeners.timer.isActive()))
    settle(qloop, demo)
