"""The ledger's group commit: a write is reported done only once it is really committed."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.core.store import Store, meta
from bot.schedule.ledger import Ledger


async def test_a_failed_batch_reports_nothing_done_that_was_rolled_back(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    ledger = Ledger(store)

    def record(key: str) -> str:
        with ledger._tx() as conn:  # the batch's transaction
            conn.execute(meta.insert().values(key=key, value="x"))
        return key

    def broken() -> None:
        with ledger._tx() as conn:
            conn.exec_driver_sql("SELECT * FROM no_such_table")  # aborts a PostgreSQL transaction

    # Queued together, the three writes share one transaction; the broken one must not take the
    # others' work down with it while they are told it was saved.
    results = await asyncio.gather(ledger.write(record, "first"), ledger.write(broken),
                                   ledger.write(record, "second"), return_exceptions=True)
    assert results[0] == "first" and results[2] == "second" and isinstance(results[1], Exception)
    with store.begin() as conn:
        keys = set(conn.execute(select(meta.c.key)).scalars())
    assert {"first", "second"} <= keys
    store.close()
