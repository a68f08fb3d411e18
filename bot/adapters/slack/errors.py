"""Reading what a failed Slack call says, whatever its body was, and whether it is worth another try."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.retry import BACKOFF, GIVE_UP

# Errors Slack answers with ok:false that pass by themselves (the rest are about the request or the channel).
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
                    "team_added_to_org"}


def api_error(exc: Exception) -> str:
    """The Slack error code of a failed call ("channel_not_found"), or what went wrong on the way."""
    response = getattr(exc, "response", None)
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        return str(data.get("error", "")) or f"http {getattr(response, 'status_code', '?')}"
    if response is not None:
        return f"http {getattr(response, 'status_code', '?')}"
    return type(exc).__name__


class ResponseUrlError(Exception):
    """A response URL post that Slack did not accept (the webhook client returns these, not raises)."""

    def __init__(self, status: int, body: str, headers: dict[str, object] | None = None) -> None:
        super().__init__(f"http {status}: {body[:200]}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def retry_after(headers: object) -> float:
    """A 429's Retry-After in seconds; 0 (back off instead) when absent or unreadable."""
    value: object = None
    if hasattr(headers, "get"):
        value = headers.get("Retry-After") or headers.get("retry-after")  # type: ignore[union-attr]
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(str(value))) if value is not None else BACKOFF
    except ValueError:
        return BACKOFF


def classify(exc: BaseException) -> float | None:
    """For `bot.retry.retrying`: Retry-After for a rate limit, backoff for 5xx and the network, else give up."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        error = api_error(exc)
        if status == 429 or error == "ratelimited":
            return retry_after(exc.response.headers)
        return BACKOFF if status >= 500 or error in TRANSIENT_ERRORS else GIVE_UP
    if isinstance(exc, ResponseUrlError):
        if exc.status == 429:
            return retry_after(exc.headers)
        return BACKOFF if exc.status >= 500 else GIVE_UP
    if isinstance(exc, (aiohttp.ClientError, OSError, TimeoutError)):
        return BACKOFF
    return GIVE_UP
