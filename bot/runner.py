"""`briefbot run`: start every part that has credentials, share one HTTP server, stop cleanly.

Each part is a Service: it may add routes to the shared aiohttp app before the server starts, then
`start()` returns once it is running (its own background tasks started) and `stop()` ends it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from aiohttp import web

from bot.config import Settings
from bot.core.commands import Core

log = logging.getLogger("briefbot.run")


class Service(Protocol):
    name: str

    def add_routes(self, app: web.Application) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def ready(self) -> tuple[bool, str]:
        """(True, "") when working; (False, why) otherwise. Used by /readyz."""
        ...


def build_services(settings: Settings, core: Core) -> list[Service]:
    services: list[Service] = []
    if settings.slack_enabled:
        from bot.adapters.slack.service import SlackService

        services.append(SlackService(settings, core))
    if settings.discord_enabled:
        from bot.adapters.discord.service import DiscordService

        services.append(DiscordService(settings, core))
    return services


def build_web_app(settings: Settings, core: Core, services: list[Service]) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    for service in services:
        service.add_routes(app)
    return app


async def serve(settings: Settings, core: Core, services: list[Service],
                stop_event: asyncio.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or `stop_event`), then stop every service in reverse order."""
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop_event.set)
        except (NotImplementedError, RuntimeError):
            pass  # not on the main thread (tests)
    app = build_web_app(settings, core, services)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    log.info("http server listening", extra={"host": settings.http_host, "port": settings.http_port})
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
            log.info("service started", extra={"service": service.name})
        await stop_event.wait()
        log.info("stopping")
    finally:
        for service in reversed(started):
            try:
                await asyncio.wait_for(service.stop(), timeout=20)
            except Exception:  # noqa: BLE001 - stopping must go on for the others
                log.exception("service did not stop cleanly", extra={"service": service.name})
        await runner.cleanup()
