"""How long the digest's steps take on this machine, kept apart from the steps themselves.

`step_timings` holds, per model and kind of step, how many steps were done, how many of them were
timed (took more than 0 s) and their seconds in all; OCR pages are kind `ocr_page` under model ''.
Triggers add every finished step and read page as it is written, and nothing takes them away, so
the pace the horizon and the first ETA are priced with outlives the documents: removing the only
digested document no longer sends the estimate back to "no estimate yet". A step done again is
counted again — it was timed again.
"""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        CREATE TABLE step_timings (
            model_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            steps INTEGER NOT NULL DEFAULT 0,
            timed INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (model_id, kind)
        );
        INSERT INTO step_timings(model_id, kind, steps, timed, seconds)
            SELECT model_id, kind, COUNT(*), SUM(seconds > 0), SUM(MAX(seconds, 0))
            FROM digest_steps GROUP BY model_id, kind;
        INSERT INTO step_timings(model_id, kind, steps, timed, seconds)
            SELECT '', 'ocr_page', COUNT(*), COUNT(*), SUM(seconds)
            FROM ocr_pages WHERE state = 'done' AND seconds > 0 HAVING COUNT(*) > 0;
        CREATE TRIGGER step_timings_digest_step AFTER INSERT ON digest_steps BEGIN
            INSERT INTO step_timings(model_id, kind, steps, timed, seconds)
                VALUES (new.model_id, new.kind, 1, new.seconds > 0, MAX(new.seconds, 0))
                ON CONFLICT (model_id, kind) DO UPDATE SET
                    steps = steps + 1, timed = timed + excluded.timed,
                    seconds = seconds + excluded.seconds;
        END;
        CREATE TRIGGER step_timings_ocr_page AFTER UPDATE OF state ON ocr_pages
        WHEN new.state = 'done' AND old.state IS NOT 'done' AND new.seconds > 0 BEGIN
            INSERT INTO step_timings(model_id, kind, steps, timed, seconds)
                VALUES ('', 'ocr_page', 1, 1, new.seconds)
                ON CONFLICT (model_id, kind) DO UPDATE SET
                    steps = steps + 1, timed = timed + 1, seconds = seconds + excluded.seconds;
        END;
        """,
    )
