"""/help (and /briefhelp) as `briefbot run` builds it: every command the services register is listed with a
description, including commands one feature wraps around another's (issue 14, items 4 and 8)."""

from __future__ import annotations

from bot.app import build_core
from bot.config import load_settings
from bot.runner import build_services


async def test_every_registered_command_has_a_description_in_help(sqlite_url: str) -> None:
    settings = load_settings(database_url=sqlite_url, slack_bot_token="xoxb-help-test",
                             slack_signing_secret="help-test-secret", http_port=0)
    core = build_core(settings)
    build_services(settings, core)  # registers /subscribe, /watch ... as a real run does; nothing started
    assert {"subscribe", "unsubscribe", "subscriptions", "review"} <= set(core.extra)
    reply = await core.handle("briefhelp")
    lines = [item for s in reply.sections for item in s.items]
    for name in [*core.command_names(), "briefhelp"]:
        if name == "help":
            continue
        [line] = [x for x in lines if x.startswith(f"/{name} ") or x == f"/{name}"]
        assert len(line.split("—", 1)[-1].strip()) > 10 and "—" in line, line


async def test_every_managing_command_says_when_rights_could_not_be_checked(sqlite_url: str) -> None:
    from bot.core.reply import Asker

    settings = load_settings(database_url=sqlite_url, slack_bot_token="xoxb-help-test",
                             slack_signing_secret="help-test-secret", http_port=0)
    core = build_core(settings)
    build_services(settings, core)
    unknown = Asker(platform="slack", user_id="U1", channel_id="C1", workspace_id="T1", permission_unknown=True)
    member = Asker(platform="slack", user_id="U2", channel_id="C1", workspace_id="T1")
    for command, text in [("subscribe", "07:30"), ("subscribe", "alerts"), ("unsubscribe", ""),
                          ("unsubscribe", "alerts"), ("review", "approve 1"), ("watch", "list")]:
        if command not in core.extra:
            continue
        told = await core.handle(command, text, unknown)
        assert "Could not check your permissions" in told.to_text(), (command, text, told.to_text())
        refused = await core.handle(command, text, member)
        assert refused.title == "Not allowed", (command, text)
