"""Slack's text format both ways: escaping what we send, reading what users type.

Slack treats `&`, `<` and `>` as control characters: `<!channel>`, `<!here>`, `<@U123>`, `<!subteam^S1>`
and links only exist between angle brackets. Escaping those three characters in every piece of user or
model text we echo makes a ping impossible (we never set `link_names`, so a bare "@channel" stays text).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Plain text -> Slack text that shows exactly these characters and can never ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A link to one of our own sources; the label is escaped, a URL with brackets or a pipe is not linked."""
    if not url.startswith(("http://", "https://")) or any(c in url for c in "<>| "):
        return escape(label)
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


def _readable(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # a user: <@U123> or <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # a channel: <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):  # a user group: <!subteam^S123|@team>
        return label or "@group"
    if target.startswith("!"):  # <!channel>, <!here>, <!everyone>, <!date^...|fallback>
        word = target[1:].split("^", 1)[0]
        return label or "@" + word
    return label or target  # a link: <https://x|label> or <https://x>


def plain(text: str, drop_user: str | None = None) -> str:
    """What a user typed, as plain text: control sequences made readable, entities decoded.

    `drop_user` removes mentions of that user id (the bot's own, when someone @-mentions it)."""
    if drop_user:
        text = re.sub(rf"<@{re.escape(drop_user)}(\|[^>]*)?>", " ", text)
    text = _CONTROL.sub(_readable, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]+", " ", text).strip()
