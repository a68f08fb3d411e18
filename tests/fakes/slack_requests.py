"""Requests as Slack sends them to an app: slash command forms and event callbacks, correctly signed.

    body = slash_body("/casualties", "", response_url=slack.response_url("C1"))
    headers = signed_headers(SECRET, body)
    await session.post(events_url, data=body, headers=headers)

Signatures come from slack_sdk's own SignatureVerifier, so they are exactly what Bolt checks.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
_ids = itertools.count(1)


def signed_headers(secret: str, body: str, *, timestamp: int | None = None,
                   content_type: str = FORM, retry_num: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


def slash_body(command: str, text: str = "", *, response_url: str, user_id: str = "U1USER",
               channel_id: str = "C1CHAN", team_id: str = "T0TEST", user_name: str = "ana") -> str:
    """A slash command as Slack posts it (form encoded)."""
    return urlencode({
        "token": "legacy-verification-token", "team_id": team_id, "team_domain": "test",
        "channel_id": channel_id, "channel_name": "general", "user_id": user_id, "user_name": user_name,
        "command": command, "text": text, "api_app_id": "A0TEST", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": f"{next(_ids)}.trigger",
    })


def event_body(event: dict[str, Any], *, event_id: str | None = None, team_id: str = "T0TEST",
               bot_user_id: str = "UBOT") -> str:
    """An Events API callback wrapping `event` (JSON)."""
    return json.dumps({
        "token": "legacy-verification-token", "team_id": team_id, "api_app_id": "A0TEST",
        "event": event, "type": "event_callback", "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": bot_user_id, "is_bot": True}],
    })


def message_ts() -> str:
    n = next(_ids)
    return f"{1765400000 + n}.{n:06d}"


def mention_event(text: str, *, channel: str = "C1CHAN", user: str = "U1USER", ts: str | None = None,
                  thread_ts: str | None = None, bot_user_id: str = "UBOT") -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": f"<@{bot_user_id}> {text}", "ts": ts or message_ts(),
             "channel": channel, "event_ts": ts or message_ts()}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def dm_event(text: str, *, channel: str = "D1DM", user: str = "U1USER", ts: str | None = None,
             **extra: Any) -> dict[str, Any]:
    ts = ts or message_ts()
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
            "channel": channel, "event_ts": ts, **extra}


def block_actions_body(action_id: str, value: str, *, channel_id: str = "C1CHAN", message_ts: str = "",
                       user_id: str = "U1USER", team_id: str = "T0TEST", response_url: str = "") -> str:
    """A button press as Slack posts it: form field `payload` holding the block_actions JSON."""
    payload = {
        "type": "block_actions", "team": {"id": team_id, "domain": "test"},
        "user": {"id": user_id, "username": "ana", "team_id": team_id}, "api_app_id": "A0TEST",
        "token": "legacy-verification-token", "trigger_id": f"{next(_ids)}.trigger",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False},
        "channel": {"id": channel_id, "name": "review"},
        "message": {"type": "message", "ts": message_ts, "text": "card", "bot_id": "BBOT"},
        "response_url": response_url or f"https://hooks.slack.invalid/actions/{team_id}/{next(_ids)}",
        "actions": [{"type": "button", "action_id": action_id, "block_id": f"b-{value}", "value": value,
                     "action_ts": f"{int(time.time())}.000100", "text": {"type": "plain_text", "text": action_id}}],
    }
    return urlencode({"payload": json.dumps(payload)})
