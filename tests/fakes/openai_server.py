"""A fake OpenAI-compatible server: POST /v1/chat/completions on 127.0.0.1 with scripted replies.

Each request takes the next step of the script (or `default` when the script is empty). A step is
one of `reply(...)`, `error(...)`, `raw(...)`, or a callable that gets the request body (a dict) and
returns a step, so a fake "model" can build its answer from the passages it was sent. Every request
is recorded (`requests`: the JSON bodies, `headers`: their headers) so tests assert on what reached
the server.

`python -m tests.fakes.openai_server [--scenario NAME]` serves one scenario until killed
and prints its base URL on the first line (used by the bench and by hand).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """A 200 chat completion whose message content is `content` (a dict is JSON-encoded)."""

    content: Any = ""
    delay: float = 0.0
    refusal: str | None = None
    finish_reason: str = "stop"
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 321, "completion_tokens": 45,
                                                           "total_tokens": 366})


@dataclass
class Error:
    """An HTTP error, e.g. 429 with {"retry-after-ms": "20"} or 500."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    message: str = "scripted error"


@dataclass
class Raw:
    """Any body with any status: for responses that are not JSON at all."""

    body: str
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


Step = Reply | Error | Raw | Callable[[dict], "Reply | Error | Raw"]


def reply(content: Any, **kw: Any) -> Reply:
    return Reply(content=content, **kw)


def error(status: int, headers: dict[str, str] | None = None, **kw: Any) -> Error:
    return Error(status=status, headers=headers or {}, **kw)


def raw(body: str, **kw: Any) -> Raw:
    return Raw(body=body, **kw)


# -- helpers for fake models that read the request ------------------------------------------------

DATA_RE = re.compile(r"<<<DATA (\w+)>>>\n(.*?)\n<<<END DATA \1>>>", re.S)


def request_data(body: dict) -> dict:
    """The delimited JSON data block of the user message: {"question": ..., "passages": [...]}."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    match = DATA_RE.search(user)
    if match is None:
        raise ValueError("no delimited data block in the user message")
    return json.loads(match.group(2))


def passages_of(body: dict) -> list[dict]:
    return request_data(body)["passages"]


def grounded(body: dict) -> Reply:
    """A well-behaved model: restates the first passage and cites it."""
    first = passages_of(body)[0]
    return Reply(content={"answer": first["text"], "cited_ids": [first["id"]], "found": True})


# -- the server ------------------------------------------------------------------------------------

class FakeOpenAI:
    def __init__(self, default: Step | None = None) -> None:
        self.script: deque[Step] = deque()
        self.default = default
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def push(self, *steps: Step) -> FakeOpenAI:
        self.script.extend(steps)
        return self

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self.completions)
        return app

    async def completions(self, request: web.Request) -> web.StreamResponse:
        text = await request.text()
        try:
            body = json.loads(text)
        except ValueError:
            return web.json_response({"error": {"message": "request body is not JSON"}}, status=400)
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        step: Any = self.script.popleft() if self.script else self.default
        if step is None:
            return web.json_response({"error": {"message": "no scripted reply"}}, status=500,
                                     headers={"x-should-retry": "false"})
        if callable(step):
            step = step(body)
        if step.delay:
            await asyncio.sleep(step.delay)
        if isinstance(step, Error):
            return web.json_response({"error": {"message": step.message, "type": "scripted"}},
                                     status=step.status, headers=step.headers)
        if isinstance(step, Raw):
            return web.Response(text=step.body, status=step.status, content_type=step.content_type)
        content = step.content if isinstance(step.content, str) else json.dumps(step.content)
        message: dict[str, Any] = {"role": "assistant", "content": None if step.refusal else content}
        if step.refusal:
            message["refusal"] = step.refusal
        return web.json_response({
            "id": f"chatcmpl-fake-{len(self.requests)}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": step.finish_reason,
                         "logprobs": None}],
            "usage": step.usage,
        })

    async def start(self) -> str:
        # A short shutdown: a test that leaves a slow reply pending must not wait for it.
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class ThreadedFake:
    """The fake on its own event loop in a thread, for code that measures its own loop (the bench)."""

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(10)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self.loop).result(10)
        asyncio.run_coroutine_threadsafe(self._cancel_rest(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


    @staticmethod
    async def _cancel_rest() -> None:
        """Replies still sleeping (a scripted delay) are cancelled, not destroyed pending at exit."""
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)


SCENARIOS: dict[str, Step] = {"grounded": grounded}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scenario", default="grounded", choices=sorted(SCENARIOS))
    args = p.parse_args()

    async def serve() -> None:
        fake = FakeOpenAI(default=SCENARIOS[args.scenario])
        print(await fake.start(), flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
