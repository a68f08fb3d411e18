"""`briefbot run` as a child process, for tests and benches that need the whole program.

    bot = await BotProcess.start(env, discord=fake_discord)   # waits for the "ready" log line
    await bot.get("/readyz")                                   # (status, text)
    bot.terminate(); await bot.wait()                          # SIGTERM, exit code
    bot.lines                                                  # every log line (parsed JSON)

The child is `python -m tests.fakes.briefbot_process`, which points discord.py at a fake Discord
(when `--discord-api`/`--discord-gateway` are given) and then runs `briefbot run` unchanged.
Logs are JSON because stderr is a pipe; HTTP_PORT=0 lets the bot pick a free port, read back from
its "http server listening" line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.raw: list[str] = []
        self.lines: list[dict[str, Any]] = []
        self.port: int | None = None
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], *, discord: Any = None, cwd: str | Path | None = None,
                    wait_ready: bool = True, within: float = 60.0) -> BotProcess:
        args = [sys.executable, "-m", "tests.fakes.briefbot_process"]
        if discord is not None:
            args += ["--discord-api", discord.base_url, "--discord-gateway", discord.gateway_url]
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
                    "PYTHONPATH": str(ROOT), "HTTP_HOST": "127.0.0.1", "HTTP_PORT": "0", "LOG_FORMAT": "json",
                    **env}
        proc = await asyncio.create_subprocess_exec(*args, env=full_env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
                                                    stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.STDOUT)
        bot = cls(proc)
        if wait_ready:
            await bot.wait_for_log(lambda line: line.get("msg") == "ready", within=within)
        return bot

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            raw = await self.proc.stdout.readline()
            if not raw:
                break
            text = raw.decode("utf-8", errors="replace").rstrip("\n")
            self.raw.append(text)
            try:
                line = json.loads(text)
            except ValueError:
                line = {"msg": text, "unparsed": True}
            if not isinstance(line, dict):
                line = {"msg": text, "unparsed": True}
            self.lines.append(line)
            if line.get("msg") == "http server listening":
                self.port = int(line["port"])
            self._changed.set()
        self._changed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.raw)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def find(self, predicate: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return [line for line in self.lines if predicate(line)]

    async def wait_for_log(self, predicate: Callable[[dict[str, Any]], bool], within: float = 30.0
                           ) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                if self._reader.done():
                    raise AssertionError(f"briefbot exited ({self.proc.returncode}):\n{self.text[-4000:]}")
                self._changed.clear()
                await self._changed.wait()

        try:
            return await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise AssertionError(f"log line not seen within {within}s:\n{self.text[-4000:]}") from None

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(self.url + path) as resp:
            return resp.status, await resp.text()

    async def post(self, path: str, data: str, headers: dict[str, str]) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.post(self.url + path, data=data, headers=headers) as resp:
            return resp.status, await resp.text()

    async def wait_ready(self, within: float = 30.0) -> dict[str, Any]:
        """Poll /readyz until it answers 200 (Discord reports ready a moment after connecting)."""
        body = ""
        for _ in range(int(within / 0.1)):
            status, body = await self.get("/readyz")
            if status == 200:
                return json.loads(body)
            await asyncio.sleep(0.1)
        raise AssertionError(f"/readyz not ready within {within}s: {body}")

    def terminate(self) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()

    async def wait(self, within: float = 60.0) -> int:
        try:
            code = await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            self.kill()
            await self.proc.wait()
            raise AssertionError(f"briefbot did not exit within {within}s:\n{self.text[-4000:]}") from None
        await self._reader
        return code

    async def close(self) -> None:
        """Kill if still running (test teardown)."""
        self.kill()
        await self.proc.wait()
        await self._reader


def main() -> None:
    p = argparse.ArgumentParser(description="briefbot run, with discord.py pointed at a fake Discord")
    p.add_argument("--discord-api")
    p.add_argument("--discord-gateway")
    args, rest = p.parse_known_args()
    if args.discord_api:
        import yarl
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        Route.BASE = args.discord_api
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.discord_gateway)
    from bot.cli import main as briefbot

    sys.exit(briefbot(["run", *rest]))


if __name__ == "__main__":
    main()


def seed_due_subscription(database_url: str, platform: str, channel: str, workspace: str = "") -> int:
    """A daily subscription whose time passed a minute ago, made yesterday: `briefbot run` posts it at
    start (its catch-up of briefings missed while down). Returns the subscription id."""
    return seed_due_subscriptions(database_url, platform, [channel], workspace)[0]


def seed_due_subscriptions(database_url: str, platform: str, channels: list[str], workspace: str = "",
                           fmt: str = "short") -> list[int]:
    """`seed_due_subscription` for several channels at once (one store opened); their ids."""
    import datetime as dt

    from sqlalchemy import update

    from bot.app import open_store
    from bot.config import load_settings
    from bot.schedule import subscriptions as subs

    store = open_store(load_settings(database_url=database_url))
    try:
        now = dt.datetime.now(dt.UTC)
        opts = subs.Options(local_time=(now - dt.timedelta(minutes=1)).strftime("%H:%M"), timezone="UTC",
                            format=fmt)
        ids = []
        for channel in channels:
            sub, _ = subs.upsert(store, platform, workspace, channel, opts, created_by="test")
            ids.append(sub.id)
        with store.begin() as c:
            c.execute(update(subs.subscriptions).where(subs.subscriptions.c.id.in_(ids))
                      .values(created_at=now - dt.timedelta(days=1)))
        return ids
    finally:
        store.close()


def deliveries(database_url: str) -> list[dict[str, Any]]:
    """The delivery ledger's rows, oldest first."""
    from sqlalchemy import select

    from bot.core.store import Store
    from bot.schedule.ledger import deliveries as table

    store = Store(database_url)
    try:
        with store.begin() as c:
            return [dict(r._mapping) for r in c.execute(select(table).order_by(table.c.id))]
    finally:
        store.close()
