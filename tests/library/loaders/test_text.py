"""Plain text and code: paragraphs, inferred headings, licence clauses and contents lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.errors import IngestError
from nocturne.library.blocks import CODE, HEADING, TEXT, TOC
from nocturne.library.loaders import SUPPORTED_SUFFIXES, decode_text, kind_of, load
from nocturne.library.loaders.text import load_code, paragraphs, plain_blocks
from nocturne.library.loaders.text_tables import find_tables

from support import SHARED

DOCS = SHARED / "eval" / "structured" / "docs"


def _load(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    return load(path, path.read_bytes())


def test_public_names_are_kept() -> None:
    assert ".epub" in SUPPORTED_SUFFIXES and kind_of(Path("a.epub")) == "epub"
    assert kind_of(Path("a.PDF")) == "pdf" and kind_of(Path("a.zip")) is None
    text = "Le café de la gare ouvre à sept heures, et les élèves déjeunent à midi."
    assert decode_text(Path("a.txt"), text.encode("cp1252")) == text


def test_wrapped_lines_are_joined_and_paragraphs_split(tmp_path: Path) -> None:
    doc = _load(
        tmp_path, "a.txt", "The garden opens\nat seven.\n\nWatering is allowed\nbefore ten.\n"
    )
    assert [b.text for b in doc.blocks] == [
        "The garden opens at seven.",
        "Watering is allowed before ten.",
    ]
    assert all(b.kind == TEXT and b.page is None for b in doc.blocks)


def test_numbered_headings_levels_and_a_contents_list(tmp_path: Path) -> None:
    text = (
        "Contents:\n\n1.0\tGeneral\n1.1\tWhat is it?\n1.2\tWhere is it?\n1.2.1\tMirrors\n\n"
        "1.0\tGeneral\n\n1.1\tWhat is it?\n\n\tIt is a tool.\n\n1.2\tWhere is it?\n\n"
        "\tOn a server.\n\n1.2.1\tMirrors\n\n\tThere are two.\n\n"
        "\t1.  Follow the steps in\n\t    the file.\n"
    )
    doc = _load(tmp_path, "faq.txt", text)
    headings = [(b.number, b.level, b.text) for b in doc.blocks if b.kind == HEADING]
    assert headings == [
        ("1.0", 1, "1.0 General"),
        ("1.1", 2, "1.1 What is it?"),
        ("1.2", 2, "1.2 Where is it?"),
        ("1.2.1", 3, "1.2.1 Mirrors"),
    ]
    assert [b.text for b in doc.blocks if b.kind == TOC][1:] == [
        "1.0 General",
        "1.1 What is it?",
        "1.2 Where is it?",
        "1.2.1 Mirrors",
    ]
    assert doc.blocks[-1].text == "1. Follow the steps in the file."
    assert doc.blocks[-1].kind == TEXT


def test_licence_clauses_and_capital_headings(tmp_path: Path) -> None:
    body = " ".join(["word"] * 12)
    text = (
        "                                   TERMS AND CONDITIONS\n\n"
        f"  0. This License applies to any library, {body}.\n\n"
        f"  1. You may copy and distribute verbatim copies, {body}.\n\n"
        f"  2. You may modify your copy, {body}.\n\n"
        "                                        NO WARRANTY\n\n"
        f"  3. BECAUSE THE LIBRARY IS FREE, {body}.\n"
    )
    doc = _load(tmp_path, "licence.txt", text)
    headings = [(b.number, b.level, b.text) for b in doc.blocks if b.kind == HEADING]
    assert headings[0] == ("", 1, "TERMS AND CONDITIONS")
    assert headings[1] == ("0", 2, "0. This License applies to any library")
    assert ("", 1, "NO WARRANTY") in headings and headings[-1][0] == "3"
    # Each clause keeps all its words in a text block after its heading.
    assert f"0. This License applies to any library, {body}." in [b.text for b in doc.blocks]
    assert doc.title == "TERMS AND CONDITIONS"


def test_same_level_headings_and_no_headings(tmp_path: Path) -> None:
    doc = _load(tmp_path, "flat.txt", "Just one line of prose here, nothing more.\n")
    assert [b.kind for b in doc.blocks] == [TEXT] and doc.title == ""


def test_code_is_one_stream_without_headings(tmp_path: Path) -> None:
    doc = _load(tmp_path, "a.py", "# 1.2 Title\nimport os\n\n\ndef f():\n    return 1\n")
    assert {b.kind for b in doc.blocks} == {CODE}
    assert "import os" in doc.blocks[0].text


@pytest.mark.parametrize("data,reason", [(b"", "the file is empty"), (b"\x00\x01" * 50, "binary")])
def test_bad_text_input(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    with pytest.raises(IngestError, match=reason):
        load(path, data)


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfcaf\xc3\xa9 cr\xc3\xa8me",  # UTF-8 with BOM
        "café crème".encode("utf-16"),  # UTF-16 with its BOM, little-endian
        "\ufeffcafé crème".encode("utf-16-be"),
    ],
)
def test_decode_text_reads_boms(data: bytes) -> None:
    assert decode_text(Path("a.txt"), data) == "café crème"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfeA", "damaged UTF-16 text"),  # an odd number of bytes after the BOM
        (b"rent is due\x00on the third", "binary data, not text"),
    ],
)
def test_decode_text_refuses_damage_and_binary_data(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason) as raised:
        decode_text(Path("notes.txt"), data)
    assert raised.value.path == "notes.txt"


def test_paragraphs_split_at_blank_lines_and_drop_decoration() -> None:
    text = "one\r\ntwo  \n \t \n*****\nthree\tcol\n_____\n\n\n"
    assert paragraphs(text) == [["one", "two"], ["three   col"]]  # tabs kept, as spaces
    assert paragraphs("") == []


def test_code_blocks_split_at_blank_lines_and_never_guess_headings() -> None:
    doc = load_code(
        Path("a.py"), b"# 1.2 Title\nimport os\n\n\n\nNOTES\n\ndef f():\n    return 1\n"
    )
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (CODE, "# 1.2 Title import os"),
        (CODE, "NOTES"),
        (CODE, "def f(): return 1"),
    ]
    assert doc.title == ""


def test_capital_and_title_case_lines_are_headings_but_sentences_are_not() -> None:
    blocks = plain_blocks(
        "PREAMBLE\n\nSome text here that is long enough to be a body paragraph line.\n\n"
        "How to Apply These Terms\n\nmore text, lower case, in a sentence.\n\n"
        "Ends With A Full Stop.\n"
    )
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        (HEADING, 1, "PREAMBLE"),
        (TEXT, 0, "Some text here that is long enough to be a body paragraph line."),
        (HEADING, 2, "How to Apply These Terms"),
        (TEXT, 0, "more text, lower case, in a sentence."),
        (TEXT, 0, "Ends With A Full Stop."),
    ]
    assert plain_blocks("") == []


def test_a_numbered_line_out_of_sequence_stays_text() -> None:
    blocks = plain_blocks("1.1\tStart\n\nBody.\n\n7.4\tStray number\n\nMore body.\n")
    assert [(b.kind, b.text) for b in blocks] == [
        (HEADING, "1.1 Start"),
        (TEXT, "Body."),
        (TEXT, "7.4 Stray number"),
        (TEXT, "More body."),
    ]


def test_a_short_heading_line_right_above_its_body_stays_its_own_heading() -> None:
    blocks = plain_blocks(
        "RESIDENTIAL LEASE AGREEMENT\n\n"
        "1. TERM\nThe lease begins on April 1, 2025 and ends on March 31, 2026. After\n"
        "that the lease continues month to month unless either party gives notice.\n\n"
        "2. RENT\nMonthly rent is $1,990, due on the 1st day of each month. Rent paid after\n"
        "the 5th day of the month incurs a late fee of $75.\n\n"
        "3. SECURITY DEPOSIT\nTenant shall pay a security deposit of $2,775 before moving in.\n\n"
        "Pets And Animals\nTenant may keep one cat or one dog under 30 pounds, no reptiles.\n\n"
        "4.1 Nested Number\nA dotted number out of sequence is no heading, it is body text.\n"
    )
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        (HEADING, 1, "RESIDENTIAL LEASE AGREEMENT"),
        (HEADING, 2, "1. TERM"),
        (
            TEXT,
            0,
            "The lease begins on April 1, 2025 and ends on March 31, 2026. After that the lease "
            "continues month to month unless either party gives notice.",
        ),
        (HEADING, 2, "2. RENT"),
        (
            TEXT,
            0,
            "Monthly rent is $1,990, due on the 1st day of each month. Rent paid after the 5th "
            "day of the month incurs a late fee of $75.",
        ),
        (HEADING, 2, "3. SECURITY DEPOSIT"),
        (TEXT, 0, "Tenant shall pay a security deposit of $2,775 before moving in."),
        (HEADING, 2, "Pets And Animals"),
        (TEXT, 0, "Tenant may keep one cat or one dog under 30 pounds, no reptiles."),
        (
            TEXT,
            0,
            "4.1 Nested Number A dotted number out of sequence is no heading, it is body text.",
        ),
    ]
    assert [b.number for b in blocks if b.kind == HEADING] == ["", "1", "2", "3", ""]


def test_a_line_over_its_body_is_no_heading_when_it_reads_as_body() -> None:
    blocks = plain_blocks(
        "The garden opens\nat seven in the morning and closes at nine in the evening.\n\n"
        "Note: call first\nbefore you come, the gate is locked on public holidays.\n\n"
        "\tAIX V3\n\t  APAR=ix49183\n\t      user process hangs forever in kernel\n\n"
        "    GNU LESSER GENERAL PUBLIC LICENSE\n  TERMS AND CONDITIONS FOR COPYING AND USE\n"
    )
    assert [b.kind for b in blocks[:3]] == [TEXT, TEXT, TEXT]
    assert blocks[0].text.startswith("The garden opens at seven")


def _real(name: str) -> Path:
    path = DOCS / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


def test_real_lsof_faq() -> None:
    path = _real("lsof-FAQ.txt")
    doc = load(path, path.read_bytes())
    headings = {b.number: b for b in doc.blocks if b.kind == HEADING}
    assert doc.title == "Frequently Asked Questions about lsof"
    assert headings["1.0"].level == 1 and headings["3.2"].level == 2
    assert headings["13.3"].text == "13.3 <sys/pipe.h> problems"
    toc = [b for b in doc.blocks if b.kind == TOC]
    assert len(toc) > 300 and len(headings) > 300
    assert not any(b.kind == HEADING for b in doc.blocks[1 : len(toc) // 2])


def test_real_lgpl() -> None:
    path = _real("LGPL-2.1.txt")
    doc = load(path, path.read_bytes())
    clauses = [b for b in doc.blocks if b.kind == HEADING and b.number]
    assert [b.number for b in clauses] == [str(n) for n in range(17)]
    assert clauses[6].text == "6. As an exception to the Sections above"
    assert any(b.text == "Preamble" for b in doc.blocks if b.kind == HEADING)


def test_a_contracts_numbered_clauses_are_text_not_a_table_of_contents(tmp_path: Path) -> None:
    """Numbered lines that are statements were read as contents entries, and a contents entry is
    not kept as text: every clause of the contract was lost."""
    from nocturne.library.blocks import TOC
    from nocturne.library.loaders.text import load_plain

    contract = tmp_path / "gym.txt"
    contract.write_text(
        "GYM MEMBERSHIP AGREEMENT\n\n"
        "1. Definitions\n"
        '1.1 "Club" means Ironworks Fitness Club Ltd and any of its branches.\n'
        '1.2 "Peak hours" means 17:00 to 20:00 on weekdays.\n\n'
        "2. Membership Fees\n"
        "2.1 Fees are payable monthly in advance by direct debit.\n"
        "2.4 A late payment charge of £8 applies to any direct debit that fails.\n",
        encoding="utf-8",
    )
    blocks = load_plain(contract, contract.read_bytes()).blocks
    assert not [b for b in blocks if b.kind == TOC]
    assert any("late payment charge of £8" in b.text for b in blocks)
    contents = tmp_path / "toc.txt"
    contents.write_text(
        "Contents\n\n1. Introduction\n2. Getting started\n3. Where do I get it?\n4. Limits\n",
        encoding="utf-8",
    )
    assert [b.kind for b in load_plain(contents, contents.read_bytes()).blocks].count(TOC) >= 4


GYM_FEES = """GYM MEMBERSHIP AGREEMENT

3. Plans and Fees
The plans on offer are:
| Plan    | Monthly fee | Joining fee |
|---------|------------:|:-----------:|
| Student | EUR 19      | EUR 0       |
| Adult   | EUR 29      | EUR 25      |
Fees are payable monthly in advance.
"""


def test_a_pipe_table_in_plain_text_reads_row_by_row_under_its_headers(tmp_path: Path) -> None:
    """Its lines were one paragraph of text, and "the joining fee for the Student plan" was
    answered with the monthly fee, the number next to "Student"."""
    blocks = _load(tmp_path, "gym.txt", GYM_FEES).blocks
    texts = [b.text for b in blocks if b.kind == TEXT]
    assert texts == [
        "The plans on offer are:",
        "Plan Student: Monthly fee EUR 19; Joining fee EUR 0.",
        "Plan Adult: Monthly fee EUR 29; Joining fee EUR 25.",
        "Fees are payable monthly in advance.",
    ]
    assert [b.text for b in blocks if b.kind == HEADING][-1] == "3. Plans and Fees"


@pytest.mark.parametrize(
    "table",
    [
        "Plan | Monthly fee | Joining fee\n---|---|---\nStudent | EUR 19 | EUR 0\n",
        "Plan|Monthly fee|Joining fee\n:--|--:|--:\nStudent|EUR 19|EUR 0\n",
        "Plan | Monthly fee | Joining fee\nStudent | EUR 19 | EUR 0\nAdult | EUR 29 | EUR 25\n",
    ],
    ids=["separator", "tight", "labels-over-numbers"],
)
def test_a_pipe_table_needs_no_outer_pipes(table: str) -> None:
    texts = [b.text for b in plain_blocks(table)]
    assert texts[0] == "Plan Student: Monthly fee EUR 19; Joining fee EUR 0."


def test_a_key_value_table_in_plain_text_reads_as_its_names_and_values() -> None:
    table = "| Item | Value |\n|---|---|\n| Battery life | 65 minutes |\n| Weight | 1.2 kg |\n"
    assert [b.text for b in plain_blocks(table)] == ["Battery life: 65 minutes.", "Weight: 1.2 kg."]


def test_a_grid_table_in_plain_text_reads_row_by_row() -> None:
    grid = (
        "+---------+-------------+\n"
        "| Setting | Speed (RPM) |\n"
        "+=========+=============+\n"
        "| 5       | 12,000      |\n"
        "+---------+-------------+\n"
        "| Pulse   | 22,000, for |\n"
        "|         | short bursts|\n"
        "+---------+-------------+\n"
    )
    assert [b.text for b in plain_blocks(grid)] == [
        "Setting 5: Speed (RPM) 12,000.",
        "Setting Pulse: Speed (RPM) 22,000, for short bursts.",
    ]


def test_shell_pipelines_code_and_a_line_with_a_pipe_stay_text() -> None:
    text = (
        "Find the process with:\n\n"
        "    $ ps aux | grep foo\n    $ ps aux | grep bar\n\n"
        "    ps aux | grep nocturne\n    lsof -i | wc -l\n\n"
        "    flags = O_RDONLY | O_CREAT;\n    mode = S_IRUSR | S_IWUSR;\n\n"
        "Our partner SCO|Caldera ships it | see the notes.\n\n"
        "| The latest release is always available |\n| from the project's site.   |\n"
    )
    assert [b.text for b in plain_blocks(text)] == [
        "Find the process with:",
        "$ ps aux | grep foo $ ps aux | grep bar",
        "ps aux | grep nocturne lsof -i | wc -l",
        "flags = O_RDONLY | O_CREAT; mode = S_IRUSR | S_IWUSR;",
        "Our partner SCO|Caldera ships it | see the notes.",
        "| The latest release is always available | | from the project's site. |",
    ]


def test_the_structured_sets_text_documents_hold_no_table() -> None:
    """They load block for block as before tables were looked for (checked by hand too): their
    shell pipelines, "SCO|Caldera" and boxed notice are text."""
    for name in ("lsof-FAQ.txt", "LGPL-2.1.txt"):
        text = _real(name).read_text(encoding="utf-8", errors="replace")
        assert find_tables(text.splitlines()) == []
    blocks = plain_blocks(_real("lsof-FAQ.txt").read_text(encoding="utf-8", errors="replace"))
    assert any(
        b.text == "$ nm -x /dev/ksyms | grep 0x10472f10 0x10472f10 ... |file_system_name_vnodeops"
        for b in blocks
    )
