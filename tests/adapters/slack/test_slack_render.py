"""Block Kit rendering: Slack's limits, clean splits, escaping, a fallback on every message."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.adapters.slack.mrkdwn import escape, plain
from bot.adapters.slack.render import (
    BLOCKS_PER_MESSAGE,
    FIELD_LIMIT,
    HEADER_LIMIT,
    MESSAGE_LIMIT,
    SECTION_LIMIT,
    render,
    split_text,
)
from bot.core.reply import Asker, Citation, Reply, ReplyField, Section
from tests.adapters.slack.conftest import SlackServer


def texts(block: dict[str, Any]) -> list[str]:
    out = []
    if isinstance(block.get("text"), dict):
        out.append(block["text"]["text"])
    out += [f["text"] for f in block.get("fields", [])]
    out += [e["text"] for e in block.get("elements", []) if "text" in e]
    return out


def assert_within_limits(messages: list[dict[str, Any]]) -> None:
    for m in messages:
        assert m["text"].strip(), "every message carries a plain fallback"
        assert len(m["text"]) <= MESSAGE_LIMIT
        assert 0 < len(m["blocks"]) <= BLOCKS_PER_MESSAGE
        assert sum(len(t) for b in m["blocks"] for t in texts(b)) <= MESSAGE_LIMIT
        for b in m["blocks"]:
            if b["type"] == "header":
                assert len(b["text"]["text"]) <= HEADER_LIMIT
            if b["type"] == "section":
                if "text" in b:
                    assert len(b["text"]["text"]) <= SECTION_LIMIT
                assert len(b.get("fields", [])) <= 10
                assert all(len(f["text"]) <= FIELD_LIMIT for f in b.get("fields", []))
        assert m["blocks"][0]["type"] != "divider" and m["blocks"][-1]["type"] != "divider"


def long_reply(sources: int = 1, urls: bool = True) -> Reply:
    quote = ("Thai military forces reportedly launched fresh attacks on Cambodia's Koh Kong province on "
             "Saturday morning, causing further casualties, and the situation has escalated significantly "
             "as both sides blame each other. ")
    citations = [Citation(n=i + 1, source_id=f"s{i % sources}", title=f"Report {i % sources}",
                          published="2025-12-12", quote=f"{i + 1}: {quote * 3}".strip(),
                          url=f"https://news.example/{i % sources}?a=1&b=2" if urls else "")
                 for i in range(40)]
    items = [f"Event {i} — something happened near the border & more < less > [{i % 40 + 1}]" for i in range(400)]
    paragraph = " ".join(f"Sentence {i} of a long explanation that goes on." for i in range(300))
    return Reply(title="A very long reply " * 20, citations=citations, sections=[
        Section(heading="Figures", fields=[ReplyField(name=f"Metric {i}", value=f"about {i} people [1]")
                                           for i in range(23)]),
        Section(heading="Everything", items=items),
        Section(heading="Why", text=paragraph),
    ])


def test_long_reply_split_under_every_limit_never_inside_a_quote_or_link() -> None:
    reply = long_reply(sources=2)
    messages = render(reply)
    assert len(messages) > 5
    assert_within_limits(messages)
    shown = "\n".join(t for m in messages for b in m["blocks"] for t in texts(b))
    # Every footnote, with its whole quote and its link, sits inside one block.
    for c in reply.citations:
        whole = f"*[{c.n}]* “{escape(c.quote)}” — <{c.url.replace('&', '&amp;')}|{c.title}>, 2025-12-12"
        assert any(whole in t for m in messages for b in m["blocks"] for t in texts(b)), c.n
    # Every bullet arrives whole, in order, exactly once.
    bullets = [line for line in shown.split("\n") if line.startswith("• Event ")]
    assert bullets == [f"• {escape(item)}" for item in reply.sections[1].items]
    # Every field survives, 10 at most per section.
    assert shown.count("*Metric ") == 23
    # The paragraph is cut between sentences, not inside words.
    pieces = [t for m in messages for b in m["blocks"] for t in texts(b) if "Sentence " in t]
    assert all(p.rstrip().endswith("on.") for p in pieces)
    # The context line with the sources closes the last message.
    assert messages[-1]["blocks"][-1]["type"] == "context"
    assert "Report 0" in messages[-1]["blocks"][-1]["elements"][0]["text"]


def test_many_short_blocks_respect_the_block_count() -> None:
    reply = Reply(title="Many", sections=[Section(heading=f"H{i}", text="x") for i in range(140)])
    messages = render(reply)
    assert_within_limits(messages)
    assert sum(len(m["blocks"]) for m in messages) == 141


def test_split_text_keeps_links_quotes_and_entities_whole() -> None:
    unit = "see <https://a.example/x|the report> and “a quoted sentence that must stay whole” &amp; more. "
    text = unit * 100
    for limit in (50, 97, 130, 500, 3000):
        pieces = split_text(text, limit)
        assert all(len(p) <= limit for p in pieces)
        joined = " ".join(pieces)
        assert joined.count("<https://a.example/x|the report>") == 100
        assert joined.count("“a quoted sentence that must stay whole”") == 100
        assert joined.count("&amp;") == 100


def test_every_footnote_names_its_source() -> None:
    linked = json.dumps(render(long_reply(sources=2)), ensure_ascii=False)
    assert "” — <https://news.example/0?a=1&amp;b=2|Report 0>, 2025-12-12" in linked
    assert "” — <https://news.example/1?a=1&amp;b=2|Report 1>, 2025-12-12" in linked
    plain_titles = json.dumps(render(long_reply(sources=1, urls=False)), ensure_ascii=False)
    assert plain_titles.count("” — _Report 0_, 2025-12-12") == 40
    assert "Sources: Report 0 (2025-12-12)" in plain_titles


def test_everything_escaped_and_fallback_is_plain() -> None:
    reply = Reply(title="<!channel> & co", sections=[
        Section(heading="<b>", text="a < b > c & d <@U1>", items=["<!here>"],
                fields=[ReplyField(name="<x>", value="<!everyone>")])])
    [msg] = render(reply)
    raw = json.dumps(msg)
    assert not re.search(r"<[!@#]", raw)
    assert msg["blocks"][0]["text"]["text"] == "&lt;!channel&gt; &amp; co"
    assert msg["text"].startswith("&lt;!channel&gt; &amp; co")


def test_header_and_context_fit_after_escaping() -> None:
    reply = Reply(title="&<>" * 200, citations=[Citation(n=1, source_id="s", title="&" * 3000,
                                                          published="2025-12-12", quote="q")])
    messages = render(reply)
    assert_within_limits(messages)
    assert len(messages[-1]["blocks"][-1]["elements"][0]["text"]) <= 2000


def test_incoming_slack_text_made_plain() -> None:
    assert plain("<@UBOT> hi <@U2|ana> in <#C1|general> &lt;3 &amp; <https://x.example|x> <!here>",
                 drop_user="UBOT") == "hi @ana in #general <3 & x @here"


async def test_long_reply_through_slack_arrives_split_in_order(server: SlackServer) -> None:
    async def everything(text: str, asker: Asker) -> Reply:
        return long_reply()

    server.core.register("everything", everything)
    # Through a mention: posted in order in the thread.
    from tests.fakes.slack_requests import mention_event, message_ts

    ts = message_ts()
    await server.event(mention_event("/everything", ts=ts))
    await server.settle()
    messages = server.slack.messages("C1CHAN")
    expected = render(long_reply())
    assert [m["blocks"] for m in messages] == [e["blocks"] for e in expected]
    assert all(m["thread_ts"] == ts for m in messages)
    assert_within_limits(messages)
    # Through a slash command: Slack takes 5 posts per response URL, the last one says there is more.
    await server.command("/everything", channel="C4LONG")
    await server.settle()
    answered = server.slack.messages("C4LONG")
    assert len(answered) == 5 and "too long" in answered[-1]["text"]
