"""How many logged answers each mode and route has (table `answers`, migration m004), so the
totals can set apart the replies that are not answers, such as "no summary yet"."""

from __future__ import annotations

from nocturne.library.store import Store


def answers_by_route(store: Store) -> dict[tuple[str, str], int]:
    """(mode, route) -> how many answers were logged with them."""
    rows = store.query("SELECT mode, route, COUNT(*) FROM answers GROUP BY mode, route")
    return {(str(row[0]), str(row[1] or "")): int(row[2]) for row in rows}
