"""EPUB: spine order through the HTML walker, nav not read twice, damage reported clearly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from nocturne.errors import IngestError
from nocturne.library.blocks import HEADING, TOC
from nocturne.library.loaders import load
from nocturne.library.loaders.epub import load_epub

from support import SHARED

CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def _opf(title: str, spine: list[str]) -> str:
    refs = "".join(f'<itemref idref="{idref}"/>' for idref in spine)
    return (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
        "</metadata><manifest>"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="c2" href="text/two.xhtml#part" media-type="application/xhtml+xml"/>'
        '<item id="gone" href="text/missing.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="css" href="style.css" media-type="text/css"/>'
        f"</manifest><spine>{refs}</spine></package>"
    )


def _chapter(heading: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>x</title></head><body><h1>{heading}</h1><p>{body}</p></body></html>"
    )


def _epub(path: Path, title: str, spine: list[str], *, opf: bool = True) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER)
        if opf:
            archive.writestr("OEBPS/content.opf", _opf(title, spine))
        archive.writestr("OEBPS/nav.xhtml", _chapter("Contents", "Chapter one, Chapter two"))
        archive.writestr("OEBPS/text/one.xhtml", _chapter("1. Chapter one", "First words."))
        archive.writestr("OEBPS/text/two.xhtml", _chapter("2. Chapter two", "Second words."))
    return path


def test_spine_order_duplicates_nav_and_missing_items(tmp_path: Path) -> None:
    path = _epub(tmp_path / "a.epub", "my-book", ["nav", "c2", "c1", "c2", "gone", "css", "nope"])
    doc = load(path, path.read_bytes())
    assert [b.text for b in doc.blocks] == [
        "2. Chapter two",
        "Second words.",
        "1. Chapter one",
        "First words.",
    ]
    assert [b.number for b in doc.blocks if b.kind == HEADING] == ["2", "1"]
    assert doc.title == "2. Chapter two"  # "my-book" is a slug
    assert any("missing" in remark for remark in doc.remarks)
    assert any("nope" in remark for remark in doc.remarks)


def test_a_real_title_is_kept(tmp_path: Path) -> None:
    path = _epub(tmp_path / "b.epub", "The Garden Book", ["c1"])
    assert load(path, path.read_bytes()).title == "The Garden Book"


def test_damaged_epubs(tmp_path: Path) -> None:
    (tmp_path / "cut.epub").write_bytes(_epub(tmp_path / "x.epub", "t", ["c1"]).read_bytes()[:60])
    _epub(tmp_path / "noopf.epub", "t", ["c1"], opf=False)
    for name, reason in (("cut.epub", "not a valid EPUB"), ("noopf.epub", "no package document")):
        path = tmp_path / name
        with pytest.raises(IngestError, match=reason):
            load(path, path.read_bytes())


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _package(manifest: str, spine: str, title: str = "") -> str:
    return (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
        f"</metadata><manifest>{manifest}</manifest>{spine}</package>"
    )


def test_without_a_container_the_package_is_found_by_name_and_ncx_is_not_text() -> None:
    manifest = (
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        '<item id="a" href="My%20Chapter.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="pic" href="cover.jpg" media-type="image/jpeg"/>'
    )
    spine = (
        '<spine toc="ncx"><itemref idref="ncx"/><itemref idref="pic"/><itemref idref="a"/></spine>'
    )
    data = _zip(
        {
            "book/package.opf": _package(manifest, spine, "A Garden Year"),
            "book/toc.ncx": "<ncx><navMap><text>Never body text</text></navMap></ncx>",
            "book/cover.jpg": "not really a picture",
            "book/My Chapter.xhtml": _chapter("Spring", "Sow the beans."),
        }
    )
    doc = load_epub(Path("garden.epub"), data)
    assert [b.text for b in doc.blocks] == ["Spring", "Sow the beans."]
    assert doc.title == "A Garden Year"
    assert doc.remarks == ["book/cover.jpg: image/jpeg is not a text item; skipped"]


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (
            {"META-INF/container.xml": CONTAINER, "OEBPS/content.opf": _package("", "<spine/>")},
            "its spine lists no chapters",
        ),
        ({"META-INF/container.xml": "<container"}, "unreadable container.xml"),
        (
            {"META-INF/container.xml": CONTAINER, "OEBPS/content.opf": "<package"},
            "unreadable package document",
        ),
    ],
)
def test_a_broken_package_is_an_ingest_error_naming_what_is_wrong(
    files: dict[str, str], reason: str
) -> None:
    with pytest.raises(IngestError, match=reason) as raised:
        load_epub(Path("book.epub"), _zip(files))
    assert raised.value.path == "book.epub"


def test_real_developers_reference() -> None:
    path = SHARED / "eval" / "structured" / "docs" / "developers-reference.epub"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    doc = load(path, path.read_bytes())
    headings = {b.number: b for b in doc.blocks if b.kind == HEADING}
    assert headings["5.12"].text == "5.12. Package Salvaging" and headings["5.12"].level == 2
    assert headings["5"].level == 1
    assert doc.title == "Debian Developer's Reference"
    assert sum(b.kind == TOC for b in doc.blocks) > 100  # the book's contents, not headings
