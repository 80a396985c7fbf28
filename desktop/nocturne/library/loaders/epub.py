"""EPUB 2 and 3: the spine's XHTML items, in order, through the HTML block walker.

The package document (OPF) is found through META-INF/container.xml, as readers do. An item
listed twice in the spine is read once; the navigation document (EPUB 3 `properties="nav"`)
and the NCX are not body text, so they are not read again as such. A missing or unreadable
item is skipped with a remark; a missing container or OPF is a clear `IngestError`.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

from nocturne.errors import IngestError
from nocturne.library.blocks import Block, LoadedDocument
from nocturne.library.loaders.common import pick_title, squash
from nocturne.library.loaders.html import parse, soup_blocks

_XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml"}
_MAX_ITEM_BYTES = 50_000_000  # a zip bomb is not a chapter


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(name))


def load_epub(path: Path, data: bytes) -> LoadedDocument:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(
            "not a valid EPUB file (damaged, or not a zip archive)", path=str(path)
        ) from exc
    with archive:
        try:
            return _read(path, archive)
        except IngestError:
            raise
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError) as exc:
            raise IngestError(
                f"damaged EPUB file ({type(exc).__name__}: {exc})", path=str(path)
            ) from exc


def _opf_path(path: Path, archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "META-INF/container.xml" in names:
        try:
            container = _xml(archive, "META-INF/container.xml")
        except ElementTree.ParseError as exc:
            raise IngestError(
                "damaged EPUB file (unreadable container.xml)", path=str(path)
            ) from exc
        for element in container.iter():
            if _local(element.tag) == "rootfile" and element.get("full-path") in names:
                return str(element.get("full-path"))
    opfs = sorted(name for name in names if name.lower().endswith(".opf"))
    if opfs:
        return opfs[0]
    raise IngestError("not a valid EPUB file (no package document, .opf)", path=str(path))


def _read(path: Path, archive: zipfile.ZipFile) -> LoadedDocument:
    opf_name = _opf_path(path, archive)
    try:
        opf = _xml(archive, opf_name)
    except ElementTree.ParseError as exc:
        raise IngestError(
            "damaged EPUB file (unreadable package document)", path=str(path)
        ) from exc
    base = posixpath.dirname(opf_name)
    manifest: dict[str, tuple[str, str, str]] = {}  # id -> (zip name, media type, properties)
    spine: list[str] = []
    toc_id = ""
    title = ""
    for element in opf.iter():
        name = _local(element.tag)
        if name == "item" and element.get("id") and element.get("href"):
            href = unquote(str(element.get("href")).split("#", 1)[0])
            manifest[str(element.get("id"))] = (
                posixpath.normpath(posixpath.join(base, href)),
                str(element.get("media-type", "")),
                str(element.get("properties", "")),
            )
        elif name == "itemref" and element.get("idref"):
            spine.append(str(element.get("idref")))  # linear="no" items are read too
        elif name == "spine":
            toc_id = str(element.get("toc", ""))
        elif name == "title" and not title and element.text:
            title = squash(element.text)
    remarks: list[str] = []
    blocks: list[Block] = []
    seen: set[str] = set()
    names = set(archive.namelist())
    for idref in spine:
        item = manifest.get(idref)
        if item is None:
            remarks.append(f"spine entry {idref!r} is not in the manifest; skipped")
            continue
        zip_name, media_type, properties = item
        if zip_name in seen:
            continue
        seen.add(zip_name)
        if "nav" in properties.split() or idref == toc_id or media_type.endswith("dtbncx+xml"):
            continue  # the navigation document: structure, already in the chapters' headings
        if media_type and media_type not in _XHTML_TYPES:
            remarks.append(f"{zip_name}: {media_type} is not a text item; skipped")
            continue
        if zip_name not in names:
            remarks.append(f"{zip_name} is listed but missing from the archive; skipped")
            continue
        info = archive.getinfo(zip_name)
        if info.file_size > _MAX_ITEM_BYTES:
            remarks.append(f"{zip_name} is too large ({info.file_size} bytes); skipped")
            continue
        try:
            markup = archive.read(zip_name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            remarks.append(f"{zip_name} could not be read ({exc}); skipped")
            continue
        blocks.extend(soup_blocks(parse(markup)))
    if not spine:
        raise IngestError("not a valid EPUB file (its spine lists no chapters)", path=str(path))
    return LoadedDocument(blocks, title=pick_title(title, blocks, path), remarks=remarks)
