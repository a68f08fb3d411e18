"""Sentences with their offsets, slugs and content words."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a full stop does not end a sentence.
_ABBREV = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "prof", "rev", "st", "no",
           "u.s", "u.n", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
           "nov", "dec", "vs", "etc", "inc", "co", "corp", "gov", "sen", "rep", "pol"}
_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")

@dataclass
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Sentences of a report (paragraph by paragraph) with their character spans in the text."""
    out: list[Sentence] = []
    for para in re.finditer(r"[^\n]+", text):
        chunk, base, cut = para.group(0), para.start(), 0
        for m in _END.finditer(chunk):
            word = re.search(r"([\w.]+)[.!?]*$", chunk[cut:m.start() + 1])
            if word and word.group(1).lower().rstrip(".") in _ABBREV and chunk[m.start()] == ".":
                continue
            if m.end() - cut > 1:
                _add(out, chunk, base, cut, m.end())
            cut = m.end()
        _add(out, chunk, base, cut, len(chunk))
    return out


def _add(out: list[Sentence], chunk: str, base: int, start: int, end: int) -> None:
    piece = chunk[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if piece:
        out.append(Sentence(base + start + lead, base + start + lead + len(piece), piece))


def slug(text: str, limit: int = 48) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out or "x"


STOPWORDS = set("""a an the of in on at to for from by with and or but is are was were be been being has have
had it its their his her they he she this that these those as after before during since while about into
over under than then there here which who whom whose what when where why how said says say not no also
would could should will may might can did do does up out new more most some any all each other such own""".split())


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'’-]+", text.lower()) if w not in STOPWORDS and len(w) > 2}
