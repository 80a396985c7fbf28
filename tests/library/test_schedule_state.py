"""The scheduler's key/value facts in the store (`library/schedule_state.py`)."""

from __future__ import annotations

from nocturne.library.schedule_state import get_value, put_value
from nocturne.library.store import Store


def test_a_value_is_kept_replaced_and_forgotten(store: Store) -> None:
    assert get_value(store, "paused_until") is None
    put_value(store, "paused_until", "2024-05-01T08:00:00+02:00")
    assert get_value(store, "paused_until") == "2024-05-01T08:00:00+02:00"
    put_value(store, "paused_until", "later")
    assert get_value(store, "paused_until") == "later"
    assert store.scalar("SELECT COUNT(*) FROM schedule_state") == 1
    put_value(store, "paused_until", None)
    assert get_value(store, "paused_until") is None
    put_value(store, "never_set", None)  # forgetting a missing key is no error


def test_another_connection_reads_what_was_written(store: Store) -> None:
    put_value(store, "daemon_heartbeat", '{"pid": 1}')
    with Store.open(store.path) as other:
        assert get_value(other, "daemon_heartbeat") == '{"pid": 1}'


def test_a_write_inside_a_rolled_back_transaction_is_undone(store: Store) -> None:
    try:
        with store.transaction():
            put_value(store, "k", "v")
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert get_value(store, "k") is None
