"""Who is asking: a core Asker from a Slack user, with admin rights looked up (briefly cached)."""

from __future__ import annotations

import logging
import time

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.errors import api_error, classify
from bot.core.reply import Asker
from bot.retry import RetryPolicy, retrying

log = logging.getLogger("briefbot.slack")


class AskerDirectory:
    """Builds Askers; `can_manage` = workspace admin or owner (users.info) or listed in SLACK_ADMINS."""

    def __init__(self, admins: list[str], ttl: float = 300.0, failure_ttl: float = 10.0,
                 max_entries: int = 5000, retry: RetryPolicy | None = None) -> None:
        self.admins = set(admins)
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.max_entries = max_entries
        # Short: the answer waits on this lookup (a transient error is retried, a few seconds at most).
        self.retry = retry or RetryPolicy(deadline=4.0)
        # user -> (expires, is admin, display name, lookup failed)
        self._cache: dict[str, tuple[float, bool, str, bool]] = {}

    async def asker(self, client: AsyncWebClient, *, user_id: str, channel_id: str, team_id: str) -> Asker:
        is_admin, name, failed = await self._lookup(client, user_id)
        listed = user_id in self.admins
        return Asker(platform="slack", user_id=user_id, channel_id=channel_id, workspace_id=team_id,
                     display_name=name, can_manage=is_admin or listed, permission_unknown=failed and not listed)

    async def _lookup(self, client: AsyncWebClient, user_id: str) -> tuple[bool, str, bool]:
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached and cached[0] > now:
            return cached[1], cached[2], cached[3]
        try:
            resp = await retrying(lambda: client.users_info(user=user_id), classify, self.retry,
                                  what="slack users.info")
            user = resp.get("user") or {}
            is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
            profile = user.get("profile") or {}
            name = profile.get("display_name") or profile.get("real_name") or user.get("name") or ""
            failed, expires = False, now + self.ttl
        except Exception as exc:  # noqa: BLE001 - any failure means "could not check", said to the asker
            # Without users:read (or with Slack down) only SLACK_ADMINS may manage; others are told the
            # check failed (not that they are not allowed), and the lookup is tried again soon.
            error = api_error(getattr(exc, "last", exc))
            log.warning("slack users.info failed", extra={"user": user_id, "error": error})
            is_admin, name, failed, expires = False, "", True, now + self.failure_ttl
        if len(self._cache) >= self.max_entries:
            self._cache.pop(next(iter(self._cache)))
        self._cache[user_id] = (expires, is_admin, name, failed)
        return is_admin, name, failed
