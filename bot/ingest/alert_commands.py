"""`/subscribe alerts`, `/unsubscribe alerts` and the alerts in `/subscriptions`.

The morning-briefing commands own /subscribe; these wrap them, taking the calls whose first word is
"alerts" and handing every other call on unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.core.commands import Core
from bot.core.reply import Asker, Reply, Section, refusal
from bot.core.store import Store
from bot.ingest import alerts

USAGE = ("/subscribe alerts [quiet HH:MM-HH:MM] [time zone] — a short message here when a headline figure "
         "moves or a contested claim is added; /unsubscribe alerts stops it.")
Handler = Callable[[str, Asker], Awaitable[Reply]]
BriefingOf = Callable[[Asker], Awaitable[str]]


def note(title: str, text: str, found: bool = True, command: str = "subscribe") -> Reply:
    return Reply(title=title, sections=[Section(text=text)], ephemeral=True, found=found, command=command)


def register(core: Core, store: Store, briefing_of: BriefingOf) -> None:
    before = {name: core.extra.get(name) for name in ("subscribe", "unsubscribe", "subscriptions")}

    async def unavailable(_text: str, _asker: Asker) -> Reply:
        return note("Not here", "Morning briefings are not set up on this bot.", found=False)

    def passed_on(name: str) -> Handler:
        return before[name] or unavailable

    async def subscribe(text: str, asker: Asker) -> Reply:
        words = text.split()
        if not words or words[0].lower() != "alerts":
            return await passed_on("subscribe")(text, asker)
        if not asker.can_manage:
            return refusal(asker, "Only people who manage the bot here can set up alerts.", "subscribe")
        if asker.platform not in ("slack", "discord"):
            return note("Not here", "Alerts post to Slack or Discord channels.", found=False)
        try:
            quiet, tz = alerts.parse_options(" ".join(words[1:]))
        except alerts.AlertError as exc:
            return note("Cannot subscribe", f"{exc}. {USAGE}", found=False)
        briefing = await briefing_of(asker)
        sub, created = await asyncio.to_thread(
            alerts.subscribe, store, briefing, asker.platform, asker.workspace_id, asker.channel_id, quiet=quiet,
            timezone=tz, created_by=f"{asker.platform}:{asker.user_id}")
        quiet_text = f" Quiet hours {sub.quiet} {sub.timezone}: alerts wait until they end." if sub.quiet else ""
        return note("Alerts on" if created else "Alerts changed",
                    f"This channel gets an alert when a headline figure of briefing {briefing} moves or a "
                    f"contested claim is added.{quiet_text} /unsubscribe alerts stops it.")

    async def unsubscribe(text: str, asker: Asker) -> Reply:
        words = text.split()
        if not words or words[0].lower() != "alerts":
            return await passed_on("unsubscribe")(text, asker)
        if not asker.can_manage:
            return refusal(asker, "Only people who manage the bot here can stop alerts.", "unsubscribe")
        gone = await asyncio.to_thread(alerts.unsubscribe, store, asker.platform, asker.workspace_id,
                                       asker.channel_id)
        if not gone:
            return note("Nothing to stop", "This channel gets no alerts.", found=False, command="unsubscribe")
        return note("Alerts off", "No more alerts in this channel.", command="unsubscribe")

    async def subscriptions(text: str, asker: Asker) -> Reply:
        reply = await passed_on("subscriptions")(text, asker)
        rows = await asyncio.to_thread(alerts.all_alert_subscriptions, store, asker.platform, asker.workspace_id)
        if rows:
            reply.sections.append(Section(heading="Alerts", items=[s.describe() for s in rows]))
        return reply

    core.register("subscribe", subscribe)
    core.register("unsubscribe", unsubscribe)
    core.register("subscriptions", subscriptions)
