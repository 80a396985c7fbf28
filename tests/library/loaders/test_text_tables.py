"""Tables drawn in plain text: which runs of pipes are tables, their rows and header rows."""

from __future__ import annotations

import pytest

from nocturne.library.loaders.text_tables import TextTable, find_tables


def _tables(text: str) -> list[tuple[int, int, TextTable]]:
    return find_tables(text.splitlines())


def test_a_pipe_table_is_found_with_its_span_and_header() -> None:
    lines = "The plans:\n| Plan | Fee |\n|:--|--:|\n| Student | EUR 19 |\n| Adult | EUR 29 |\nEnd."
    assert _tables(lines) == [
        (1, 5, TextTable([["Plan", "Fee"], ["Student", "EUR 19"], ["Adult", "EUR 29"]], 1))
    ]


def test_without_a_separator_a_header_is_a_row_of_labels_over_rows_of_numbers() -> None:
    [(_, _, fees)] = _tables("Plan | Fee\nStudent | EUR 19\nAdult | EUR 29")
    assert fees.header_rows == 1
    [(_, _, names)] = _tables("| Name | Role |\n| Ana | Chair |")
    assert names == TextTable([["Name", "Role"], ["Ana", "Chair"]], 0)


def test_a_database_clients_output_is_a_table_under_its_column_names() -> None:
    psql = " id | name  | price\n----+-------+-------\n  1 | Apple |  0.50\n  2 | Pear  |  0.75"
    assert _tables(psql)[0][2] == TextTable(
        [["id", "name", "price"], ["1", "Apple", "0.50"], ["2", "Pear", "0.75"]], 1
    )
    mysql = (
        "+----+-------+\n| id | name  |\n+----+-------+\n"
        "|  1 | Apple |\n|  2 | Pear  |\n+----+-------+"
    )
    assert _tables(mysql) == [(0, 6, TextTable([["id", "name"], ["1", "Apple"], ["2", "Pear"]], 1))]


def test_a_grid_tables_cells_may_run_over_lines_but_not_across_columns() -> None:
    grid = (
        "+------+--------------+\n"
        "| Name | Note         |\n"
        "+======+==============+\n"
        "| Ana  | Chairs the   |\n"
        "|      | meeting      |\n"
        "+------+--------------+\n"
        "| Bob  | Keeps time   |\n"
        "+------+--------------+"
    )
    rows = [["Name", "Note"], ["Ana", "Chairs the meeting"], ["Bob", "Keeps time"]]
    assert _tables(grid) == [(0, 8, TextTable(rows, 1))]
    spanned = "+-----+-----+\n| a   | b   |\n+-----+-----+\n| spanning  |\n+-----+-----+"
    assert _tables(spanned) == []
    one_row = "+-----+-----+\n| a   | b   |\n+-----+-----+"
    assert _tables(one_row) == []


@pytest.mark.parametrize(
    "text",
    [
        "ps aux | grep foo",
        "$ ps aux | grep foo\n$ ps aux | grep bar",
        "ps aux | grep foo\nlsof -i | wc -l",
        "dmesg | tail -20\njournalctl | less",
        "flags = O_RDONLY | O_CREAT;\nmode = S_IRUSR | S_IWUSR;",
        "if (a || b) x = 1 | 2\nif (c || d) y = 3 | 4",
        "SCO|Caldera UnixWare\nSCO|Caldera OpenServer",
        "expr ::= term | expr + term\nterm ::= factor | term * factor",
        "| The latest release is always |\n| available from the site.      |",
        ".\n|-- src\n|   |-- main.py\n|   |   `-- x\n|   |   `-- y\n`-- README",
        " +------+     +------+\n | app  | --> | db   |\n +------+     +------+",
        "2024-05-01 10:00:01 | INFO | started\n2024-05-01 10:00:02 | WARNING | disk full",
    ],
    ids=[
        "one-line",
        "prompts",
        "filters",
        "filter-options",
        "code",
        "logical-or",
        "tight-pipes",
        "grammar",
        "boxed-notice",
        "tree",
        "ascii-art",
        "unaligned-log",
    ],
)
def test_pipes_that_draw_no_table_are_left_alone(text: str) -> None:
    assert _tables(text) == []
