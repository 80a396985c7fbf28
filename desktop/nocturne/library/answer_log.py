"""The answer log (`answers` and `answer_documents`, migration m004): writing one answer, and
the totals and history `nocturne status` and the window's savings panel show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.library.digest_priorities import note_asked_about
from nocturne.library.store import Store


@dataclass(frozen=True)
class AnswerRecord:
    """One answer as logged, with what it spent and what reading the raw text would have."""

    question: str
    answer: str
    mode: str
    route: str
    model_id: str
    prompt_tokens: int
    completion_tokens: int
    baseline_prompt_tokens: int
    baseline_completion_tokens: int
    saved_tokens: int
    cost_usd: float  # what it cost when asked, with its share of the digest then
    baseline_cost_usd: float
    sleep_tokens: int
    # Its share of the digest of its documents: lowered as later questions about them share it
    # (`answer.ledger.reshare_sleep_tokens`), so that summed over the log each digest token
    # counts once.
    amortized_sleep_tokens: float
    first_token_s: float
    total_s: float
    abstained: bool


def insert_answer(store: Store, record: AnswerRecord, document_ids: Sequence[int]) -> int:
    """Log one answer and the documents it used (those still in the library); returns its id.
    Those of them whose digest is not done go to the front of the digest's queue."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO answers(question, answer, mode, route, model_id, prompt_tokens, "
            "completion_tokens, baseline_prompt_tokens, baseline_completion_tokens, "
            "saved_tokens, cost_usd, baseline_cost_usd, sleep_tokens, amortized_sleep_tokens, "
            "first_token_s, total_s, abstained) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.question,
                record.answer,
                record.mode,
                record.route,
                record.model_id,
                record.prompt_tokens,
                record.completion_tokens,
                record.baseline_prompt_tokens,
                record.baseline_completion_tokens,
                record.saved_tokens,
                record.cost_usd,
                record.baseline_cost_usd,
                record.sleep_tokens,
                record.amortized_sleep_tokens,
                record.first_token_s,
                record.total_s,
                int(record.abstained),
            ),
        )
        answer_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT OR IGNORE INTO answer_documents(answer_id, document_id) "
            "SELECT ?, id FROM documents WHERE id = ?",
            [(answer_id, d) for d in sorted(set(document_ids))],
        )
        # A question about a document not digested yet: the next digest starts with it.
        note_asked_about(store, document_ids)
    return answer_id


def questions_asked_about(store: Store, document_id: int) -> int:
    return int(
        store.scalar("SELECT COUNT(*) FROM answer_documents WHERE document_id = ?", (document_id,))
        or 0
    )


def question_counts(store: Store, document_ids: Sequence[int]) -> dict[int, int]:
    """`questions_asked_about` for several documents at once (those never asked about: 0)."""
    wanted = sorted(set(document_ids))
    counts = dict.fromkeys(wanted, 0)
    if wanted:
        marks = ",".join("?" * len(wanted))
        for row in store.query(
            "SELECT document_id, COUNT(*) FROM answer_documents "
            f"WHERE document_id IN ({marks}) GROUP BY document_id",
            tuple(wanted),
        ):
            counts[int(row[0])] = int(row[1])
    return counts


@dataclass(frozen=True)
class SharingAnswer:
    """A logged answer that carries a share of the digest of some of its documents."""

    id: int
    amortized_sleep_tokens: float
    document_ids: tuple[int, ...]


def answers_sharing(store: Store, document_ids: Sequence[int]) -> list[SharingAnswer]:
    """The answers about any of these documents that carry a digest share (raw-mode answers
    read the documents themselves and carry none), each with all the documents it used."""
    wanted = sorted(set(document_ids))
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    found: dict[int, tuple[float, list[int]]] = {}
    for row in store.query(
        "SELECT a.id, a.amortized_sleep_tokens, d.document_id FROM answers a "
        "JOIN answer_documents d ON d.answer_id = a.id "
        "WHERE a.mode != 'raw' AND a.id IN "
        f"(SELECT answer_id FROM answer_documents WHERE document_id IN ({marks})) "
        "ORDER BY a.id, d.document_id",
        tuple(wanted),
    ):
        found.setdefault(int(row[0]), (float(row[1]), []))[1].append(int(row[2]))
    return [SharingAnswer(i, share, tuple(docs)) for i, (share, docs) in found.items()]


def lower_sleep_shares(store: Store, shares: dict[int, float]) -> None:
    """Set these answers' amortized sleep-time tokens where that lowers them (a share only
    ever falls, as more questions share the same digest)."""
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE answers SET amortized_sleep_tokens = ? "
            "WHERE id = ? AND amortized_sleep_tokens > ?",
            [(share, answer_id, share) for answer_id, share in shares.items()],
        )


@dataclass(frozen=True)
class AnswerSums:
    answers: int
    tokens: int
    baseline_tokens: int
    saved_tokens: int
    cost_usd: float
    baseline_cost_usd: float
    amortized_sleep_tokens: float
    seconds: float
    abstained: int


def answer_sums(store: Store) -> AnswerSums:
    row = store.query(
        "SELECT COUNT(*), "
        "COALESCE(SUM(prompt_tokens + completion_tokens), 0), "
        "COALESCE(SUM(baseline_prompt_tokens + baseline_completion_tokens), 0), "
        "COALESCE(SUM(saved_tokens), 0), COALESCE(SUM(cost_usd), 0), "
        "COALESCE(SUM(baseline_cost_usd), 0), COALESCE(SUM(amortized_sleep_tokens), 0), "
        "COALESCE(SUM(total_s), 0), COALESCE(SUM(abstained), 0) FROM answers"
    )[0]
    return AnswerSums(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        int(row[3]),
        float(row[4]),
        float(row[5]),
        float(row[6]),
        float(row[7]),
        int(row[8]),
    )


@dataclass(frozen=True)
class SavingsSums:
    """The sums behind "N× fewer" and the money saved (`answer.status.AnswerTotals` says what
    they mean)."""

    ratio_answers: int  # answers that count for the ratio: neither raw mode nor an abstention
    ratio_tokens: int  # the tokens those used
    ratio_baseline_tokens: int  # and their baselines
    money_tokens: float  # per answer: baseline less used less its digest share, never below 0


def savings_sums(store: Store, factor: float) -> SavingsSums:
    """One pass over the log; `factor`: how many sleep-time tokens a question-time one is worth
    (the digest share is counted as amortized sleep-time tokens / factor)."""
    share = "amortized_sleep_tokens / ?" if factor > 0 else "0"
    counted = "(mode != 'raw' AND route != 'abstain')"
    row = store.query(
        f"SELECT COALESCE(SUM({counted}), 0), "
        f"COALESCE(SUM(CASE WHEN {counted} THEN prompt_tokens + completion_tokens END), 0), "
        f"COALESCE(SUM(CASE WHEN {counted} THEN baseline_prompt_tokens "
        "+ baseline_completion_tokens END), 0), "
        "COALESCE(SUM(MAX(0, baseline_prompt_tokens + baseline_completion_tokens "
        f"- prompt_tokens - completion_tokens - {share})), 0) FROM answers",
        (factor,) if factor > 0 else (),
    )[0]
    return SavingsSums(int(row[0]), int(row[1]), int(row[2]), float(row[3]))


@dataclass(frozen=True)
class ModeSums:
    mode: str
    answers: int
    tokens: int
    first_token_s: tuple[float, ...]  # every answer's, fastest first


def sums_by_mode(store: Store) -> list[ModeSums]:
    found = []
    for row in store.query(
        "SELECT mode, COUNT(*), COALESCE(SUM(prompt_tokens + completion_tokens), 0) "
        "FROM answers GROUP BY mode"
    ):
        times = tuple(
            float(r[0])
            for r in store.query(
                "SELECT first_token_s FROM answers WHERE mode = ? ORDER BY first_token_s",
                (row[0],),
            )
        )
        found.append(ModeSums(str(row[0]), int(row[1]), int(row[2]), times))
    return found


@dataclass(frozen=True)
class LoggedAnswer:
    id: int
    at: str
    question: str
    mode: str
    route: str
    tokens: int
    baseline_tokens: int
    saved_tokens: int
    cost_usd: float
    baseline_cost_usd: float
    first_token_s: float
    total_s: float
    amortized_sleep_tokens: float


def recent_answers(store: Store, limit: int) -> list[LoggedAnswer]:
    """The last `limit` answers, oldest first (ready for a chart over time)."""
    rows = store.query(
        "SELECT id, at, question, mode, route, prompt_tokens + completion_tokens, "
        "baseline_prompt_tokens + baseline_completion_tokens, saved_tokens, "
        "cost_usd, baseline_cost_usd, first_token_s, total_s, amortized_sleep_tokens "
        "FROM answers ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [
        LoggedAnswer(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            int(r[5]),
            int(r[6]),
            int(r[7]),
            float(r[8]),
            float(r[9]),
            float(r[10]),
            float(r[11]),
            float(r[12]),
        )
        for r in reversed(rows)
    ]
