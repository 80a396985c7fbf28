"""Tables drawn with characters in plain text: pipe tables and grid tables.

A .txt file has no table markup, yet people draw tables in it: "Plan | Monthly fee" rows, with
or without outer pipes and a "---|---" line under the header, or reStructuredText's grid of
"+----+----+" borders around "| a | b |" rows. Read as prose, their rows run together and a
number loses its column; found here, they are read like any other format's table
(`common.table_blocks`).

A pipe alone is no table: plain text holds shell pipelines ("ps aux | grep foo"), code
("O_RDONLY | O_CREAT;"), grammars and boxed notices ("| The latest release is ... |", one cell).
A table is at least two lines of the same two or more cells, and without a separator line it
must also look drawn: pipes set apart by spaces, and outer pipes on every row, pipes aligned
in padded columns, or a header row of labels over rows of numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from nocturne.library.loaders.common import labels_over_values, squash


@dataclass(frozen=True)
class TextTable:
    """A table found in plain text: its rows of cells and how many of them are headers."""

    rows: list[list[str]]
    header_rows: int


_SEPARATOR_CELL = re.compile(r"^:?[-=]+:?$")
_GRID_BORDER = re.compile(r"^\s*\+(?:[-=]+\+){2,}$")
# A shell prompt ("$ ", "% ", "# ", "user@host:~$ ") starts a command line, not a table row.
_PROMPT = re.compile(r"^(?:[$%#>]|[\w.-]+@[\w.:~/-]*[$#%>])\s")
# What stands right of a pipe in a shell pipeline: a filter reading the command's output.
_FILTER = re.compile(
    r"^(?:e?grep|fgrep|awk|sed|xargs|wc|uniq|tee|jq|tr)\b"
    r"|^(?:sort|less|more|head|tail|cut|tar)(?:\s+-|$)"  # English words too: only as commands
)
_CODE_ENDINGS = (";", "{", "}", "\\", ",", "(")


def find_tables(lines: list[str]) -> list[tuple[int, int, TextTable]]:
    """The tables among a paragraph's lines, as (first line, line after the last, table)."""
    found = []
    index = 0
    while index < len(lines):
        match = _grid_table_at(lines, index) or _pipe_table_at(lines, index)
        if match is None:
            index += 1
            continue
        end, table = match
        if table is not None:
            found.append((index, end, table))
        index = max(end, index + 1)
    return found


def _pipe_table_at(lines: list[str], start: int) -> tuple[int, TextTable | None] | None:
    """The pipe table whose first row is `lines[start]`: (end, table); (end, None) when the
    lines from `start` to `end` share their cells but are no table, so none starts inside."""
    first = _pipe_cells(lines[start])
    if first is None or _separator(lines[start], len(first)):
        return None
    rows, drawn = [first], [lines[start]]
    marked = False  # a separator line right under the first row: the header's
    index = start + 1
    while index < len(lines):
        if _separator(lines[index], len(first)):
            marked = marked or len(rows) == 1
            index += 1
            continue
        cells = _pipe_cells(lines[index])
        if cells is None or len(cells) != len(first):
            break
        rows.append(cells)
        drawn.append(lines[index])
        index += 1
    if len(rows) < 2:
        return None
    if marked:
        return index, TextTable(rows, 1)
    if not _drawn(drawn, rows):
        return index, None
    return index, TextTable(rows, 1 if labels_over_values(rows) else 0)


def _pipe_cells(line: str) -> list[str] | None:
    """A line's cells between pipes, outer pipes optional ("| a | b |", "a | b"); None if
    fewer than two ("| a boxed notice |" is one)."""
    inner = line.strip()
    if "|" not in inner:
        return None
    inner = inner.removeprefix("|").removesuffix("|")
    cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]
    return cells if len(cells) >= 2 else None


def _separator(line: str, width: int) -> bool:
    """A "---|---", "|:---|---:|", "=== | ===" or psql's "----+----" line of as many cells as
    the table's rows."""
    stripped = line.strip()
    if not stripped or stripped.strip("-=:|+ ") or not stripped.strip("|+ "):
        return False
    cells = [cell.strip() for cell in re.split(r"[|+]", stripped.strip("|+"))]
    return len(cells) == width and all(_SEPARATOR_CELL.match(cell) for cell in cells)


def _drawn(lines: list[str], rows: list[list[str]]) -> bool:
    """Whether rows without a separator line were drawn as a table rather than written as
    commands or code: no prompt, filter or statement end, pipes set apart by spaces, and one
    more sign of a table (outer pipes, padded columns, labels over numbers)."""
    for line, cells in zip(lines, rows, strict=True):
        stripped = line.strip()
        if _PROMPT.match(stripped) or "||" in stripped or stripped.endswith(_CODE_ENDINGS):
            return False
        if any(_FILTER.match(cell) for cell in cells[1:]) or not _spaced_pipes(stripped):
            return False
    if not all(any(row[column] for row in rows) for column in range(len(rows[0]))):
        return False  # a column of nothing: a tree's "|   |-- src" guides, not cells
    outer = all(line.strip().startswith("|") and line.strip().endswith("|") for line in lines)
    return outer or _aligned(lines) or labels_over_values(rows)


def _spaced_pipes(line: str) -> bool:
    """Every pipe has a space (or the line's end) on both sides: "a | b", not "SCO|Caldera"."""
    return all(
        (index == 0 or line[index - 1].isspace())
        and (index == len(line) - 1 or line[index + 1].isspace())
        for index, char in enumerate(line)
        if char == "|"
    )


def _aligned(lines: list[str]) -> bool:
    """Pipes at the same columns on every line, and padding before some: a drawn table."""
    columns = {tuple(index for index, char in enumerate(line) if char == "|") for line in lines}
    return len(columns) == 1 and any(re.search(r"\S {2,}\|", line) for line in lines)


def _grid_table_at(lines: list[str], start: int) -> tuple[int, TextTable | None] | None:
    """The grid table whose top border is `lines[start]`: (end, table), or None.

    The border's "+" marks are the column edges and every row line must have a "|" at each,
    so a cell's text may span lines (joined) but a grid with a cell spanning columns is none
    this reads: (end, None), and its lines stay text (not pipe rows, which would part a cell's
    lines). A "+====+" border ends the header rows, as in reStructuredText; without one,
    `labels_over_values` decides.
    """
    if not _GRID_BORDER.match(lines[start]):
        return None
    edges = _edges(lines[start])
    boxes: list[list[list[str]]] = []  # each row's lines of cells, between two borders
    header_rows = 0
    current: list[list[str]] = []
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if _GRID_BORDER.match(line) and _edges(line) == edges and current:
            boxes.append(current)
            current = []
            if "=" in line and not header_rows:
                header_rows = len(boxes)
            index += 1
            continue
        cells = _grid_cells(line, edges)
        if cells is None:
            break
        current.append(cells)
        index += 1
    if current or len(boxes) < 2 or (index < len(lines) and _grid_line(lines[index])):
        return _grid_end(lines, start), None
    if not header_rows and _query_output(boxes):
        boxes, header_rows = [boxes[0], *([line] for line in boxes[1])], 1
    rows = [[squash(" ".join(parts)) for parts in zip(*box, strict=True)] for box in boxes]
    return index, TextTable(rows, header_rows or (1 if labels_over_values(rows) else 0))


def _query_output(boxes: list[list[list[str]]]) -> bool:
    """A database client's result (MySQL's): a one-line header boxed alone over lines that
    each name their row, not one row of wrapped cells as in reStructuredText."""
    return (
        len(boxes) == 2
        and len(boxes[0]) == 1
        and len(boxes[1]) > 1
        and all(line[0] for line in boxes[1])
    )


def _edges(border: str) -> list[int]:
    return [index for index, char in enumerate(border) if char == "+"]


def _grid_cells(line: str, edges: list[int]) -> list[str] | None:
    """A grid row line's text between the border's column edges, None when it is no such row."""
    if len(line) != edges[-1] + 1 or any(line[edge] != "|" for edge in edges):
        return None
    return [line[left + 1 : right].strip() for left, right in pairwise(edges)]


def _grid_line(line: str) -> bool:
    stripped = line.strip()
    return bool(_GRID_BORDER.match(stripped)) or stripped.startswith(("|", "+"))


def _grid_end(lines: list[str], start: int) -> int:
    """Where the lines drawn as a grid (borders and "|" rows) from `start` end."""
    index = start
    while index < len(lines) and _grid_line(lines[index]):
        index += 1
    return index
