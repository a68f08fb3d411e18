"""One scheduler replica in its own process, for the exactly-once test across processes.

    python -m tests.schedule.replica_worker DATABASE_URL SLACK_API_URL

Prints "ready" once its scheduler runs; on a "go" line it catches up (as after a restart) and runs
every job now (as at the scheduled minute), waits for its deliveries, prints "done" and exits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from bot.adapters.slack.poster import SlackPoster
from bot.config import load_settings
from bot.core.store import Store
from bot.schedule.deliverer import Deliverer
from bot.schedule.scheduler import BriefingScheduler


async def main(url: str, api: str) -> None:
    settings = load_settings(database_url=url, slack_bot_token="xoxb-replica-test-token", slack_api_url=api)
    store = Store(url)  # the test migrated it already
    sched = BriefingScheduler(Deliverer(store, {"slack": SlackPoster(settings)}), 7200, poll_seconds=3600)
    await sched.start(catch_up=False)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    now = dt.datetime.now(dt.UTC)
    for job in sched.scheduler.get_jobs():
        job.modify(next_run_time=now)
    sched.scheduler.wakeup()
    await sched.catch_up()
    await asyncio.sleep(0.5)  # the jobs handed to the loop start and register
    await sched.drain()
    await sched.stop()
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
