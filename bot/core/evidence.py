"""Finding a quote in its source, so a fact whose quote is not really there is never shown."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold quote marks, dashes and runs of white space, the differences copy-paste introduces."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Return the (start, end) span of `quote` in `text`, exact first, then normalised; None if absent."""
    if not quote.strip():
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    # Map every character of the normalised text back to its offset in the original.
    folded: list[str] = []
    offsets: list[int] = []
    previous_space = True
    for i, ch in enumerate(text.translate(_QUOTES)):
        if ch.isspace():
            if previous_space:
                continue
            ch = " "
            previous_space = True
        else:
            previous_space = False
        folded.append(ch)
        offsets.append(i)
    haystack = "".join(folded)
    needle = normalise(quote)
    at = haystack.find(needle)
    if at < 0:
        return None
    end = offsets[at + len(needle) - 1] + 1
    return offsets[at], end


def verbatim(quote: str, text: str) -> str | None:
    """The source's own characters for a quote, or None when the quote is not in the text."""
    span = locate(quote, text)
    return None if span is None else text[span[0]:span[1]]
