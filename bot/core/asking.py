"""Before and after a question reaches the answer engine: manners, language and the conversation.

`Dialogue.prepare` cleans what was typed (mentions, links, "hi ... thanks"), answers small talk,
recognises a question in another language, and reads a follow-up against its conversation.
`Dialogue.remember` keeps the turn for the next follow-up. The answer engine itself never sees any of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.answer import Answer
from bot.core.conversation import Conversations, Reader, Turn, about_previous, more_about
from bot.core.gloss import gloss
from bot.core.language import detect_language, not_english_text
from bot.core.manners import (
    bye_text,
    clean_question,
    greeting_text,
    small_talk,
    strip_pleasantries,
    thanks_text,
)
from bot.core.models import Briefing
from bot.core.reply import Asker, Reply, Section


@dataclass
class Prepared:
    asked: str  # the question as asked, without mentions and links
    question: str = ""  # what the answer engine is given (a follow-up made to stand alone)
    help: bool = False  # the asker wants the help text
    reply: Reply | None = None  # small talk or another language: answered without the engine
    answer: Answer | None = None  # a question about the previous answer, answered from its facts
    language: str = ""
    glossed: bool = False  # a question in another language read word for word into English (bot.core.gloss)
    history: list[Turn] = field(default_factory=list)  # the conversation's turns before this question


class TurnStore(Protocol):
    """Where a conversation's turns are kept: this process (Conversations) or the store (StoredConversations)."""

    async def history(self, key: str) -> list[Turn]: ...

    async def add(self, key: str, turn: Turn) -> None: ...


class Dialogue:
    def __init__(self, conversations: TurnStore | None = None) -> None:
        self.conversations = conversations or Conversations()
        self._reader: tuple[int, Reader] | None = None

    def reader(self, briefing: Briefing) -> Reader:
        # One Reader per briefing object: a reloaded briefing gets a fresh one.
        if self._reader is None or self._reader[0] != id(briefing):
            self._reader = (id(briefing), Reader(briefing))
        return self._reader[1]

    async def prepare(self, text: str, asker: Asker, briefing: Briefing, *, other_languages: bool = False,
                      engine: object = None) -> Prepared:
        asked = clean_question(text)
        kind = small_talk(asked)
        if kind == "help":
            return Prepared(asked=asked, help=True)
        if kind:
            said = {"greeting": greeting_text(briefing), "thanks": thanks_text(), "bye": bye_text()}[kind]
            # found: false, as for anything the briefing itself does not answer (no source is cited).
            return Prepared(asked=asked, reply=chat_reply(asked, said, found=False))
        question = strip_pleasantries(asked) or asked
        language = detect_language(question) or ""
        if language and not other_languages:
            english = gloss(question, language, known_word(engine))
            if english:
                return Prepared(asked=asked, question=english, language=language, glossed=True)
            return Prepared(asked=asked, language=language,
                            reply=chat_reply(asked, not_english_text(language), found=False))
        prepared = Prepared(asked=asked, question=question, language=language)
        history = await self.conversations.history(asker.conversation) if asker.conversation else []
        prepared.history = history
        if history and not language:
            resolved = self.reader(briefing).resolve(question, history)
            prepared.question = resolved.question
            if resolved.about_previous == "more":
                prepared.answer = more_about(asked, history, briefing, engine)
            elif resolved.about_previous:
                prepared.answer = about_previous(resolved.about_previous, asked, history, briefing)
        return prepared

    async def remember(self, asker: Asker, prepared: Prepared, answer: Answer) -> None:
        if not asker.conversation:
            return
        turn = Turn(question=prepared.asked, standalone=prepared.question or prepared.asked, answer=answer.answer,
                    found=answer.found, fact_ids=list(answer.fact_ids), citations=list(answer.citations))
        history = prepared.history
        if prepared.answer is not None and history:
            # "who said that?" is about the turn before: "when was that?" next is about the same facts.
            # After "tell me more", "that" is what was just added, on the same question.
            before = history[-1]
            turn.standalone = before.standalone
            if not prepared.answer.intent.endswith("more") or not answer.found:
                turn.fact_ids, turn.citations = before.fact_ids, before.citations
        await self.conversations.add(asker.conversation, turn)


def known_word(engine: object) -> Callable[[str], bool]:
    """Whether the engine's briefing uses a word (any word, when the engine cannot tell)."""
    vocab = getattr(engine, "vocab", None)
    if vocab is None:
        return lambda _word: True
    from bot.core.text import term

    return lambda word: term(word.lower()) in vocab


def chat_reply(asked: str, text: str, found: bool) -> Reply:
    """A conversational reply (a greeting, thanks, a language note): plain text, no sources."""
    return Reply(title=asked or "briefbot", sections=[Section(text=text)], answer=text, found=found, command="ask")


def as_asked(answer: Answer, asked: str) -> Answer:
    """The answer titled with the question as the person asked it, not as it was made to stand alone."""
    return dataclasses.replace(answer, question=asked)
