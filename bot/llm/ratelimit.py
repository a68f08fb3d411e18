"""Per-user question limit for the model path (a sliding minute, in memory)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def wait_seconds(self, key: str) -> int:
        """0 and the question is counted, or how many whole seconds to wait before the next one."""
        now = self.clock()
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return max(1, math.ceil(60 - (now - times[0])))
        times.append(now)
        if len(self._seen) > 10_000:  # forget idle users so memory stays bounded
            for k in [k for k, v in self._seen.items() if not v or now - v[-1] >= 60]:
                del self._seen[k]
        return 0
