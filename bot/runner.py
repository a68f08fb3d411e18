"""`briefbot run`: start every part that has credentials, share one HTTP server, stop cleanly.

Each part is a Service: it may add routes to the shared aiohttp app before the server starts, then
`start()` returns once it is running (its own background tasks started) and `stop()` ends it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
import uuid
from typing import Any, Protocol

from aiohttp import web
from aiohttp.typedefs import Handler

from bot import health, metrics
from bot.config import ConfigError, Settings
from bot.core.commands import Core
from bot.health import Readiness
from bot.logs import REQUEST_ID

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
    if settings.scheduler_enabled and services:
        from bot.schedule.service import SchedulerService, build_posters

        # Morning briefings post only where a platform is configured; posters reuse its clients.
        posters = build_posters(settings, services)
        if posters:
            services.append(SchedulerService(settings, core, posters))
    if settings.watch_enabled and services:
        from bot.ingest.watch_service import FeedService
        from bot.schedule.service import build_posters

        posters = build_posters(settings, services)
        services.append(FeedService(settings, core, posters, card_posters=card_posters(posters)))
    return services


def card_posters(posters: dict) -> dict:
    """Review-card posters (buttons) on the clients of the platforms' delivery posters."""
    out: dict = {}
    if "slack" in posters:
        from bot.adapters.slack.listeners.actions import SlackCardPoster

        out["slack"] = SlackCardPoster(posters["slack"].client)
    if "discord" in posters:
        from bot.adapters.discord.review import DiscordCardPoster

        out["discord"] = DiscordCardPoster(posters["discord"].client)
    return out


def build_web_app(settings: Settings, core: Core, services: list[Service],
                  readiness: Readiness | None = None) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024, middlewares=[request_log])
    health.add_routes(app, readiness or Readiness(getattr(core, "store", None), services))
    for service in services:
        service.add_routes(app)
    return app


QUIET_PATHS = ("/healthz", "/readyz", "/metrics")


@web.middleware
async def request_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One line per HTTP request, with an id every line logged while handling it carries too."""
    rid = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
    token = REQUEST_ID.set(rid)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-Id"] = rid
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        # Probes arrive every few seconds; at INFO they would drown the lines that matter.
        level = logging.DEBUG if request.path in QUIET_PATHS and status < 500 else logging.INFO
        log.log(level, "http request", extra={"method": request.method, "path": request.path,
                                              "status": status, "request_id": rid,
                                              "ms": round((time.perf_counter() - started) * 1000, 1)})
        REQUEST_ID.reset(token)


class InFlight:
    """Counts commands being answered, so a stop can wait for them (bounded)."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def track(self, core: Core) -> None:
        handle = core.handle

        async def tracked(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            self._idle.clear()
            try:
                return await handle(*args, **kwargs)
            finally:
                self.count -= 1
                if self.count == 0:
                    self._idle.set()

        core.handle = tracked  # type: ignore[method-assign]

    async def wait(self, seconds: float) -> bool:
        """True when every command finished within `seconds`."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
            return True
        except TimeoutError:
            return False


def with_leader(settings: Settings, services: list[Service]) -> list[Service]:
    """The scheduler runs on one replica only: wrap it in the leader election."""
    from bot.leader import LeaderService, lock_for

    out: list[Service] = []
    for service in services:
        if service.name == "scheduler" and not isinstance(service, LeaderService):
            service = LeaderService(service, lock_for(settings.store_url()), settings.leader_retry_seconds)
        out.append(service)
    return out


async def serve(settings: Settings, core: Core, services: list[Service],
                stop_event: asyncio.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or `stop_event`), then stop cleanly.

    Stopping: /readyz turns 503 at once; commands being answered get up to `shutdown_grace` seconds;
    then services stop in reverse order (the scheduler lets a delivery in progress finish), the HTTP
    server closes and the database connections are released.
    """
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop_event.set)
        except (NotImplementedError, RuntimeError):
            pass  # not on the main thread (tests)
    services = with_leader(settings, services)
    if metrics.observe_command not in core.observers:
        core.observers.append(metrics.observe_command)
    metrics.watch_discord_rate_limits()
    inflight = InFlight()
    inflight.track(core)
    store = getattr(core, "store", None)
    readiness = Readiness(store, services)
    app = build_web_app(settings, core, services, readiness)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=settings.shutdown_grace)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        if store is not None and hasattr(store, "close"):
            store.close()
        why = exc.strerror or str(exc)
        raise ConfigError(f"cannot listen for HTTP on {settings.http_host}:{settings.http_port}: {why} "
                          "(another process has it? set HTTP_PORT)") from None
    port = _bound_port(site) or settings.http_port
    log.info("http server listening", extra={"host": settings.http_host, "port": port})
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
            log.info("service started", extra={"service": service.name})
        log.info("ready", extra={"services": ",".join(s.name for s in services), "port": port})
        await stop_event.wait()
        log.info("stopping", extra={"in_flight": inflight.count})
    finally:
        readiness.stopping = True
        # One budget for the whole stop, so it ends before an orchestrator's kill (compose: 30 s).
        deadline = loop.time() + settings.shutdown_grace
        if not await inflight.wait(settings.shutdown_grace):
            log.warning("stopped waiting for commands", extra={"in_flight": inflight.count,
                                                               "grace_seconds": settings.shutdown_grace})
        for service in reversed(started):
            try:
                # Each service bounds its own drain by the grace; the extra seconds let it close up.
                await asyncio.wait_for(service.stop(), timeout=max(0.0, deadline - loop.time()) + 5)
                log.info("service stopped", extra={"service": service.name})
            except Exception:  # noqa: BLE001 - stopping must go on for the others
                log.exception("service did not stop cleanly", extra={"service": service.name})
        await runner.cleanup()
        if store is not None and hasattr(store, "close"):
            store.close()
        log.info("stopped")


def _bound_port(site: web.TCPSite) -> int | None:
    """The port actually bound (HTTP_PORT=0 picks a free one; tests and the soak bench use that)."""
    server = getattr(site, "_server", None)
    sockets = getattr(server, "sockets", None) or []
    return sockets[0].getsockname()[1] if sockets else None
