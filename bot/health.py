"""`/healthz` (the process answers), `/readyz` (it can do its work) and `/metrics` (Prometheus)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot import metrics

log = logging.getLogger("briefbot.health")

DB_TIMEOUT = 5.0


class Readiness:
    """Checks the database and every service; names the part that fails."""

    def __init__(self, store: Any, services: Sequence[Any]) -> None:
        self.store = store
        self.services = services
        self.stopping = False
        self._failing: list[str] | None = None  # as of the last probe: log changes, not every probe

    def note(self, failing: list[str], checks: dict[str, dict[str, Any]]) -> None:
        """Log when readiness changes (probes come every few seconds; a steady state is logged once)."""
        if failing == self._failing:
            return
        before, self._failing = self._failing, failing
        if failing:
            log.warning("not ready", extra={"failing": ",".join(failing),
                                            "detail": "; ".join(f"{n}: {checks[n]['detail']}" for n in failing)})
        elif before:
            log.info("ready again", extra={"was_failing": ",".join(before)})

    async def check(self) -> tuple[bool, dict[str, dict[str, Any]]]:
        checks: dict[str, dict[str, Any]] = {"database": await self._database()}
        for service in self.services:
            try:
                ok, detail = service.ready()
            except Exception as exc:  # noqa: BLE001 - a broken check is a failing part, not a 500
                ok, detail = False, f"readiness check failed: {exc.__class__.__name__}"
            entry: dict[str, Any] = {"ok": bool(ok), "detail": detail}
            role = getattr(service, "role", None)
            if isinstance(role, str):
                entry["role"] = role
            details = getattr(service, "details", None)
            if callable(details):
                try:
                    entry["items"] = details()  # e.g. each watched feed's last success and last error
                except Exception:  # noqa: BLE001 - the summary above still stands
                    log.warning("readiness details failed", extra={"service": service.name})
            checks[service.name] = entry
        if self.stopping:
            checks["process"] = {"ok": False, "detail": "stopping (SIGTERM received)"}
        return all(c["ok"] for c in checks.values()), checks

    async def _database(self) -> dict[str, Any]:
        if self.store is None:
            return {"ok": False, "detail": "no database configured"}
        try:
            # ping() blocks (SQLAlchemy); a thread keeps slow networks from stalling the event loop.
            await asyncio.wait_for(asyncio.to_thread(self.store.ping), timeout=DB_TIMEOUT)
        except TimeoutError:
            return {"ok": False, "detail": f"no answer from {self.store.name} within {DB_TIMEOUT:g}s"}
        except Exception as exc:  # noqa: BLE001 - StoreError and anything a driver raises
            return {"ok": False, "detail": str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}
        return {"ok": True, "detail": self.store.name}


def add_routes(app: web.Application, readiness: Readiness) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        ok, checks = await readiness.check()
        metrics.UP.set(1 if ok else 0)
        failing = [name for name, c in checks.items() if not c["ok"]]
        readiness.note(failing, checks)
        body = {"status": "ready" if ok else "not ready", "failing": failing, "checks": checks}
        return web.json_response(body, status=200 if ok else 503)

    async def metrics_view(_request: web.Request) -> web.Response:
        body, content_type = metrics.exposition()
        # aiohttp refuses a charset inside content_type, so pass the header whole.
        return web.Response(body=body, headers={"Content-Type": content_type})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_view)
