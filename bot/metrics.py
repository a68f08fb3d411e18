"""Prometheus metrics, one place for every counter the bot exposes on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

QUESTIONS = Counter("briefbot_questions_total", "Questions answered, by engine and found",
                    ["engine", "found"])
COMMAND_LATENCY = Histogram("briefbot_command_seconds", "Time to build a reply, by command", ["command"],
                            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
DELIVERIES = Counter("briefbot_deliveries_total", "Morning briefing deliveries, by platform and status",
                     ["platform", "status"])
PLATFORM_ERRORS = Counter("briefbot_platform_errors_total", "Errors from platform APIs", ["platform", "kind"])
RATE_LIMIT_WAITS = Counter("briefbot_rate_limit_waits_total", "Waits on a platform's 429", ["platform"])
MODEL_FALLBACKS = Counter("briefbot_model_fallbacks_total", "Model answers replaced by the offline answer",
                          ["reason"])
LEADER = Gauge("briefbot_scheduler_leader", "1 while this replica runs the scheduler, else 0")
UP = Gauge("briefbot_ready", "1 while /readyz reports ready, else 0")


def observe_command(command: str, asker: object, reply: object, seconds: float) -> None:
    """A Core observer: latency of every command; questions by engine; model fallbacks."""
    COMMAND_LATENCY.labels(command).observe(seconds)
    if command == "ask":
        QUESTIONS.labels(getattr(reply, "engine", "offline"), str(bool(getattr(reply, "found", False))).lower()
                         ).inc()
    reason = getattr(reply, "fallback_reason", None)
    if reason:
        MODEL_FALLBACKS.labels(str(reason)[:40]).inc()


def exposition() -> tuple[bytes, str]:
    """The /metrics body and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class DiscordRateLimitCounter:
    """discord.py waits out 429s inside its HTTP client and only logs them; count those waits."""

    def filter(self, record: object) -> bool:
        msg = str(getattr(record, "msg", ""))
        if "rate limit" in msg and "Retrying in" in msg:
            RATE_LIMIT_WAITS.labels("discord").inc()
        return True


_DISCORD_COUNTER = DiscordRateLimitCounter()


def watch_discord_rate_limits() -> None:
    import logging

    logger = logging.getLogger("discord.http")
    if _DISCORD_COUNTER not in logger.filters:
        logger.addFilter(_DISCORD_COUNTER)
