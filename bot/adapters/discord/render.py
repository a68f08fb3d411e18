"""A Reply as Discord messages with embeds, split cleanly within Discord's limits.

Embeds are built as plain dicts (the API's JSON), so the same output serves interaction responses
(`to_embeds`) and the scheduled-post Poster (JSON payloads). Messages carry no content text (so the
2,000-character content limit never applies); everything is in embeds. A reply is cut into units that are never
split: a line of text, a bullet item, a field, a footnote with its verbatim quote. Units are packed
into embeds (description ≤ 4,096, ≤ 25 fields) and embeds into messages (≤ 10 embeds, ≤ 6,000
characters over all of a message's embeds). Only a single unit bigger than a whole embed is cut, at a
word boundary; footnotes are short sentences, so a quote is never cut in practice.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.adapters.channel_links import link_channels
from bot.core.reply import Reply

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # per message, summed over all its embeds
EMBEDS_PER_MESSAGE = 10

COLOUR_FOUND = 0x2B6CB0
COLOUR_NOT_FOUND = 0xB7791F

MARKDOWN = str.maketrans({c: "\\" + c for c in "\\*_~`|>#"})


def escape(text: str) -> str:
    """Plain text shown verbatim: Discord markdown characters are escaped (mentions never ping anyway)."""
    return text.translate(MARKDOWN)


@dataclass
class Message:
    content: str | None = None  # kept for callers' payloads; the renderer puts everything in embeds
    embeds: list[dict[str, Any]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass
class Unit:
    text: str = ""  # a description line
    name: str = ""  # a field's name (when this unit is a field)
    value: str = ""

    @property
    def is_field(self) -> bool:
        return bool(self.name)

    def size(self) -> int:
        return len(self.name) + len(self.value) if self.is_field else len(self.text) + 1


def embed_size(embed: dict[str, Any]) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return total + len(embed.get("footer", {}).get("text", ""))


def cut(text: str, limit: int) -> list[str]:
    """Text in pieces of at most `limit` characters, cut at a line break or space where possible.

    A hard cut (no space near the limit, e.g. Thai or Khmer, which do not put spaces between words) never
    falls inside a grapheme cluster or right after an escaping backslash (`safe_cut`)."""
    pieces = []
    while len(text) > limit:
        at = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if at < limit // 2:
            at = safe_cut(text, limit)
        pieces.append(text[:at].rstrip())
        text = text[at:].lstrip()
    return [*pieces, text] if text else pieces


# Characters that join what follows to what precedes: a Khmer coeng (subscript), the Myanmar virama,
# the zero-width joiner. Cutting right after one breaks the cluster too.
_JOINERS = {"\u17d2", "\u1039", "\u200d"}


def _joins_previous(ch: str) -> bool:
    """A combining mark (Thai and Khmer vowels and tone marks, accents), a variation selector or a ZWJ."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in _JOINERS or "\ufe00" <= ch <= "\ufe0f"


def safe_cut(text: str, limit: int) -> int:
    """The largest cut position <= limit that neither splits a grapheme cluster nor leaves a lone `\\`."""
    at = limit
    while at > 1:
        if _joins_previous(text[at]) or text[at - 1] in _JOINERS:
            at -= 1
            continue
        backslashes = len(text[:at]) - len(text[:at].rstrip("\\"))
        if backslashes % 2:  # the piece would end with an escape character that escapes nothing
            at -= 1
            continue
        return at
    return limit


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, never ending inside a grapheme cluster or an escape."""
    return text if len(text) <= limit else text[:safe_cut(text, limit)]


def units_of(reply: Reply) -> list[Unit]:
    units: list[Unit] = []

    def line(text: str) -> None:
        units.extend(Unit(text=piece) for piece in cut(text, DESCRIPTION_LIMIT - 1))

    for section in reply.sections:
        if section.heading:
            line(f"**{escape(section.heading)}**")
        if section.text:
            line(escape(section.text))
        for f in section.fields:
            name = clip(escape(f.name), FIELD_NAME_LIMIT) or "\u200b"
            for i, value in enumerate(cut(escape(f.value), FIELD_VALUE_LIMIT)):
                units.append(Unit(name=name if i == 0 else clip(f"{name} (cont.)", FIELD_NAME_LIMIT), value=value))
        for item in section.items:
            line(f"• {escape(item)}")
    if reply.citations:
        line("**Notes**")
        for c in reply.citations:
            title = f"[{escape(c.title)}]({c.url})" if c.url else escape(c.title)
            line(f"[{c.n}] “{escape(c.quote)}” — {title}, {c.published}")
    return units


class Packer:
    """Fills embeds and messages in order, opening a new one whenever a limit would be passed."""

    def __init__(self, title: str, colour: int, footer: str) -> None:
        self.title = title
        self.colour = colour
        self.footer = footer
        self.messages: list[Message] = []
        self.embed: dict[str, Any] = {}
        self.new_message()

    def message_size(self) -> int:
        return sum(embed_size(e) for e in self.messages[-1].embeds)

    def room(self) -> int:
        # The footer goes on the very last embed; keep space for it in every message.
        return EMBED_TOTAL_LIMIT - len(self.footer) - self.message_size()

    def new_message(self) -> None:
        title = self.title if not self.messages else f"{self.title} (cont.)"
        self.messages.append(Message())
        self.new_embed(clip(title, TITLE_LIMIT))

    def new_embed(self, title: str = "") -> None:
        if len(self.messages[-1].embeds) >= EMBEDS_PER_MESSAGE:
            self.new_message()
            return
        self.embed = {"type": "rich", "color": self.colour}
        if title:
            self.embed["title"] = title
        self.messages[-1].embeds.append(self.embed)

    def add(self, unit: Unit) -> None:
        if unit.size() > self.room():
            self.new_message()
        if unit.is_field:
            fields = self.embed.setdefault("fields", [])
            if len(fields) >= FIELDS_LIMIT:
                self.new_embed()
                fields = self.embed.setdefault("fields", [])
            fields.append({"name": unit.name, "value": unit.value, "inline": False})
            return
        # Text after fields would show above them (Discord draws the description first): new embed.
        desc = self.embed.get("description", "")
        if self.embed.get("fields") or len(desc) + unit.size() > DESCRIPTION_LIMIT:
            self.new_embed()
            if unit.size() > self.room():
                self.new_message()
            desc = ""
        self.embed["description"] = f"{desc}\n{unit.text}" if desc else unit.text

    def finish(self) -> list[Message]:
        if self.footer:
            self.embed["footer"] = {"text": self.footer}
        for message in self.messages:
            message.embeds = [e for e in message.embeds if len(e) > 2 or e is self.embed]
        return [m for m in self.messages if m.embeds]


def render(reply: Reply) -> list[Message]:
    """The reply as one or more messages, each within Discord's limits; attachments go on the first."""
    footer = clip(reply.source_line(), FOOTER_LIMIT)
    packer = Packer(escape(reply.title) or "Briefing", COLOUR_FOUND if reply.found else COLOUR_NOT_FOUND, footer)
    for unit in units_of(reply):
        packer.add(unit)
    messages = packer.finish()
    messages[0].files = list(reply.attachments)
    links = {escape(f"<#{c}>"): f"<#{c}>" for c in reply.channels if c.isdigit()}
    if links:  # the reply's own channels (and only those) as Discord channel links
        for message in messages:
            message.embeds = [link_channels(e, links) for e in message.embeds]
    return messages


def to_embeds(message: Message) -> list[Any]:
    """The message's embeds as discord.Embed objects (for discord.py's send methods)."""
    import discord

    return [discord.Embed.from_dict(e) for e in message.embeds]
