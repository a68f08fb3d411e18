"""Embeds within Discord's limits, split cleanly: never inside a quote, order kept."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.discord.render import escape, render
from bot.core.reply import Citation, Reply, ReplyField, Section
from tests.adapters.discord.conftest import embed_chars


def long_reply() -> Reply:
    quote = ("Cambodian Prime Minister Hun Manet said on Friday evening that he had asked for verification "
             "of who opened fire first, and called for a transparent investigation into the attack ")
    citations = [Citation(n=i, source_id=f"s{i % 3}", title=f"Report {i % 3}", published="2025-12-12",
                          quote=f"{quote}number {i}.") for i in range(1, 61)]
    fields = [ReplyField(name=f"Figure {i}", value=f"at least {i} people (as of 12 Dec 2025) [{i}] " + "x" * 900)
              for i in range(40)]
    items = [f"12 Dec 2025 — event number {i} " + "word " * 60 + f"[{i % 60 + 1}]" for i in range(80)]
    return Reply(title="A very long briefing", citations=citations, command="review", sections=[
        Section(heading="Figures", fields=fields),
        Section(heading="Timeline", text="What happened, in order. " * 300, items=items)])


def test_every_message_within_limits_and_every_quote_whole() -> None:
    reply = long_reply()
    messages = render(reply)
    assert len(messages) > 3
    for m in messages:
        assert len(m.embeds) <= 10
        assert sum(embed_chars(e) for e in m.embeds) <= 6000
        for e in m.embeds:
            assert len(e.get("description", "")) <= 4096
            assert len(e.get("title", "")) <= 256
            assert len(e.get("fields", [])) <= 25
            assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in e.get("fields", []))
    descriptions = "\n".join(e.get("description", "") for m in messages for e in m.embeds)
    for c in reply.citations:
        assert descriptions.count(f"[{c.n}] “{c.quote}”") == 1
    # Order kept: figures, then the timeline, then the notes.
    assert descriptions.index("**Timeline**") < descriptions.index("**Notes**")
    assert messages[0].embeds[0]["title"] == "A very long briefing"
    assert messages[1].embeds[0]["title"] == "A very long briefing (cont.)"
    # The sources footer once, on the last embed.
    footers = [e["footer"]["text"] for m in messages for e in m.embeds if "footer" in e]
    assert footers == ["Sources: Report 1 (2025-12-12); Report 2 (2025-12-12); Report 0 (2025-12-12)"]
    assert "footer" in messages[-1].embeds[-1]


def test_short_reply_is_one_embed_with_fields_then_notes() -> None:
    reply = Reply(title="Casualties", citations=[Citation(1, "s", "T", "2025-12-12", "q *star*")], sections=[
        Section(heading="Figures", fields=[ReplyField("Killed", "at least 11 people [1]")]),
        Section(text="Figures are as reported.")])
    [message] = render(reply)
    first, second = message.embeds
    assert first["fields"] == [{"name": "Killed", "value": "at least 11 people [1]", "inline": False}]
    # Text after fields goes in the next embed, so it is not drawn above them.
    assert second["description"].startswith("Figures are as reported.")
    assert "[1] “q \\*star\\*” — T, 2025-12-12" in second["description"]  # markdown shown verbatim


def test_attachments_go_on_the_first_message(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG")
    messages = render(Reply(title="t", sections=[Section(text="x")], attachments=[chart]))
    assert messages[0].files == [chart]


def test_escape_leaves_plain_text_readable() -> None:
    assert escape("a*b_c`d|e") == "a\\*b\\_c\\`d\\|e"
    assert escape("303,000 — “quote”") == "303,000 — “quote”"


def test_a_hard_cut_never_leaves_a_lone_escape_or_splits_a_grapheme_cluster() -> None:
    import unicodedata

    from bot.adapters.discord.render import FIELD_VALUE_LIMIT, render
    from bot.core.reply import Reply, ReplyField, Section

    khmer = "ព្រះរាជាណាចក្រកម្ពុជា"  # subscripts (coeng + consonant) and dependent vowels
    thai = "ประเทศไทยและกัมพูชา"  # above/below vowels and tone marks
    values = {
        # The 1,024th character of the escaped value is the backslash of "\*".
        "escape": "a" * (FIELD_VALUE_LIMIT - 1) + "*" * 40,
        "khmer": khmer * 120,
        "thai": thai * 120,
    }
    reply = Reply(title="Split", sections=[Section(fields=[ReplyField(name=k, value=v) for k, v in values.items()])])
    pieces = [f["value"] for m in render(reply) for e in m.embeds for f in e.get("fields", [])]
    assert len(pieces) > len(values)  # each value was cut
    for piece in pieces:
        assert len(piece) <= FIELD_VALUE_LIMIT
        trailing = len(piece) - len(piece.rstrip("\\"))
        assert trailing % 2 == 0, piece[-5:]
        assert unicodedata.category(piece[0]) not in ("Mn", "Mc"), piece[:3]
        assert piece[-1] != "\u17d2", piece[-3:]
    # Nothing lost: the pieces put back together are the escaped values.
    joined = "".join(pieces).replace("\\", "")
    assert joined == "".join(values.values())
