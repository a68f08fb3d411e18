"""The OAuth2 URL that adds the bot to a server with exactly the scopes and permissions it needs."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

SCOPES = ("bot", "applications.commands")
# Discord permission bits (https://discord.com/developers/docs/topics/permissions).
PERMISSIONS = {
    "View Channels": 1 << 10,
    "Send Messages": 1 << 11,
    "Embed Links": 1 << 14,
    "Attach Files": 1 << 15,
    "Read Message History": 1 << 16,
    "Send Messages in Threads": 1 << 38,
}


def permissions_value() -> int:
    return sum(PERMISSIONS.values())


def invite_url(application_id: int | str) -> str:
    query = urlencode({"client_id": str(application_id), "scope": " ".join(SCOPES),
                       "permissions": str(permissions_value())})
    return f"https://discord.com/oauth2/authorize?{query}"


def application_id_from_token(token: str) -> int | None:
    """A bot token starts with the bot's user id in base64, which is also its application's id."""
    head = token.strip().split(".", 1)[0]
    try:
        text = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(text) if text.isdigit() and 15 <= len(text) <= 21 else None
