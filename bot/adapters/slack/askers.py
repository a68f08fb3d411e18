"""Who is asking: a core Asker from a Slack user, with admin rights looked up (briefly cached)."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.errors import api_error
from bot.core.reply import Asker

log = logging.getLogger("briefbot.slack")


class AskerDirectory:
    """Builds Askers; `can_manage` = workspace admin or owner (users.info) or listed in SLACK_ADMINS."""

    def __init__(self, admins: list[str], ttl: float = 300.0, failure_ttl: float = 60.0,
                 max_entries: int = 5000) -> None:
        self.admins = set(admins)
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.max_entries = max_entries
        self._cache: dict[str, tuple[float, bool, str]] = {}  # user -> (expires, is admin, display name)

    async def asker(self, client: AsyncWebClient, *, user_id: str, channel_id: str, team_id: str) -> Asker:
        is_admin, name = await self._lookup(client, user_id)
        return Asker(platform="slack", user_id=user_id, channel_id=channel_id, workspace_id=team_id,
                     display_name=name, can_manage=is_admin or user_id in self.admins)

    async def _lookup(self, client: AsyncWebClient, user_id: str) -> tuple[bool, str]:
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached and cached[0] > now:
            return cached[1], cached[2]
        try:
            resp = await client.users_info(user=user_id)
            user = resp.get("user") or {}
            is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
            profile = user.get("profile") or {}
            name = profile.get("display_name") or profile.get("real_name") or user.get("name") or ""
            expires = now + self.ttl
        except (SlackApiError, OSError, TimeoutError) as exc:
            # Without users:read (or with Slack down) only SLACK_ADMINS may manage; retry the lookup soon.
            log.warning("slack users.info failed", extra={"user": user_id, "error": api_error(exc)})
            is_admin, name, expires = False, "", now + self.failure_ttl
        if len(self._cache) >= self.max_entries:
            self._cache.pop(next(iter(self._cache)))
        self._cache[user_id] = (expires, is_admin, name)
        return is_admin, name
