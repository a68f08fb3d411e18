"""Load on the Slack HTTP endpoint: N signed slash commands at concurrency C.

    .venv/bin/python bench/slack_load.py [-n 2000] [-c 50] [--command /casualties]
    .venv/bin/python bench/slack_load.py --url http://HOST:PORT/slack/events --secret SECRET

By default it starts the fake Slack Web API (tests/fakes/slack_api.py) and the real bot (`briefbot run`,
HTTP mode, SQLite in a temporary directory) as two subprocesses on 127.0.0.1, then POSTs correctly
signed slash commands (a mix of every read command unless --command is given) and prints the ack
latency (request sent -> HTTP response; p50, p90, p99, max), the throughput, the error count (non-200
acks and failed requests) and how many answers then reached the fake's response URLs. Target at
N=2,000, C=50: p99 ≤ 200 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_requests import signed_headers, slash_body  # noqa: E402

MIX = [("/casualties", ""), ("/briefing", ""), ("/ask", "How many people were displaced?"),
       ("/timeline", ""), ("/claims", ""), ("/sources", ""), ("/ask", "What is the capital of Australia?"),
       ("/briefhelp", ""), ("/who", "Hun Manet")]
SECRET = "bench-signing-secret-0123456789"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_fake() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.slack_api"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"the fake Slack API did not start: {line!r}")
    return proc, line.split()[1]


def start_bot(api_url: str, port: int, workdir: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "OPENAI_", "DATABASE_URL", "HTTP_", "LOG_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-bench-token", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api_url,
               HTTP_HOST="127.0.0.1", HTTP_PORT=str(port), LOG_LEVEL="WARNING", LOG_FORMAT="json",
               DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3", SCHEDULER_ENABLED="false",
               BRIEFBOT_CONFIG_DIR=f"{workdir}/config", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=workdir, env=env,
                            stderr=open(Path(workdir) / "bot.log", "wb"))


async def wait_healthy(session: aiohttp.ClientSession, root: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the bot exited with {proc.returncode}")
        try:
            async with session.get(root + "/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the bot did not become healthy within 60 s")


async def fake_stats(session: aiohttp.ClientSession, api_url: str) -> dict:
    async with session.get(api_url.replace("/api/", "/_fake/stats")) as resp:
        return await resp.json()


async def load(url: str, secret: str, respond_root: str, n: int, concurrency: int,
               commands: list[tuple[str, str]], tag: str = "bench") -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(n))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                command, text = commands[i % len(commands)]
                body = slash_body(command, text, response_url=f"{respond_root}/respond/{tag}-{i}",
                                  user_id=f"U{i % 40:04d}", channel_id=f"C{i % 7:04d}")
                headers = signed_headers(secret, body)
                started = time.perf_counter()
                try:
                    async with session.post(url, data=body.encode(), headers=headers) as resp:
                        await resp.read()
                        ok = resp.status == 200
                except aiohttp.ClientError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="slash commands to send (default 2000)")
    parser.add_argument("-c", "--concurrency", type=int, default=50, help="requests in flight (default 50)")
    parser.add_argument("--command", help="send only this command, e.g. /casualties (default: a mix)")
    parser.add_argument("--text", default="", help="the command's text, with --command")
    parser.add_argument("--url", help="an already running events URL (then --secret is needed)")
    parser.add_argument("--secret", default=SECRET, help="its signing secret")
    parser.add_argument("--respond-root", default="http://127.0.0.1:9",
                        help="with --url: where response URLs point (a fake Slack API's root)")
    args = parser.parse_args()
    commands = [(args.command, args.text)] if args.command else MIX

    procs: list[subprocess.Popen] = []
    workdir = tempfile.mkdtemp(prefix="slack-bench-")
    try:
        api_url = ""
        if args.url:
            url, respond_root = args.url, args.respond_root
        else:
            fake, api_url = start_fake()
            procs.append(fake)
            port = free_port()
            bot = start_bot(api_url, port, workdir)
            procs.append(bot)
            root = f"http://127.0.0.1:{port}"
            url, respond_root = root + "/slack/events", api_url.removesuffix("/api/")
            async with aiohttp.ClientSession() as session:
                await wait_healthy(session, root, bot)
        # Warm up (first request runs auth.test), then measure.
        await load(url, args.secret, respond_root, 20, 5, commands, tag="warmup")
        await asyncio.sleep(1)
        before = 0
        if api_url:
            async with aiohttp.ClientSession() as session:
                before = (await fake_stats(session, api_url))["response_urls_used"]
        load_started = time.perf_counter()
        latencies, errors, elapsed = await load(url, args.secret, respond_root, args.n, args.concurrency,
                                                commands)
        delivered, all_delivered_s = None, None
        if api_url:
            async with aiohttp.ClientSession() as session:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    stats = await fake_stats(session, api_url)
                    delivered = stats["response_urls_used"] - before
                    if delivered >= args.n:
                        # Answers are worked on after the acks; this is when the last one arrived.
                        all_delivered_s = round(time.perf_counter() - load_started - elapsed, 2)
                        break
                    await asyncio.sleep(0.05)
        ms = [x * 1000 for x in latencies]
        result = {"n": args.n, "concurrency": args.concurrency,
                  "commands": args.command or "mix of " + ", ".join(sorted({c for c, _ in MIX})),
                  "ack_ms_p50": round(percentile(ms, 50), 1), "ack_ms_p90": round(percentile(ms, 90), 1),
                  "ack_ms_p99": round(percentile(ms, 99), 1), "ack_ms_max": round(max(ms), 1),
                  "throughput_per_s": round(args.n / elapsed, 1), "errors": errors,
                  "answers_delivered": delivered, "last_answer_after_load_s": all_delivered_s}
        print(f"Slack slash commands: N={args.n} C={args.concurrency} ({result['commands']})")
        print(f"  ack latency  p50 {result['ack_ms_p50']} ms  p90 {result['ack_ms_p90']} ms  "
              f"p99 {result['ack_ms_p99']} ms  max {result['ack_ms_max']} ms")
        print(f"  throughput   {result['throughput_per_s']} commands/s   errors {errors}")
        if delivered is not None:
            print(f"  answers delivered to response URLs: {delivered} of {args.n}"
                  + (f", the last {all_delivered_s} s after the last ack" if all_delivered_s is not None else ""))
        print(json.dumps(result))
        return 0 if errors == 0 else 1
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
