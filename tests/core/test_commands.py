"""The core commands through Core.handle, the entry point every adapter uses."""

from __future__ import annotations

from bot.core.reply import Asker


async def test_casualties_shows_each_figure_with_qualifier_date_and_source(core) -> None:  # noqa: ANN001
    reply = await core.handle("casualties")
    values = {f.name: f.value for s in reply.sections for f in s.fields}
    assert values["Killed"].startswith("at least 11 people (as of 12 Dec 2025)")
    assert values["Injured"].startswith("nearly 60 people (as of 12 Dec 2025)")
    assert values["Displaced"].startswith("more than 303,000 people from six provinces (as of 12 Dec 2025)")
    assert reply.citations and "Hun Manet Asks Trump" in reply.source_line()


async def test_briefing_short_and_full(core) -> None:  # noqa: ANN001
    short = await core.handle("/briefing")
    full = await core.handle("briefing", "full")
    assert len(full.to_text()) > len(short.to_text())
    assert "Ceasefire — disputed" in short.to_text()
    assert "Who's who" in full.to_text()


async def test_unknown_argument_gets_help_not_an_error(core) -> None:  # noqa: ANN001
    reply = await core.handle("briefing", "yesterday please")
    assert reply.command == "help" and reply.ephemeral and "“yesterday please”" in reply.to_text()
    assert (await core.handle("casualties", "now")).command == "help"
    assert (await core.handle("nonsense")).command == "help"
    assert (await core.handle("briefhelp")).command == "help"


async def test_empty_and_oversized_questions(core) -> None:  # noqa: ANN001
    empty = await core.handle("ask", "   ")
    assert empty.command == "help" and "/ask" in empty.to_text()
    huge = await core.handle("ask", "why " * 400)
    assert huge.ephemeral and huge.found is False and "1,000 characters" in huge.to_text()


async def test_ask_answers_with_citations(core) -> None:  # noqa: ANN001
    reply = await core.handle("ask", "who requested satellite verification?", Asker(platform="test"))
    assert reply.found and "Hun Manet" in reply.sections[0].text and reply.citations


async def test_timeline_keeps_reported_dates_as_reported(core) -> None:  # noqa: ANN001
    text = (await core.handle("timeline")).to_text()
    assert "7 Dec 2025 (morning)" in text and "Saturday morning — Thai military forces reportedly" in text
    assert text.index("7 Dec 2025") < text.index("12 Dec 2025")


async def test_claims_and_who(core) -> None:  # noqa: ANN001
    claims = (await core.handle("claims")).to_text()
    assert "Ceasefire — disputed" in claims and "Hun Manet does not confirm" in claims
    who = await core.handle("who", "Anutin")
    assert who.title == "Anutin Charnvirakul" and "Prime Minister" in who.to_text()
    nobody = await core.handle("who", "Xi Jinping")
    assert nobody.found is False and "does not cover" in nobody.to_text()


async def test_sources_and_registered_commands(core) -> None:  # noqa: ANN001
    assert "2025-12-12" in (await core.handle("sources")).to_text()

    async def ping(text: str, asker: Asker):  # noqa: ANN202
        from bot.core.reply import Reply

        return Reply(title=f"pong {text} {asker.user_id}")

    core.register("ping", ping)
    assert (await core.handle("ping", "x", Asker(user_id="u1"))).title == "pong x u1"


async def test_help_lists_registered_commands(core) -> None:  # noqa: ANN001
    async def subscribe(text: str, asker: Asker):  # noqa: ANN202
        """Post the morning briefing in this channel."""

    core.register("subscribe_demo", subscribe)
    assert "/subscribe_demo — Post the morning briefing in this channel" in (await core.handle("help")).to_text()
