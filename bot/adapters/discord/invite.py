"""The OAuth2 URL that adds the bot to a server with exactly the scopes and permissions it needs."""

from __future__ import annotations

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
