"""Which documents `nocturne digest PATH...` names (`sleeptime/selection.py`): files, folders,
each document once, unknown paths refused, unreadable documents named with why."""

from __future__ import annotations

import pytest

from nocturne.errors import KnownError
from nocturne.library.digest_documents import set_digest_state
from nocturne.library.ocr_pages import NEEDS_OCR
from nocturne.library.store import ChunkDraft, Store
from nocturne.sleeptime.selection import Selection, select_documents


def add(store: Store, path: str, text: str = "The boiler is serviced every May.") -> int:
    chunks = [ChunkDraft(0, None, text, 8)] if text else []
    return store.save_document(
        path=path,
        name=path.rsplit("/", 1)[-1],
        kind="txt",
        content_hash=path,
        size=len(text),
        mtime=0.0,
        pages=None,
        chunks=chunks,
    )


def test_a_file_and_a_folder_name_their_documents_each_once_in_the_order_given(
    store: Store,
) -> None:
    lease = add(store, "/docs/lease.txt")
    gate = add(store, "/docs/sub/gate.txt")
    boiler = add(store, "/docs/sub/boiler.txt")
    add(store, "/elsewhere/other.txt")
    chosen = select_documents(store, ["/docs/sub/boiler.txt", "/docs/sub", "/docs/lease.txt"])
    assert chosen == Selection((boiler, gate, lease), ())
    assert select_documents(store, ["/docs/"]).document_ids == (lease, gate, boiler)


def test_a_folder_is_not_a_prefix_of_a_longer_name(store: Store) -> None:
    add(store, "/docs/sub/gate.txt")
    with pytest.raises(KnownError, match="not in the library: /docs/su "):
        select_documents(store, ["/docs/su"])


def test_paths_not_in_the_library_are_all_named_before_anything_runs(store: Store) -> None:
    add(store, "/docs/lease.txt")
    with pytest.raises(KnownError) as one:
        select_documents(store, ["/docs/lease.txt", "/docs/nope.md"])
    assert str(one.value) == (
        "not in the library: /docs/nope.md (`nocturne add` adds it; "
        "`nocturne status` lists the documents)"
    )
    with pytest.raises(KnownError) as two:
        select_documents(store, ["/a.md", "/docs/lease.txt", "/b.md"])
    assert str(two.value).startswith("not in the library: /a.md, /b.md (`nocturne add` adds them;")


def test_documents_with_nothing_to_digest_are_named_with_why_and_the_others_go_on(
    store: Store,
) -> None:
    good = add(store, "/docs/good.txt")
    add(store, "/docs/blank.txt", text="")
    store.record_error(path="/docs/broken.pdf", name="broken.pdf", kind="pdf", error="bad xref")
    chosen = select_documents(store, ["/docs"])
    assert chosen.document_ids == (good,)
    assert chosen.unreadable == (
        "blank.txt: nothing to digest (no text was found in it)",
        "broken.pdf: nothing to digest (bad xref)",
    )


def test_a_scan_waiting_for_ocr_is_digested_though_it_has_no_text_yet(store: Store) -> None:
    scan = add(store, "/docs/scan.pdf", text="")
    set_digest_state(store, scan, NEEDS_OCR, learned_stale=False)
    assert select_documents(store, ["/docs/scan.pdf"]) == Selection((scan,), ())


def test_a_good_version_kept_after_a_failed_update_is_still_digested(store: Store) -> None:
    lease = add(store, "/docs/lease.txt")
    store.record_error(path="/docs/lease.txt", name="lease.txt", kind="txt", error="locked")
    assert select_documents(store, ["/docs/lease.txt"]) == Selection((lease,), ())
