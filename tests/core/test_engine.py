"""The offline engine against question sets scored by the same rules as ../shared/tools/qa_eval.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.briefing_file import load_shipped_briefing
from bot.core.engine import OfflineEngine
from bot.core.evidence import normalise
from tests.conftest import SHARED

HERE = Path(__file__).resolve().parent
REFUSAL = re.compile(r"(not|no)\s+(covered|in (the|this|my) briefing|information|reported|mention|specif|"
                     r"available|data|details?)|does(n't| not) (say|cover|mention|specify|include|contain|report)|"
                     r"isn't covered|is not covered|unknown", re.I)


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return OfflineEngine(load_shipped_briefing())


def question_sets() -> list[tuple[str, dict]]:
    files = [HERE.parent / "data" / "paraphrases.yaml", SHARED / "eval" / "dev_questions.yaml"]
    items = []
    for f in files:
        if f.exists():
            items += [(f"{f.stem}:{i['id']}", i) for i in yaml.safe_load(f.read_text(encoding="utf-8"))]
    return items


@pytest.mark.parametrize(("name", "item"), question_sets(), ids=[n for n, _ in question_sets()])
def test_question(engine: OfflineEngine, name: str, item: dict) -> None:
    ans = engine.answer_now(item["q"])
    if item["kind"] == "refuse":
        assert ans.found is False or REFUSAL.search(ans.answer), ans.answer
        return
    assert ans.found, ans.answer
    for group in item.get("expect", []):
        assert any(re.search(p, ans.answer, re.I) for p in group), (group, ans.answer)
    for p in item.get("forbid", []):
        assert not re.search(p, ans.answer, re.I), (p, ans.answer)
    source_text = normalise(engine.briefing.sources[0].text)
    assert ans.citations and all(normalise(c.quote) in source_text for c in ans.citations)


def test_numbers_keep_their_qualifier_and_date(engine: OfflineEngine) -> None:
    for q in ["how many injured?", "death toll", "how many displaced"]:
        text = engine.answer_now(q).answer
        assert re.search(r"(at least|nearly|more than) [\d,]+", text, re.I), text
        assert "as of 12 Dec 2025" in text


def test_disputed_claim_is_answered_as_disputed_with_who_says_what(engine: OfflineEngine) -> None:
    text = engine.answer_now("Was a ceasefire agreed by both leaders?").answer
    assert "disputed" in text.lower()
    assert "Trump" in text and "Hun Manet did not confirm" in text and "Anutin" in text


def test_subgroup_toll_is_not_invented(engine: OfflineEngine) -> None:
    ans = engine.answer_now("How many Thai soldiers have been killed?")
    assert "does not break the figures down" in ans.answer and "at least 11" in ans.answer.lower()
    assert not re.search(r"\b(?!11\b)\d+ (thai )?soldiers", ans.answer, re.I)


def test_unknown_question_says_so_without_a_number(engine: OfflineEngine) -> None:
    ans = engine.answer_now("How many helicopters did Cambodia lose?")
    assert ans.found is False and not re.search(r"\d", ans.answer)
    assert ans.citations == []


def test_retrieve_gives_ids_and_verbatim_citations(engine: OfflineEngine) -> None:
    passages = engine.retrieve("who asked for satellite verification?", k=5)
    assert passages[0].id == "rq-satellite"
    assert all(p.citations for p in passages)
    assert len({p.id for p in passages}) == len(passages)


def test_an_ingested_sentence_can_answer(engine: OfflineEngine) -> None:
    from bot.core.models import Source

    b = load_shipped_briefing()
    b.sources.append(Source(id="s2", title="Later report", published_at="2025-12-20", sha256="x",
                            text="Officials said the Preah Vihear temple complex was closed to visitors on Friday."))
    ans = OfflineEngine(b).answer_now("Is the Preah Vihear temple closed?")
    assert ans.found and ans.citations[0].source_id == "s2"


@pytest.mark.parametrize("name", ["heldout.yaml", "heldout2.yaml", "heldout3.yaml", "heldout4.yaml", "heldout5.yaml", "heldout6.yaml", "heldout7.yaml", "heldout8.yaml"])
def test_independently_written_question_sets_score_high(engine: OfflineEngine, name: str) -> None:
    items = yaml.safe_load((HERE.parent / "data" / name).read_text(encoding="utf-8"))
    failed = []
    for item in items:
        ans = engine.answer_now(item["q"])
        if item["kind"] == "refuse":
            ok = ans.found is False or bool(REFUSAL.search(ans.answer))
        else:
            ok = ans.found and bool(ans.citations) and all(
                any(re.search(p, ans.answer, re.I) for p in g) for g in item.get("expect", [])) and not any(
                re.search(p, ans.answer, re.I) for p in item.get("forbid", []))
        if not ok:
            failed.append((item["id"], item["q"], ans.answer[:100]))
    assert len(failed) / len(items) <= 0.05, failed


def test_chat_markup_and_verbs_after_how_many(engine: OfflineEngine) -> None:
    for q in ["<!channel> how many died?", "how many were killed", "<@U123> how many have fled?"]:
        ans = engine.answer_now(q)
        assert ans.found and not ans.answer.startswith("The briefing does not"), (q, ans.answer)
    assert engine.answer_now("how many shelters are there").answer.startswith("The briefing does not say how many")


def test_a_date_after_the_briefing_is_not_covered(engine: OfflineEngine) -> None:
    ans = engine.answer_now("Did the ceasefire hold on December 14?")
    assert ans.found is False and "does not cover 14 December" in ans.answer


def test_a_number_of_the_wrong_metric_is_corrected(engine: OfflineEngine) -> None:
    ans = engine.answer_now("Can we write that 60 people were killed?")
    assert "60 is the briefing's injured figure, not the killed one" in ans.answer
    assert "at least 11" in ans.answer.lower() and "nearly 60" in ans.answer.lower()


def test_statement_checks_say_yes_only_when_every_part_is_backed(engine: OfflineEngine) -> None:
    yes = engine.answer_now("Our draft says Hun Manet phoned Trump and Anwar on Friday evening — is that right?")
    assert yes.answer.startswith("Yes, that matches the briefing")
    contested = engine.answer_now("Is it true that both leaders agreed to a ceasefire?")
    assert not contested.answer.lower().startswith("yes") and "disputed" in contested.answer
    wrong_day = engine.answer_now("Our draft says Hun Manet phoned Trump on Monday evening — correct?")
    assert wrong_day.answer.startswith("Not as stated")
    reported = engine.answer_now("is it true that Koh Kong was attacked on Saturday morning?")
    assert reported.answer.startswith("The briefing carries that as a report, not confirmed")
