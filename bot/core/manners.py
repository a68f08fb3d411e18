"""Chat manners: what a person types around a question, and the messages that are not questions at all.

`clean_question` takes out what is addressed to other people or points elsewhere (mentions of users
and channels in Slack or Discord syntax, "cc @bob", links), so "cc <@U0BOB> how many died?" is asked as
"how many died?". `small_talk` recognises help requests, greetings and thanks, which are answered as
such instead of being searched for in the briefing.
"""

from __future__ import annotations

import re

from bot.core.models import Briefing

# Slack: <@U123>, <@U123|bob>, <#C123|general>, <!here>, <!subteam^S1|@team>, <https://x|label>.
# Discord: <@123>, <@!123>, <@&123> (a role), <#123>, <:emoji:123>, <a:emoji:123>.
_MARKUP = re.compile(r"<(?:[@#!][^<>]*|a?:\w+:\d+|https?://[^<>]*)>")
# What the adapters leave of a mention once made readable ("@bob", "@U0BOB", "#general"), with a
# "cc"/"fyi" before it; not an e-mail address (a word character before the @).
_READABLE = re.compile(r"(?:\b(?:cc|fyi|ping)\b\s*:?\s*)?(?<![\w@#])(?:@[\w.-]*\w|#[a-z][\w.-]{2,}\w)", re.I)
_CC_ALONE = re.compile(r"(?:^|(?<=\s))(?:cc|fyi)\s*:?\s*(?=$|[,;.]|\s+(?:and\b|,))", re.I)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s()<>]+", re.I)

_BOT_WORDS = r"(?:bot|briefbot|there|all|everyone|team|folks|again|mate|friend)"
_GREETING = re.compile(
    rf"^\s*(?:hi|hello|hey|hiya|howdy|yo|greetings|good\s+(?:morning|afternoon|evening|day)|morning)"
    rf"(?:\s+{_BOT_WORDS})?\s*[!.,?]*\s*", re.I)
# "Thanks, and how many were injured?": thanks before a question.
_THANKS_FIRST = re.compile(r"^\s*(?:ok(?:ay)?[,!. ]+)?(?:thanks?(?:\s+(?:a\s+lot|so\s+much))?|thank\s+you|thx|ty|cheers|"
                           r"great|perfect|got\s+it)\s*[,!.;:-]+\s*(?:and\s+)?(?=\S)", re.I)
_THANKS = re.compile(
    rf"\s*(?:(?:ok(?:ay)?|great|perfect|cool|nice|awesome|got\s+it)[,!. ]*\s*)?"
    rf"(?:thanks?(?:\s+(?:a\s+lot|so\s+much|very\s+much|again))?|thank\s+you(?:\s+(?:so|very)\s+much)?|thx|ty|cheers|"
    rf"much\s+appreciated|appreciate\s+it)(?:\s+{_BOT_WORDS})?\s*[!.]*\s*$", re.I)
_ACK = re.compile(r"^\s*(?:ok(?:ay)?|great|perfect|cool|nice|got\s+it|understood|👍|🙏)\s*[!.]*\s*$", re.I)
_BYE = re.compile(rf"^\s*(?:bye|goodbye|see\s+you|cya|good\s*night)(?:\s+{_BOT_WORDS})?\s*[!.]*\s*$", re.I)
_HELP = re.compile(
    r"^\s*(?:(?:please\s+|pls\s+|plz\s+)?help(?:\s+me)?(?:\s+(?:please|pls|plz))?|\?+|commands|usage|menu|"
    r"(?:can|could)\s+you\s+help(?:\s+me)?|what\s+is\s+this(?:\s+bot)?|how\s+does\s+it\s+work|"
    r"(?:what|how)\s+(?:can|do|should)\s+i\s+(?:ask|do|use)(?:\s+(?:you|this|it|the\s+bot))?(?:\s+for)?|"
    r"what\s+(?:can|do)\s+you\s+(?:do|know|answer|cover)|what\s+are\s+you(?:\s+for)?|who\s+are\s+you|"
    r"how\s+(?:does\s+this|do\s+you)\s+work|how\s+do\s+i\s+use\s+(?:you|this|it|the\s+bot)|"
    r"what\s+commands?\s+(?:are\s+there|do\s+you\s+(?:have|know)))"
    r"\s*[?!.]*\s*$", re.I)


def clean_question(text: str) -> str:
    """The question without mentions of other people or channels, links, or a "cc" left dangling."""
    # Markup and links become a placeholder mention first, so a "cc" before them goes with them.
    text = _MARKUP.sub(" @_ ", text)
    text = _URL.sub(" @_ ", text)
    text = re.sub(r"\(\s*(?:see|via|from|source:?)?\s*@_\s*\)", " ", text, flags=re.I)
    text = _READABLE.sub(" ", text)
    text = _CC_ALONE.sub(" ", text)
    text = re.sub(r"\s+([,;.?!])", r"\1", " ".join(text.split()))
    return text.strip(" ,;:-")


def small_talk(text: str) -> str | None:
    """'help', 'greeting', 'thanks' or 'bye' when the whole message is that, else None."""
    q = text.strip()
    if not q:
        return None
    if _HELP.match(q):
        return "help"
    if _THANKS.fullmatch(q) or _ACK.match(q):
        return "thanks"
    if _BYE.match(q):
        return "bye"
    greeting = _GREETING.match(q)
    if greeting and not q[greeting.end():].strip(" !.,?"):
        return "greeting"
    return None


def strip_pleasantries(text: str) -> str:
    """'hi, how many died? thanks' -> 'how many died?': the question inside a polite message."""
    q = text
    greeting = _GREETING.match(q)
    if greeting and q[greeting.end():].strip():
        q = q[greeting.end():]
    thanked = _THANKS_FIRST.match(q)
    if thanked:
        # "thanks, and the injured?" stays a follow-up: the "and" is kept for the conversation to read.
        had_and = thanked.group(0).rstrip().lower().endswith("and")
        q = ("and " if had_and else "") + q[thanked.end():]
    q = re.sub(r"^\s*(?:please|pls|plz)\b[,:]?\s*", "", q, flags=re.I)
    thanks = _THANKS.search(q)
    if thanks and q[:thanks.start()].strip():
        q = q[:thanks.start()]
    return q.strip(" ,")


def examples(b: Briefing) -> list[str]:
    """Questions worth trying, named from the briefing's own data (its first person, its figures)."""
    out = []
    if b.figures:
        metric = b.figures[0].metric
        out.append(f"How many people were {metric}?")
    person = next((a for a in b.actors if a.kind == "person"), None)
    if person:
        out.append(f"Who is {person.name}?")
    out += ["What happened most recently?", "What comes next?"]
    return out[:4]


def greeting_text(b: Briefing) -> str:
    tries = "; ".join(f"“{q}”" for q in examples(b)[:3])
    return (f"Hello! I answer questions about the {b.conflict} from a briefing, citing the source for every "
            f"fact. Try {tries}, or say “help”.")


def help_text(b: Briefing) -> str:
    """What the bot does, for "help" or "what can you do?" typed as a message."""
    tries = "; ".join(f"“{q}”" for q in examples(b)[:3])
    return (f"I answer questions about the {b.conflict} from a briefing of sourced reports, quoting the source "
            f"for every fact. Ask in your own words, e.g. {tries}. Follow up in the same thread: “and the "
            f"injured?”, “what did he say?”, “who said that?”, “when was that?”. Commands: /briefing, "
            f"/casualties, /timeline, /claims, /who NAME, /sources.")


def thanks_text() -> str:
    return "You're welcome. Ask another question any time; follow-ups in the same thread keep the context."


def bye_text() -> str:
    return "Goodbye. The briefing is here whenever you need it."
