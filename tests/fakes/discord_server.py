"""A fake Discord: REST API and gateway on 127.0.0.1, for running the real discord.py client offline.

    fake = FakeDiscord()
    await fake.start()
    fake.install()                      # points discord.py's Route.BASE and DEFAULT_GATEWAY here
    ... client.login(token); client.connect() ...
    await fake.wait_identified()
    await fake.push_interaction("casualties")
    call = await fake.wait_for_call("POST", "/interactions/")
    fake.uninstall(); await fake.close()

What it does:
- REST: GET /users/@me, /oauth2/applications/@me, /channels/{id}; GET and PUT application commands
  (global and guild; `fake.synced` keeps the last body per scope, and may be set before the bot starts); POST /interactions/{id}/{token}/callback;
  POST/PATCH /webhooks/{app}/{token}[...] (followups and edits); POST /channels/{id}/messages (honours
  `nonce` + `enforce_nonce`, so a retried send is delivered once). Every request is recorded in
  `fake.calls` (method, path, JSON body, files, status, time) and `fake.messages` holds delivered
  channel messages per channel id.
- Gateway (`/gateway`): HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat ACKs, RESUME -> RESUMED;
  `dispatch(event, data)` pushes any event; `push_interaction` / `push_message` build realistic ones.
- Auth: REST calls with a token other than `fake.token` get 401; `identify_close_code` (e.g. 4004)
  closes the gateway on IDENTIFY.
- Failure injection: `fail_next(method, path_prefix, status=429, retry_after=..., times=1)`;
  `channel_rate_limit(channel_id, per_second)` answers 429 beyond that rate; `error_rate` (e.g. 0.05)
  answers `error_status` (503 by default: discord.py retries 500/502/504 by itself after a sleep, 503
  reaches the caller) on channel message posts; `missing_channels` / `forbidden_channels` answer
  404 Unknown Channel / 403 Missing Access; `latency` delays every REST answer.

Gotchas it encodes: discord.py parses JSON only when Content-Type is exactly `application/json`; it
treats a 429 without a `Via` header as a Cloudflare ban; interactions need `attachment_size_limit`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "fake-bot-token.for-tests.only"
EPOCH_MS = 1420070400000


def snowflake(n: int) -> str:
    # Real-looking ids: a 2026 timestamp in the high bits so discord.py's snowflake dates make sense.
    return str(((1_780_000_000_000 - EPOCH_MS) << 22) + n)


@dataclass
class Call:
    method: str
    path: str
    body: Any
    query: dict[str, str]
    status: int = 200
    files: list[str] = field(default_factory=list)
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Failure:
    method: str
    prefix: str
    status: int
    retry_after: float
    times: int


class FakeDiscord:
    """The fake server. All ids are strings of snowflakes; see the module docstring for the API."""

    def __init__(self, *, guild_name: str = "Briefing Test Server", error_rate: float = 0.0,
                 error_status: int = 503, latency: float = 0.0, seed: int = 7) -> None:
        self._ids = itertools.count(1000)
        self.app_id = snowflake(1)
        self.bot_id = self.app_id  # a bot user's id equals its application's id
        self.guild_id = snowflake(2)
        self.channel_id = snowflake(3)
        self.owner_id = snowflake(4)
        self.user_id = snowflake(5)
        self.guild_name = guild_name
        self.error_rate = error_rate
        self.error_status = error_status
        self.latency = latency
        self.random = random.Random(seed)
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.synced: dict[str, list[dict]] = {}  # "global" or guild id -> last PUT body
        self.pushed: dict[str, float] = {}  # interaction id -> time it was pushed
        self.missing_channels: set[str] = set()
        self.forbidden_channels: set[str] = set()
        self.extra_channels: set[str] = set()
        self._failures: list[Failure] = []
        self._limits: dict[str, tuple[float, deque[float]]] = {}
        self._nonces: dict[tuple[str, str], dict] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._identified = asyncio.Event()
        self._changed = asyncio.Condition()
        self.identifies = 0
        self.token = BOT_TOKEN  # REST answers 401 to any other token
        self.identify_close_code: int | None = None  # e.g. 4004: close the gateway on IDENTIFY
        self.heartbeats = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._saved: tuple[str, Any] | None = None

    # -- life cycle ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        # Discord's edge does not drop connections in a burst; aiohttp's default backlog (128) would, and
        # a dropped SYN is retried by the kernel a whole second later.
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def install(self) -> None:
        """Point discord.py (process-wide) at this fake; `uninstall()` restores the real addresses."""
        import yarl
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        self._saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = self.base_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    def uninstall(self) -> None:
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        if self._saved is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    # -- failure injection --------------------------------------------------------------------

    def fail_next(self, method: str, path_prefix: str, status: int = 429, retry_after: float = 0.05,
                  times: int = 1) -> None:
        """Answer the next `times` requests matching method and path prefix with `status`."""
        self._failures.append(Failure(method.upper(), path_prefix, status, retry_after, times))

    def channel_rate_limit(self, channel_id: str, per_second: float) -> None:
        """Answer 429 (with retry_after) to message posts in a channel beyond `per_second`."""
        self._limits[str(channel_id)] = (per_second, deque())

    # -- waiting on what reached the fake ------------------------------------------------------

    async def wait_identified(self, within: float = 10) -> None:
        await asyncio.wait_for(self._identified.wait(), within)

    def find(self, method: str, prefix: str = "", status: int | None = 200) -> list[Call]:
        return [c for c in self.calls if c.method == method.upper() and c.path.startswith(prefix)
                and (status is None or c.status == status)]

    async def wait_for(self, predicate: Callable[[], Any], within: float = 10) -> Any:
        """Wait until predicate() is truthy (checked after every recorded call); return its value."""
        async def wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(wait(), within)

    async def wait_for_call(self, method: str, prefix: str = "", count: int = 1,
                            within: float = 10) -> list[Call]:
        return await self.wait_for(lambda: (found := self.find(method, prefix)) and len(found) >= count
                                   and found, within)

    def interaction_calls(self, interaction_id: str) -> list[Call]:
        return [c for c in self.calls if c.path.startswith(f"/interactions/{interaction_id}/")]

    # -- pushing events -------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict) -> None:
        self._seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": self._seq, "d": data})
        for ws in list(self._sockets):
            if not ws.closed:
                await ws.send_str(frame)

    def user(self, user_id: str | None = None, name: str = "asker", bot: bool = False) -> dict:
        return {"id": user_id or self.user_id, "username": name, "discriminator": "0", "global_name": name,
                "avatar": None, "bot": bot, "public_flags": 0}

    async def push_interaction(self, name: str, options: list[dict] | None = None, *,
                               user_id: str | None = None, permissions: int = 0x4_0000_0000,
                               guild: bool = True, kind: int = 2, channel_id: str | None = None) -> str:
        """Send INTERACTION_CREATE for slash command `name` (kind 4 = autocomplete); return its id.

        `permissions` is the member's resolved permission integer (0x20 = Manage Server)."""
        interaction_id = snowflake(next(self._ids))
        channel = channel_id or self.channel_id
        data: dict[str, Any] = {
            "id": interaction_id, "application_id": self.app_id, "type": kind, "token": f"tok-{interaction_id}",
            "version": 1, "locale": "en-US", "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str((1 << 51) - 1), "entitlements": [], "authorizing_integration_owners": {},
            "data": {"id": snowflake(next(self._ids)), "name": name, "type": 1, "options": options or []},
        }
        if guild:
            data.update(guild_id=self.guild_id, guild_locale="en-US", context=0,
                        channel={"id": channel, "type": 0, "guild_id": self.guild_id, "name": "general",
                                 "position": 0, "permission_overwrites": [], "nsfw": False, "flags": 0},
                        member={"user": self.user(user_id), "roles": [], "joined_at": "2025-01-01T00:00:00+00:00",
                                "deaf": False, "mute": False, "flags": 0, "permissions": str(permissions)})
            data["data"]["guild_id"] = self.guild_id
        else:
            data.update(context=1, user=self.user(user_id),
                        channel={"id": channel, "type": 1, "recipients": [self.user(user_id)]})
        self.pushed[interaction_id] = time.perf_counter()
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    async def push_component(self, custom_id: str, message: dict, *, user_id: str | None = None,
                             permissions: int = 0x4_0000_0000) -> str:
        """Send INTERACTION_CREATE for a button press (type 3) on `message` in the guild; return its id."""
        interaction_id = snowflake(next(self._ids))
        channel = message.get("channel_id") or self.channel_id
        data: dict[str, Any] = {
            "id": interaction_id, "application_id": self.app_id, "type": 3, "token": f"tok-{interaction_id}",
            "version": 1, "locale": "en-US", "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str((1 << 51) - 1), "entitlements": [], "authorizing_integration_owners": {},
            "data": {"custom_id": custom_id, "component_type": 2}, "message": message,
            "guild_id": self.guild_id, "guild_locale": "en-US", "context": 0,
            "channel": {"id": channel, "type": 0, "guild_id": self.guild_id, "name": "review", "position": 0,
                        "permission_overwrites": [], "nsfw": False, "flags": 0},
            "member": {"user": self.user(user_id), "roles": [], "joined_at": "2025-01-01T00:00:00+00:00",
                       "deaf": False, "mute": False, "flags": 0, "permissions": str(permissions)},
        }
        self.pushed[interaction_id] = time.perf_counter()
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    async def push_message(self, content: str, *, mention_bot: bool = False, dm: bool = False,
                           author_id: str | None = None, author_bot: bool = False,
                           channel_id: str | None = None, reply_to: str | None = None) -> str:
        """Send MESSAGE_CREATE; with mention_bot the content starts with the bot's mention; with reply_to
        it is a reply to that message (as when someone answers the bot's answer)."""
        message_id = snowflake(next(self._ids))
        author = self.user(author_id, name="bot" if author_bot else "asker", bot=author_bot)
        if author_id == self.bot_id:
            author = self.bot_user()
        text = f"<@{self.bot_id}> {content}" if mention_bot else content
        data = self.message(message_id, channel_id or (snowflake(9) if dm else self.channel_id), text, author)
        if mention_bot:
            data["mentions"] = [self.bot_user()]
        if reply_to:
            data["type"] = 19
            data["message_reference"] = {"message_id": reply_to, "channel_id": data["channel_id"],
                                         **({} if dm else {"guild_id": self.guild_id})}
            # Discord sends the message replied to along with the reply.
            replied = next((m for m in self.messages[data["channel_id"]] if m["id"] == reply_to), None)
            if replied is not None:
                data["referenced_message"] = replied
        if not dm:
            data["guild_id"] = self.guild_id
            data["member"] = {"roles": [], "joined_at": "2025-01-01T00:00:00+00:00", "deaf": False, "mute": False,
                              "flags": 0}
        await self.dispatch("MESSAGE_CREATE", data)
        return message_id

    # -- payloads ----------------------------------------------------------------------------------

    def bot_user(self) -> dict:
        return {"id": self.bot_id, "username": "briefbot", "discriminator": "0", "global_name": None,
                "avatar": None, "bot": True, "public_flags": 0, "flags": 0, "verified": True, "mfa_enabled": False}

    def message(self, message_id: str, channel_id: str, content: str, author: dict, **extra: Any) -> dict:
        return {"id": message_id, "channel_id": channel_id, "type": 0, "content": content, "author": author,
                "timestamp": "2026-05-29T07:30:00.000000+00:00", "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": [], "pinned": False, "flags": 0, "components": [], **extra}

    def guild(self) -> dict:
        everyone = {"id": self.guild_id, "name": "@everyone", "permissions": str(0x4_0000_0C00 | 0x10000),
                    "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": self.guild_id, "name": self.guild_name, "icon": None, "owner_id": self.owner_id,
            "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "features": [], "mfa_level": 0, "system_channel_flags": 0,
            "premium_tier": 0, "nsfw_level": 0, "preferred_locale": "en-US", "roles": [everyone],
            "emojis": [], "stickers": [], "member_count": 2, "large": False, "unavailable": False,
            "joined_at": "2025-01-01T00:00:00+00:00", "threads": [], "stage_instances": [],
            "guild_scheduled_events": [], "voice_states": [], "presences": [],
            "members": [{"user": self.bot_user(), "roles": [], "joined_at": "2025-01-01T00:00:00+00:00",
                         "deaf": False, "mute": False, "flags": 0}],
            "channels": [self.channel(self.channel_id)],
        }

    def channel(self, channel_id: str) -> dict:
        return {"id": channel_id, "type": 0, "guild_id": self.guild_id, "name": "general", "position": 0,
                "permission_overwrites": [], "nsfw": False, "topic": None, "last_message_id": None,
                "rate_limit_per_user": 0, "parent_id": None, "flags": 0}

    # -- gateway ---------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif op == 2:
                    await self._identify(ws, frame["d"])
                elif op == 6:
                    self._seq += 1
                    await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": self._seq, "d": {}}))
        finally:
            self._sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> None:
        self.identifies += 1
        self.last_identify = data
        if self.identify_close_code or data.get("token") != self.token:
            await ws.close(code=self.identify_close_code or 4004, message=b"Authentication failed.")
            return
        ready = {"v": 10, "user": self.bot_user(), "guilds": [{"id": self.guild_id, "unavailable": True}],
                 "session_id": f"session-{self.identifies}", "resume_gateway_url": self.gateway_url,
                 "shard": [0, 1], "application": {"id": self.app_id, "flags": 0}, "private_channels": [],
                 "relationships": []}
        for event, payload in (("READY", ready), ("GUILD_CREATE", self.guild())):
            self._seq += 1
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": payload}))
        self._identified.set()

    # -- REST --------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await self._body(request)
        call = Call(request.method, path, body, dict(request.query), files=files)
        if self.latency:
            await asyncio.sleep(self.latency)
        status, data = self._route(request, path, body)
        call.status = status
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        headers = {"Content-Type": "application/json", "Via": "1.1 google"}
        if status == 429:
            headers["Retry-After"] = str(data["retry_after"])
            headers["X-RateLimit-Scope"] = "user"
        if status == 204:
            return web.Response(status=204, headers={"Via": "1.1 google"})
        return web.Response(status=status, body=json.dumps(data).encode(), headers=headers)

    async def _body(self, request: web.Request) -> tuple[Any, list[str]]:
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append(part.filename or part.name or "")
                    await part.read()
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _injected(self, method: str, path: str) -> tuple[int, dict] | None:
        for f in self._failures:
            if f.times > 0 and f.method == method and path.startswith(f.prefix):
                f.times -= 1
                if f.status == 429:
                    return 429, {"message": "You are being rate limited.", "retry_after": f.retry_after,
                                 "global": False}
                return f.status, error_body(f.status)
        return None

    def _route(self, request: web.Request, path: str, body: Any) -> tuple[int, Any]:
        method = request.method
        auth = request.headers.get("Authorization")
        if auth is not None and auth != f"Bot {self.token}":
            return 401, {"message": "401: Unauthorized", "code": 0}
        injected = self._injected(method, path)
        if injected:
            return injected
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return 200, self.bot_user()
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, {"id": self.app_id, "name": "briefbot", "description": "", "icon": None,
                         "bot_public": True, "bot_require_code_grant": False, "verify_key": "00",
                         "owner": self.user(self.owner_id, "owner"), "flags": 0, "team": None}
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            return 200, {"url": self.gateway_url, "shards": 1,
                         "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                                 "max_concurrency": 1}}
        if method == "GET" and parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            return 200, [self._command(c, scope) for c in self.synced.get(scope, [])]
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            self.synced[scope] = body
            return 200, [self._command(c, scope) for c in body]
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return 200, {"interaction": {"id": parts[1], "type": 2,
                                         "response_message_id": snowflake(next(self._ids)),
                                         "response_message_loading": (body or {}).get("type") == 5,
                                         "response_message_ephemeral": bool(
                                             ((body or {}).get("data") or {}).get("flags", 0) & 64)},
                         "resource": {"type": (body or {}).get("type", 4)}}
        if parts[0] == "webhooks" and method in ("POST", "PATCH"):
            return 200, self.message(snowflake(next(self._ids)), self.channel_id, (body or {}).get("content") or "",
                                     {**self.bot_user(), "bot": True}, embeds=(body or {}).get("embeds", []),
                                     webhook_id=self.app_id)
        if parts[0] == "channels":
            return self._channel(method, parts, body)
        return 404, {"message": "404: Not Found", "code": 0}

    def _channel(self, method: str, parts: list[str], body: Any) -> tuple[int, Any]:
        channel_id = parts[1]
        if channel_id in self.missing_channels:
            return 404, {"message": "Unknown Channel", "code": 10003}
        if channel_id in self.forbidden_channels:
            return 403, {"message": "Missing Access", "code": 50001}
        if method == "GET" and len(parts) == 2:
            return 200, self.channel(channel_id)
        if method == "POST" and parts[2:] == ["messages"]:
            limited = self._rate_limited(channel_id)
            if limited:
                return 429, {"message": "You are being rate limited.", "retry_after": limited, "global": False}
            if self.error_rate and self.random.random() < self.error_rate:
                return self.error_status, error_body(self.error_status)
            body = body or {}
            nonce = body.get("nonce")
            if nonce and body.get("enforce_nonce") and (channel_id, nonce) in self._nonces:
                return 200, self._nonces[(channel_id, nonce)]
            message = self.message(snowflake(next(self._ids)), channel_id, body.get("content") or "",
                                   self.bot_user(), embeds=body.get("embeds", []), nonce=nonce,
                                   message_reference=body.get("message_reference"),
                                   components=body.get("components", []))
            if message["message_reference"] is None:
                del message["message_reference"]
            self.messages[channel_id].append(message)
            if nonce:
                self._nonces[(channel_id, nonce)] = message
            return 200, message
        if method == "POST" and parts[2:] == ["typing"]:
            return 204, None
        return 404, {"message": "404: Not Found", "code": 0}

    def _rate_limited(self, channel_id: str) -> float:
        if channel_id not in self._limits:
            return 0.0
        per_second, sent = self._limits[channel_id]
        now = time.monotonic()
        while sent and now - sent[0] >= 1.0:
            sent.popleft()
        if len(sent) >= per_second:
            return round(1.0 - (now - sent[0]), 3) + 0.001
        sent.append(now)
        return 0.0

    def _command(self, command: dict, scope: str) -> dict:
        out = {"id": snowflake(next(self._ids)), "application_id": self.app_id, "version": "1",
               "type": 1, "default_member_permissions": None, "nsfw": False, "options": [], **command}
        if scope != "global":
            out["guild_id"] = scope
        return out


def error_body(status: int) -> dict:
    return {"message": {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                        403: "Missing Access", 404: "Unknown Channel"}.get(status, "error"), "code": 0}
