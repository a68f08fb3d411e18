"""`briefbot ingest` run over several files in one process, for concurrent-ingest tests and benches.

    python -m tests.fakes.ingest_worker DATABASE_URL FILE...

Each file goes through the real command line (`bot.cli.main(["ingest", FILE, "--briefing", NAME])`, NAME
from BRIEFBOT_INGEST_BRIEFING, default the shipped briefing); one JSON line per
file on stdout: {"file", "code", "out", "err"}. Starting one process per report would spend the time
on imports, not on the database.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import sys


def main(url: str, files: list[str]) -> int:
    os.environ["DATABASE_URL"] = url
    from bot.cli import main as briefbot

    # Named: these made-up reports share no names with any briefing, so they could not be filed by content.
    briefing = os.environ.get("BRIEFBOT_INGEST_BRIEFING", "cambodia-thailand")
    worst = 0
    for path in files:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = briefbot(["ingest", path, "--published", "2025-12-20", "--briefing", briefing])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except Exception as exc:  # noqa: BLE001 - reported, as the CLI's caller would see it
                print(f"{type(exc).__name__}: {exc}", file=err)
                code = 1
        worst = max(worst, code)
        # A real `briefbot ingest` exits here, and its connections with it: drop this one's store.
        gc.collect()
        print(json.dumps({"file": path, "code": code, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
