"""The core commands, one function each, returning platform-neutral replies.

`Core.handle(command, text, asker)` is the single entry point every adapter (Slack, Discord, the
terminal) calls; it validates the input and dispatches to the functions below.

A deployment holds several briefings (one per conflict). Every command is answered from exactly one:
the one named (`briefing=` from the command line, `/briefing NAME`), else the one the channel follows,
else the deployment's default. A question that names another briefing's conflict, and nothing of the
channel's, is answered from that briefing, saying so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.answer import Answer, Answerer
from bot.core.asking import Dialogue, as_asked, chat_reply
from bot.core.citations import Citer
from bot.core.figures import METRIC_LABELS, Series, change_text, is_headline, series_of
from bot.core.gloss import glossed_note
from bot.core.language import not_english_text
from bot.core.manners import help_text
from bot.core.models import Briefing, Claim, DateRef, Event
from bot.core.reply import Asker, Reply, ReplyField, Section

log = logging.getLogger("briefbot.commands")

MAX_QUESTION_CHARS = 1000
MAX_CONVERSATIONS = 10_000
COMMANDS = ("briefing", "casualties", "ask", "timeline", "claims", "who", "sources", "follow", "help")
ALIASES = {"briefhelp": "help", "actor": "who", "start": "help", "commands": "help"}

STANCE_WORDS = {
    "asserts": "says", "denies": "denies", "declines_to_confirm": "does not confirm",
    "demands": "demands", "does_not_echo": "does not echo",
}


def day(d: DateRef | None) -> str:
    return d.label() if d else "date not reported"


# -- the commands ------------------------------------------------------------------------------

def help_reply(note: str = "", more: dict[str, str] | None = None) -> Reply:
    lines = [
        "/briefing [full] — the situation now: figures, latest events, what is contested",
        "/casualties — every casualty and displacement figure, with its qualifier, date and source",
        "/ask <question> — a question in your own words, answered from the briefing with sources",
        "/timeline — events in order, with how precisely each date is known",
        "/claims — contested claims: who says what, and their status",
        "/who <name> — a profile of a person or body in the briefing",
        "/sources — the reports the briefing rests on",
        "/follow [NAME] — which briefing this channel follows (admins: make it follow another)",
    ]
    lines += [_help_line(name, text) for name, text in (more or {}).items()]
    lines.append("/briefhelp — this list of commands")
    sections = [Section(text=note)] if note else []
    sections.append(Section(heading="Commands", items=lines))
    sections.append(Section(text="Mention the bot or message it directly to ask a question."))
    return Reply(title="Conflict briefing bot — help", sections=sections, ephemeral=True, command="help")


def _help_line(name: str, text: str) -> str:
    """'/name — what it does', or '/name [args] — ...' when the help text starts with its arguments."""
    text = text.strip()
    if not text:
        return f"/{name}"
    return f"/{name} {text}" if text.startswith(("[", "<")) else f"/{name} — {text}"


def casualties(b: Briefing) -> Reply:
    cite = Citer(b)
    fields: list[ReplyField] = []
    history: list[str] = []
    for s in series_of(b.figures):
        fields.append(ReplyField(name=series_label(s), value=figure_value(s, cite)))
        for old in s.history():
            history.append(f"{series_label(s)}: {old.amount()} {old.noun} as of {short_date(old.as_of)} "
                           f"{cite.cite(old.evidence)}".rstrip())
    sections = [Section(heading="Figures", fields=fields)]
    if history:
        sections.append(Section(heading="Earlier figures", items=history))
    sections.append(Section(text="Figures are as reported, with the reporter's qualifier; tolls in active "
                                 "conflicts are usually revised."))
    if not fields:
        sections = [Section(text="The briefing holds no casualty figures yet.")]
    return Reply(title=f"Casualties — {b.conflict}", sections=sections, citations=cite.citations,
                 command="casualties")


def series_label(s: Series) -> str:
    label = METRIC_LABELS.get(s.metric, s.metric.title())
    return label if is_headline(s.scope) else f"{label} ({s.scope})"


def figure_value(s: Series, cite: Citer) -> str:
    cur = s.current
    change = change_text(cur, s.previous(cur.as_of))  # "up from at least 10 on 9 Dec 2025"
    text = (f"{cur.amount()} {cur.noun} (as of {short_date(cur.as_of)}){', ' + change if change else ''} "
            f"{cite.cite(cur.evidence)}")
    others = s.disagreeing()
    if others:
        parts = [f"{f.amount()} {cite.cite(f.evidence)}" for f in others]
        text += f"; sources disagree: {s.range_text()} — also reported: " + ", ".join(parts)
    return text.strip()


def short_date(d) -> str:  # noqa: ANN001 - a date
    return f"{d.day} {d.strftime('%b %Y')}"


def timeline(b: Briefing) -> Reply:
    cite = Citer(b)
    items = [f"{day(e.when)} — {e.summary} {cite.cite(e.evidence)}".rstrip() for e in sorted_events(b.events)]
    for u in b.upcoming:
        if u.status in ("announced", "scheduled"):
            items.append(f"Upcoming ({day(u.when) if u.when else 'date not set'}) — {u.summary} "
                         f"{cite.cite(u.evidence)}".rstrip())
    sections = [Section(items=items or ["No events recorded yet."])]
    return Reply(title=f"Timeline — {b.conflict}", sections=sections, citations=cite.citations,
                 command="timeline")


def sorted_events(events: list[Event]) -> list[Event]:
    # Events known only as reported ("Saturday morning") are placed by the day they were reported around.
    return sorted(events, key=lambda e: (e.when.sort_key(), e.when.date is None))


def claims(b: Briefing) -> Reply:
    cite = Citer(b)
    by_topic: dict[str, list[Claim]] = {}
    for c in b.claims:
        by_topic.setdefault(c.topic, []).append(c)
    sections = []
    for topic, group in by_topic.items():
        status = worst_status(group)
        items = [f"{actor_name(b, c.by)} {STANCE_WORDS[c.stance]}: {c.claim} {cite.cite(c.evidence)}".rstrip()
                 for c in group]
        sections.append(Section(heading=f"{topic} — {status}", items=items))
    if not sections:
        sections = [Section(text="No contested claims recorded.")]
    return Reply(title=f"Contested claims — {b.conflict}", sections=sections, citations=cite.citations,
                 command="claims")


def worst_status(group: list[Claim]) -> str:
    for status in ("contradicted", "disputed", "unverified", "confirmed"):
        if any(c.status == status for c in group):
            return status
    return "unverified"


def actor_name(b: Briefing, actor_id: str) -> str:
    actor = b.actor(actor_id)
    return actor.name if actor else actor_id


def who(b: Briefing, name: str) -> Reply:
    wanted = name.strip().lower()
    if not wanted:
        items = [f"{a.name} — {a.role or a.kind}" for a in b.actors]
        return Reply(title="People and bodies in the briefing", sections=[Section(items=items)], command="who")
    for a in b.actors:
        names = [a.name.lower(), *(x.lower() for x in a.aliases)]
        if any(wanted == n or wanted in n.split() or (len(wanted) > 3 and wanted in n) for n in names):
            cite = Citer(b)
            sections = [Section(text=f"{a.statement} {cite.cite(a.evidence)}".rstrip())]
            related = [e for e in sorted_events(b.events) if any(p.actor == a.id for p in e.participants)]
            if related:
                sections.append(Section(heading="In the briefing", items=[
                    f"{day(e.when)} — {e.summary} {cite.cite(e.evidence)}".rstrip() for e in related]))
            own = [c for c in b.claims if c.by == a.id]
            if own:
                sections.append(Section(heading="Claims", items=[
                    f"{STANCE_WORDS[c.stance].capitalize()}: {c.claim} ({c.status}) {cite.cite(c.evidence)}".rstrip()
                    for c in own]))
            return Reply(title=a.name, sections=sections, citations=cite.citations, command="who")
    return Reply(title="Not in the briefing", found=False, command="who", ephemeral=True,
                 sections=[Section(text=f"The briefing does not cover anyone called “{name.strip()}”.")])


def sources(b: Briefing) -> Reply:
    items = []
    for s in b.sources:
        who_ = f"{s.publisher}, " if s.publisher else ""
        link = f" — {s.url}" if s.url else ""
        items.append(f"{s.title} ({who_}{s.published_at.isoformat()}){link}")
    return Reply(title="Sources", sections=[Section(items=items)], command="sources")


def briefing(b: Briefing, full: bool = False) -> Reply:
    """The situation now. The short form fits one chat message: one quote per fact, the latest events."""
    cite = Citer(b)

    def mark(evidence: list) -> str:  # noqa: ANN001 - a list of Evidence
        return cite.cite(evidence if full else evidence[:1])

    fields = [ReplyField(name=series_label(s), value=figure_value(s, cite))
              for s in series_of(b.figures) if full or is_headline(s.scope)]
    sections = [Section(heading="Figures", fields=fields)] if fields else []
    events = sorted_events(b.events)
    recent = events if full else events[-3:]
    sections.append(Section(heading="Timeline" if full else "Latest", items=[
        f"{day(e.when)} — {e.summary} {mark(e.evidence)}".rstrip() for e in recent]))
    contested = contested_section(b, mark, full)
    if contested:
        sections.append(contested)
    diplomacy = [*b.requests, *b.agreements]
    if diplomacy:
        shown = diplomacy if full else diplomacy[:2]
        sections.append(Section(heading="Diplomacy", items=[f"{f.statement} {mark(f.evidence)}".rstrip()
                                                            for f in shown]))
    ahead = [f"{u.summary} ({day(u.when) if u.when else 'date not set'}) {mark(u.evidence)}".rstrip()
             for u in b.upcoming if u.status in ("announced", "scheduled")]
    if ahead:
        sections.append(Section(heading="Coming up", items=ahead))
    if full and b.actors:
        sections.append(Section(heading="Who's who", items=[f"{a.name} — {a.role or a.kind}" for a in b.actors]))
    title = f"{b.title} — as of {short_date(b.as_of)}"
    return Reply(title=title, sections=sections, citations=cite.citations, command="briefing")


def contested_section(b: Briefing, mark: Callable[[list], str], full: bool) -> Section | None:
    """Each contested topic with its status; in full, who says what, each with its quote marks."""
    topics: dict[str, list[Claim]] = {}
    for c in b.claims:
        topics.setdefault(c.topic, []).append(c)
    items = []
    for topic, group in topics.items():
        if full:
            # Who says what: each side with its claim, never a bare "X says [1]".
            says = "; ".join(f"{actor_name(b, c.by)} {STANCE_WORDS[c.stance]}: {c.claim} {mark(c.evidence)}"
                             .rstrip() for c in group)
            items.append(f"{topic} — {worst_status(group)}: {says}")
        else:
            who = ", ".join(dict.fromkeys(actor_name(b, c.by) for c in group))
            items.append(f"{topic} — {worst_status(group)} ({who})")
    return Section(heading="Contested", items=items) if items else None


def answer_reply(ans: Answer) -> Reply:
    return Reply(title=ans.question, sections=[Section(text=ans.chat_text())], answer=ans.answer, citations=ans.citations,
                 found=ans.found, engine=ans.engine, command="ask", fallback_reason=ans.fallback_reason)


# -- the entry point ---------------------------------------------------------------------------

@dataclass
class Loaded:
    """One briefing in memory with its answer engine, and the store revision it was read at."""

    briefing: Briefing
    answerer: Answerer
    revision: str = ""


class UnknownBriefing(Exception):
    """A briefing name that the deployment does not hold."""


class Core:
    """The briefings, their answer engines and the commands, shared by every adapter."""

    def __init__(self, store: object, briefing: Briefing, answerer: Answerer, default: str = "") -> None:
        self.store = store
        # The deployment's default briefing: what a channel that follows none is answered from.
        self.default = default or briefing.name
        self.loaded: dict[str, Loaded] = {self.default: Loaded(briefing, answerer)}
        # Reads briefing NAME from the store with a fresh engine (set by bot.app; runs off the event loop).
        # UnknownBriefing when there is none of that name.
        self.load: Callable[[str], Loaded] | None = None
        # The briefings there are, as {name: title} (set by bot.app; without it, those loaded).
        self.catalogue: Callable[[], dict[str, str]] | None = None
        # Which briefing a question that names another conflict belongs to (set by bot.app).
        self.route: Callable[[str, str], str | None] | None = None
        # Channel -> the briefing it follows, and setting it (set by bot.app, which knows the store).
        self.followed: Callable[[Asker], str | None] | None = None
        self.set_follow: Callable[[Asker, str], None] | None = None
        # Brings the briefings up to date before each command (set by bot.app, which knows the store).
        self.reload_briefing: Callable[[], Awaitable[None]] | None = None
        # Commands added by feature packages (subscribe, review ...): name -> handler(text, asker).
        self.extra: dict[str, Callable[[str, Asker], Awaitable[Reply]]] = {}
        self.extra_help: dict[str, str] = {}
        # Called after every command with (command, asker, reply, seconds): metrics hook in here.
        self.observers: list[Callable[[str, Asker, Reply, float], None]] = []
        # Additions to a built-in command's reply (a chart for casualties): name -> [fn(briefing, reply)].
        self.enrichers: dict[str, list[Callable[[Briefing, Reply], None]]] = {}
        # Manners, language and per-conversation context around every question (bot.core.asking).
        self.dialogue = Dialogue()
        # Conversation -> the briefing its last answer came from (a follow-up stays with it).
        self.conversation_briefing: dict[str, str] = {}

    # The default briefing and its engine, as before there were several.
    @property
    def briefing(self) -> Briefing:
        return self.loaded[self.default].briefing

    @briefing.setter
    def briefing(self, value: Briefing) -> None:
        self.loaded[self.default].briefing = value

    @property
    def answerer(self) -> Answerer:
        return self.loaded[self.default].answerer

    @answerer.setter
    def answerer(self, value: Answerer) -> None:
        self.loaded[self.default].answerer = value

    def names(self) -> dict[str, str]:
        """Every briefing there is, name -> title."""
        if self.catalogue is not None:
            return self.catalogue()
        return {name: lo.briefing.title for name, lo in self.loaded.items()}

    async def get(self, name: str) -> Loaded:
        """Briefing NAME with its engine, read from the store the first time it is asked for."""
        loaded = self.loaded.get(name)
        if loaded is not None:
            return loaded
        if self.load is None:
            raise UnknownBriefing(name)
        loaded = await asyncio.to_thread(self.load, name)
        self.loaded[name] = loaded
        return loaded

    def channel_briefing(self, asker: Asker) -> str:
        """The briefing a channel follows, else the deployment's default."""
        chosen = self.followed(asker) if self.followed is not None else None
        return chosen or self.default

    def register(self, name: str, handler: Callable[[str, Asker], Awaitable[Reply]], help_text: str = "") -> None:
        """Add a command; every adapter routes it like the built-in ones, and /help lists it."""
        self.extra[name] = handler
        doc = (handler.__doc__ or "").strip().splitlines()
        # A handler that wraps an earlier one under the same name (and says nothing of its own) keeps the
        # earlier description, so /help never shows a command without one.
        self.extra_help[name] = help_text or (doc[0].rstrip(".") if doc else "") or self.extra_help.get(name, "")

    def command_names(self) -> list[str]:
        return [*COMMANDS, *self.extra]

    async def handle(self, command: str, text: str = "", asker: Asker | None = None,
                     briefing: str | None = None) -> Reply:
        """Run one command for `asker`, from briefing `briefing` when named, else the channel's."""
        asker = asker or Asker()
        name = command.strip().lstrip("/").lower()
        name = ALIASES.get(name, name)
        args = (text or "").strip()
        started = time.perf_counter()
        if self.reload_briefing is not None:
            await self.reload_briefing()
        try:
            reply = await self._dispatch(name, args, asker, briefing)
        except UnknownBriefing as exc:
            reply = self.unknown_briefing(str(exc))
        elapsed = time.perf_counter() - started
        for observe in self.observers:
            observe(name, asker, reply, elapsed)
        log.info("command", extra={"command": name, "platform": asker.platform, "user": asker.user_id,
                                   "channel": asker.channel_id, "found": reply.found, "engine": reply.engine,
                                   "briefing": reply.briefing, "ms": round(elapsed * 1000, 1)})
        return reply

    def unknown_briefing(self, name: str) -> Reply:
        known = ", ".join(sorted(self.names()))
        return Reply(title="No such briefing", found=False, ephemeral=True, command="briefing", sections=[
            Section(text=f"There is no briefing called “{name[:64]}”. Briefings: {known}.")])

    def split_name(self, args: str) -> tuple[str | None, str]:
        """'/casualties israel-iran' -> ('israel-iran', ''); a word that names no briefing stays in the text."""
        words = args.split()
        known = self.names()
        for i, w in enumerate(words):
            if w.lower() in known:
                return w.lower(), " ".join(words[:i] + words[i + 1:])
        return None, args

    async def _dispatch(self, name: str, args: str, asker: Asker, named: str | None) -> Reply:
        if name in ("briefing", "casualties"):
            found, args = self.split_name(args)
            named = named or found
        current = named or self.channel_briefing(asker)
        if name == "ask":
            return await self.ask(args, asker, current, pinned=named is not None)
        if name == "follow":
            return await self.follow(args, asker)
        if name in self.extra:
            reply = await self.extra[name](args, asker)
            reply.briefing = reply.briefing or current
            return reply
        if name == "help":
            return help_reply(more=self.extra_help)
        if name not in ("briefing", "who", "casualties", "timeline", "claims", "sources"):
            return help_reply(f"Unknown command “{name[:40]}”.", more=self.extra_help)
        b = (await self.get(current)).briefing
        word = args.lower()
        if name == "briefing":
            if word not in ("", "short", "full"):
                return help_reply(f"/briefing takes “full”, a briefing's name or nothing, not “{args[:40]}”.")
            reply = briefing(b, full=word == "full")
        elif name == "who":
            reply = who(b, args)
        else:
            if args:
                more = " or a briefing's name" if name == "casualties" else ""
                return help_reply(f"/{name} takes no arguments{more}.")
            simple = {"casualties": casualties, "timeline": timeline, "claims": claims, "sources": sources}
            reply = simple[name](b)
            for enrich in self.enrichers.get(name, []):
                enrich(b, reply)
        reply.briefing = current
        return reply

    async def ask(self, question: str, asker: Asker | None = None, briefing: str | None = None,
                  pinned: bool = False) -> Reply:
        """Answer from one briefing: `briefing` (else the channel's). Unless `pinned`, a question that
        names another briefing's conflict and nothing of this one is answered from that one, saying so;
        its follow-ups in the same conversation stay there."""
        asker = asker or Asker()
        problem = question_problem(question)
        if problem:
            return problem
        current = briefing or self.channel_briefing(asker)
        chosen = current
        if not pinned:
            routed = self.route(question, current) if self.route is not None else None
            earlier = self.conversation_briefing.get(asker.conversation) if asker.conversation else None
            chosen = routed or earlier or current
        loaded = await self.get(chosen)
        b, answerer = loaded.briefing, loaded.answerer
        other_languages = bool(getattr(answerer, "answers_languages", False))
        prepared = await self.dialogue.prepare(question, asker, b, other_languages=other_languages,
                                               engine=getattr(answerer, "engine", answerer))
        if not prepared.asked:  # only a mention or a link
            return question_problem("") or help_reply()
        if prepared.help:
            reply = help_reply(help_text(b), more=self.extra_help)
            reply.answer = help_text(b)
            reply.found = False  # not an answer from the briefing (the JSON protocol's meaning of found)
            reply.briefing = chosen
            return reply
        if prepared.reply is not None:
            prepared.reply.briefing = prepared.reply.briefing or chosen
            return prepared.reply
        ans = prepared.answer
        if ans is None and prepared.glossed:
            ans = await answerer.answer(prepared.question, asker)
            if not ans.found:
                return chat_reply(prepared.asked, not_english_text(prepared.language), found=False)
            ans.prefix(glossed_note(prepared.language))
        if ans is None:
            if prepared.language:
                asker = dataclasses.replace(asker, language=prepared.language)
            ans = await answerer.answer(prepared.question, asker)
        await self.dialogue.remember(asker, prepared, ans)
        if asker.conversation:
            self.remember_briefing(asker.conversation, chosen)
        if chosen != current:
            ans.prefix(f"(From the {b.title} briefing.)")
        reply = answer_reply(as_asked(ans, " ".join(question.split())))  # titled as typed
        reply.briefing = chosen
        return reply

    def remember_briefing(self, conversation: str, name: str) -> None:
        self.conversation_briefing.pop(conversation, None)
        self.conversation_briefing[conversation] = name
        while len(self.conversation_briefing) > MAX_CONVERSATIONS:  # the oldest conversations go first
            self.conversation_briefing.pop(next(iter(self.conversation_briefing)))

    async def follow(self, args: str, asker: Asker) -> Reply:
        """/follow shows the channel's briefing and the others; /follow NAME (admins) switches to NAME."""
        known = self.names()
        current = self.channel_briefing(asker)
        wanted = args.strip().lower()
        if not wanted:
            items = [f"{name} — {title}{'  (followed here)' if name == current else ''}"
                     for name, title in sorted(known.items())]
            return Reply(title=f"This channel follows: {current}", ephemeral=True, command="follow",
                         briefing=current, sections=[Section(heading="Briefings", items=items),
                                                     Section(text="An admin can switch with /follow NAME.")])
        if wanted not in known:
            return self.unknown_briefing(wanted)
        if not asker.can_manage:
            return Reply(title="Not allowed", found=False, ephemeral=True, command="follow", sections=[
                Section(text="Only people who manage the bot here can choose the briefing a channel follows.")])
        if self.set_follow is None:
            return Reply(title="Not available", found=False, ephemeral=True, command="follow", sections=[
                Section(text="This deployment cannot remember which briefing a channel follows.")])
        await asyncio.to_thread(self.set_follow, asker, wanted)
        return Reply(title=f"This channel now follows: {known[wanted]}", command="follow", briefing=wanted,
                     sections=[Section(text=f"Questions and commands here are answered from the {wanted} briefing.")])


def question_problem(question: str) -> Reply | None:
    """Usage help for an empty question, a polite refusal for an oversized one, else None."""
    q = question.strip()
    if not q:
        usage = help_reply("Ask a question after the command, e.g. “/ask who requested satellite verification?”")
        usage.found = False
        return usage
    if len(q) > MAX_QUESTION_CHARS:
        return Reply(title="Question too long", ephemeral=True, found=False, command="ask", sections=[Section(
            text=f"Please keep questions under {MAX_QUESTION_CHARS:,} characters (this one has {len(q):,}).")])
    return None
