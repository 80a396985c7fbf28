"""Comparisons of two named documents, citing both.

"Compare the espresso machine manual and the garden handbook", "How do the lease and the garden
handbook differ?": nothing specific is asked, so each document is read from its outline — what
it is for, the topics (section titles) both cover with what each says on them, and what only one
covers. "Do X and Y agree on how many spaces a tab counts as?", "Which tool do both X (for
checking downloads) and Y (for signing uploads) rely on?", "What does each require?": each
document is searched on its own, with the words the question says about that document
("for signing uploads") kept for it and out of the other's search, and the best sentence of
each is quoted; when the question asks what both share, the pair of sentences that share a rare
term the question did not use ("Ctrl+C", "GPG") is preferred.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nocturne.answer.document_parts import Outline, Sentence, WholeAnswer, outline_of, readable
from nocturne.answer.query import LIGHT_VERB_STEMS, Query
from nocturne.answer.retrieval import Evidence, retrieve
from nocturne.answer.text_match import IdfTable, coverage, stems
from nocturne.library.learned_notes import Source, document_notes, note_sources
from nocturne.library.names import DocumentName
from nocturne.library.search import STOPWORDS
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.library.structure import Section, document_catalog, section_paths
from nocturne.library.words import content_stems, stem, words

_COMPARE = re.compile(
    r"\b(?:both|each|agree|agrees|disagree|compare|compared|comparison|contrast|differ|differs|"
    r"different|difference|differences|same|similar|similarities|in common|versus|vs)\b",
    re.IGNORECASE,
)
_AGREEMENT = re.compile(r"\b(?:both|agree|agrees|same|in common|share|shared)\b", re.IGNORECASE)
_COMPARE_STEMS = frozenset(
    content_stems(
        "both each agree agrees disagree compare compared comparison contrast differ differs "
        "different difference differences same similar similarities common versus vs say says "
        "said something anything tell document documents doc docs overview summary give"
    )
)
# Words that end what a question says about one document ("the X (for signing uploads) and").
_SEGMENT_END = re.compile(
    r"^(?:and|or|with|agree|agrees|disagree|differ|differs|say|says|said|require|requires|"
    r"rely|relies|use|uses|both|each|compare|versus|vs|on|about|regarding|than|but|while)$",
    re.IGNORECASE,
)
CANDIDATES = 8
CODE_PENALTY = 0.2
OWN_BONUS = 0.4  # what the question says about this document ("for checking downloads")
RULE_BONUS = 0.2
LIST_ITEMS = 3
MAX_QUOTE_CHARS = 320
SHARED_TERM_BONUS = 0.3
MIN_SHARED_IDF = 1.5
SHARED_TOPICS = 2
ONLY_TITLES = 5


def is_comparison(query: Query) -> bool:
    return len(query.document_ids) == 2 and bool(_COMPARE.search(query.text))


def _name_positions(
    tokens: list[str], query: Query, catalog: list[DocumentName]
) -> dict[int, list[int]]:
    """Token positions where the question names each of its two documents."""
    found: dict[int, list[int]] = {}
    for doc in catalog:
        if doc.document_id not in query.document_ids:
            continue
        profile = set(doc.name_stems())
        for at, token in enumerate(tokens):
            if stem(token) in profile and stem(token) in query.named.name_stems:
                found.setdefault(doc.document_id, []).append(at)
    return found


def own_words(store: Store, query: Query) -> dict[int, set[str]]:
    """The stems the question says about one of its documents only: the words right after its
    name, up to the next linking word ("the X (for signing uploads) and …")."""
    tokens = words(query.text.replace("-", " "))
    positions = _name_positions(tokens, query, document_catalog(store))
    starts = sorted((at, doc) for doc, ats in positions.items() for at in ats)
    own: dict[int, set[str]] = {doc: set() for doc in query.document_ids}
    for index, (at, doc) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else len(tokens)
        for token in tokens[at + 1 : stop]:
            if _SEGMENT_END.match(token):
                break
            own[doc].add(stem(token))
    return {doc: found & query.stems for doc, found in own.items()}


def _topic(query: Query) -> frozenset[str]:
    return frozenset(query.stems - _COMPARE_STEMS - query.named.name_stems)


def answer_comparison(
    store: Store, query: Query, use_notes: bool, idf: IdfTable
) -> tuple[WholeAnswer, list[Evidence]] | None:
    if not is_comparison(query):
        return None
    if not _topic(query):
        return _compare_documents(store, query, use_notes, idf), []
    return _compare_on_topic(store, query, use_notes, idf)


def _short_name(store: Store, document_id: int) -> str:
    document = store.document(document_id)
    return str(document.name) if document else str(document_id)


def _label(store: Store, source: Source) -> str:
    path = section_paths(store, [source.chunk_id]).get(source.chunk_id)
    where = path[-1].label if path else ""
    if source.page is not None:
        where = f"{where}, p. {source.page}" if where else f"p. {source.page}"
    return where


def _compare_on_topic(
    store: Store, query: Query, use_notes: bool, idf: IdfTable
) -> tuple[WholeAnswer, list[Evidence]] | None:
    """The best sentence of each document on what was asked, quoted side by side."""
    own = own_words(store, query)
    catalog = {doc.document_id: doc for doc in document_catalog(store)}
    candidates: dict[int, list[tuple[Evidence, float]]] = {}
    for document_id in query.document_ids:
        others: set[str] = set()
        for other in query.document_ids:
            if other != document_id and other in catalog:  # "Developer's" is no lsof word
                others |= set(catalog[other].name_stems()) - set(own[document_id])
        wanted = frozenset(query.stems - others) or query.stems
        one = replace(
            query,
            stems=wanted,
            topic_words=tuple(w for w in query.topic_words if stem(w) in wanted),
            named=replace(query.named, document_ids=(document_id,)),
        )
        found = retrieve(store, query.text, idf=idf, use_notes=use_notes, query=one)
        inside = [ev for ev in found.evidence if ev.source.document_id == document_id]
        if not inside:
            return None
        pool = inside[: 3 * CANDIDATES]
        titles = section_paths(store, [ev.source.chunk_id for ev in pool])
        mine = own[document_id]

        def value(
            item: tuple[int, Evidence],
            mine: set[str] = mine,
            titles: dict[int, tuple[Section, ...]] = titles,
        ) -> float:
            index, ev = item
            path = titles.get(ev.source.chunk_id, ())
            where = " ".join(section.title for section in path[-1:])
            said = coverage(mine, stems(f"{where} {ev.lead} {ev.text}"), idf) if mine else 0.0
            return _value(query, ev) + OWN_BONUS * said - 0.01 * index

        ranked = sorted(enumerate(pool), key=lambda item: -value(item))
        candidates[document_id] = [
            (_completed(store, ev), value((i, ev))) for i, ev in ranked[:CANDIDATES]
        ]
    first, second = query.document_ids
    chosen = _best_pair(query, candidates[first], candidates[second], idf)
    lines = []
    for evidence in chosen:
        where = _label(store, evidence.source)
        mark = f" [{where}]" if where else ""
        lines.append(f"{evidence.source.document_name}: {evidence.lead}“{evidence.text}”{mark}")
    return WholeAnswer("\n".join(lines), [e.source for e in chosen], "compare"), list(chosen)


_CODE = re.compile(r">>>|://|^\s*(?:import|const|let|var|def|class)\s|[{};]\s*$|\$\{")
_ASKS_RULE = re.compile(
    r"\b(?:require|requires|required|must|allowed|permitted|need to|rules?)\b", re.I
)
_RULE = re.compile(
    r"\b(?:must|shall|required to|may not|must not|is not allowed|are not allowed)\b", re.I
)


def _value(query: Query, evidence: Evidence) -> float:
    """Retrieval's score, less for code and addresses, more for a rule when a rule is asked."""
    value = evidence.score
    if _CODE.search(evidence.text) or _shouting(evidence.text):
        value -= CODE_PENALTY
    if _ASKS_RULE.search(query.asked) and _RULE.search(evidence.text):
        value += RULE_BONUS
    return value


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _completed(store: Store, evidence: Evidence) -> Evidence:
    """A sentence that opens a list ("There are two ways to check …:") with the list's items."""
    if not evidence.text.rstrip().endswith(":"):
        return evidence
    chunk = store.chunk(evidence.source.chunk_id)
    if chunk is None:
        return evidence
    sentences = split_sentences(str(chunk.text))
    try:
        at = sentences.index(evidence.text)
    except ValueError:
        return evidence
    text = evidence.text
    for following in sentences[at + 1 : at + 1 + LIST_ITEMS]:
        if len(text) + len(following) > MAX_QUOTE_CHARS:
            break
        text = f"{text} {following}"
    return replace(evidence, text=text, key=evidence.original)


def _best_pair(
    query: Query,
    first: list[tuple[Evidence, float]],
    second: list[tuple[Evidence, float]],
    idf: IdfTable,
) -> tuple[Evidence, Evidence]:
    """The best of each; for "which … do both …", the best pair sharing a rare term that the
    question did not use (what both agree on)."""
    if not _AGREEMENT.search(query.asked):
        return first[0][0], second[0][0]
    asked = set(query.stems) | set(query.named.name_stems)
    best: tuple[float, Evidence, Evidence] | None = None
    for a, value_a in first:
        terms_a = {t for t in _terms(a.text) if stem(t) not in asked}
        for b, value_b in second:
            shared = [
                t for t in terms_a & _terms(b.text) if t.isdigit() or idf.idf(t) >= MIN_SHARED_IDF
            ]
            value = value_a + value_b + SHARED_TERM_BONUS * min(2, len(shared))
            if best is None or value > best[0] + 1e-9:
                best = (value, a, b)
    assert best is not None
    return best[1], best[2]


_TERM = re.compile(r"[A-Za-z][\w+-]*[A-Z0-9+][\w+-]*|[A-Z][a-z]+|\b\d+\b")


def _terms(text: str) -> set[str]:
    """Specific terms two documents can agree on: numbers ("8"), names and codes written with
    capitals or digits ("Ctrl+C", "GPG", "SIGINT"); not ordinary words nor sentence openers."""
    found: set[str] = set()
    if _shouting(text):
        return found
    for match in _TERM.finditer(text):
        term = match.group(0).lower().strip("+-")
        if term and term not in STOPWORDS and not (term.isalpha() and len(term) < 2):
            found.add(term)
    return found


def _gist(outline: Outline) -> Sentence | None:
    for sentence in outline.intro:
        if readable(sentence.text):
            return sentence
    for part in outline.parts:
        key = part.key_sentence()
        if key is not None:
            return key
    return None


def _summary_gist(store: Store, document_id: int) -> tuple[str, Source] | None:
    """What the document is for, in the first sentence of the summary the digest wrote of it
    (an opening line such as "Welcome to the garden" or "Rinse the water tank" says less)."""
    notes = document_notes(store, document_id, "document_summary")
    if not notes:
        return None
    first = next((s for s in split_sentences(notes[-1].text) if readable(s)), "")
    found = note_sources(store, [notes[-1].id]).get(notes[-1].id, ())
    if not first or not found:
        return None
    return first, found[0]


def _title_stems(title: str) -> set[str]:
    # "Use of the premises" and "Before first use" share no topic: light verbs name none
    return set(content_stems(title)) - _COMPARE_STEMS - LIGHT_VERB_STEMS


def _compare_documents(store: Store, query: Query, use_notes: bool, idf: IdfTable) -> WholeAnswer:
    """What each document is for, the topics both cover and what each says there, and what
    only one of them covers — from their outlines."""
    ids = list(query.document_ids)
    outlines = {d: outline_of(store, d, use_notes) for d in ids}
    names = {d: _short_name(store, d) for d in ids}
    lines: list[str] = []
    sources: list[Source] = []

    def mark(sentence: Sentence) -> str:
        sources.append(sentence.source)
        return f"“{sentence.text}”" + (f" [{sentence.label}]" if sentence.label else "")

    for d in ids:
        summary = _summary_gist(store, d) if use_notes else None
        if summary is not None:
            text, source = summary
            sources.append(source)
            lines.append(f"{names[d]}: {text}")
            continue
        gist = _gist(outlines[d])
        if gist is not None:
            lines.append(f"{names[d]}: {mark(gist)}")
    a, b = ids
    parts_a = [p for p in outlines[a].parts if p.title]
    parts_b = [p for p in outlines[b].parts if p.title]
    pairs: list[tuple[float, int, int]] = []
    for i, pa in enumerate(parts_a):
        sa = _title_stems(pa.title)
        for j, pb in enumerate(parts_b):
            common = sa & _title_stems(pb.title)
            if common:
                pairs.append((-idf.weight(common), i, j))
    matched_a: set[int] = set()
    matched_b: set[int] = set()
    shared_lines = 0
    for _, i, j in sorted(pairs):
        if i in matched_a or j in matched_b:
            continue
        matched_a.add(i)
        matched_b.add(j)
        if shared_lines >= SHARED_TOPICS:
            continue
        key_a, key_b = parts_a[i].key_sentence(), parts_b[j].key_sentence()
        if key_a is None or key_b is None:
            continue
        shared_lines += 1
        lines.append(
            f"Both cover {parts_a[i].title} / {parts_b[j].title}: {names[a]} says {mark(key_a)}; "
            f"{names[b]} says {mark(key_b)}."
        )
    if not matched_a:
        lines.append("They have no section topic in common.")
    for d, parts, matched in ((a, parts_a, matched_a), (b, parts_b, matched_b)):
        only = [p.title for k, p in enumerate(parts) if k not in matched]
        if only:
            shown = only[:ONLY_TITLES]
            more = f" and {len(only) - len(shown)} more" if len(only) > len(shown) else ""
            lines.append(f"Only {names[d]} covers: {', '.join(shown)}{more}.")
    if not sources:  # neither document has a readable sentence: still cite both
        for d in ids:
            for part in outlines[d].parts:
                if part.sentences:
                    sources.append(part.sentences[0].source)
                    break
    return WholeAnswer("\n".join(lines), list(dict.fromkeys(sources)), "compare")
