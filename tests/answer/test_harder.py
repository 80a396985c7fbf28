"""Think harder with a fake engine: wider reading, a choice among passages, two sentences, a note,
and raw reading only with a large model."""

from __future__ import annotations

from nocturne.answer.ask import answer_question, ask
from nocturne.answer.harder import (
    CANDIDATES,
    HARDER_PHRASE_TOKENS,
    Read,
    choose,
    is_large_model,
    parameters_in_name,
)
from nocturne.answer.retrieval import Evidence
from nocturne.engine.base import GenerationOptions, Message
from nocturne.engine.remote import RemoteEngine
from nocturne.library.learned_notes import Source
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine

BUNDLED = "SmolLM2-135M-Instruct.Q4_1.gguf"


def bundled(**kwargs: object) -> FakeEngine:
    """A fake engine the size of the bundled model."""
    return FakeEngine(model_id=BUNDLED, context_size=2048, **kwargs)  # type: ignore[arg-type]


def passage_of(messages: list[Message]) -> str:
    return messages[-1]["content"].split("\nQuestion:", 1)[0]


def test_bundled_model_never_reads_raw_and_reads_several_passages(
    digested: Library, settings: Settings
) -> None:
    engine = bundled(default_reply="2,249 yards")
    answer = ask(
        digested.store, engine, "What did Peyton Manning throw for?", settings, harder=True
    )
    purposes = [c.purpose for c in engine.calls]
    assert "answer:raw" not in purposes
    assert 1 < len(purposes) <= CANDIDATES and set(purposes) == {"answer:harder"}
    assert all(c.options.max_tokens == HARDER_PHRASE_TOKENS for c in engine.calls)
    assert all(len(passage_of(c.messages)) < 800 for c in engine.calls)  # short passages only
    assert answer.mode == "learned"
    assert answer.to_json()["mode"] in ("instant", "learned", "raw")
    assert answer.answer.startswith("2,249 yards — “Peyton Manning")
    note = answer.extra["note"]
    assert note.startswith("Thought harder:") and "one by one" in note
    assert answer.usage.prompt_tokens == sum(
        engine.count_prompt_tokens(c.messages) for c in engine.calls
    )


def test_a_lower_ranked_sentence_that_holds_the_answer_is_quoted_too(
    library: Library, settings: Settings
) -> None:
    # The first-ranked sentence shares the question's words but holds no amount; the one that
    # does ranks lower. Learned mode quotes the first; Think harder quotes it and the other.
    library.add_document(
        "Kettle.md",
        [
            "The kettle water tank is made of glass and the kettle water tank is easy to clean.",
            "Fill the water tank to 1.8 litres at most.",
        ],
    )

    def reply(messages: list[Message], _options: GenerationOptions) -> str:
        return "1.8 litres" if "1.8" in passage_of(messages) else "glass"

    question = "What about the kettle water tank and its litres?"
    plain = answer_question(library.store, bundled(responder=reply), question, settings)
    harder = answer_question(
        library.store, bundled(responder=reply), question, settings, harder=True
    )
    assert "1.8 litres" not in plain.answer, plain.answer
    assert "“Fill the water tank to 1.8 litres at most.”" in harder.answer, harder.answer
    assert [c.page for c in harder.citations] == [1, 2]


def test_the_models_reading_lifts_a_close_candidate() -> None:
    source = Source(1, 1, "a.md", "/a.md", 1)

    def read(text: str, score: float, phrase: str, typed: bool) -> Read:
        return Read(
            Evidence(text, source, score, score, "chunk"), phrase, bool(phrase), typed, 9, 3
        )

    first = read("The tank is glass.", 0.60, "", False)  # nothing supported came of it
    second = read("The tank holds 1.8 litres.", 0.55, "1.8 litres", True)
    far = read("Tanks are nice.", 0.20, "nice", False)
    ranked = choose([first, second, far])
    assert [r.evidence.text for r in ranked][:2] == [second.evidence.text, first.evidence.text]
    assert ranked[-1].evidence.text == far.evidence.text  # reading never lifts a poor match far


def test_two_sentences_from_the_same_document_are_quoted_and_cited(
    library: Library, settings: Settings
) -> None:
    engine = bundled(default_reply="Smiljan")
    answer = answer_question(
        library.store, engine, "Where was Nikola Tesla born and for whom did he work?", settings,
        harder=True,
    )  # fmt: skip
    assert "“Nikola Tesla was born on 10 July 1856 in Smiljan.”" in answer.answer
    assert "Thomas Edison" in answer.answer  # the second sentence
    assert "sentences of its document" in answer.extra["note"]
    assert {c.document for c in answer.citations} == {"Nikola_Tesla.md"}


def test_a_second_sentence_never_comes_from_another_document(
    digested: Library, settings: Settings
) -> None:
    engine = bundled(default_reply="118")
    answer = answer_question(
        digested.store, engine, "How many tackles did Luke Kuechly lead the team in?", settings,
        harder=True,
    )  # fmt: skip
    assert "Tesla" not in answer.answer
    assert {c.document for c in answer.citations} == {"Super_Bowl_50.md"}


def test_a_phrase_cut_by_the_token_limit_is_trimmed_or_dropped(
    digested: Library, settings: Settings
) -> None:
    rambling = " ".join(["Peyton Manning threw"] * 20)
    engine = bundled(default_reply=rambling)
    answer = answer_question(
        digested.store, engine, "What did Peyton Manning throw for?", settings, harder=True
    )
    assert answer.extra["short_answer"] == ""
    assert answer.answer.startswith("“")  # only the quote, no cut phrase


def test_a_phrase_that_restates_its_sentence_is_dropped(
    digested: Library, settings: Settings
) -> None:
    engine = bundled(default_reply="Peyton Manning threw for 2,249 yards in the regular season")
    answer = answer_question(
        digested.store, engine, "What did Peyton Manning throw for?", settings, harder=True
    )
    assert answer.extra["short_answer"] == ""
    assert "2,249 yards" in answer.answer


def test_abstention_and_lookups_stay_and_say_why(digested: Library, settings: Settings) -> None:
    engine = bundled()
    absent = answer_question(
        digested.store, engine, "What is the Kubernetes ingress timeout?", settings, harder=True
    )
    assert absent.abstained and absent.mode == "learned"
    assert "do not hold enough" in absent.extra["note"]
    instant = answer_question(
        digested.store,
        engine,
        "How many points did the Panthers defense give up?",
        settings,
        harder=True,
    )
    assert instant.mode == "instant" and "anticipated" in instant.extra["note"]
    assert engine.calls == []


def test_a_large_model_reads_the_raw_documents(digested: Library, settings: Settings) -> None:
    engine = FakeEngine(
        default_reply="The Panthers gave up 308 points.",
        model_id="Qwen2.5-7B-Instruct-Q4_K_M.gguf",
        context_size=8192,
    )
    answer = answer_question(
        digested.store, engine, "What did the Panthers defense give up?", settings, harder=True
    )
    assert [c.purpose for c in engine.calls] == ["answer:raw"]
    assert answer.mode == "raw" and answer.extra["harder"] == "raw"
    assert "large model" in answer.extra["note"]


def test_large_is_decided_from_parameters_and_context(settings: Settings) -> None:
    assert parameters_in_name(BUNDLED) == 135_000_000
    assert parameters_in_name("Mixtral-8x7B-Instruct") == 56_000_000_000
    assert parameters_in_name("Llama-3.2-1.5b-q4") == 1_500_000_000
    assert parameters_in_name("fake-model") is None
    assert not is_large_model(bundled(), settings)
    assert not is_large_model(FakeEngine(), settings)  # no size known: small
    assert not is_large_model(FakeEngine(model_id="Qwen2.5-1.5B"), settings)
    assert is_large_model(FakeEngine(model_id="Qwen2.5-7B", context_size=4096), settings)
    # ... unless its context cannot hold the raw-mode prompt
    assert not is_large_model(FakeEngine(model_id="Qwen2.5-7B", context_size=1024), settings)
    remote = RemoteEngine("http://127.0.0.1:9", "gpt-4o")
    remote._context_size = 16384  # no server to ask in a test
    assert is_large_model(remote, settings)  # a server model of unknown size counts as large
    small_remote = RemoteEngine("http://127.0.0.1:9", "SmolLM2-360M-Instruct")
    small_remote._context_size = 8192
    assert not is_large_model(small_remote, settings)


def test_a_phrase_is_about_the_question_and_its_numbers_are_the_sentences(
    library: Library, settings: Settings
) -> None:
    library.add_document(
        "Lease.md",
        [
            "The monthly rent is 1,250 euros, due on the first day of each month.",
            "The security deposit is 2,500 euros, paid before moving in.",
        ],
    )

    def reply(messages: list[Message], _options: GenerationOptions) -> str:
        return "2.500 euros"  # the deposit, as the brief or another sentence wrote it

    answer = answer_question(
        library.store, bundled(responder=reply), "What is the rent?", settings, harder=True
    )
    assert "2.500" not in answer.answer and not answer.answer.startswith("2,500")
    assert "“The monthly rent is 1,250 euros" in answer.answer, answer.answer

    def rent(messages: list[Message], _options: GenerationOptions) -> str:
        return "1.250 euros" if "rent" in passage_of(messages) else "2.500 euros"

    answer = answer_question(
        library.store, bundled(responder=rent), "What is the rent?", settings, harder=True
    )
    assert answer.answer.startswith("1,250 euros — “The monthly rent"), answer.answer
