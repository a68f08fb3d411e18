"""Reading a report from a file, a URL or stdin, and reducing HTML to its main text."""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.ingest import IngestError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<meta|<article|<div|<p[\s>])",
                         re.IGNORECASE)
_CHARSET = re.compile(r"charset=([\w-]+)", re.IGNORECASE)
MIN_ARTICLE_WORDS = 15
USER_AGENT = "briefbot-ingest/0.1 (+https://github.com/; a briefing bot reading one report)"


@dataclass
class Fetched:
    """A report's main text and what its container told us about it."""

    text: str
    origin: str  # the path, URL or "stdin"
    url: str = ""
    title: str = ""
    published: str = ""  # as the page's metadata gives it (ISO date), else ""
    publisher: str = ""
    html: bool = False


def fetch(target: str, max_bytes: int, timeout: float = 15.0) -> Fetched:
    """Read PATH, URL or '-' into main text; IngestError (one line) for anything unusable."""
    if target == "-":
        raw = read_limited(sys.stdin.buffer, max_bytes, "stdin")
        return from_bytes(raw, "stdin", html=None)
    if re.match(r"^https?://", target, re.IGNORECASE):
        return fetch_url(target, max_bytes, timeout)
    if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
        raise IngestError(f"{target}: only http:// and https:// URLs can be ingested")
    path = Path(target)
    if path.is_dir():
        raise IngestError(f"{target}: is a directory, not a report")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"{target}: too large ({mb(size)}; the limit is {mb(max_bytes)})")
        with path.open("rb") as fh:
            raw = read_limited(fh, max_bytes, target)
    except OSError as exc:
        raise IngestError(f"{target}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    html = True if path.suffix.lower() in HTML_SUFFIXES else None
    return from_bytes(raw, target, html=html)


def fetch_url(url: str, max_bytes: int, timeout: float) -> Fetched:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - http(s) only, checked above
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise IngestError(f"{url}: too large ({mb(int(length))}; the limit is {mb(max_bytes)})")
            raw = read_limited(resp, max_bytes, url)
            ctype = resp.headers.get("Content-Type", "")
            final = resp.geturl() or url
    except urllib.error.HTTPError as exc:
        raise IngestError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise IngestError(f"{url}: cannot reach it ({reason})") from None
    except TimeoutError:
        raise IngestError(f"{url}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise IngestError(f"{url}: cannot reach it ({exc.strerror or exc.__class__.__name__})") from None
    charset_match = _CHARSET.search(ctype)
    html = True if "html" in ctype.lower() else (False if ctype.lower().startswith("text/plain") else None)
    fetched = from_bytes(raw, url, html=html, charset=charset_match.group(1) if charset_match else None)
    fetched.url = final
    return fetched


def read_limited(stream, max_bytes: int, origin: str) -> bytes:  # noqa: ANN001 - any binary stream
    """Read at most max_bytes; more than that is refused rather than cut, so no report is half-read."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise IngestError(f"{origin}: too large (over {mb(max_bytes)}; the limit is {mb(max_bytes)})")
    return raw


def from_bytes(raw: bytes, origin: str, html: bool | None, charset: str | None = None) -> Fetched:
    if not raw.strip():
        raise IngestError(f"{origin}: empty, there is no text to ingest")
    if b"\x00" in raw:
        raise IngestError(f"{origin}: binary data, not a text or HTML report")
    text = decode(raw, origin, charset)
    if html is None:
        html = bool(_HTML_START.match(raw[:512]))
    if not html:
        return Fetched(text=text.replace("\r\n", "\n"), origin=origin)
    return from_html(text, origin)


def decode(raw: bytes, origin: str, charset: str | None) -> str:
    for encoding in (charset, "utf-8-sig"):
        if not encoding:
            continue
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise IngestError(f"{origin}: not UTF-8 text (undecodable bytes); save it as UTF-8 and try again")


def from_html(page: str, origin: str) -> Fetched:
    import trafilatura  # heavy: only HTML needs it

    # No deduplicate: trafilatura's duplicate filter is a process-wide cache, so a long-running bot
    # re-reading a watched page (or a test reading one twice) would find its text "seen" and get none.
    text = trafilatura.extract(page, include_comments=False, include_tables=False, favor_precision=True,
                               deduplicate=False)
    if not text or len(text.split()) < MIN_ARTICLE_WORDS:
        # Menus and link lists are not a report.
        raise IngestError(f"{origin}: HTML page with no article text found")
    meta = trafilatura.extract_metadata(page)
    return Fetched(text=text.strip() + "\n", origin=origin, html=True,
                   title=(meta.title or "").strip() if meta else "",
                   published=(meta.date or "") if meta else "",
                   publisher=(meta.sitename or "").strip() if meta else "")


def mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
