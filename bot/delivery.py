"""Posting a reply to a channel outside a conversation (morning briefings, post-now).

Each platform adapter provides a Poster. The delivery loop (scheduler) renders a reply into one or more
platform messages and sends them one at a time, so that a retry after a failure never re-sends a part
that already went out.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.core.reply import Reply


class DeliveryError(Exception):
    """Sending failed. `transient` errors may be retried; others (unknown channel, no access) may not."""

    transient = False


class RateLimited(DeliveryError):
    transient = True

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:g}s)")
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """5xx, timeouts, connection resets: worth another try after a backoff."""

    transient = True


class PermanentError(DeliveryError):
    """The platform said no for good (channel not found, bot not in channel, invalid payload)."""


class Poster(Protocol):
    platform: str  # "slack" | "discord"

    def render(self, reply: Reply) -> list[dict[str, Any]]:
        """The reply as platform message payloads, already split under the platform's limits."""
        ...

    async def send(self, channel_id: str, payload: dict[str, Any]) -> str:
        """Send ONE message; return its id. Raise RateLimited / TransientError / PermanentError.

        Must not retry on its own (the caller owns retries, so each part is sent at most once)."""
        ...

    async def check_channel(self, channel_id: str) -> str | None:
        """None when the bot can post there, else a short reason naming the channel."""
        ...
