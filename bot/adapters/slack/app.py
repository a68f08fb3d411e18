"""The slack-bolt AsyncApp: settings and the core in, listeners registered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot import metrics
from bot.adapters.slack.askers import AskerDirectory
from bot.adapters.slack.dedupe import SeenEvents, drop_duplicates
from bot.adapters.slack.deps import Deps
from bot.adapters.slack.identity import KnownIdentity
from bot.adapters.slack.listeners import register_listeners
from bot.config import Settings
from bot.core.commands import Core
from bot.core.store import Store
from bot.handled import EventClaims

log = logging.getLogger("briefbot.slack")


class CountedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """The SDK's 429 handler (waits Retry-After, then retries), counted on /metrics."""

    async def prepare_for_next_attempt_async(self, **kwargs: Any) -> None:
        metrics.RATE_LIMIT_WAITS.labels("slack").inc()
        await super().prepare_for_next_attempt_async(**kwargs)


def web_client(settings: Settings, *, retries: bool = True, timeout: int = 10) -> AsyncWebClient:
    """A Web API client for SLACK_API_URL (Slack's own by default; GovSlack or a proxy otherwise)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    handlers = [AsyncConnectionErrorRetryHandler(max_retry_count=1),
                CountedRateLimitRetryHandler(max_retry_count=1)] if retries else []
    return AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=timeout,
                          retry_handlers=handlers)


def build_app(settings: Settings, core: Core, identity: KnownIdentity | None = None) -> tuple[AsyncApp, Deps]:
    """The Bolt app; `identity` is filled by the start-up auth.test (SlackService.start)."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    # The app's client only templates each request's client (Bolt sets the token from `authorize`);
    # no SDK retry handlers: answers retry on their own terms (bot.retry), within a deadline.
    template = web_client(settings, retries=False)
    template.token = None
    app = AsyncApp(
        client=template,
        authorize=identity or KnownIdentity(token),
        signing_secret=secret,
        # Listeners only ack and start a background task, so running them before the HTTP response is
        # what makes the ack immediate (no polling for ack() as in the default mode).
        process_before_response=True,
        logger=logging.getLogger("slack_bolt.briefbot"),
        name="briefbot",
    )
    deps = Deps(core=core, askers=AskerDirectory(settings.slack_admins), model_answers=settings.openai_enabled,
                reviewers=set(settings.review_reviewers))
    if isinstance(core.store, Store):
        deps.seen = SeenEvents(shared=EventClaims(core.store))  # retries skipped across replicas too
    app.use(drop_duplicates(deps.seen))
    register_listeners(app, deps)

    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("slack listener error", exc_info=error, extra={"type": body.get("type", "")})

    app.error(on_error)
    return app, deps
