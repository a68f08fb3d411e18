"""Model-backed extraction against the fake OpenAI server: checked items are queued, the rest dropped."""

from __future__ import annotations

import asyncio

from bot.config import load_settings
from bot.ingest.model_extract import model_candidates
from bot.ingest.pipeline import ingest
from tests.fakes.openai_server import FakeOpenAI, Reply, ThreadedFake, error, passages_of, request_data
from tests.ingest.helpers import DEC9, make_store


def sentence_id(body: dict, start: str) -> str:
    return next(p["id"] for p in passages_of(body) if p["text"].startswith(start))


def model(body: dict) -> Reply:
    """A fake model: two good items and three that the checks must drop."""
    provoking = sentence_id(body, "The clashes broke out on Sunday")
    thai = sentence_id(body, "Thai authorities confirmed")
    item = {"date": "", "actor": "", "stance": "", "topic": "", "addressees": [], "name": ""}
    return Reply(content={"items": [
        {**item, "kind": "claim", "statement": "Thailand accused Cambodia of provoking the escalation.",
         "quote": "accused Cambodia of provoking the escalation", "sentence_ids": [thai], "actor": "Thailand",
         "stance": "asserts", "topic": "Who started the violence"},
        {**item, "kind": "event", "statement": "The clashes broke out on Sunday.",
         "quote": "The clashes broke out on Sunday", "sentence_ids": [provoking], "date": "2025-12-07"},
        {**item, "kind": "event", "statement": "A ceasefire was signed.", "quote": "a ceasefire was signed",
         "sentence_ids": [provoking]},
        {**item, "kind": "event", "statement": "At least 99 people were killed.",
         "quote": "The clashes broke out on Sunday", "sentence_ids": [provoking]},
        {**item, "kind": "claim", "statement": "Cambodia said it returned fire.", "actor": "Cambodia",
         "quote": "it had returned fire", "sentence_ids": ["s999"], "stance": "asserts"},
    ]})


def test_checked_model_items_join_the_offline_candidates(sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    with ThreadedFake(FakeOpenAI(default=model)) as fake:
        settings = load_settings(database_url=sqlite_url, openai_base_url=fake.base_url, openai_api_key="sk-x",
                                 openai_timeout=5, openai_max_retries=0)
        result = ingest(store, str(DEC9),
                        extractor=lambda s, k: asyncio.run(model_candidates(s, k, settings)))
        body = fake.requests[0]
    assert body["response_format"]["json_schema"]["name"] == "extracted_facts"
    assert request_data(body)["published"] == "2025-12-09"
    by_model = [c for _, c in result.queued if "(model)" in c.summary]
    assert [c.kind for c in by_model] == ["claim", "event"]
    claim, event = by_model[0].fact, by_model[1].fact
    assert claim.by == "thailand" and claim.stance == "asserts" and claim.status == "unverified"
    assert event.when.date.isoformat() == "2025-12-07"
    assert any(c.kind == "figure" for _, c in result.queued)  # the offline figures are still there
    from bot.ingest import review

    review.approve(store, None)
    claims = {c.id: c for c in store.load_briefing().claims}
    assert claims[claim.id].evidence[0].quote == "accused Cambodia of provoking the escalation"


def test_a_failing_model_leaves_the_offline_candidates(sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    with ThreadedFake(FakeOpenAI(default=error(500))) as fake:
        settings = load_settings(database_url=sqlite_url, openai_base_url=fake.base_url, openai_api_key="sk-x",
                                 openai_timeout=5, openai_max_retries=0)
        result = ingest(store, str(DEC9),
                        extractor=lambda s, k: asyncio.run(model_candidates(s, k, settings)))
    assert result.queued and not [c for _, c in result.queued if "(model)" in c.summary]


async def test_no_model_configured_means_no_call(sqlite_url: str) -> None:
    from bot.core.models import Source
    from bot.ingest.extract import Known

    source = Source(id="s", title="t", published_at="2025-12-09", text=DEC9.read_text())
    assert await model_candidates(source, Known(), load_settings(database_url=sqlite_url)) == []
