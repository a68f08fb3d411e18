"""SlackPoster: the delivery Poster for scheduled posts (chat.postMessage, no retries of its own)."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.app import web_client
from bot.adapters.slack.errors import TRANSIENT_ERRORS, api_error
from bot.adapters.slack.render import render
from bot.config import Settings
from bot.core.reply import Reply
from bot.delivery import PermanentError, RateLimited, TransientError

log = logging.getLogger("briefbot.slack")

class SlackPoster:
    platform = "slack"

    def __init__(self, settings: Settings, client: AsyncWebClient | None = None, timeout: int = 10) -> None:
        # No retry handlers: the delivery loop owns retries, so each part is sent at most once per attempt.
        self.client = client or web_client(settings, retries=False, timeout=timeout)

    def render(self, reply: Reply) -> list[dict[str, Any]]:
        return render(reply)

    async def send(self, channel_id: str, payload: dict[str, Any]) -> str:
        try:
            resp = await self.client.chat_postMessage(channel=channel_id, **payload)
        except SlackApiError as exc:
            raise classify(exc, channel_id) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"Slack unreachable posting to {channel_id}: {type(exc).__name__}") from None
        return str(resp.get("ts", ""))

    async def check_channel(self, channel_id: str) -> str | None:
        try:
            resp = await self.client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            if api_error(exc) == "channel_not_found":
                return f"channel {channel_id} not found, or the bot cannot see it (invite it first)"
            raise classify(exc, channel_id) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"Slack unreachable checking {channel_id}: {type(exc).__name__}") from None
        info = resp.get("channel") or {}
        name = f"#{info['name']}" if info.get("name") else channel_id
        if info.get("is_archived"):
            return f"{name} is archived"
        if not (info.get("is_member") or info.get("is_im")):
            return f"the bot is not in {name}; invite it with /invite"
        return None


def classify(exc: SlackApiError, channel_id: str) -> Exception:
    """A Slack API failure as the delivery error the caller acts on."""
    response = exc.response
    status = response.status_code
    error = api_error(exc)
    if status == 429 or error == "ratelimited":
        retry_after = float(response.headers.get("Retry-After", response.headers.get("retry-after", 1)) or 1)
        return RateLimited(retry_after, f"Slack rate limit posting to {channel_id}")
    if status >= 500 or error in TRANSIENT_ERRORS:
        return TransientError(f"Slack error posting to {channel_id}: {error}")
    return PermanentError(f"Slack refused the post to {channel_id}: {error}")
