"""Questions in other languages with a model: translated, answered and checked in English, translated back
with every number and qualifier kept, or the checked English answer goes out instead."""

from __future__ import annotations

from bot.core.reply import Asker
from tests.fakes.openai_server import Reply, request_data
from tests.llm.fake_models import answer

SLACK = Asker(platform="slack", user_id="U1", channel_id="C1")
ENGLISH = "At least 11 people have been killed, as of 12 Dec 2025."


def says(text: str):  # noqa: ANN201 - a fake model step
    def model(body: dict) -> Reply:
        return Reply(content={"answer": text, "cited_ids": [], "found": True})
    return model


async def test_a_french_question_is_answered_in_french_with_the_same_citations(llm_core, fake) -> None:
    fake.push(says("How many people have died?"), answer(ENGLISH, "fg-killed"),
              says("Au moins 11 personnes ont été tuées, au 12 décembre 2025."))
    got = await llm_core.handle("ask", "Combien de personnes sont mortes ?", SLACK)
    english = await llm_core.handle("ask", "How many people have died?", Asker())
    assert got.found and got.engine == "llm" and got.fallback_reason is None
    assert got.answer == "Au moins 11 personnes ont été tuées, au 12 décembre 2025."
    assert got.title == "Combien de personnes sont mortes ?"
    assert got.citations and [c.quote for c in got.citations][0] in [c.quote for c in english.citations]
    # The question went to the model as data to translate, never as instructions.
    first = request_data(fake.requests[0])
    assert (first["from"], first["to"]) == ("French", "English")
    assert first["text"].startswith("Combien de personnes sont mortes")
    assert request_data(fake.requests[2])["text"] == ENGLISH


async def test_a_translation_that_drops_a_qualifier_is_not_shown(llm_core, fake) -> None:
    fake.push(says("How many people have died?"), answer(ENGLISH, "fg-killed"),
              says("11 personnes ont été tuées, au 12 décembre 2025."))
    got = await llm_core.handle("ask", "Combien de personnes sont mortes ?", SLACK)
    assert got.answer == ENGLISH and got.fallback_reason == "translation_qualifier" and got.citations


async def test_a_translation_that_changes_a_number_is_not_shown(llm_core, fake) -> None:
    fake.push(says("How many people have died?"), answer(ENGLISH, "fg-killed"),
              says("Au moins 110 personnes ont été tuées, au 12 décembre 2025."))
    got = await llm_core.handle("ask", "Combien de personnes sont mortes ?", SLACK)
    assert got.answer == ENGLISH and got.fallback_reason == "translation_numbers"


async def test_a_thai_question_is_answered_in_thai(llm_core, fake) -> None:
    fake.push(says("How many people have died?"), answer(ENGLISH, "fg-killed"),
              says("มีผู้เสียชีวิตอย่างน้อย 11 คน ณ วันที่ 12 ธ.ค. 2025"))
    got = await llm_core.handle("ask", "มีผู้เสียชีวิตกี่คน", SLACK)
    assert got.found and got.answer.startswith("มีผู้เสียชีวิตอย่างน้อย 11") and got.citations


async def test_the_model_failing_to_translate_the_question_says_english_only(llm_core, fake) -> None:
    fake.push(Reply(content="not json at all"))
    got = await llm_core.handle("ask", "Combien de personnes sont mortes ?", SLACK)
    assert got.found is False and "French" in got.answer and "English" in got.answer
