"""Slash commands through the real Bolt app: ack, then the rendered answer on the response URL."""

from __future__ import annotations

from typing import Any

from bot.core.reply import Asker, Reply, Section
from tests.adapters.slack.conftest import SlackServer, blocks_text


def block_types(message: dict[str, Any]) -> list[str]:
    return [b["type"] for b in message["blocks"]]


def fields_of(message: dict[str, Any]) -> dict[str, str]:
    out = {}
    for block in message["blocks"]:
        for f in block.get("fields", []):
            name, _, value = f["text"].partition("\n")
            out[name.strip("*")] = value
    return out


async def run(server: SlackServer, command: str, text: str = "", channel: str = "C1CHAN",
              user: str = "U1USER") -> list[dict[str, Any]]:
    resp = await server.command(command, text, channel=channel, user=user)
    assert resp.status == 200
    await server.settle()
    return server.slack.messages(channel)


async def test_casualties_shows_every_figure_with_qualifier_date_and_source(server: SlackServer) -> None:
    [msg] = await run(server, "/casualties")
    assert msg["via"] == "response_url" and msg["response_type"] == "in_channel"
    assert block_types(msg)[0] == "header" and "Casualties" in msg["blocks"][0]["text"]["text"]
    fields = fields_of(msg)
    assert fields["Killed"].startswith("at least 11 people (as of 12 Dec 2025)")
    assert fields["Injured"].startswith("nearly 60 people (as of 12 Dec 2025)")
    assert fields["Displaced"].startswith("more than 303,000 people")
    assert "(as of 12 Dec 2025)" in fields["Displaced"]
    # Each figure's footnote marker leads to a verbatim quote, and the context line names the source.
    text = blocks_text(msg)
    assert "“To date, at least 11 people have died, and nearly 60 have been injured.”" in text
    assert "“More than 303,000 individuals from six provinces have fled their homes" in text
    assert text.count("” — _Hun Manet Asks Trump, Anwar for Ways to End…_, 2025-12-12") == 2
    context = [b for b in msg["blocks"] if b["type"] == "context"]
    assert context and "Hun Manet Asks Trump, Anwar" in context[-1]["elements"][0]["text"]
    assert "2025-12-12" in context[-1]["elements"][0]["text"]
    assert msg["text"].startswith("Casualties")  # the plain fallback


async def test_briefing_is_in_channel_and_full_adds_sections(server: SlackServer) -> None:
    short = await run(server, "/briefing")
    assert all(m["response_type"] == "in_channel" for m in short)
    assert "as of 12 Dec 2025" in short[0]["blocks"][0]["text"]["text"]
    text = "".join(blocks_text(m) for m in short)
    assert "*Latest*" in text and "*Who's who*" not in text
    server.slack.calls.clear()
    full = await run(server, "/briefing", "full")
    assert all(m["response_type"] == "in_channel" for m in full)
    assert "*Who's who*" in "".join(blocks_text(m) for m in full)


async def test_other_commands_answer_the_asker_only(server: SlackServer) -> None:
    for command, expected in [("/timeline", "Timeline"), ("/claims", "Contested claims"),
                              ("/sources", "Sources"), ("/briefhelp", "help"), ("/who", "People")]:
        server.slack.calls.clear()
        messages = await run(server, command)
        assert messages, command
        assert messages[0]["response_type"] == "ephemeral", command
        assert expected in messages[0]["blocks"][0]["text"]["text"], command
        assert all(m["text"] for m in messages), command


async def test_unknown_argument_gets_help_not_an_error(server: SlackServer) -> None:
    [msg] = await run(server, "/casualties", "yesterday please")
    assert msg["response_type"] == "ephemeral"
    assert "/casualties takes no arguments" in blocks_text(msg)
    assert "/ask &lt;question&gt;" in blocks_text(msg)  # the help, escaped


async def test_ask_uncovered_question_says_so_privately(server: SlackServer) -> None:
    [msg] = await run(server, "/ask", "What is the capital of Australia?")
    assert msg["response_type"] == "ephemeral"
    assert msg["blocks"][0]["text"]["text"] == "What is the capital of Australia?"
    assert "does not cover" in blocks_text(msg)


async def test_question_over_1000_characters_is_refused_ephemerally(server: SlackServer) -> None:
    [msg] = await run(server, "/ask", "why " * 300)
    assert msg["response_type"] == "ephemeral"
    assert "under 1,000 characters" in blocks_text(msg)


async def test_feature_commands_are_routed_with_the_asker(server: SlackServer) -> None:
    seen: list[tuple[str, Asker]] = []

    async def subscribe(text: str, asker: Asker) -> Reply:
        seen.append((text, asker))
        return Reply(title="Subscribed", sections=[Section(text=f"Daily at {text}")], ephemeral=True)

    server.core.register("subscribe", subscribe)
    server.slack.add_user("UADMIN", name="Dara", admin=True)
    [msg] = await run(server, "/subscribe", "07:30", channel="C9OPS", user="UADMIN")
    assert msg["response_type"] == "ephemeral" and "Daily at 07:30" in blocks_text(msg)
    text, asker = seen[0]
    assert text == "07:30"
    assert asker == Asker(platform="slack", user_id="UADMIN", channel_id="C9OPS", workspace_id="T0TEST",
                          display_name="Dara", can_manage=True)
    # A member who is not an admin may not manage; users.info was asked once and then cached.
    await run(server, "/subscribe", "08:00", channel="C9OPS", user="U2MEMBER")
    await run(server, "/subscribe", "09:00", channel="C9OPS", user="U2MEMBER")
    assert [a.can_manage for _, a in seen] == [True, False, False]
    assert len([c for c in server.slack.calls_to("users.info") if c.args["user"] == "U2MEMBER"]) == 1


async def test_settings_admins_may_manage(slack_settings, core, slack) -> None:  # noqa: ANN001
    from tests.adapters.slack.conftest import serve

    settings = slack_settings.model_copy(update={"slack_admins": ["U7LEAD"]})
    seen: list[Asker] = []

    async def review(text: str, asker: Asker) -> Reply:
        seen.append(asker)
        return Reply(title="Review queue", ephemeral=True)

    core.register("review", review)
    async for server in serve(settings, core, slack):
        await run(server, "/review", user="U7LEAD")
        await run(server, "/review", user="U8OTHER")
    assert [a.can_manage for a in seen] == [True, False]


async def test_unregistered_feature_command_gets_help(server: SlackServer) -> None:
    [msg] = await run(server, "/unsubscribe")
    assert msg["response_type"] == "ephemeral"
    assert "Unknown command" in blocks_text(msg) and "/briefing" in blocks_text(msg)


async def test_attachments_are_uploaded_to_the_channel(server: SlackServer, tmp_path) -> None:  # noqa: ANN001
    chart = tmp_path / "casualties_chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)

    async def charts(text: str, asker: Asker) -> Reply:
        return Reply(title="Chart", sections=[Section(text="Figures over time")], attachments=[chart])

    server.core.register("chart", charts)
    [msg] = await run(server, "/chart")
    assert msg["response_type"] == "in_channel"
    [upload] = [u for u in server.slack.uploads.values() if u["bytes"]]
    assert upload["filename"] == "casualties_chart.png" and upload["channel"] == "C1CHAN"
    assert upload["bytes"].startswith(b"\x89PNG")


async def test_healthz_on_the_shared_server(server: SlackServer) -> None:
    async with server.session.get(server.root + "/healthz") as resp:
        assert resp.status == 200


async def test_follow_switches_the_channels_briefing_for_admins_only(server: SlackServer) -> None:
    from tests.briefing_helpers import add_conflict

    add_conflict(server.core.store)
    server.slack.add_user("UADMIN", name="Dara", admin=True)
    [refused] = await run(server, "/follow", "ruritania", channel="C9OPS", user="U2MEMBER")
    assert refused["response_type"] == "ephemeral" and "Not allowed" in blocks_text(refused)
    server.slack.calls.clear()
    [done] = await run(server, "/follow", "ruritania", channel="C9OPS", user="UADMIN")
    assert done["response_type"] == "in_channel" and "Ruritania–Freedonia war" in blocks_text(done)
    server.slack.calls.clear()
    [here] = await run(server, "/casualties", channel="C9OPS")
    assert "at least 42 people" in fields_of(here)["Killed"]
    [there] = await run(server, "/casualties", channel="C1CHAN")
    assert fields_of(there)["Killed"].startswith("at least 11 people")
    server.slack.calls.clear()
    [named] = await run(server, "/briefing", "ruritania", channel="C1CHAN")
    assert "Ruritania–Freedonia war" in named["blocks"][0]["text"]["text"]
