"""Background digestion: folders the library watches, and the scheduler's own small state.

`schedule_state` is a key/value table (pause-until, the last nightly window the scheduler was
awake for, when scheduling began, the daemon's last decision and heartbeat) so that the state of
the work lives in the library database, never in APScheduler's job store: restarting or killing
the app loses nothing, and `nocturne status` in another process can say what the daemon does.
"""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        CREATE TABLE watched_folders (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );

        CREATE TABLE schedule_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        """,
    )
