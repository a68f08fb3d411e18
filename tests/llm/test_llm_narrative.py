"""The daily briefing's model-written paragraph: shown only when it passes the checks, else None."""

from __future__ import annotations

import logging

from bot.config import load_settings
from bot.core.briefing_file import load_shipped_briefing
from bot.core.commands import briefing as briefing_reply
from bot.core.engine import OfflineEngine
from bot.llm.narrative import narrative
from tests.fakes.openai_server import error, passages_of, reply
from tests.llm.fake_models import answer

B = load_shipped_briefing()
TEXT = briefing_reply(B).to_text()
PASSAGES = OfflineEngine(B).retrieve("latest situation ceasefire casualties", k=8)


def cite_briefing(text: str):  # noqa: ANN201 - a fake model
    return answer(text, lambda p: p["id"] == "briefing")


async def test_a_grounded_paragraph_is_returned(llm_settings, fake, caplog):
    caplog.set_level(logging.INFO, logger="briefbot.llm")
    text = ("At least 11 people have been killed and nearly 60 injured. Trump says a ceasefire was agreed, "
            "which Cambodia has not confirmed and Thailand's prime minister has not echoed.")
    # every claim of it is in what it cites: the briefing's figures and the ceasefire claims
    fake.push(answer(text, lambda p: p["id"] == "briefing" or p["id"].startswith("cl-ceasefire")))
    got = await narrative(TEXT, PASSAGES, settings=llm_settings, briefing=B)
    assert got == text
    ids = [p["id"] for p in passages_of(fake.requests[0])]
    assert ids[0] == "briefing" and len(ids) == len(PASSAGES) + 1
    assert "narrative.v2" in [getattr(r, "prompt_version", "") for r in caplog.records]


async def test_a_paragraph_failing_a_check_is_dropped(llm_settings, fake, caplog):
    caplog.set_level(logging.INFO, logger="briefbot.llm")
    fake.push(cite_briefing("Around 11 people have been killed."),
              cite_briefing("A ceasefire was agreed and the fighting is over."),
              reply({"answer": "x" * 700, "cited_ids": ["briefing"], "found": True}),
              cite_briefing("Fighting continues [3]; 17 people were hurt."))
    for _ in range(4):
        assert await narrative(TEXT, PASSAGES, settings=llm_settings, briefing=B) is None
    reasons = [r.fallback_reason for r in caplog.records if r.getMessage() == "llm narrative dropped"]
    assert reasons == ["qualifier_changed", "disputed_as_settled", "too_long", "uncited_number"]


async def test_api_errors_and_not_configured_give_none(llm_settings, fake, sqlite_url):
    fake.push(error(400))
    assert await narrative(TEXT, PASSAGES, settings=llm_settings, briefing=B) is None
    assert await narrative(TEXT, PASSAGES, settings=load_settings(database_url=sqlite_url)) is None
    assert len(fake.requests) == 1


async def test_the_morning_briefing_carries_a_checked_paragraph_or_none(llm_settings, fake, sqlite_url):
    import datetime as dt

    from bot.schedule.morning import add_narrative, morning_reply

    plain = morning_reply(B, dt.date(2025, 12, 13))
    good = "At least 11 people have been killed and nearly 60 injured, and more than 303,000 have fled their homes."
    invented = "At least 11 people have been killed; ASEAN ministers will meet in Jakarta next Tuesday."
    misattributed = "Anutin asked Trump and Anwar to verify with satellite imagery who opened fire first."
    fake.push(cite_briefing(good), cite_briefing(invented), answer(misattributed, lambda p: True))
    got = await add_narrative(plain, B, llm_settings)
    assert got.sections[0].text == good and got.sections[1:] == plain.sections
    for _ in range(2):
        assert await add_narrative(plain, B, llm_settings) == plain
    assert len(fake.requests) == 3
    # without a model nothing is asked and nothing changes
    assert await add_narrative(plain, B, load_settings(database_url=sqlite_url)) == plain
    assert len(fake.requests) == 3
