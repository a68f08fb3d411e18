"""SlackPoster: the delivery Poster for scheduled posts (chat.postMessage, no retries of its own)."""

from __future__ import annotations

import datetime as dt
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
from bot.delivery import CannotTell, PermanentError, RateLimited, TransientError

log = logging.getLogger("briefbot.slack")

# Our own message metadata event type: each scheduled part carries its delivery mark, so after a
# crash the channel's recent history tells whether that part arrived (needs the *:history scopes).
PART_EVENT = "briefbot_briefing_part"
HISTORY_PAGES = 5  # recent history read when looking for a part (200 messages a page)
HISTORY_SCOPES = "channels:history, groups:history, im:history, mpim:history"


class SlackPoster:
    platform = "slack"

    def __init__(self, settings: Settings, client: AsyncWebClient | None = None, timeout: int = 10) -> None:
        # No retry handlers: the delivery loop owns retries, so each part is sent at most once per attempt.
        self.client = client or web_client(settings, retries=False, timeout=timeout)

    def render(self, reply: Reply) -> list[dict[str, Any]]:
        return render(reply)

    async def send(self, channel_id: str, payload: dict[str, Any], mark: str = "") -> str:
        extra: dict[str, Any] = {}
        if mark:
            extra["metadata"] = {"event_type": PART_EVENT, "event_payload": {"mark": mark}}
        try:
            resp = await self.client.chat_postMessage(channel=channel_id, **payload, **extra)
        except SlackApiError as exc:
            raise classify(exc, channel_id) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"Slack unreachable posting to {channel_id}: {type(exc).__name__}",
                                 maybe_sent=True) from None
        return str(resp.get("ts", ""))

    async def find_sent(self, channel_id: str, payload: dict[str, Any], mark: str,
                        since: dt.datetime) -> str | None:
        """The ts of our message carrying `mark`, from the channel's history since `since`."""
        cursor = None
        # A minute before the claim: clocks of this host and Slack's need not agree to the second.
        oldest = f"{since.timestamp() - 60:.6f}"
        for _ in range(HISTORY_PAGES):
            try:
                resp = await self.client.conversations_history(channel=channel_id, oldest=oldest, limit=200,
                                                               include_all_metadata=True, cursor=cursor)
            except SlackApiError as exc:
                error = api_error(exc)
                if error == "missing_scope":
                    raise CannotTell(f"the Slack token cannot read {channel_id}'s history (missing scope; "
                                     f"grant {HISTORY_SCOPES})") from None
                problem = classify(exc, channel_id)
                if isinstance(problem, PermanentError):
                    raise CannotTell(f"cannot read {channel_id}'s history: {error}") from None
                raise problem from None
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise TransientError(f"Slack unreachable reading {channel_id}: {type(exc).__name__}") from None
            for message in resp.get("messages") or []:
                meta = message.get("metadata") or {}
                if meta.get("event_type") == PART_EVENT and (meta.get("event_payload") or {}).get("mark") == mark:
                    return str(message.get("ts", ""))
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not resp.get("has_more") or not cursor:
                return None
        raise CannotTell(f"{channel_id} has more than {HISTORY_PAGES * 200} messages since the delivery began")

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
        # A 5xx may come after Slack stored the message: ask before posting it again.
        return TransientError(f"Slack error posting to {channel_id}: {error or status}", maybe_sent=status >= 500)
    return PermanentError(f"Slack refused the post to {channel_id}: {error}")
