"""The /watch chat command: list, add and remove watched feeds of the channel's briefing (admins only)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.core.commands import Core
from bot.core.reply import Asker, Reply, Section, refusal
from bot.core.store import Store
from bot.ingest import watch

USAGE = ("/watch — this briefing's feeds and their status; /watch add URL [minutes] [page]; "
         "/watch remove ID; /watch poll; /watch review — new reports come here for review")

# Which briefing a channel works on: the briefing it follows, else the default one.
BriefingOf = Callable[[Asker], Awaitable[str]]


def note(title: str, text: str, found: bool = True) -> Reply:
    return Reply(title=title, sections=[Section(text=text)], ephemeral=True, found=found, command="watch")


def register(core: Core, store: Store, briefing_of: BriefingOf, *, default_interval: int = watch.DEFAULT_INTERVAL_MIN,
             poll_now: Callable[[], None] | None = None) -> None:
    async def handler(text: str, asker: Asker) -> Reply:
        if not asker.can_manage:
            return refusal(asker, "Only people who manage the bot here can change watched feeds.", "watch")
        briefing = await briefing_of(asker)
        words = text.split()
        action = words[0].lower() if words else "list"
        try:
            if action == "list":
                rows = await asyncio.to_thread(watch.listing, store, briefing)
                return listing_reply(briefing, rows)
            if action == "add":
                return await add(briefing, words[1:], asker)
            if action == "remove":
                if len(words) != 2:
                    return note("Watch", f"Give the feed's number or URL. {USAGE}", found=False)
                gone = await asyncio.to_thread(watch.remove, store, words[1], briefing)
                if not gone:
                    return note("Watch", f"No watched feed “{words[1][:80]}” in briefing {briefing}.", found=False)
                return note("Watch", f"Stopped watching {gone[0].url} (its reports stay in the briefing).")
            if action == "poll":
                await asyncio.to_thread(watch.poll_now, store, [f.id for f in watch.listing(store, briefing)])
                if poll_now is not None:
                    poll_now()
                return note("Watch", "Polling this briefing's feeds now; new reports go to review.")
            if action == "review":
                from bot.ingest.review_cards import set_review_channel

                await asyncio.to_thread(set_review_channel, store, briefing, asker.platform, asker.workspace_id,
                                        asker.channel_id, f"{asker.platform}:{asker.user_id}")
                return note("Review channel", f"New reports of briefing {briefing} come to this channel for review, "
                                              "one message per report with Approve / Reject buttons.")
        except watch.WatchError as exc:
            return note("Cannot watch", f"{exc}. {USAGE}", found=False)
        return note("Watch", f"Unknown action “{action[:20]}”. {USAGE}", found=False)

    async def add(briefing: str, args: list[str], asker: Asker) -> Reply:
        if not args:
            return note("Watch", f"Give the feed's URL. {USAGE}", found=False)
        url, rest = args[0].strip("<>"), [a.lower() for a in args[1:]]
        kind = "page" if "page" in rest else "feed"
        minutes = next((a for a in rest if a != "page"), None)
        feed, created = await asyncio.to_thread(
            lambda: watch.add(store, briefing, url, kind=kind, interval_min=minutes or default_interval,
                              created_by=f"{asker.platform}:{asker.user_id}"))
        if poll_now is not None:
            poll_now()
        verb = "Watching" if created else "Updated"
        return note("Watch", f"{verb} {feed.kind} {feed.id}: {feed.url} for briefing {briefing}, every "
                             f"{feed.interval_min} min. New reports go to review.")

    core.register("watch", handler, "[add URL|remove ID|poll|review] — news feeds watched for new reports")


def listing_reply(briefing: str, rows: list[watch.Feed]) -> Reply:
    if not rows:
        return note("Watched feeds", f"Briefing {briefing} watches no feed. {USAGE}")
    items = []
    for f in rows:
        title = f" “{f.title}”" if f.title else ""
        items.append(f"{f.id}: {f.kind} {f.url}{title}, every {f.interval_min} min — {f.status_line()}")
    return Reply(title=f"Watched feeds of briefing {briefing}: {len(rows)}", ephemeral=True, command="watch",
                 sections=[Section(items=items), Section(text=USAGE)])
