"""Sending a rendered reply: to a slash command's response URL, or as messages in a thread.

Every post is retried on 5xx, 429 (after its Retry-After), `ratelimited` and network errors, with
backoff, within the policy's deadline (`bot.retry`). When an answer still cannot be delivered, the
asker gets a short ephemeral note saying so, instead of silence.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot import metrics
from bot.adapters.slack.errors import ResponseUrlError, api_error, classify
from bot.adapters.slack.mrkdwn import escape
from bot.retry import RetriesExhausted, RetryPolicy, retrying

log = logging.getLogger("briefbot.slack")

# Slack accepts at most 5 posts to one response URL.
MAX_RESPONSES = 5
DEFAULT_POLICY = RetryPolicy()


def _count_wait(exc: BaseException, _wait: float) -> None:
    status = getattr(getattr(exc, "response", None), "status_code", getattr(exc, "status", 0))
    if status == 429 or (isinstance(exc, SlackApiError) and api_error(exc) == "ratelimited"):
        metrics.RATE_LIMIT_WAITS.labels("slack").inc()


def _reason(exc: BaseException) -> str:
    last = exc.last if isinstance(exc, RetriesExhausted) else exc
    if isinstance(last, ResponseUrlError):
        return f"http {last.status}"
    return api_error(last) if isinstance(last, SlackApiError) else type(last).__name__


async def respond_messages(webhook: AsyncWebhookClient, messages: list[dict[str, Any]], *,
                           in_channel: bool, policy: RetryPolicy = DEFAULT_POLICY) -> str:
    """Answer a slash command through its response URL (up to 5 posts, for 30 minutes).

    Returns "" when every part went out, else the reason the rest could not be delivered."""
    if len(messages) > MAX_RESPONSES:
        messages = messages[:MAX_RESPONSES - 1] + [{
            "text": "The rest of this reply is too long for a slash command answer; "
                    "message the bot directly to read it all."}]
    response_type = "in_channel" if in_channel else "ephemeral"
    for message in messages:
        async def post(message: dict[str, Any] = message) -> None:
            result = await webhook.send(text=message["text"], blocks=message.get("blocks"),
                                        response_type=response_type, replace_original=False)
            if result.status_code != 200:
                raise ResponseUrlError(result.status_code, result.body or "", dict(result.headers or {}))

        try:
            await retrying(post, classify, policy, what="slack response_url", on_wait=_count_wait)
        except Exception as exc:  # noqa: BLE001 - whatever it was, the asker is told by the caller
            metrics.PLATFORM_ERRORS.labels("slack", "reply").inc()
            log.warning("slack response_url post failed", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            return _reason(exc)
    return ""


async def post_messages(client: AsyncWebClient, messages: list[dict[str, Any]], *, channel: str,
                        thread_ts: str | None, user: str, ephemeral: bool, attachments: list[Path],
                        policy: RetryPolicy = DEFAULT_POLICY) -> str:
    """Post a rendered reply's messages in order; an ephemeral reply is shown to `user` only.

    Returns "" when every part went out, else the reason the rest could not be delivered."""
    for message in messages:
        async def post(message: dict[str, Any] = message) -> None:
            if ephemeral:
                await client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
            else:
                await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)

        try:
            await retrying(post, classify, policy, what="slack post", on_wait=_count_wait)
        except Exception as exc:  # noqa: BLE001 - whatever it was, the asker is told by the caller
            metrics.PLATFORM_ERRORS.labels("slack", "reply").inc()
            log.warning("slack post failed", extra={"channel": channel, "error": _reason(exc)})
            return _reason(exc)
    if attachments and not ephemeral:
        await upload_attachments(client, attachments, channel=channel, thread_ts=thread_ts)
    return ""


async def tell_undelivered(client: AsyncWebClient, *, channel: str, user: str, thread_ts: str | None,
                           what: str, reason: str, policy: RetryPolicy = DEFAULT_POLICY) -> bool:
    """An ephemeral note to the asker that their answer could not be delivered; False if even that failed."""
    text = escape(f"Sorry, the answer to {what} could not be delivered ({reason}). "
                  "Please try again in a minute.")

    async def post() -> None:
        await client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text)

    try:
        await retrying(post, classify, policy, what="slack undelivered note", on_wait=_count_wait)
    except Exception as exc:  # noqa: BLE001 - nothing more can be done; the log says so
        log.error("slack answer lost: could not tell the asker", extra={
            "channel": channel, "user": user, "reason": reason, "error": _reason(exc)})
        return False
    log.info("slack asker told the answer was not delivered", extra={"channel": channel, "user": user,
                                                                     "reason": reason})
    return True


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
