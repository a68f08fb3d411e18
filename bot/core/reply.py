"""The platform-neutral reply every core command returns; adapters only render it.

Text here is plain (no Slack mrkdwn, no Discord markdown). Footnote markers look like "[1]" and refer
to `Reply.citations` by their `n`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Citation:
    n: int
    source_id: str
    title: str
    published: str  # ISO date of the source
    quote: str  # verbatim from the source text
    url: str = ""
    publisher: str = ""

    def to_json(self) -> dict[str, str]:
        return {"source_id": self.source_id, "title": self.title, "published": self.published,
                "quote": self.quote, "url": self.url}


@dataclass
class ReplyField:
    """A labelled value, e.g. 'Killed' -> 'at least 11 people (as of 12 Dec 2025) [1]'."""

    name: str
    value: str


@dataclass
class Section:
    heading: str = ""
    text: str = ""
    fields: list[ReplyField] = field(default_factory=list)
    # Bullet items, each one line; rendered as a list by every adapter.
    items: list[str] = field(default_factory=list)


@dataclass
class Reply:
    title: str
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    found: bool = True
    ephemeral: bool = False
    engine: str = "offline"
    command: str = ""
    fallback_reason: str | None = None
    attachments: list[Path] = field(default_factory=list)
    # For answers: the answer as one plain paragraph, without footnote markers (the JSON protocol).
    answer: str = ""

    def source_line(self) -> str:
        """'Sources: Title (publisher, 2025-12-12)', one entry per distinct source."""
        seen: dict[str, str] = {}
        for c in self.citations:
            if c.source_id not in seen:
                who = f"{c.publisher}, " if c.publisher else ""
                seen[c.source_id] = f"{c.title} ({who}{c.published})"
        return "Sources: " + "; ".join(seen.values()) if seen else ""

    def to_text(self) -> str:
        """Plain text of the whole reply: the fallback every platform message carries."""
        lines = [self.title]
        for s in self.sections:
            if s.heading:
                lines += ["", s.heading]
            if s.text:
                lines.append(s.text)
            lines += [f"{f.name}: {f.value}" for f in s.fields]
            lines += [f"• {item}" for item in s.items]
        if self.citations:
            lines.append("")
            lines += [f"[{c.n}] “{c.quote}” — {c.title}, {c.published}" for c in self.citations]
        return "\n".join(lines)

    def to_json(self) -> dict:
        data = asdict(self)
        data["attachments"] = [str(p) for p in self.attachments]
        return data


@dataclass
class Asker:
    """Who asks and where, in platform-neutral terms."""

    platform: str = "console"
    user_id: str = "local"
    channel_id: str = "console"
    workspace_id: str = ""
    display_name: str = ""
    can_manage: bool = False
