"""Reading what a failed Slack call says, whatever its body was."""

from __future__ import annotations


def api_error(exc: Exception) -> str:
    """The Slack error code of a failed call ("channel_not_found"), or what went wrong on the way."""
    response = getattr(exc, "response", None)
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        return str(data.get("error", "")) or f"http {getattr(response, 'status_code', '?')}"
    if response is not None:
        return f"http {getattr(response, 'status_code', '?')}"
    return type(exc).__name__
