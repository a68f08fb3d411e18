"""Two-part questions: 'it' in the second part is what the first asked about; a deal's terms run on."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_packs import LOCAL, pack_engine


def test_it_in_a_second_part_is_the_first_parts_subject_and_terms_run_on(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "israel-hezbollah-2024")
    ans = engine.answer_now("What are the main terms of the ceasefire, and when did it take effect?")
    assert "Under the terms" in ans.answer and "Litani" in ans.answer, ans.answer  # the terms' next sentence too
    assert "took effect at 4 a.m." in ans.answer, ans.answer
    assert all(c.quote in ans.answer for c in ans.citations)


def test_what_a_person_said_goes_on_to_the_sentence_where_he_speaks_again(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "israel-hezbollah-2024")
    ans = engine.answer_now("What did Nasrallah say in Arabic in his speech after the device attacks?")
    assert "red lines" in ans.answer, ans.answer


def test_who_was_killed_asks_for_names_not_a_count(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "israel-hezbollah-2024")
    ans = engine.answer_now("Who was killed in the Israeli strike on Beirut on 20 September, and which unit did he command?")
    assert "Aqil" in ans.answer and "Radwan" in ans.answer, ans.answer


def test_the_day_before_an_event_counts_from_the_day_written_beside_the_events_words(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "israel-hezbollah-2024")
    ans = engine.answer_now("What happened the day before the pagers exploded?")
    assert ans.answer.startswith("Monday 16 September 2024"), ans.answer


def test_two_events_dated_in_one_sentence_are_counted_apart(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("How many days after launching its ground assault on Zamzam did the RSF say it had taken "
                            "full control of the camp?")
    assert ans.answer.startswith("2 days:"), ans.answer
