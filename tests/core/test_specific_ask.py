"""A nearby sentence is no answer when it lacks the specific thing asked: an amount, or who said something."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import SAID_ASK
from tests.core.test_packs import LOCAL, pack_engine


def test_how_much_answered_by_a_sentence_with_no_amount_says_the_amount_is_not_given(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("How much did Britain itself pledge at the London conference on Sudan?")
    assert ans.answer.startswith("The briefing does not say how much."), ans.answer
    assert ans.citations  # the nearby sentence is still shown, with its source


def test_what_a_named_party_said_needs_a_sentence_where_it_speaks(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("What did Chad's government say about the fall of El Fasher?")
    assert ans.answer.startswith("The briefing does not say what Chad's government said."), ans.answer
    assert engine.says("Tedros", "WHO chief Tedros Adhanom Ghebreyesus said on Wednesday that he was appalled")
    assert not engine.says("Chad", "the government agreed to open the crossing from Chad to aid convoys")
    assert SAID_ASK.match("What did the UN say about it?")


def test_how_many_people_were_somewhere_is_a_count_of_people_not_a_toll(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("How many civilians did the UN think were still in El Fasher before the final assault?")
    assert "260,000" in ans.answer and "killed" not in ans.answer, ans.answer


def test_a_rare_number_in_the_question_finds_its_sentence_before_a_weak_match_is_refused(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("Which country vetoed UN Security Council Resolution 2736 on El Fasher?")
    assert ans.found and "adopted by 14 votes to none" in ans.answer, ans.answer


def test_why_did_x_send_a_delegation_meets_a_boycott_as_a_false_premise(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("Why did the army send a delegation to the US-led talks in Switzerland in August 2024?")
    assert ans.answer.startswith("The sources do not bear out that premise") and "boycott" in ans.answer, ans.answer


def test_when_something_is_due_is_not_answered_by_a_past_day(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("On what date is the Quad's humanitarian truce due to take effect?")
    assert ans.answer.startswith("The briefing does not say when that is due."), ans.answer


def test_what_to_watch_includes_a_process_still_under_way(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "sudan-elfasher-2025")
    ans = engine.answer_now("what should we watch for next?")
    assert "were continuing" in ans.answer, ans.answer
