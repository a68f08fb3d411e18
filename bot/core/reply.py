"""The platform-neutral reply every core command returns; adapters only render it.

Text here is plain (no Slack mrkdwn, no Discord markdown). Footnote markers look like "[1]" and refer
to `Reply.citations` by their `n`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

# A chat channel named in reply text is written "<#ID>" (`channel_ref`) and listed in `Reply.channels`;
# adapters show exactly those as links to the channel (Slack, Discord) or as "#ID" (terminal). Text that
# merely looks like one (a user's words) stays plain: only listed ids become links.
CHANNEL_REF = re.compile(r"<#([A-Za-z0-9]{1,32})>")


def channel_ref(channel_id: str) -> str:
    return f"<#{channel_id}>"


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
    # The name of the briefing the reply comes from ("" for help and errors).
    briefing: str = ""
    # Channel ids the text names as "<#ID>" (see channel_ref), shown as channel links by chat adapters.
    channels: list[str] = field(default_factory=list)

    def plain_channels(self, text: str) -> str:
        """Text with this reply's channel references as "#ID", for places without channel links."""
        return CHANNEL_REF.sub(lambda m: f"#{m.group(1)}" if m.group(1) in self.channels else m.group(0), text)

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
        return self.plain_channels("\n".join(lines))

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
    # The platform could not tell whether this person may manage (e.g. Slack's users.info failed):
    # a refusal then says "could not check, try again" rather than "not allowed".
    permission_unknown: bool = False
    # Which conversation the question belongs to (a thread, a reply chain, a DM, a terminal session):
    # follow-ups are read against its last turns. Empty: the question stands alone.
    conversation: str = ""
    # The language the question is in when it is not English ("French"), for a model to answer in.
    language: str = ""


def refusal(asker: Asker, text: str, command: str) -> Reply:
    """The answer to someone who may not run a managing command, or whose rights could not be checked."""
    if asker.permission_unknown:
        text = ("Could not check your permissions just now (the chat platform did not answer). "
                "Please try again in a minute.")
        return Reply(title="Could not check your permissions", sections=[Section(text=text)], ephemeral=True,
                     found=False, command=command)
    return Reply(title="Not allowed", sections=[Section(text=text)], ephemeral=True, found=False,
                 command=command)
