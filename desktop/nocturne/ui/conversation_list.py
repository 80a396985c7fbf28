"""The list of persisted conversations, newest first, with "New chat" and delete."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nocturne.ui.conversations import Conversation

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _RowDelegate(QStyledItemDelegate):
    """Rows ask for no width of their own, so each is as wide as the list and elides there."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class ConversationList(QWidget):
    selected = Signal(int)
    new_requested = Signal()
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        header = QHBoxLayout()
        title = QLabel("Conversations")
        title.setObjectName("paneTitle")
        new = QToolButton()
        new.setText("New chat")
        new.setAccessibleName("New chat")
        new.setToolTip("Start a new conversation (Ctrl+N)")
        new.clicked.connect(self.new_requested)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(new)
        layout.addLayout(header)
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        # A long title elides at the pane's edge (full title in the tooltip), never scrolls.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setItemDelegate(_RowDelegate(self.list))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout.addWidget(self.list, 1)
        self._current: int | None = None

    def set_conversations(self, conversations: list[Conversation], current: int | None) -> None:
        self._current = current
        self.list.blockSignals(True)
        self.list.clear()
        for conversation in conversations:
            if not conversation.message_count and conversation.id != current:
                continue
            item = QListWidgetItem(conversation.title or "New conversation")
            item.setData(ID_ROLE, conversation.id)
            item.setToolTip(
                f"{conversation.title or 'New conversation'}\n"
                f"{conversation.message_count} message"
                f"{'' if conversation.message_count == 1 else 's'}, "
                f"last {conversation.updated_at[:16].replace('T', ' ')} UTC"
            )
            self.list.addItem(item)
            if conversation.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _activated(self, item: QListWidgetItem) -> None:
        conversation_id = int(item.data(ID_ROLE))
        if conversation_id != self._current:
            self._current = conversation_id
            self.selected.emit(conversation_id)

    def _menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        conversation_id = int(item.data(ID_ROLE))
        menu.addAction("Delete conversation", lambda: self.delete_requested.emit(conversation_id))
        menu.exec(self.list.viewport().mapToGlobal(pos))
