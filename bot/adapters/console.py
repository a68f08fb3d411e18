"""The terminal chat: the same commands as Slack and Discord, no tokens needed."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from bot.core.commands import Core
from bot.core.reply import Asker, Reply

console = Console(highlight=False)
PROMPT = "[bold cyan]you>[/] "


def render(reply: Reply, out: Console | None = None) -> None:
    """Print a reply: title, sections, fields as a table, footnotes with their verbatim quotes."""
    out = out or console
    body: list = []
    for s in reply.sections:
        if s.heading:
            body.append(f"\n[bold]{escape(s.heading)}[/]")
        if s.text:
            body.append(escape(s.text))
        if s.fields:
            table = Table(show_header=False, box=None, padding=(0, 1))
            table.add_column(style="bold")
            table.add_column()
            for f in s.fields:
                table.add_row(escape(f.name), escape(f.value))
            body.append(table)
        for item in s.items:
            body.append(f" • {escape(item)}")
    if reply.citations:
        body.append("")
        for c in reply.citations:
            body.append(f"[dim][{c.n}] “{escape(c.quote)}” — {escape(c.title)}, {c.published}[/]")
    style = "green" if reply.found else "yellow"
    out.print(Panel.fit(_group(body), title=escape(reply.title), title_align="left", border_style=style))


def _group(parts: list):  # noqa: ANN202 - a rich renderable
    from rich.console import Group

    return Group(*parts)


def parse(line: str) -> tuple[str, str]:
    """'/ask who fired first' -> ('ask', 'who fired first'); a free question -> ('ask', line)."""
    line = line.strip()
    m = re.match(r"^/(\w[\w-]*)\s*(.*)$", line, re.S)
    if m:
        return m.group(1).lower(), m.group(2)
    return "ask", line


def quiet_terminal_logs() -> None:
    """Log lines between the chat's answers are noise to the person typing: only errors reach the terminal."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(max(handler.level, logging.ERROR))


def chat(core: Core) -> int:
    console.print(Panel.fit(
        "Ask a question in your own words, or use a command: /briefing, /casualties, /timeline, /claims, "
        "/who NAME, /sources, /follow [BRIEFING], /help. Type /quit to leave.",
        title="Conflict briefing — terminal chat", border_style="cyan"))
    quiet_terminal_logs()
    # One session is one conversation: follow-ups ("and the injured?") read against its last answers.
    asker = Asker(platform="console", user_id="local", channel_id="terminal", can_manage=True,
                  conversation=f"console:{uuid.uuid4().hex[:12]}")
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                line = console.input(PROMPT)
            except (EOFError, KeyboardInterrupt):
                console.print()
                return 0
            if not line.strip():
                continue
            command, text = parse(line)
            if command in ("quit", "exit", "q"):
                return 0
            reply = loop.run_until_complete(core.handle(command, text, asker))
            render(reply)
    finally:
        loop.close()
