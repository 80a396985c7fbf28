"""Notes found by their digest step: an index on `notes(step_id, stale)`.

Without it every question the digest asks of a step's notes read all the notes: the plan's "has
this step stale notes" for each finished step (`digest_steps.step_records`, quadratic: more than
five minutes before the first step at 10,000 documents), marking a step's notes stale, and the
cascade that deletes a step's notes when the step is redone (`record_step`, at every step).
"""

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX notes_step ON notes(step_id, stale)")
