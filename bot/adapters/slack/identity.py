"""Bolt's authorize step from the bot's identity, learned once by the start-up `auth.test`.

Bolt's default single-workspace authorization calls `auth.test` on the first request, inside the request
path and before the listener can ack: a slow call delays that ack past Slack's 3 s, and a failed one
answers the user "reinstall the app" and drops the command. Here the identity comes from the start-up
check, so authorizing a request never touches the network.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize


class KnownIdentity(AsyncAuthorize):
    """The bot token plus the team and bot user of the last successful auth.test (empty until then)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.auth: dict[str, Any] = {}

    def learn(self, auth_test: dict[str, Any]) -> None:
        self.auth = dict(auth_test)

    @property
    def known(self) -> bool:
        return bool(self.auth)

    async def __call__(self, *, context: Any, enterprise_id: str | None, team_id: str | None,
                       user_id: str | None, **_ignored: Any) -> AuthorizeResult:
        auth = self.auth
        # Before a successful check the request's own team is used; commands still get their ack and
        # answer (the token is checked again by the post itself).
        return AuthorizeResult(enterprise_id=auth.get("enterprise_id") or enterprise_id,
                               team_id=auth.get("team_id") or team_id, team=auth.get("team"),
                               url=auth.get("url"), bot_user_id=auth.get("user_id"), bot_id=auth.get("bot_id"),
                               bot_token=self.token, user_id=user_id)
