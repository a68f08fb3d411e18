"""The ingest tests read the follow-up reports in ../shared; CI always has them beside the checkout."""

from __future__ import annotations

import os

import pytest

from tests.ingest.helpers import FOLLOWUPS


@pytest.fixture(autouse=True)
def _followups_present() -> None:
    if FOLLOWUPS.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{FOLLOWUPS} is missing: CI must have ../shared beside the checkout")
    pytest.skip(f"{FOLLOWUPS} is not beside this checkout")
