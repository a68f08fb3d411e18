"""Keeping the briefing current: fetch a report, extract sourced candidate facts, review them.

`briefbot ingest` stores the report as a Source (searchable at once) and queues what it found as
candidates; `briefbot review` applies them. Nothing here imports a chat platform library.
"""


class IngestError(Exception):
    """Input that cannot be ingested, worded as one line for the person who gave it."""
