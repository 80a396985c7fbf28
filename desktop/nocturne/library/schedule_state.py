"""The scheduler's small facts as keys and values (table `schedule_state`, migration m005).

What the keys mean and how their values are written (ISO times, JSON) is the scheduler's
business (`schedule/state.py`); here they are opaque text.
"""

from __future__ import annotations

from nocturne.library.store import Store


def get_value(store: Store, key: str) -> str | None:
    value = store.scalar("SELECT value FROM schedule_state WHERE key = ?", (key,))
    return None if value is None else str(value)


def put_value(store: Store, key: str, value: str | None) -> None:
    """Set `key` to `value`, or forget it when `value` is None."""
    with store.transaction() as conn:
        if value is None:
            conn.execute("DELETE FROM schedule_state WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO schedule_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO "
                "UPDATE SET value = excluded.value, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
                (key, value),
            )
