"""The list of conversations: newest first as given, empty ones left out, the open one
selected, a click opening another, and long titles elided at the pane's edge."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QToolButton

from nocturne.ui.conversation_list import ID_ROLE, ConversationList
from nocturne.ui.conversations import Conversation


def listing(qtbot: Any) -> ConversationList:
    made = ConversationList()
    qtbot.addWidget(made)
    made.resize(240, 300)
    made.show()
    return made


def shown(made: ConversationList) -> list[tuple[int, str]]:
    view = made.list
    return [(view.item(i).data(ID_ROLE), view.item(i).text()) for i in range(view.count())]


def test_a_long_conversation_title_is_elided_in_the_list_not_scrolled(qtbot: Any) -> None:
    made = listing(qtbot)
    title = "Compare the espresso machine manual and the community garden handbook"
    made.set_conversations([Conversation(1, title, "2026-12-01T22:00:00Z", 2)], 1)
    view = made.list
    qtbot.waitUntil(lambda: view.visualItemRect(view.item(0)).height() > 0)
    assert view.visualItemRect(view.item(0)).width() <= view.viewport().width()
    assert not view.horizontalScrollBar().isVisible()
    assert view.item(0).toolTip().startswith(title)


def test_empty_conversations_are_left_out_unless_open(qtbot: Any) -> None:
    made = listing(qtbot)
    conversations = [
        Conversation(3, "What is the rent?", "2026-12-03T09:00:00Z", 2),
        Conversation(2, "", "2026-12-02T09:00:00Z", 0),
        Conversation(1, "How long is the lease?", "2026-12-01T09:00:00Z", 4),
    ]
    made.set_conversations(conversations, None)
    assert shown(made) == [(3, "What is the rent?"), (1, "How long is the lease?")]
    made.set_conversations(conversations, 2)  # just started: listed, under a name of its own
    assert shown(made) == [
        (3, "What is the rent?"),
        (2, "New conversation"),
        (1, "How long is the lease?"),
    ]
    assert made.list.currentItem().data(ID_ROLE) == 2


def test_the_tooltip_gives_the_whole_title_the_messages_and_the_last_time(qtbot: Any) -> None:
    made = listing(qtbot)
    made.set_conversations([Conversation(1, "Rent", "2026-12-01T22:05:31.123Z", 1)], None)
    assert made.list.item(0).toolTip() == "Rent\n1 message, last 2026-12-01 22:05 UTC"
    made.set_conversations([Conversation(1, "Rent", "2026-12-01T22:05:31.123Z", 4)], None)
    assert made.list.item(0).toolTip() == "Rent\n4 messages, last 2026-12-01 22:05 UTC"


def test_clicking_another_conversation_opens_it_and_the_open_one_does_nothing(
    qtbot: Any,
) -> None:
    made = listing(qtbot)
    opened: list[int] = []
    made.selected.connect(opened.append)
    made.set_conversations(
        [Conversation(2, "Rent", "2026-12-02T09:00:00Z", 2), Conversation(1, "Lease", "x", 2)], 2
    )
    assert opened == []  # filling the list opens nothing
    made._activated(made.list.item(0))
    assert opened == []
    made._activated(made.list.item(1))
    made._activated(made.list.item(1))
    assert opened == [1]


def test_new_chat_asks_for_a_new_conversation(qtbot: Any) -> None:
    made = listing(qtbot)
    with qtbot.waitSignal(made.new_requested, timeout=1000):
        (button,) = [b for b in made.findChildren(QToolButton) if b.text() == "New chat"]
        button.click()
