"""A core Reply as Slack Block Kit messages, split under Slack's limits.

Every piece of reply text is escaped (`mrkdwn.escape`) before it goes into a block, so neither a user's
question nor a model's answer can ping a channel. Limits: section text ≤ 3,000 characters, fields ≤ 10
per section and ≤ 2,000 characters each, header ≤ 150, ≤ 50 blocks per message, and we keep a message's
text under 4,000 characters (longer ones fail in practice). A split never falls inside a quote, a link
or an HTML entity: footnotes are kept whole, and long text is cut at a paragraph, line, sentence or word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.adapters.channel_links import link_channels
from bot.adapters.slack.mrkdwn import escape, link
from bot.core.reply import Reply, Section

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
HEADER_LIMIT = 150
CONTEXT_LIMIT = 2000
MESSAGE_LIMIT = 4000
BLOCKS_PER_MESSAGE = 50
FALLBACK_LIMIT = 1000
SOURCE_LABEL_LIMIT = 48

# Spans a cut must not fall into: links and mentions, entities, quotes, inline code.
_PROTECTED = re.compile(r"<[^<>\n]*>|&[a-z]+;|“[^”]*”|\"[^\"\n]{0,600}\"|`[^`\n]*`")
_SEPARATORS = ("\n\n", "\n", ". ", "; ", ", ", " ")


@dataclass
class _Block:
    block: dict[str, Any]
    size: int  # characters of text it shows
    plain: str  # the same content as plain text, for the fallback


def render(reply: Reply) -> list[dict[str, Any]]:
    """The reply as one or more message payloads: {"text": fallback, "blocks": [...]}."""
    messages = _pack(reply, _blocks(reply))
    links = {f"&lt;#{c}&gt;": f"<#{c}>" for c in reply.channels if _CHANNEL_ID.fullmatch(c)}
    return link_channels(messages, links) if links else messages


# Slack channel ids (public C…, private G…, DMs D…): only these become channel links.
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,20}")


def split_text(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` characters at the safest place available."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = _cut_at(text, limit)
        head, text = text[:cut].rstrip(), text[cut:].lstrip()
        if head:
            pieces.append(head)
    if text:
        pieces.append(text)
    return pieces


def _cut_at(text: str, limit: int) -> int:
    spans = [(m.start(), m.end()) for m in _PROTECTED.finditer(text, 0, min(len(text), limit * 2))]

    def inside(i: int) -> bool:
        return any(start < i < end for start, end in spans)

    for sep in _SEPARATORS:
        i = text.rfind(sep, 0, limit)
        while i > 0:
            cut = i + len(sep)
            if cut <= limit and not inside(cut) and not inside(i):
                return cut
            i = text.rfind(sep, 0, i)
    # No safe separator: cut just before the protected span at the limit, or (a single span longer than
    # the limit, which our data never has) at the limit itself.
    for start, end in spans:
        if start < limit < end and start > 0:
            return start
    return limit


# -- blocks ---------------------------------------------------------------------------------------

def _blocks(reply: Reply) -> list[_Block]:
    blocks = [_header(reply.title)]
    for section in reply.sections:
        blocks += _section_blocks(section)
    if reply.citations:
        blocks.append(_Block({"type": "divider"}, 0, ""))
        blocks += _footnote_blocks(reply)
    source_line = reply.source_line()
    if source_line:
        text = _escaped_within(source_line, CONTEXT_LIMIT)
        blocks.append(_Block({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]},
                             len(text), source_line))
    return blocks


def _header(title: str) -> _Block:
    text = _escaped_within(title or "Briefing", HEADER_LIMIT)
    return _Block({"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}},
                  len(text), title)


def _section(text: str, plain: str) -> _Block:
    return _Block({"type": "section", "text": {"type": "mrkdwn", "text": text}}, len(text), plain)


def _section_blocks(section: Section) -> list[_Block]:
    out: list[_Block] = []
    lines = []
    if section.text:
        lines.append(escape(section.text))
    lines += [f"• {escape(item)}" for item in section.items]
    heading = f"*{escape(section.heading)}*" if section.heading else ""
    body = "\n".join(lines)
    if body:
        text = f"{heading}\n{body}" if heading else body
        for piece in split_text(text, SECTION_LIMIT):
            out.append(_section(piece, _plain_of(piece)))
        heading = ""
    fields = [_field_text(f.name, f.value) for f in section.fields]
    for i in range(0, len(fields), FIELDS_PER_SECTION):
        group = fields[i:i + FIELDS_PER_SECTION]
        block: dict[str, Any] = {"type": "section", "fields": [{"type": "mrkdwn", "text": t} for t in group]}
        size = sum(len(t) for t in group)
        if heading:
            block["text"] = {"type": "mrkdwn", "text": heading}
            size += len(heading)
            heading = ""
        out.append(_Block(block, size, _plain_of("\n".join(group))))
    if heading:  # a heading with nothing under it
        out.append(_section(heading, _plain_of(heading)))
    return out


def _field_text(name: str, value: str) -> str:
    text = f"*{escape(name)}*\n{escape(value)}"
    if len(text) > FIELD_LIMIT:
        text = split_text(text, FIELD_LIMIT - 1)[0] + "…"
    return text


def _footnote_blocks(reply: Reply) -> list[_Block]:
    """Numbered footnotes with their verbatim quotes, packed whole into sections."""
    notes = []
    for c in reply.citations:
        # Every fact names its source; the full titles are in the context line at the end.
        label = c.publisher or _shorten(c.title, SOURCE_LABEL_LIMIT)
        source = link(c.url, label) if c.url else f"_{escape(label)}_"
        notes.append(f"*[{c.n}]* “{escape(c.quote)}” — {source}, {escape(c.published)}")
    out: list[_Block] = []
    current: list[str] = []
    for note in notes:
        if len(note) > SECTION_LIMIT:  # a quote longer than a whole section: alone, cut at word breaks
            if current:
                out.append(_section("\n".join(current), _plain_of("\n".join(current))))
                current = []
            out += [_section(p, _plain_of(p)) for p in split_text(note, SECTION_LIMIT)]
            continue
        if current and len("\n".join([*current, note])) > SECTION_LIMIT:
            out.append(_section("\n".join(current), _plain_of("\n".join(current))))
            current = []
        current.append(note)
    if current:
        out.append(_section("\n".join(current), _plain_of("\n".join(current))))
    return out


def _plain_of(mrkdwn: str) -> str:
    text = re.sub(r"<[^|<>]*\|([^<>]*)>", r"\1", mrkdwn)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    text = text.replace("*", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text


def _escaped_within(text: str, limit: int) -> str:
    """One line of escaped text that fits `limit` characters once escaped (escaping lengthens it)."""
    text = " ".join(text.split())
    room = limit
    while len(escaped := escape(_shorten(text, room))) > limit:
        room = max(1, min(room - 1, room * limit // len(escaped)))
    return escaped


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a line or word break, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit < 2:
        return "…"
    cut = max(text.rfind("\n", 0, limit - 1), text.rfind(" ", 0, limit - 1))
    return text[:cut if cut > limit // 2 else limit - 1].rstrip() + "…"


# -- messages -------------------------------------------------------------------------------------

def _pack(reply: Reply, blocks: list[_Block]) -> list[dict[str, Any]]:
    groups: list[list[_Block]] = [[]]
    size = 0
    for b in blocks:
        full = len(groups[-1]) >= BLOCKS_PER_MESSAGE or size + b.size > MESSAGE_LIMIT
        if full and groups[-1]:
            groups.append([])
            size = 0
        groups[-1].append(b)
        size += b.size
    # A divider belongs between blocks, never at the start or the end of a message.
    for group in groups:
        while group and group[-1].block["type"] == "divider":
            group.pop()
        while group and group[0].block["type"] == "divider":
            group.pop(0)
    groups = [g for g in groups if g]
    messages = []
    for i, group in enumerate(groups):
        plain = "\n".join(b.plain for b in group if b.plain)
        if i:
            plain = f"{reply.title} (part {i + 1} of {len(groups)})\n{plain}"
        messages.append({"text": escape(_shorten(plain, FALLBACK_LIMIT)),
                         "blocks": [b.block for b in group]})
    return messages
