"""The slash commands: one small function each, all routed to `Core.handle`.

Each callback finds the shared Core on the client (`interaction.client.core`). `answer()` responds at
once when the reply is ready within `client.defer_after` seconds, else defers (Discord allows 3 s)
and follows up when the core is done.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot import metrics
from bot.adapters.discord.asker import from_interaction
from bot.adapters.discord.errors import classify, describe
from bot.adapters.discord.render import Message, render, to_embeds
from bot.core.commands import Core
from bot.core.reply import Reply, Section
from bot.logs import REQUEST_ID
from bot.retry import RetryPolicy, retrying

log = logging.getLogger("briefbot.discord")

# Results of these are shown to the channel; help, errors and the admin commands only to the asker.
PUBLIC = {"briefing", "casualties", "ask", "timeline", "claims", "sources", "who", "follow"}
FEATURES = ("subscribe", "unsubscribe", "subscriptions", "review", "watch")
ASK_SUGGESTIONS = (
    "How many people have been killed?",
    "How many people have been displaced?",
    "Who asked for satellite verification?",
    "Who fired first?",
    "What did Hun Manet ask Trump and Anwar?",
    "Is there a ceasefire?",
    "What happened on Saturday morning?",
    "What is coming up next?",
)


def failure_reply() -> Reply:
    return Reply(title="Something went wrong", found=False, ephemeral=True, sections=[Section(
        text="The briefing could not answer that just now. Please try again in a moment.")])


async def answer(interaction: discord.Interaction, command: str, text: str = "") -> None:
    client = interaction.client
    core: Core = client.core  # type: ignore[attr-defined]
    REQUEST_ID.set(f"discord-{interaction.id}")  # every log line of this answer carries it
    public = command in PUBLIC
    slot = client.slot(command)  # type: ignore[attr-defined]
    try:
        if isinstance(slot, asyncio.Semaphore) and slot.locked():
            # Other answers are being worked on: say "thinking…" now rather than after waiting our turn.
            async with client.initial_response():  # type: ignore[attr-defined]
                await defer(interaction, command, public)
        async with slot:
            # The core's work holds the event loop; let pending "thinking…" responses out first (Discord
            # drops an interaction not answered within 3 s; an answer may follow later).
            await client.initial_responses_sent()  # type: ignore[attr-defined]
            work = asyncio.ensure_future(core.handle(command, text, from_interaction(interaction)))
            if interaction.response.is_done():
                reply = await work
            else:
                try:
                    # shield: a slow answer keeps going while we defer, and is then followed up.
                    reply = await asyncio.wait_for(asyncio.shield(work), client.defer_after)  # type: ignore[attr-defined]
                except TimeoutError:
                    await defer(interaction, command, public)
                    reply = await work
    except Exception:  # noqa: BLE001 - the asker gets a short message; the log has the details
        log.exception("command failed", extra={"command": command, "interaction": interaction.id})
        reply = failure_reply()
    await deliver(interaction, reply, ephemeral=reply.ephemeral or not public, command=command)


async def defer(interaction: discord.Interaction, command: str, public: bool) -> None:
    policy: RetryPolicy = interaction.client.retry  # type: ignore[attr-defined]
    await retrying(lambda: interaction.response.defer(thinking=True, ephemeral=not public), classify, policy,
                   what="discord defer")
    log.info("interaction deferred", extra={"command": command, "interaction": interaction.id})


async def deliver(interaction: discord.Interaction, reply: Reply, *, ephemeral: bool, command: str) -> None:
    """Send every part, each retried on 5xx/429/network errors within the policy's deadline; when the answer
    still cannot be delivered, the asker is told (the "thinking…" response edited to say so)."""
    policy: RetryPolicy = interaction.client.retry  # type: ignore[attr-defined]
    sent = 0
    try:
        for message in render(reply):
            await retrying(lambda message=message: send_part(interaction, message, ephemeral), classify, policy,
                           what="discord reply")
            sent += 1
    except Exception as exc:  # noqa: BLE001 - logged with the reason, and the asker is told if possible
        metrics.PLATFORM_ERRORS.labels("discord", "reply").inc()
        log.error("could not deliver the reply", extra={"command": command, "interaction": interaction.id,
                                                        "parts_sent": sent, "error": describe(exc)})
        await tell_undelivered(interaction, sent, describe(exc), policy)


async def send_part(interaction: discord.Interaction, message: Message, ephemeral: bool) -> None:
    kwargs: dict = {"embeds": to_embeds(message), "ephemeral": ephemeral}
    if message.files:  # new File objects on every try: a failed try has read them
        kwargs["files"] = [discord.File(path) for path in message.files]
    if not interaction.response.is_done():
        await interaction.response.send_message(**kwargs)
    else:
        await interaction.followup.send(**kwargs)


async def tell_undelivered(interaction: discord.Interaction, sent: int, reason: str, policy: RetryPolicy) -> None:
    text = f"Sorry — the answer could not be delivered ({reason}). Please try again in a minute."
    if sent:
        text = f"Sorry — the rest of the answer could not be delivered ({reason}). Please try again in a minute."
    try:
        if not interaction.response.is_done():
            call = lambda: interaction.response.send_message(content=text, ephemeral=True)  # noqa: E731
        elif sent == 0:  # still "thinking…": replace it with the note, so the asker is not left waiting
            call = lambda: interaction.edit_original_response(content=text, embeds=[], attachments=[])  # noqa: E731
        else:
            call = lambda: interaction.followup.send(content=text, ephemeral=True)  # noqa: E731
        await retrying(call, classify, policy, what="discord undelivered note")
    except Exception as exc:  # noqa: BLE001 - nothing more can be done
        log.error("could not tell the asker the reply was lost", extra={"interaction": interaction.id,
                                                                        "error": describe(exc)})


# -- the commands --------------------------------------------------------------------------------

@app_commands.describe(full="Show every figure, event and claim",
                       name="Another briefing than the one this channel follows")
async def briefing(interaction: discord.Interaction, full: bool = False, name: str = "") -> None:
    await answer(interaction, "briefing", " ".join(w for w in ("full" if full else "", name) if w))


@app_commands.describe(name="Another briefing than the one this channel follows")
async def casualties(interaction: discord.Interaction, name: str = "") -> None:
    await answer(interaction, "casualties", name)


@app_commands.describe(name="The briefing this channel should follow (empty: show which it follows)")
async def follow(interaction: discord.Interaction, name: str = "") -> None:
    await answer(interaction, "follow", name)


@app_commands.describe(question="Your question, in your own words")
async def ask(interaction: discord.Interaction, question: str) -> None:
    await answer(interaction, "ask", question)


async def timeline(interaction: discord.Interaction) -> None:
    await answer(interaction, "timeline")


async def claims(interaction: discord.Interaction) -> None:
    await answer(interaction, "claims")


async def sources(interaction: discord.Interaction) -> None:
    await answer(interaction, "sources")


async def briefhelp(interaction: discord.Interaction) -> None:
    await answer(interaction, "help")


@app_commands.describe(name="A person or body, e.g. Hun Manet")
async def who(interaction: discord.Interaction, name: str) -> None:
    await answer(interaction, "who", name)


@app_commands.describe(args="When, where and how, e.g. 07:30 Asia/Phnom_Penh mon-fri short")
async def subscribe(interaction: discord.Interaction, args: str = "") -> None:
    await answer(interaction, "subscribe", args)


@app_commands.describe(args="Which subscription (empty: this channel's)")
async def unsubscribe(interaction: discord.Interaction, args: str = "") -> None:
    await answer(interaction, "unsubscribe", args)


async def subscriptions(interaction: discord.Interaction) -> None:
    await answer(interaction, "subscriptions")


@app_commands.describe(args="e.g. list, approve ID, reject ID")
async def review(interaction: discord.Interaction, args: str = "") -> None:
    await answer(interaction, "review", args)


@app_commands.describe(args="e.g. add URL, remove ID, poll, review (this channel reviews new reports)")
async def watch(interaction: discord.Interaction, args: str = "") -> None:
    await answer(interaction, "watch", args)


# -- autocomplete ----------------------------------------------------------------------------------

async def who_names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    core: Core = interaction.client.core  # type: ignore[attr-defined]
    typed = current.strip().lower()
    names = [a.name for a in core.briefing.actors
             if not typed or typed in a.name.lower() or any(typed in x.lower() for x in a.aliases)]
    return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]


async def briefing_names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    core: Core = interaction.client.core  # type: ignore[attr-defined]
    typed = current.strip().lower()
    found = [(n, t) for n, t in sorted(core.names().items()) if typed in n or typed in t.lower()]
    return [app_commands.Choice(name=f"{n} — {t}"[:100], value=n) for n, t in found[:25]]


async def ask_suggestions(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = current.strip().lower()
    found = [q for q in ASK_SUGGESTIONS if typed in q.lower()]
    return [app_commands.Choice(name=q, value=q) for q in found[:25]]


# -- registration --------------------------------------------------------------------------------------

COMMANDS = [
    ("briefing", "The situation now: figures, latest events, what is contested", briefing),
    ("casualties", "Casualty and displacement figures with qualifiers, dates and sources", casualties),
    ("ask", "Ask a question; answered from the briefing with sources", ask),
    ("timeline", "Events in order, with how precisely each date is known", timeline),
    ("claims", "Contested claims: who says what, and their status", claims),
    ("sources", "The reports the briefing rests on", sources),
    ("briefhelp", "How to use the briefing bot", briefhelp),
    ("who", "A profile of a person or body in the briefing", who),
    ("follow", "Which briefing this channel follows; admins can switch it", follow),
    ("subscribe", "Post the briefing in this channel every morning", subscribe),
    ("unsubscribe", "Stop a morning briefing in this channel", unsubscribe),
    ("subscriptions", "Morning briefings set up in this server", subscriptions),
    ("review", "Review facts waiting for approval", review),
    ("watch", "Feeds watched for new reports; add, remove, poll; name the review channel", watch),
]


def register(tree: app_commands.CommandTree, core: Core) -> None:
    """Add every slash command to the tree; the admin commands need Manage Server by default."""
    for name, description, callback in COMMANDS:
        command = app_commands.Command(name=name, description=description, callback=callback)
        if name in FEATURES:
            command.default_permissions = discord.Permissions(manage_guild=True)
            command.guild_only = True
        if name == "who":
            command.autocomplete("name")(who_names)
        if name == "ask":
            command.autocomplete("question")(ask_suggestions)
        if name in ("briefing", "casualties", "follow"):
            command.autocomplete("name")(briefing_names)
        tree.add_command(command)
    missing = [n for n in FEATURES if n not in core.command_names()]
    if missing:
        log.info("feature commands not registered in the core; they answer with help", extra={"missing": missing})
