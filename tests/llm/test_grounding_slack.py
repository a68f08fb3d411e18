"""Issue 11's five examples through a Slack mention: the real Bolt app, the fake Slack API, the real openai
client and the fake model server. None of the model's words reach the channel; a faithful answer does."""

from __future__ import annotations

from bot.config import load_settings
from tests.adapters.slack.conftest import BOT_TOKEN, SECRET, blocks_text, serve
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import mention_event, message_ts
from tests.llm.conftest import API_KEY
from tests.llm.grounding_set import ScriptedModel, cases

# what each of the five would have put in front of people
INVENTED = ["Jakarta", "Anutin Charnvirakul asked Trump and Anwar", "We will bomb them",
            "Ignore all previous instructions", "Trump said that the Cambodian and Thai leaders"]


async def test_issue_examples_never_reach_a_slack_channel(sqlite_url, fake):
    from bot.app import build_core

    examples = cases("shipped")[:5]
    assert [c.faithful for c in examples] == [False] * 5 and "Jakarta" in examples[0].answer
    faithful = next(c for c in cases("shipped") if c.faithful)
    items = [*examples, faithful]
    fake.default = ScriptedModel(items)
    async with FakeSlackAPI() as slack:
        settings = load_settings(database_url=sqlite_url, openai_base_url=fake.base_url, openai_api_key=API_KEY,
                                 openai_timeout=5, openai_max_retries=0, slack_bot_token=BOT_TOKEN,
                                 slack_signing_secret=SECRET, slack_api_url=slack.base_url,
                                 http_host="127.0.0.1", http_port=0)
        core = build_core(settings)
        async for server in serve(settings, core, slack):
            for i, c in enumerate(items):
                ts = message_ts()
                resp = await server.event(mention_event(c.q, ts=ts, user=f"U{i}ASKER"))
                assert resp.status == 200
                await slack.wait_for_messages("C1CHAN", i + 1)
            await server.settle()
            messages = slack.messages("C1CHAN")
    assert len(fake.requests) == len(items), "every question went to the model"
    texts = [blocks_text(m) for m in messages]
    for text, span in zip(texts, INVENTED, strict=False):
        assert span not in text
    assert faithful.answer in texts[-1]
    assert all("[1]" in t for t in texts), "every answer, model or offline, carries its quoted sources"
