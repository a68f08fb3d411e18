"""What every Slack listener needs, built once per app."""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp

from bot.adapters.slack.askers import AskerDirectory
from bot.adapters.slack.background import Background
from bot.adapters.slack.dedupe import SeenEvents
from bot.core.commands import Core
from bot.core.reply import Reply, Section


@dataclass
class Deps:
    core: Core
    askers: AskerDirectory
    background: Background = field(default_factory=Background)
    seen: SeenEvents = field(default_factory=SeenEvents)
    # One connection pool for the Web API and response URLs, opened by SlackService.start().
    http: aiohttp.ClientSession | None = None


def error_reply() -> Reply:
    return Reply(title="Something went wrong", ephemeral=True, found=False, sections=[Section(
        text="The bot could not answer that just now. Please try again in a minute.")])
