"""Chat commands /subscribe, /unsubscribe and /subscriptions, registered on the Core.

Only people who may manage the channel can change subscriptions (the adapters set `Asker.can_manage`:
Discord Manage Server, Slack workspace admins and owners or SLACK_ADMINS). Listing is open to all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.core.commands import Core
from bot.core.reply import Asker, Reply, Section, channel_ref, refusal
from bot.core.store import Store
from bot.delivery import DeliveryError, Poster
from bot.schedule import subscriptions as subs
from bot.schedule.subscriptions import SubscriptionError

log = logging.getLogger("briefbot.schedule")

USAGE = ("Usage: /subscribe [HH:MM] [time zone] [days] [short|full] [briefing], e.g. "
         "“/subscribe 07:30 Asia/Phnom_Penh mon-fri short”. Defaults: 08:00 UTC, every day, short, "
         "the briefing this channel follows.")
NOT_ALLOWED = ("Only people who can manage this {where} may change morning briefings "
               "({who}). Ask one of them, or use `briefbot subscribe` on the server.")
WHO_MAY = {"discord": "Manage Server permission", "slack": "workspace admins and owners, or SLACK_ADMINS"}


HELP = {
    "subscribe": "[HH:MM] [time zone] [days] [short|full] — a morning briefing in this channel",
    "unsubscribe": "[number] — stop this channel's morning briefing (or subscription number)",
    "subscriptions": "the morning briefings set up here",
}


def _note(title: str, text: str, found: bool = True, command: str = "subscribe") -> Reply:
    return Reply(title=title, sections=[Section(text=text)], ephemeral=True, found=found, command=command)


def _refused(asker: Asker, command: str) -> Reply:
    where = "server" if asker.platform == "discord" else "workspace"
    text = NOT_ALLOWED.format(where=where, who=WHO_MAY.get(asker.platform, "channel managers"))
    return refusal(asker, text, command)


async def check_channel(posters: dict[str, Poster], platform: str, channel: str) -> str | None:
    """A reason the bot cannot post in the channel, or None. Unreachable platforms do not block."""
    poster = posters.get(platform)
    if poster is None:
        return None
    try:
        return await poster.check_channel(channel)
    except DeliveryError as exc:
        log.warning("could not check channel", extra={"platform": platform, "channel": channel, "error": str(exc)})
        return None if exc.transient else str(exc)


def register(core: Core, store: Store, posters: dict[str, Poster],
             on_change: Callable[[], None] | None = None) -> None:
    """Add the subscription commands to `core`; `on_change` reschedules at once after a change."""

    def changed() -> None:
        if on_change is not None:
            try:
                on_change()
            except Exception:  # noqa: BLE001 - the poll picks the change up anyway
                log.exception("rescheduling after a subscription change failed")

    async def subscribe(text: str, asker: Asker) -> Reply:
        if not asker.can_manage:
            return _refused(asker, "subscribe")
        if asker.platform not in subs.PLATFORMS:
            return _note("Not here", "Morning briefings post to Slack or Discord channels; from the "
                         "terminal use `briefbot subscribe --platform slack --channel C123`.", found=False)
        if text.strip().lower() in ("help", "?"):
            return _note("Subscribe", USAGE)
        named, text = core.split_name(text)
        try:
            opts = subs.parse_options(text)
        except SubscriptionError as exc:
            return _note("Cannot subscribe", f"{exc}.\n{USAGE}", found=False)
        if named:
            opts.briefing = named
            opts.given.add("briefing")
        problem = await check_channel(posters, asker.platform, asker.channel_id)
        if problem:
            return _note("Cannot subscribe", f"Cannot post here: {problem}.", found=False)
        existing = await asyncio.to_thread(subs.find, store, asker.platform, asker.workspace_id,
                                           asker.channel_id)
        if existing is not None:
            # Keep what was not given this time: "/subscribe full" only changes the format.
            for name, attr in (("time", "local_time"), ("timezone", "timezone"), ("days", "days"),
                               ("format", "format"), ("briefing", "briefing")):
                if name not in opts.given:
                    setattr(opts, attr, getattr(existing, attr))
        elif not opts.briefing:
            opts.briefing = core.channel_briefing(asker)  # a new one posts what the channel follows
        sub, created = await asyncio.to_thread(subs.upsert, store, asker.platform, asker.workspace_id,
                                               asker.channel_id, opts, f"{asker.platform}:{asker.user_id}")
        changed()
        log.info("subscription saved", extra={"subscription": sub.id, "channel": sub.where(),
                                              "by": asker.user_id, "new": created})
        verb = "Subscribed" if created else "Subscription changed"
        return _note(verb, f"This channel gets the morning briefing at {sub.full_text()} "
                           f"(subscription {sub.id}). /unsubscribe stops it.")

    async def unsubscribe(text: str, asker: Asker) -> Reply:
        if not asker.can_manage:
            return _refused(asker, "unsubscribe")
        arg = text.strip()
        if arg:
            if not arg.isdigit():
                return _note("Cannot unsubscribe", f"“{arg[:40]}” is not a subscription number; "
                             "see /subscriptions.", found=False, command="unsubscribe")
            sub = await asyncio.to_thread(subs.get, store, int(arg))
            if sub is None or sub.platform != asker.platform or sub.workspace != asker.workspace_id:
                return _note("Cannot unsubscribe", f"No subscription {arg} here; see /subscriptions.",
                             found=False, command="unsubscribe")
            await asyncio.to_thread(subs.remove_id, store, sub.id)
        else:
            sub = await asyncio.to_thread(subs.remove, store, asker.platform, asker.workspace_id,
                                          asker.channel_id)
            if sub is None:
                return _note("Nothing to stop", "This channel has no morning briefing.", found=False,
                             command="unsubscribe")
        changed()
        log.info("subscription removed", extra={"subscription": sub.id, "by": asker.user_id})
        done = _note("Unsubscribed", f"No more morning briefings in {channel_ref(sub.channel)} "
                                     f"(was {sub.schedule_text()}).", command="unsubscribe")
        done.channels = [sub.channel]
        return done

    async def list_(text: str, asker: Asker) -> Reply:
        rows = await asyncio.to_thread(subs.all_subscriptions, store, asker.platform, asker.workspace_id)
        if not rows:
            return _note("Morning briefings", "None set up here. " + USAGE, command="subscriptions")
        items = [f"{s.id}: channel {channel_ref(s.channel)} — {s.full_text()}" for s in rows]
        return Reply(title="Morning briefings", sections=[Section(items=items)], ephemeral=True,
                     command="subscriptions", channels=[s.channel for s in rows])

    handlers: dict[str, Callable[[str, Asker], Awaitable[Reply]]] = {
        "subscribe": subscribe, "unsubscribe": unsubscribe, "subscriptions": list_}
    for name, handler in handlers.items():
        core.register(name, handler, HELP[name])

