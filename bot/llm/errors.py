"""The one exception of the model path: a check failed, or the call did."""

from __future__ import annotations


class CheckFailed(Exception):
    """The answer may not be shown. `reason` is the code logged and reported; `detail` is for logs."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
