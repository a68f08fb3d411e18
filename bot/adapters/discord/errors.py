"""Which failed Discord calls are worth another try, for `bot.retry.retrying`."""

from __future__ import annotations

import aiohttp
import discord

from bot.retry import BACKOFF, GIVE_UP


def classify(exc: BaseException) -> float | None:
    """A 429's retry_after (discord.py raises RateLimited past its own max wait), backoff for 5xx and the
    network, give up on anything Discord refused (403 Missing Permissions, 404 Unknown Channel, 400)."""
    if isinstance(exc, discord.RateLimited):
        return max(exc.retry_after, BACKOFF)
    if isinstance(exc, discord.DiscordServerError):
        return BACKOFF
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return float(getattr(exc, "retry_after", 0) or BACKOFF)
        return GIVE_UP
    if isinstance(exc, (aiohttp.ClientError, OSError, TimeoutError)):
        return BACKOFF
    return GIVE_UP


def describe(exc: BaseException) -> str:
    """A short reason for the asker and the log: 'Discord answered 403 (Missing Permissions)'."""
    last = getattr(exc, "last", exc)
    if isinstance(last, discord.HTTPException):
        return f"Discord answered {last.status}" + (f" ({last.text})" if last.text else "")
    if isinstance(last, discord.RateLimited):
        return f"rate limited by Discord for {last.retry_after:.0f} s"
    if isinstance(last, TimeoutError):  # includes discord.py's own 5xx retries, cut at our deadline
        return "Discord did not accept it in time"
    return f"could not reach Discord ({type(last).__name__})"
