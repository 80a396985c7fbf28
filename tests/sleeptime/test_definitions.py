"""Definition, option and default patterns (`sleeptime/definitions.py`)."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.definitions import Definition, find_definitions, term_key


def one(sentence: str, block_start: bool = True) -> Definition:
    found = find_definitions(sentence, block_start=block_start)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "key", "definition"),
    [
        (
            'The "Library" means any software library prepared so as to be linked.',
            "library",
            "any software library prepared so as to be linked.",
        ),
        (
            'A "work based on the Library" means either the Library or any derivative work.',
            "work based on the library",
            "either the Library or any derivative work.",
        ),
        (
            "This License refers to the GNU Lesser General Public License.",
            "this license",
            "the GNU Lesser General Public License.",
        ),
        (
            '"This License" refers to version 3 of the GNU Lesser General Public License.',
            "this license",
            "version 3 of the GNU Lesser General Public License.",
        ),
        ("GPL stands for General Public License.", "gpl", "General Public License."),
        ("MIME is short for Multipurpose Internet Mail Extensions.", "mime", "Multipurpose"),
        ("Lsof stands for LiSt Open Files.", "lsof", "LiSt Open Files."),
        ("The term tenant shall mean the person who signs.", "tenant", "the person who signs."),
        ('The word "tenant" means the person who signs the lease.', "tenant", "the person"),
        ("An object file is defined as the output of a compiler.", "object file", "the output"),
    ],
)
def test_means_patterns(sentence: str, key: str, definition: str) -> None:
    found = one(sentence)
    assert found.key == key
    assert found.definition.startswith(definition)
    assert found.sentence == sentence
    assert found.default == ""


@pytest.mark.parametrize(
    "sentence",
    [
        "It means that you can copy the library.",
        "This means that you can copy the library.",
        "That refers to the previous section.",
        "He stands for election every year.",
        "They stand for nothing.",
        "What this means is simple.",
        "Usually this means that other developers may upload.",
        "This is the preferred means to let the user know.",
        "The following is by no means complete or definitive.",
        "This message means that the test suite has not been run.",
        "A failing test usually means a missing library.",
        "There is a means of escape.",
        "The rent is due on the first of the month.",
        "",
        "Which refers to the previous chapter.",
        "Its name stands for LiSt Open Files, and it does just that.",
    ],
)
def test_pronouns_clauses_and_plain_sentences_define_nothing(sentence: str) -> None:
    assert find_definitions(sentence) == []


def test_a_term_too_long_is_no_term() -> None:
    assert find_definitions("One two three four five six seven means nothing at all here.") == []


def test_api_option_with_its_default() -> None:
    entry = (
        "historySize {number} Maximum number of history lines retained. To disable the "
        "history set this value to 0. Default: 30."
    )
    found = one(entry)
    assert (found.term, found.key, found.default) == ("historySize", "historysize", "30")
    assert found.definition.startswith("Maximum number of history lines retained.")
    assert found.definition.endswith("(default: 30)")
    assert found.sentence == entry


@pytest.mark.parametrize(
    ("entry", "term", "default"),
    [
        ("`historySize` {number} Maximum lines kept. **Default:** `30`.", "historySize", "30"),
        (
            "removeHistoryDuplicates {boolean} If true, removes the older line. Default: false.",
            "removeHistoryDuplicates",
            "false",
        ),
        ("input {stream.Readable} The Readable stream to listen to.", "input", ""),
        ("completer {Function} An optional function used for Tab autocompletion.", "completer", ""),
        ("history {string[]} Initial list of history lines. Default: [].", "history", "[]"),
        ("prompt {string|Function} The prompt string to use. Default: '> '.", "prompt", "'> '"),
    ],
)
def test_api_option_forms(entry: str, term: str, default: str) -> None:
    found = one(entry)
    assert found.term == term
    assert found.default == default


def test_code_is_not_an_api_option() -> None:
    assert find_definitions("const { once } = require('node:events');") == []
    assert find_definitions("x {a} = 3") == []


def test_api_options_and_command_options_only_at_a_block_start() -> None:
    entry = "historySize {number} Maximum number of history lines retained. Default: 30."
    assert find_definitions(entry, block_start=False) == []
    assert find_definitions("--verbose  print more about what is done", block_start=False) == []


@pytest.mark.parametrize(
    ("entry", "key", "definition"),
    [
        ("-n, --name=NAME  array name to use", "-n, --name=name", "array name to use"),
        ("-o FILE  write the output to FILE", "-o file", "write the output to FILE"),
        ("--verbose  print more about what is done", "--verbose", "print more about"),
    ],
)
def test_command_line_options(entry: str, key: str, definition: str) -> None:
    found = one(entry)
    assert found.key == key
    assert found.definition.startswith(definition)


@pytest.mark.parametrize(
    ("sentence", "key", "value"),
    [
        ("The default port is 8080.", "port", "8080"),
        ("By default the port is 8080.", "port", "8080"),
        ("By default, the cache size is set to 64 MB.", "cache size", "64 MB"),
        ("The default timeout is 30 seconds; it can be changed.", "timeout", "30 seconds"),
        ("The timeout defaults to 30 seconds.", "timeout", "30 seconds"),
        ("The default value of retries is 4.", "retries", "4"),
        ("`crlfDelay` defaults to 100.", "crlfdelay", "100"),
    ],
)
def test_default_statements(sentence: str, key: str, value: str) -> None:
    found = one(sentence)
    assert found.key == key
    assert found.default == value
    assert found.definition == f"default: {value}"


@pytest.mark.parametrize(
    "sentence",
    [
        "The default speed limit was lowered to 55 miles per hour to save fuel.",
        "If the default value for a select template is likely to vary, use a trick.",
        "The default operation is to search only within the libs sections.",
        "By default, Caml assumes that result or out C arrays are statically allocated.",
        "It defaults to 30.",
        "The value can be omitted, as in -D symbol, and defaults to 1.",
        "It will become the default choice when their language is used.",
        "Important warning: The default value is evaluated only once.",
        "The default is 30.",
    ],
)
def test_not_a_default_value(sentence: str) -> None:
    assert find_definitions(sentence) == []


def test_one_sentence_can_define_a_term_and_state_a_default() -> None:
    found = find_definitions("A tab means four spaces, and the default width is 8.")
    assert {d.key for d in found} == {"tab", "width"}


def test_duplicate_keys_are_kept_once() -> None:
    found = find_definitions("The default port is 80 and the port defaults to 80.")
    assert [d.key for d in found] == ["port"]


def test_term_key() -> None:
    assert term_key("  `historySize` ") == "historysize"
    assert term_key('"Work  based on"') == "work based on"
