"""The `briefbot` command line. Heavy libraries are imported inside the handlers, so `ask` starts fast.

Feature packages add their own subcommands: each module listed in COMMAND_MODULES has
`add_commands(subparsers)` and keeps its imports light at module level.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.commands import Core

COMMAND_MODULES: list[str] = ["bot.checkconfig", "bot.adapters.discord.cli", "bot.ingest.cli", "bot.schedule.cli",
                             "bot.ingest.watch_cli"]


class CliError(Exception):
    """A one-line error for the person at the terminal."""


def settings(for_run: bool = False) -> Settings:
    from bot.config import load_settings
    from bot.logs import setup_logging

    s = load_settings()
    # One-shot commands stay quiet on the terminal unless LOG_LEVEL is set; `run` logs at log_level.
    setup_logging(s, level=None if for_run or "log_level" in s.model_fields_set else "WARNING")
    return s


def core_from_settings(briefing: str | None = None) -> Core:
    """The Core; with `briefing`, that briefing must exist (a clear error names the ones there are)."""
    from bot.app import build_core

    core = build_core(settings())
    if briefing is not None and briefing not in core.names():
        known = ", ".join(sorted(core.names()))
        raise CliError(f"no briefing called {briefing!r} (briefings: {known}); "
                       f"add one with: briefbot ingest --briefing {briefing} PATH")
    return core


def print_reply(reply: object, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2))  # type: ignore[attr-defined]
        return
    from bot.adapters.console import render

    render(reply)  # type: ignore[arg-type]


# -- handlers -------------------------------------------------------------------------------------

def cmd_ask(args: argparse.Namespace) -> int:
    core = core_from_settings(args.briefing)
    if args.question == ["-"]:
        return ask_lines(core, args.json, args.briefing)
    question = " ".join(args.question)
    reply = asyncio.run(core.handle("ask", question, briefing=args.briefing))
    if args.json:
        print(json.dumps(reply_json(question, reply), ensure_ascii=False))
    else:
        print_reply(reply)
    return 0


def reply_json(question: str, reply: object) -> dict:
    """The `ask --json` protocol: question, answer, found, engine, citations (and fallback_reason)."""
    text = reply.answer or " ".join(s.text for s in reply.sections)  # type: ignore[attr-defined]
    data = {"question": question, "answer": text, "found": reply.found,  # type: ignore[attr-defined]
            "engine": reply.engine, "briefing": reply.briefing,  # type: ignore[attr-defined]
            "citations": [c.to_json() for c in reply.citations]}  # type: ignore[attr-defined]
    if reply.fallback_reason:  # type: ignore[attr-defined]
        data["fallback_reason"] = reply.fallback_reason  # type: ignore[attr-defined]
    return data


def ask_lines(core: Core, as_json: bool, briefing: str | None = None) -> int:
    """One question per stdin line, one answer per line; a bad line gets an error line, the rest go on.

    A line may also be a JSON object {"question": "...", "conversation": "ID"}: lines sharing an ID are
    one conversation (follow-ups are read against its earlier turns, as in one chat thread)."""
    from bot.core.asking import Dialogue
    from bot.core.reply import Asker

    # A conversation here lives as long as this input: kept in memory, never written to the store.
    core.dialogue = Dialogue()

    async def run() -> None:
        for raw in sys.stdin.buffer:
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                out = {"question": None, "answer": "That line is not valid UTF-8 text.", "found": False,
                       "engine": "offline", "citations": [], "error": "invalid_utf8"}
                print(json.dumps(out, ensure_ascii=False) if as_json else out["answer"], flush=True)
                continue
            question, conversation = question_line(line)
            asker = Asker(conversation=f"cli:{conversation}" if conversation else "")
            reply = await core.handle("ask", question, asker, briefing=briefing)
            if as_json:
                print(json.dumps(reply_json(question, reply), ensure_ascii=False), flush=True)
            else:
                print(reply.to_text(), "\n", flush=True)

    asyncio.run(run())
    return 0


def question_line(line: str) -> tuple[str, str]:
    """(question, conversation id) from a plain line or a JSON object line; a plain line has no conversation."""
    if line.startswith("{"):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return line, ""
        if isinstance(data, dict) and isinstance(data.get("question"), str):
            conversation = data.get("conversation")
            return data["question"], str(conversation) if conversation not in (None, "") else ""
    return line, ""


def simple_command(name: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        if getattr(args, "chart", None):
            from bot.ingest.chart import chart_path_problem

            problem = chart_path_problem(args.chart)
            if problem:
                raise CliError(f"--chart {problem}")
        core = core_from_settings(args.briefing)
        text = "full" if getattr(args, "full", False) else " ".join(getattr(args, "name", []) or [])
        reply = asyncio.run(core.handle(name, text, briefing=args.briefing))
        if getattr(args, "json", False):
            # Data, not the chat text: numbers, qualifiers, dates and sources as fields.
            from bot.core.data import for_command

            data = for_command(core.loaded[reply.briefing or core.default].briefing, name, text)
            if isinstance(data, dict):
                data.setdefault("briefing", reply.briefing)
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print_reply(reply)
        if getattr(args, "chart", None):
            from bot.ingest.chart import write_chart

            drawn = write_chart(core.loaded[reply.briefing or core.default].briefing, args.chart)
            print(f"Chart written to {drawn}" if drawn else "No chart: no figure series has two points yet.",
                  file=sys.stderr)
        return 0 if reply.found else 1

    return handler


def cmd_briefings(args: argparse.Namespace) -> int:
    """Every briefing in the store with its counts and last update."""
    from bot.app import open_store

    s = settings()
    store = open_store(s)
    from bot.ingest.review import waiting

    pending = waiting(store)
    default = s.briefing_default or store.default_name()
    rows = store.briefings()
    if args.json:
        print(json.dumps([{**vars(i), "pending": pending.get(i.name, 0), "default": i.name == default}
                          for i in rows], ensure_ascii=False, indent=2))
        return 0
    width = max([len(i.name) for i in rows] + [4])
    print(f"{'NAME':<{width}}  {'SOURCES':>7}  {'FACTS':>5}  {'FIGURES':>7}  {'PENDING':>7}  {'UPDATED':<16}  TITLE")
    for i in rows:
        updated = i.updated[:16].replace("T", " ") if i.updated else "never"
        mark = "  (default)" if i.name == default else ""
        print(f"{i.name:<{width}}  {i.sources:>7}  {i.facts:>5}  {i.figures:>7}  {pending.get(i.name, 0):>7}  "
              f"{updated:<16}  {i.title}{mark}")
    return 0


def cmd_chat(_args: argparse.Namespace) -> int:
    from bot.adapters.console import chat

    return chat(core_from_settings())


def cmd_run(_args: argparse.Namespace) -> int:
    s = settings(for_run=True)
    from bot.app import build_core, open_store
    from bot.runner import build_services, serve

    store = open_store(s)
    core = build_core(s, store)
    services = build_services(s, core)
    if not services:
        from bot.adapters.console import chat

        print("No Slack or Discord credentials set: opening the terminal chat. "
              "See README.md to connect Slack or Discord.", file=sys.stderr)
        return chat(core)
    asyncio.run(serve(s, core, services))
    return 0


# -- parser ---------------------------------------------------------------------------------------

def add_briefing_option(p: argparse.ArgumentParser, help_text: str = "") -> None:
    p.add_argument("--briefing", metavar="NAME", type=str.lower,
                   help=help_text or "answer from briefing NAME (default: the deployment's default; "
                                     "see `briefbot briefings`)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="briefbot", description="A sourced conflict briefing bot.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    bs = sub.add_parser("briefings", help="the briefings in the store, with counts and last update")
    bs.add_argument("--json", action="store_true")
    bs.set_defaults(func=cmd_briefings)

    ask = sub.add_parser("ask", help="answer a question from the briefing ('-' reads one per line)")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line with '-')")
    add_briefing_option(ask)
    ask.set_defaults(func=cmd_ask)

    b = sub.add_parser("briefing", help="the briefing")
    b.add_argument("--full", action="store_true")
    b.add_argument("--json", action="store_true")
    add_briefing_option(b)
    b.set_defaults(func=simple_command("briefing"))

    for name, text in [("casualties", "casualty and displacement figures"), ("timeline", "events in order"),
                       ("claims", "contested claims"), ("sources", "the sources")]:
        c = sub.add_parser(name, help=text)
        c.add_argument("--json", action="store_true")
        add_briefing_option(c)
        if name == "casualties":
            c.add_argument("--chart", metavar="FILE",
                           help="also draw each figure series over time (FILE.png or FILE.svg)")
        c.set_defaults(func=simple_command(name))

    w = sub.add_parser("who", help="profile of a person or body")
    w.add_argument("name", nargs="*")
    w.add_argument("--json", action="store_true")
    add_briefing_option(w)
    w.set_defaults(func=simple_command("who"))

    sub.add_parser("chat", help="terminal chat (no tokens needed)").set_defaults(func=cmd_chat)
    sub.add_parser("run", help="run the bot: Slack/Discord when configured, else the terminal chat",
                   ).set_defaults(func=cmd_run)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.config import ConfigError
    from bot.core.briefing_file import BriefingFileError
    from bot.core.store import StoreError

    try:
        return args.func(args)
    except (CliError, ConfigError, StoreError, BriefingFileError) as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
