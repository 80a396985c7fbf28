"""One Nocturne per person: a second launch asks the first to show its window, then exits.

The first instance listens on a local socket named after the data folder (so test runs with
their own NOCTURNE_HOME never collide with a person's app); a later launch connects, writes
"raise" and quits.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from nocturne import paths

CONNECT_TIMEOUT_MS = 500


def server_name() -> str:
    digest = hashlib.sha256(str(paths.data_dir()).encode()).hexdigest()[:16]
    return f"nocturne-{digest}"


class SingleInstance(QObject):
    raise_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server: QLocalServer | None = None

    def notify_running(self) -> bool:
        """True when another instance answered (and was asked to raise its window)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(b"raise\n")
        socket.flush()
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A stale socket file left by a crashed instance: nobody answered, so remove it.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # The client writes at once after connecting, so this wait is short.
            arrived = socket.bytesAvailable() or socket.waitForReadyRead(CONNECT_TIMEOUT_MS)
            if arrived and b"raise" in bytes(socket.readAll().data()):
                self.raise_requested.emit()
            socket.disconnectFromServer()
            socket.deleteLater()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
