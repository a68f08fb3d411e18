"""Sending a rendered reply: to a slash command's response URL, or as messages in a thread."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot import metrics
from bot.adapters.slack.errors import api_error

log = logging.getLogger("briefbot.slack")

# Slack accepts at most 5 posts to one response URL.
MAX_RESPONSES = 5


async def respond_messages(webhook: AsyncWebhookClient, messages: list[dict[str, Any]], *,
                           in_channel: bool) -> None:
    """Answer a slash command through its response URL (up to 5 posts, for 30 minutes)."""
    if len(messages) > MAX_RESPONSES:
        messages = messages[:MAX_RESPONSES - 1] + [{
            "text": "The rest of this reply is too long for a slash command answer; "
                    "message the bot directly to read it all."}]
    response_type = "in_channel" if in_channel else "ephemeral"
    for message in messages:
        result = await webhook.send(text=message["text"], blocks=message.get("blocks"),
                                    response_type=response_type, replace_original=False)
        if result.status_code != 200:
            metrics.PLATFORM_ERRORS.labels("slack", "reply").inc()
            log.warning("slack response_url post failed", extra={"status": result.status_code,
                                                                "body": result.body[:200]})
            return


async def post_messages(client: AsyncWebClient, messages: list[dict[str, Any]], *, channel: str,
                        thread_ts: str | None, user: str, ephemeral: bool, attachments: list[Path]) -> None:
    """Post a rendered reply's messages in order; an ephemeral reply is shown to `user` only."""
    for message in messages:
        try:
            if ephemeral:
                await client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
            else:
                await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
        except SlackApiError as exc:
            metrics.PLATFORM_ERRORS.labels("slack", "reply").inc()
            log.warning("slack post failed", extra={"channel": channel, "error": api_error(exc)})
            return
    if attachments and not ephemeral:
        await upload_attachments(client, attachments, channel=channel, thread_ts=thread_ts)


async def upload_attachments(client: AsyncWebClient, paths: list[Path], *, channel: str,
                             thread_ts: str | None = None) -> None:
    """Upload chart images to the conversation; a failure is logged, the text reply already went out."""
    files = [{"file": str(p), "filename": Path(p).name, "title": Path(p).stem.replace("_", " ")}
             for p in paths]
    if not files:
        return
    try:
        await client.files_upload_v2(file_uploads=files, channel=channel, thread_ts=thread_ts)
    except (SlackApiError, OSError) as exc:
        metrics.PLATFORM_ERRORS.labels("slack", "upload").inc()
        log.warning("slack file upload failed", extra={"channel": channel, "error": api_error(exc)})
