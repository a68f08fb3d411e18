"""Posting a reply to a channel outside a conversation (morning briefings, post-now).

Each platform adapter provides a Poster. The delivery loop (scheduler) renders a reply into one or more
platform messages and sends them one at a time, so that a retry after a failure never re-sends a part
that already went out.
"""

from __future__ import annotations

import datetime as dt
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
    """5xx, timeouts, connection resets: worth another try after a backoff.

    `maybe_sent`: the platform may have accepted the message before the failure (a timeout, a reset
    connection, a 5xx), so it is asked before the part is sent again."""

    transient = True

    def __init__(self, message: str, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class CannotTell(Exception):
    """The platform cannot say whether a message arrived (a missing scope, an API that has no way)."""


class PermanentError(DeliveryError):
    """The platform said no for good (channel not found, bot not in channel, invalid payload)."""


class Poster(Protocol):
    platform: str  # "slack" | "discord"

    def render(self, reply: Reply) -> list[dict[str, Any]]:
        """The reply as platform message payloads, already split under the platform's limits."""
        ...

    async def send(self, channel_id: str, payload: dict[str, Any], mark: str = "") -> str:
        """Send ONE message; return its id. Raise RateLimited / TransientError / PermanentError.

        `mark` names the part for `find_sent` (Slack: message metadata); it is not shown to anyone.
        Must not retry on its own (the caller owns retries, so each part is sent at most once)."""
        ...

    async def find_sent(self, channel_id: str, payload: dict[str, Any], mark: str,
                        since: dt.datetime) -> str | None:
        """The id of the message sent with `mark` since `since`, or None when there is none — or when
        sending `payload` again cannot make a second message (Discord's enforced nonce).

        Raises CannotTell when the platform cannot say (the caller then chooses), RateLimited or
        TransientError when asking failed for now."""
        ...

    async def check_channel(self, channel_id: str) -> str | None:
        """None when the bot can post there, else a short reason naming the channel."""
        ...
