"""Two small documents for digest tests, stored directly (chunked like ingest, no loaders)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from nocturne.library.chunking import PageText, chunk_pages
from nocturne.library.store import Store

from fakes.engine import FakeEngine

OIL = [
    "The 1973 oil crisis began in October 1973 when OPEC members proclaimed an oil embargo. "
    "By the end of the embargo in March 1974, the price of oil had risen from 3 dollars per "
    "barrel to nearly 12 dollars. The embargo was targeted at nations perceived as supporting "
    "Israel during the Yom Kippur War.",
    "In 1973, Nixon named William E. Simon as the first Administrator of the Federal Energy "
    "Office. The Federal Energy Office was a short-term organization created to coordinate the "
    "response to the embargo. In the last week of February 1974, 20% of American gasoline "
    "stations had no fuel.",
    "The crisis led to greater interest in renewable energy and nuclear power. Fuel economy "
    "standards were introduced in 1975 and cars must reach 27.5 miles per gallon by 1985. The "
    "default speed limit was lowered to 55 miles per hour to save fuel.",
]

FOREST = [
    "The Amazon rainforest is a moist broadleaf forest that covers most of the Amazon basin of "
    "South America. The basin encompasses 7,000,000 square kilometres, of which 5,500,000 square "
    "kilometres are covered by the rainforest. The majority of the forest is contained within "
    "Brazil, with 60% of the rainforest.",
    "Deforestation in the Amazon rose between 1991 and 2000 as cattle ranching spread. After the "
    "oil embargo of 1973 the price of oil rose, and oil exploration roads opened the forest to "
    "settlers. The embargo also raised fuel costs for farmers, so fuel from sugar cane became "
    "popular in Brazil.",
]


def add_document(store: Store, name: str, pages: Sequence[str], *, chunk_tokens: int = 40) -> int:
    """Store `pages` (1-based page numbers) as a document chunked like ingest does."""
    counter = FakeEngine()
    drafts = chunk_pages(
        [PageText(i + 1, text) for i, text in enumerate(pages)],
        counter,
        chunk_tokens=chunk_tokens,
        overlap_tokens=8,
    )
    content = "\f".join(pages)
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="pdf",
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
        size=len(content),
        mtime=0.0,
        pages=len(pages),
        chunks=drafts,
    )
