"""SlackService for `briefbot run`: HTTP mode on the shared server, or Socket Mode with an app token."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.app import build_app, web_client
from bot.adapters.slack.errors import api_error, classify
from bot.adapters.slack.identity import KnownIdentity
from bot.config import Settings
from bot.core.commands import Core
from bot.retry import RetryPolicy

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger("briefbot.slack")


class SlackService:
    name = "slack"

    def __init__(self, settings: Settings, core: Core) -> None:
        self.settings = settings
        self.core = core
        self.client = web_client(settings)
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        self.identity = KnownIdentity(token)
        self.app, self.deps = build_app(settings, core, self.identity)
        self.socket_mode = settings.slack_app_token is not None
        self.handler: AsyncSocketModeHandler | None = None
        self._problem = "not started"
        self._connecting: asyncio.Task[None] | None = None
        self._transient = False
        # Waits between start-up auth.test retries after a transient failure (5xx, 429, network).
        self.recheck = RetryPolicy(first_delay=1.0, max_delay=60.0)

    # -- HTTP mode --------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        if not self.socket_mode:
            app.router.add_post(self.settings.slack_events_path, self.handle_http)

    async def handle_http(self, request: web.Request) -> web.Response:
        """Slack's POSTs (commands, events): Bolt verifies the signature and timestamp, then dispatches."""
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    # -- Socket Mode ------------------------------------------------------------------------------

    def socket_mode_handler(self) -> AsyncSocketModeHandler:
        """The Socket Mode handler for SLACK_APP_TOKEN; built without connecting."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        assert self.settings.slack_app_token is not None
        return AsyncSocketModeHandler(self.app, self.settings.slack_app_token.get_secret_value(),
                                      web_client=web_client(self.settings))

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        self.deps.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self.client.session = self.deps.http
        self.app.client.session = self.deps.http  # Bolt's per-request clients share it too
        if not await self._check_identity():
            if self._transient:
                # Slack was down or slow at start: keep checking in the background (requests are acked
                # meanwhile; answers go out once Slack answers again).
                self._connecting = asyncio.create_task(self._recheck(), name="slack auth.test retry")
            return
        self._connect_socket()

    async def _check_identity(self) -> bool:
        """auth.test once: the bot's identity for Bolt (KnownIdentity) and the readiness check."""
        try:
            auth = await self.client.auth_test()
        except (SlackApiError, OSError, TimeoutError, aiohttp.ClientError) as exc:
            # Keep serving the other parts; /readyz reports this.
            error = api_error(exc)
            self._problem = f"slack auth.test failed: {error}"
            self._transient = classify(exc) is not None
            log.error("slack auth.test failed", extra={"error": error, "transient": self._transient})
            return False
        self.identity.learn(auth.data if isinstance(auth.data, dict) else {})
        log.info("slack connected", extra={"team": auth.get("team_id"), "bot_user": auth.get("user_id"),
                                           "mode": "socket" if self.socket_mode else "http"})
        self._problem = ""
        return True

    async def _recheck(self) -> None:
        attempt = 0
        while True:
            await asyncio.sleep(self.recheck.backoff(attempt))
            attempt += 1
            if await self._check_identity():
                self._connect_socket()
                return
            if not self._transient:
                return

    def _connect_socket(self) -> None:
        if self.socket_mode:
            # The SDK retries a failed connect forever, so connecting must not hold up the other parts.
            self.handler = self.socket_mode_handler()
            self._problem = "slack socket mode connecting"
            self._connecting = asyncio.create_task(self._connect(self.handler), name="slack socket mode")

    async def _connect(self, handler: AsyncSocketModeHandler) -> None:
        await handler.connect_async()
        self._problem = ""
        log.info("slack socket mode connected")

    async def stop(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
        if self.handler is not None:
            await self.handler.close_async()
            self.handler = None
        await self.deps.background.drain(self.settings.shutdown_grace)
        if self.deps.http is not None:
            await self.deps.http.close()
            self.deps.http = None
        self._problem = "stopped"

    def ready(self) -> tuple[bool, str]:
        if not self._problem and self.handler is not None:
            # The SDK reconnects a dropped socket by itself; until it has, say so on /readyz.
            session = getattr(self.handler.client, "current_session", None)
            if session is None or session.closed:
                return False, "slack socket mode disconnected (reconnecting)"
        return (not self._problem, self._problem)
