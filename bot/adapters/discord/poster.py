"""Scheduled posts to a Discord channel: the `bot.delivery.Poster` contract over discord.py.

Exactly once: each rendered part carries a nonce that `send` passes with `enforce_nonce`, so when
discord.py repeats a request by itself (it waits out a 429 and retries 500/502/504) or the caller
retries a part after a TransientError, Discord returns the message already created instead of a second
one. A 429 longer than the client's `max_ratelimit_timeout` is raised as RateLimited for the caller.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path
from typing import Any

import aiohttp
import discord

from bot.adapters.discord.render import render as render_messages
from bot.core.reply import Reply
from bot.delivery import PermanentError, RateLimited, TransientError

log = logging.getLogger("briefbot.discord")

SEND_TIMEOUT = 60.0


def new_nonce() -> str:
    # With enforce_nonce, Discord returns the first message for a repeated nonce instead of a duplicate.
    return secrets.token_hex(10)


class DiscordPoster:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def render(self, reply: Reply) -> list[dict[str, Any]]:
        """JSON payloads: {"embeds": [...], "files": [paths], "nonce": "..."}; one per message."""
        return [{"embeds": m.embeds, "files": [str(p) for p in m.files], "nonce": new_nonce()}
                for m in render_messages(reply)]

    async def find_sent(self, channel_id: str, payload: dict[str, Any], mark: str,
                        since: Any) -> str | None:
        """None: the part is sent again with its stored nonce, and Discord (enforce_nonce) answers with
        the message it already created instead of a second one — for a few minutes after the first."""
        return None

    async def send(self, channel_id: str, payload: dict[str, Any], mark: str = "") -> str:
        try:
            channel = self.client.get_partial_messageable(int(channel_id))
        except ValueError:
            raise PermanentError(f"“{channel_id}” is not a Discord channel id") from None
        kwargs: dict[str, Any] = {"embeds": [discord.Embed.from_dict(e) for e in payload.get("embeds", [])]}
        if payload.get("nonce"):
            kwargs["nonce"] = payload["nonce"]
        files = [discord.File(Path(p)) for p in payload.get("files", [])]
        if files:
            kwargs["files"] = files
        try:
            message = await asyncio.wait_for(channel.send(**kwargs), SEND_TIMEOUT)
        except discord.RateLimited as exc:
            raise RateLimited(exc.retry_after) from exc
        except (discord.NotFound, discord.Forbidden) as exc:
            raise PermanentError(f"channel {channel_id}: {exc.text or exc.status}") from exc
        except discord.DiscordServerError as exc:
            raise TransientError(f"Discord answered {exc.status}", maybe_sent=True) from exc
        except discord.HTTPException as exc:
            if exc.status == 429:  # one discord.py stopped retrying by itself: still only a rate limit
                raise RateLimited(float(getattr(exc, "retry_after", 1.0) or 1.0)) from exc
            raise PermanentError(f"Discord refused the message ({exc.status}): {exc.text}") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"could not reach Discord: {type(exc).__name__}", maybe_sent=True) from exc
        return str(message.id)

    async def check_channel(self, channel_id: str) -> str | None:
        try:
            channel = await self.client.fetch_channel(int(channel_id))
        except ValueError:
            return f"“{channel_id}” is not a Discord channel id"
        except discord.NotFound:
            return f"channel {channel_id} does not exist (or the bot cannot see it)"
        except discord.Forbidden:
            return f"the bot has no access to channel {channel_id}; invite it or grant View Channel"
        except discord.HTTPException as exc:
            return f"could not check channel {channel_id} ({exc.status})"
        if not hasattr(channel, "send"):
            return f"channel {channel_id} is not a text channel"
        return None

    async def close(self) -> None:
        await self.client.close()


async def open_poster(token: str) -> DiscordPoster:
    """A poster with its own logged-in client (REST only, no gateway), e.g. for `post-now`."""
    client = discord.Client(intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none(),
                            max_ratelimit_timeout=60.0)
    await client.login(token)
    return DiscordPoster(client)
