"""Review cards on Discord: an embed per new report with buttons (message components), and the presses.

Buttons carry custom ids `review:<action>:<candidate id>`; the client's `on_interaction` hands component
interactions here. Only reviewers may press (Manage Server, or REVIEW_REVIEWERS); anyone else gets an
ephemeral "not allowed". A press updates the card in place (interaction response type 7).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord

from bot.adapters.discord.asker import from_interaction
from bot.adapters.discord.render import clip, escape
from bot.delivery import PermanentError, RateLimited, TransientError
from bot.ingest import review_cards as rc

log = logging.getLogger("briefbot.discord")

PREFIX = "review:"
MAX_BUTTON_ITEMS = 12  # 2 buttons each, plus Approve all: Discord allows 25 per message
NOT_ALLOWED = "Not allowed: only reviewers may approve or reject candidates (Manage Server, or REVIEW_REVIEWERS)."
ACTIONS = {"approve": "approve", "reject": "reject", "force": "force", "all": "approve"}


def card_embed(card: rc.Card) -> discord.Embed:
    lines = []
    if card.date_note:
        lines.append(f"⚠ Date: {escape(card.date_note)}")
    for item in card.items:
        flag = f"\n⚠ **{item.flag}:** {escape(item.reason)}" if item.flag else ""
        state = f"\n{'✅' if item.status == 'approved' else '❌'} {escape(item.outcome())}" if not item.open else ""
        lines.append(f"**#{item.id}** [{item.kind}] {escape(item.summary)}\n> {escape(clip(item.quote, 600))}{flag}{state}")
    if card.more:
        lines.append(f"{card.more} more candidate(s): use /review")
    who = f"{card.publisher}, " if card.publisher else ""
    embed = discord.Embed(title=clip(f"New report for review: {card.title}", 256),
                          description=clip("\n\n".join(lines), 4000), url=card.url or None)
    embed.set_footer(text=clip(f"{who}{card.published} · {card.source_id}", 2000))
    return embed


def card_view(card: rc.Card) -> discord.ui.View | None:
    view = discord.ui.View(timeout=None)
    shown = [i for i in card.items if i.open][:MAX_BUTTON_ITEMS]
    for item in shown:
        if item.flag:
            view.add_item(discord.ui.Button(label=f"Approve #{item.id} anyway", style=discord.ButtonStyle.danger,
                                            custom_id=f"{PREFIX}force:{item.id}"))
        else:
            view.add_item(discord.ui.Button(label=f"Approve #{item.id}", style=discord.ButtonStyle.success,
                                            custom_id=f"{PREFIX}approve:{item.id}"))
        view.add_item(discord.ui.Button(label=f"Reject #{item.id}", style=discord.ButtonStyle.secondary,
                                        custom_id=f"{PREFIX}reject:{item.id}"))
    if card.open_ids:
        view.add_item(discord.ui.Button(label=f"Approve all ({len(card.open_ids)})", style=discord.ButtonStyle.primary,
                                        custom_id=f"{PREFIX}all:{card.open_ids[0]}"))
    return view if view.children else None


class DiscordCardPoster:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_card(self, channel_id: str, card: rc.Card) -> str:
        try:
            channel = self.client.get_partial_messageable(int(channel_id))
        except ValueError:
            raise PermanentError(f"“{channel_id}” is not a Discord channel id") from None
        kwargs: dict[str, Any] = {"embed": card_embed(card)}
        view = card_view(card)
        if view is not None:
            kwargs["view"] = view
        try:
            message = await asyncio.wait_for(channel.send(**kwargs), 60)
        except discord.RateLimited as exc:
            raise RateLimited(exc.retry_after) from exc
        except (discord.NotFound, discord.Forbidden) as exc:
            raise PermanentError(f"channel {channel_id}: {exc.text or exc.status}") from exc
        except discord.HTTPException as exc:
            raise TransientError(f"Discord answered {exc.status}") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"could not reach Discord: {type(exc).__name__}") from exc
        return str(message.id)


async def on_component(client: discord.Client, interaction: discord.Interaction) -> None:
    """A button press on a review card (other interactions are not ours and are left alone)."""
    if interaction.type != discord.InteractionType.component:
        return
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    if not custom_id.startswith(PREFIX):
        return
    parts = custom_id.split(":")
    action, value = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    store = client.core.store  # type: ignore[attr-defined]
    asker = from_interaction(interaction)
    try:
        if not rc.is_reviewer(asker, getattr(client, "reviewers", set())):
            await interaction.response.send_message(NOT_ALLOWED, ephemeral=True)
            log.info("review press refused", extra={"user": asker.user_id, "action": action})
            return
        if action not in ACTIONS or not value.isdigit():
            return
        source_id = await asyncio.to_thread(rc.candidate_source, store, int(value)) or ""
        if action == "all":
            card = await asyncio.to_thread(rc.load_card, store, source_id)
            ids = card.open_ids if card else []
        else:
            ids = [int(value)]
        decisions = await asyncio.to_thread(rc.decide_many, store, ids, ACTIONS[action], asker.display_name or asker.user_id)
        log.info("review press", extra={"user": asker.user_id, "action": action,
                                        "results": ",".join(f"{d.candidate_id}:{d.result}" for d in decisions)})
        card = await asyncio.to_thread(rc.load_card, store, source_id)
        if card is not None:
            await interaction.response.edit_message(embed=card_embed(card), view=card_view(card))
        problem = rc.decisions_text(decisions)
        if problem:
            await interaction.followup.send(problem, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.error("review press could not be answered", extra={"error": f"{type(exc).__name__}: {exc}"})
    except Exception:
        log.exception("review press failed", extra={"custom_id": custom_id})
