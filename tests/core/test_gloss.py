"""A question in French, Spanish or Portuguese read word for word into English for the offline engine."""

from __future__ import annotations

from bot.core.gloss import gloss

BRIEFING_WORDS = {"goma", "rwanda", "zamzam", "un", "iom", "troops", "killed", "people"}


def known(word: str) -> bool:
    return word.lower() in BRIEFING_WORDS


def test_a_french_casualty_question_reads_as_english() -> None:
    assert gloss("Combien de personnes ont été tuées à Goma selon l'ONU ?", "French", known) == (
        "how many people have been killed in Goma according to the UN?")


def test_a_spanish_question_with_inverted_marks() -> None:
    assert gloss("¿Cuántas personas huyeron del campo de Zamzam según la OIM?", "Spanish", known) == (
        "how many people fled of the camp of Zamzam according to the IOM?")


def test_another_spelling_of_a_place_is_dropped_when_the_question_names_a_known_one() -> None:
    english = gloss("Le Rwanda reconnaît-il avoir des troupes en RDC ?", "French", known)
    assert english is not None and "Rwanda" in english and "admit" in english and "RDC" not in english


def test_a_name_the_briefing_lacks_is_kept_when_nothing_known_is_named() -> None:
    english = gloss("Combien de morts au Liban ?", "French", known)
    assert english is not None and "Liban" in english  # the engine then says the briefing does not cover it


def test_a_language_without_glossary_or_a_stray_word_is_not_glossed() -> None:
    assert gloss("Wie viele Menschen wurden getötet?", "German", known) is None
    assert gloss("Goma merci", "French", known) is None
