"""A fake Slack Web API on 127.0.0.1 that records every call, for tests and benches.

    async with FakeSlackAPI() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)   # note the trailing slash
        url = slack.response_url("C1", user="U1")      # give this to a slash command payload
        ...
        await slack.wait_for_messages("C1", 1)
        slack.messages("C1")   # [{"via": "chat.postMessage", "channel": "C1", "text": ..., "blocks": ...}]

Answers auth.test, chat.postMessage, chat.postEphemeral, conversations.info, conversations.history, users.info, the
files_upload_v2 trio (files.getUploadURLExternal, the upload itself, files.completeUploadExternal) and
posts to response URLs. Scripted failures: `fail(method, status=429, retry_after=2)`, `fail(method,
status=500)`, `fail(method, error="channel_not_found")`, each for the next `times` calls (Retry-After is
rounded up to whole seconds like Slack's, unless `precise_retry_after` is set); `delay(method,
seconds)`; `rate_limit(channel, per_second=1)` answers 429 to posts faster than that to one channel;
`delay_reply(method, seconds)` answers that late after doing the work (a post is accepted even when
the client gives up or dies before the answer, as on Slack). `accepted` lists every message posted
with chat.postMessage (its metadata included), and conversations.history serves them back (newest
first, metadata with include_all_metadata); `missing_scopes` makes it answer `missing_scope`.
Channels and users: `add_channel(...)`, `add_user(...)`; unknown channels accept posts, unknown users are
ordinary members.

Socket Mode: apps.connections.open hands out a WebSocket URL on this server that says hello; then
`await push_socket("slash_commands", payload)` sends an envelope and `socket_acks` records the acks.

Run alone for benches: `python -m tests.fakes.slack_api --port 0` prints "READY <base url>" and serves until
killed; `GET /_fake/stats` returns call counts by method.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

RESPONSE_URL = "response_url"
UPLOAD = "files.upload"  # the upload to the URL files.getUploadURLExternal handed out


@dataclass
class Call:
    method: str  # a Web API method name, "response_url" or "files.upload"
    args: dict[str, Any]  # JSON, form and query arguments merged; "blocks" decoded from JSON text
    headers: dict[str, str]
    status: int = 200  # what the fake answered
    error: str = ""  # the Slack error code it answered, if any
    channel: str = ""  # for posts: the channel (for response URLs, the one given to response_url())
    path: str = ""
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    status: int
    retry_after: float | None
    error: str
    times: int


class FakeSlackAPI:
    def __init__(self, *, team_id: str = "T0TEST", bot_user_id: str = "UBOT", bot_id: str = "BBOT",
                 port: int = 0) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.port = port
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> {"filename", "bytes", "channel", ...}
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, float] = {}
        self._reply_delays: dict[str, float] = {}
        self.accepted: list[dict[str, Any]] = []  # every chat.postMessage stored, in order
        self.missing_scopes: set[str] = set()
        self._limits: dict[str, tuple[float, float]] = {}  # channel -> (min interval, retry after)
        self._last_post: dict[str, float] = {}
        self._response_urls: dict[str, tuple[str, str]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.socket_acks: list[dict[str, Any]] = []
        self.precise_retry_after = False  # send a fractional Retry-After as is (Slack rounds up)

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> FakeSlackAPI:
        self._changed = asyncio.Event()  # bound to the running loop
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_get("/socket-mode", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackAPI:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL, with the trailing slash slack_sdk needs."""
        return f"{self.root}/api/"

    # -- set-up -----------------------------------------------------------------------------------

    def response_url(self, channel: str, user: str = "") -> str:
        """A response URL whose posts are recorded as messages to `channel`.

        Any other `/respond/<id>` URL is accepted too (recorded with no channel), which benches use."""
        rid = str(next(self._ids))
        self._response_urls[rid] = (channel, user)
        return f"{self.root}/respond/{rid}"

    def add_user(self, user_id: str, *, name: str = "", admin: bool = False, owner: bool = False,
                 bot: bool = False, exists: bool = True) -> None:
        self.users[user_id] = {"id": user_id, "team_id": self.team_id, "name": name or user_id.lower(),
                               "real_name": name or user_id, "is_admin": admin, "is_owner": owner,
                               "is_primary_owner": False, "is_bot": bot, "exists": exists,
                               "profile": {"display_name": name or user_id, "real_name": name or user_id}}

    def add_channel(self, channel_id: str, *, name: str = "", is_member: bool = True,
                    is_private: bool = False, is_archived: bool = False, exists: bool = True) -> None:
        self.channels[channel_id] = {"id": channel_id, "name": name or channel_id.lower(),
                                     "is_channel": not is_private, "is_private": is_private,
                                     "is_im": channel_id.startswith("D"), "is_member": is_member,
                                     "is_archived": is_archived, "exists": exists}

    def fail(self, method: str, *, status: int = 500, retry_after: float | None = None, error: str = "",
             times: int = 1) -> None:
        """Answer the next `times` calls of `method` with this failure (status 200 + error = ok:false)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if status == 200 and not error:
            error = "invalid_arguments"
        self._failures.setdefault(method, []).append(_Failure(status, retry_after, error, times))

    def delay(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    def delay_reply(self, method: str, seconds: float) -> None:
        """Do the work at once, answer `seconds` later (the client may be gone by then)."""
        self._reply_delays[method] = seconds

    def accepted_in(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.accepted if m["channel"] == channel]

    def rate_limit(self, channel: str, *, per_second: float, retry_after: float | None = None) -> None:
        """Posts to `channel` closer together than 1/per_second get 429 with Retry-After."""
        interval = 1 / per_second
        self._limits[channel] = (interval, retry_after if retry_after is not None else interval)

    def reset(self) -> None:
        self.calls.clear()
        self._failures.clear()
        self._delays.clear()
        self._reply_delays.clear()
        self._limits.clear()

    # -- what happened ----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Every message accepted, in order: chat.postMessage, chat.postEphemeral and response URL posts."""
        out = []
        for c in self.calls:
            if c.status != 200 or c.error or c.method not in ("chat.postMessage", "chat.postEphemeral",
                                                               RESPONSE_URL):
                continue
            if channel is not None and c.channel != channel:
                continue
            ephemeral = c.method == "chat.postEphemeral" or (
                c.method == RESPONSE_URL and c.args.get("response_type", "ephemeral") != "in_channel")
            out.append({"via": c.method, "channel": c.channel, "text": c.args.get("text", ""),
                        "blocks": c.args.get("blocks") or [], "thread_ts": c.args.get("thread_ts"),
                        "user": c.args.get("user", ""), "ephemeral": ephemeral,
                        "response_type": c.args.get("response_type"), "args": c.args})
        return out

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until predicate() is true (checked after every call); AssertionError on timeout."""
        deadline = time.monotonic() + within
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"fake Slack API: condition not met; calls: {self.summary()}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass

    async def wait_for_messages(self, channel: str | None, count: int = 1, within: float = 10.0
                                ) -> list[dict[str, Any]]:
        await self.wait_for(lambda: len(self.messages(channel)) >= count, within)
        return self.messages(channel)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.calls:
            counts[c.method] = counts.get(c.method, 0) + 1
        return counts

    # -- handlers ---------------------------------------------------------------------------------

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    args.update(body)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    args[key] = value if isinstance(value, str) else getattr(value, "filename", "file")
        for key in ("blocks", "attachments", "files"):
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pass
        return args

    def _record(self, method: str, args: dict[str, Any], request: web.Request, channel: str = "") -> Call:
        call = Call(method=method, args=args, headers=dict(request.headers), channel=channel,
                    path=request.path)
        self.calls.append(call)
        self._changed.set()
        return call

    def _scripted(self, method: str, call: Call) -> web.Response | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return self._failure_response(call, failure.status, failure.retry_after, failure.error)

    def _failure_response(self, call: Call, status: int, retry_after: float | None, error: str
                          ) -> web.Response:
        call.status = status
        call.error = error or ("ratelimited" if status == 429 else "")
        # Slack sends whole seconds; with `precise_retry_after` a fraction is sent as is (fast tests).
        headers = {}
        if retry_after is not None:
            precise = f"{retry_after:g}" if self.precise_retry_after else str(math.ceil(retry_after))
            headers["Retry-After"] = precise
        if status >= 500:
            return web.Response(status=status, text="upstream error", headers=headers)
        return web.json_response({"ok": False, "error": call.error}, status=status, headers=headers)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await self._args(request)
        call = self._record(method, args, request, channel=str(args.get("channel", "")))
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        scripted = self._scripted(method, call)
        if scripted is not None:
            return scripted
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return self._error(call, "unknown_method")
        response = await handler(call, request)
        if method in self._reply_delays:
            await asyncio.sleep(self._reply_delays[method])
        return response

    def _error(self, call: Call, error: str) -> web.Response:
        call.error = error
        return web.json_response({"ok": False, "error": error})

    def _ts(self) -> str:
        # Wall-clock seconds, as Slack's are (history is read "since" a time); the counter keeps
        # every ts unique and in order.
        n = next(self._ids)
        return f"{int(time.time())}.{n:06d}"

    async def _m_auth_test(self, call: Call, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "url": "https://test.slack.invalid/", "team": "Test",
                                  "user": "briefbot", "team_id": self.team_id,
                                  "user_id": self.bot_user_id, "bot_id": self.bot_id})

    def _channel_problem(self, channel: str) -> str:
        info = self.channels.get(channel)
        if not channel:
            return "channel_not_found"
        if info is None:
            return ""
        if not info["exists"]:
            return "channel_not_found"
        if info["is_archived"]:
            return "is_archived"
        if not info["is_member"] and not info["is_im"]:
            return "not_in_channel"
        return ""

    async def _m_chat_postMessage(self, call: Call, request: web.Request) -> web.Response:
        channel = call.channel
        problem = self._channel_problem(channel)
        if problem:
            return self._error(call, problem)
        if not (call.args.get("text") or call.args.get("blocks")):
            return self._error(call, "no_text")
        limit = self._limits.get(channel)
        now = time.monotonic()
        if limit is not None:
            interval, retry_after = limit
            last = self._last_post.get(channel)
            if last is not None and now - last < interval:
                return self._failure_response(call, 429, retry_after, "ratelimited")
        self._last_post[channel] = now
        ts = self._ts()
        call.args.setdefault("ts", ts)
        metadata = call.args.get("metadata")
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = None
        self.accepted.append({"channel": channel, "ts": ts, "text": call.args.get("text", ""),
                              "metadata": metadata if isinstance(metadata, dict) else None})
        return web.json_response({"ok": True, "channel": channel, "ts": ts,
                                  "message": {"text": call.args.get("text", ""), "ts": ts,
                                              "bot_id": self.bot_id, "user": self.bot_user_id}})

    async def _m_chat_update(self, call: Call, request: web.Request) -> web.Response:
        problem = self._channel_problem(call.channel)
        if problem:
            return self._error(call, problem)
        if not call.args.get("ts"):
            return self._error(call, "message_not_found")
        return web.json_response({"ok": True, "channel": call.channel, "ts": call.args["ts"],
                                  "text": call.args.get("text", "")})

    async def _m_chat_postEphemeral(self, call: Call, request: web.Request) -> web.Response:
        problem = self._channel_problem(call.channel)
        if problem:
            return self._error(call, problem)
        if not call.args.get("user"):
            return self._error(call, "user_not_in_channel")
        return web.json_response({"ok": True, "message_ts": self._ts()})

    async def _m_conversations_info(self, call: Call, request: web.Request) -> web.Response:
        channel = str(call.args.get("channel", ""))
        info = self.channels.get(channel)
        if info is None:
            self.add_channel(channel)
            info = self.channels[channel]
        if not info["exists"]:
            return self._error(call, "channel_not_found")
        public = {k: v for k, v in info.items() if k != "exists"}
        return web.json_response({"ok": True, "channel": public})

    async def _m_conversations_history(self, call: Call, request: web.Request) -> web.Response:
        needed = "channels:history"
        if needed in self.missing_scopes:
            call.error = "missing_scope"
            return web.json_response({"ok": False, "error": "missing_scope", "needed": needed,
                                      "provided": "chat:write"})
        channel = str(call.args.get("channel", ""))
        problem = self._channel_problem(channel)
        if problem:
            return self._error(call, problem)
        oldest = float(call.args.get("oldest") or 0)
        limit = int(call.args.get("limit") or 100)
        start = int(call.args.get("cursor") or 0)
        with_meta = str(call.args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [m for m in reversed(self.accepted) if m["channel"] == channel and float(m["ts"]) >= oldest]
        page = found[start:start + limit]
        messages = []
        for m in page:
            message = {"type": "message", "ts": m["ts"], "text": m["text"], "bot_id": self.bot_id,
                       "user": self.bot_user_id}
            if with_meta and m["metadata"]:
                message["metadata"] = m["metadata"]
            messages.append(message)
        more = start + limit < len(found)
        return web.json_response({"ok": True, "messages": messages, "has_more": more,
                                  "response_metadata": {"next_cursor": str(start + limit) if more else ""}})

    async def _m_users_info(self, call: Call, request: web.Request) -> web.Response:
        user = str(call.args.get("user", ""))
        info = self.users.get(user)
        if info is None:
            self.add_user(user)
            info = self.users[user]
        if not info["exists"]:
            return self._error(call, "user_not_found")
        return web.json_response({"ok": True, "user": {k: v for k, v in info.items() if k != "exists"}})

    async def _m_files_getUploadURLExternal(self, call: Call, request: web.Request) -> web.Response:
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = {"filename": call.args.get("filename", ""), "bytes": b"", "channel": ""}
        return web.json_response({"ok": True, "upload_url": f"{self.root}/upload/{file_id}",
                                  "file_id": file_id})

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["id"]
        data = await request.read()
        call = self._record(UPLOAD, {"file_id": file_id, "size": len(data)}, request)
        if file_id not in self.uploads:
            call.status = 404
            return web.Response(status=404, text="unknown upload")
        self.uploads[file_id]["bytes"] = data
        return web.Response(text="OK - " + str(len(data)))

    async def _m_files_completeUploadExternal(self, call: Call, request: web.Request) -> web.Response:
        files = call.args.get("files") or []
        problem = self._channel_problem(str(call.args.get("channel_id", ""))) if call.args.get(
            "channel_id") else ""
        if problem:
            return self._error(call, problem)
        out = []
        for f in files:
            upload = self.uploads.get(f.get("id", ""))
            if upload is None:
                return self._error(call, "file_not_found")
            upload.update(channel=call.args.get("channel_id", ""), title=f.get("title", ""),
                          thread_ts=call.args.get("thread_ts"))
            out.append({"id": f["id"], "title": f.get("title", ""), "name": upload["filename"]})
        call.channel = str(call.args.get("channel_id", ""))
        return web.json_response({"ok": True, "files": out})

    async def _respond(self, request: web.Request) -> web.Response:
        rid = request.match_info["id"]
        args = await self._args(request)
        channel, user = self._response_urls.get(rid, ("", ""))
        args.setdefault("user", user)
        call = self._record(RESPONSE_URL, args, request, channel=channel)
        if RESPONSE_URL in self._delays:
            await asyncio.sleep(self._delays[RESPONSE_URL])
        scripted = self._scripted(RESPONSE_URL, call)
        if scripted is not None:
            return scripted
        return web.Response(text="ok")

    async def _m_apps_connections_open(self, call: Call, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bearer xapp-"):
            return self._error(call, "not_allowed_token_type")
        return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket-mode"})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self._record("socket.connect", {}, request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TEST"}})
        try:
            async for msg in ws:
                if msg.type == web.WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    if "envelope_id" in data:
                        self.socket_acks.append(data)
                        self._changed.set()
        finally:
            self._sockets.remove(ws)
        return ws

    async def push_socket(self, kind: str, payload: dict[str, Any], *, within: float = 10.0) -> str:
        """Send a Socket Mode envelope (kind: slash_commands | events_api) once a client is connected."""
        await self.wait_for(lambda: bool(self._sockets), within)
        envelope_id = f"env-{next(self._ids)}"
        await self._sockets[-1].send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                           "accepts_response_payload": kind != "events_api",
                                           "retry_attempt": 0, "retry_reason": ""})
        return envelope_id

    async def _stats(self, _request: web.Request) -> web.Response:
        urls = {c.path for c in self.calls if c.method == RESPONSE_URL}
        return web.json_response({"calls": len(self.calls), "by_method": self.summary(),
                                  "response_urls_used": len(urls),
                                  "errors": sum(1 for c in self.calls if c.status != 200 or c.error)})


async def _serve(port: int) -> None:
    fake = FakeSlackAPI(port=port)
    await fake.start()
    print(f"READY {fake.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake Slack Web API on 127.0.0.1, for benches.")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
