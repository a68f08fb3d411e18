"""Polling watched feeds and pages: fetch (conditional GET, timeout, size cap), read, claim, ingest.

One feed's trouble stays with that feed: every fetch has its own timeout and size cap, redirects are
bounded, and any error is recorded on the feed (last error, backoff) while the others go on. Feeds are
read with feedparser and pages with the same extraction `briefbot ingest URL` uses; nothing here
parses XML by hand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import io
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.core.store import Store
from bot.ingest import IngestError
from bot.ingest import watch as w
from bot.ingest.fetch import Fetched, from_bytes

log = logging.getLogger("briefbot.watch")

USER_AGENT = "briefbot-watch/0.1 (a briefing bot polling a feed; conditional GET)"
ACCEPT_FEED = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
MAX_REDIRECTS = 5
FULL_TEXT_WORDS = 80  # an item carrying this much text is the report itself; shorter ones are teasers
MIN_TEXT_WORDS = 15
RETRY_ITEM_SECONDS = 600


@dataclass
class Limits:
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    concurrency: int = 20
    page_max_bytes: int = 2 * 1024 * 1024


class FetchError(Exception):
    """A feed or page that could not be read; one line for `watch list` and /readyz."""


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    url: str


@dataclass
class Outcome:
    """One feed's poll: what the server said and what became of its items."""

    feed_id: int
    url: str
    briefing: str
    status: str = ""
    error: str = ""
    new_items: int = 0
    ingested: list[w.Item] = field(default_factory=list)
    seconds: float = 0.0


# -- HTTP --------------------------------------------------------------------------------------------

async def get(session: aiohttp.ClientSession, url: str, limits: Limits, *, etag: str = "",
              last_modified: str = "", accept: str = ACCEPT_FEED, max_bytes: int | None = None) -> Response:
    """One GET with the validators we hold; FetchError (one line) for anything but 200 or 304."""
    cap = max_bytes or limits.max_bytes
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(limits.timeout):
            async with session.get(url, headers=headers, max_redirects=MAX_REDIRECTS,
                                   timeout=aiohttp.ClientTimeout(total=limits.timeout)) as resp:
                if resp.status == 304:
                    return Response(304, b"", {k.lower(): v for k, v in resp.headers.items()}, str(resp.url))
                if resp.status != 200:
                    raise FetchError(f"HTTP {resp.status} {resp.reason or ''}".strip())
                length = resp.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > cap:
                    raise FetchError(f"too large ({_mb(int(length))}; the limit is {_mb(cap)})")
                body = bytearray()
                async for chunk in resp.content.iter_chunked(65536):
                    body += chunk
                    if len(body) > cap:
                        raise FetchError(f"too large (over {_mb(cap)}; the limit is {_mb(cap)})")
                return Response(200, bytes(body), {k.lower(): v for k, v in resp.headers.items()}, str(resp.url))
    except FetchError:
        raise
    except aiohttp.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except TimeoutError:
        raise FetchError(f"no complete answer within {limits.timeout:g} s") from None
    except aiohttp.ClientConnectorError as exc:
        raise FetchError(f"cannot connect ({exc.os_error.strerror or type(exc.os_error).__name__})") from None
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        raise FetchError(f"cannot read it ({type(exc).__name__}: {str(exc)[:120]})") from None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# -- reading a feed ------------------------------------------------------------------------------------

def read_feed(resp: Response, feed_url: str) -> tuple[str, list[tuple[str, dict]]]:
    """(feed title, [(item key, payload)]) from a feed document; FetchError when it is not a usable feed."""
    import feedparser  # only the poller needs it

    ctype = resp.headers.get("content-type", "")
    parsed = feedparser.parse(io.BytesIO(resp.body), response_headers={
        "content-type": ctype or "application/xml", "content-location": resp.url or feed_url})
    problem = parsed.get("bozo_exception")
    if not parsed.version:
        if "html" in ctype.lower() or resp.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            raise FetchError("an HTML page, not a feed (give the feed's own address, or watch it with --page)")
        raise FetchError(f"not an RSS or Atom feed ({_sax_reason(problem)})" if problem else "not an RSS or Atom feed")
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType):
        # A feed cut off or mangled in transit reads as half an item; the next good poll has them whole.
        raise FetchError(f"malformed feed ({_sax_reason(problem)}); nothing taken from it")
    feed_date = _date_of(parsed.feed) or _http_date(resp.headers.get("last-modified")) \
        or _http_date(resp.headers.get("date")) or dt.datetime.now(dt.UTC).date()
    title = str(parsed.feed.get("title", ""))[:300]
    items = []
    for entry in parsed.entries:
        payload = entry_payload(entry, title, feed_date)
        if payload is None:
            continue
        raw_key = str(entry.get("id") or entry.get("link") or "") or payload["title"] + payload["text"][:500]
        items.append((w.item_key(raw_key), payload))
    return title, items


def _sax_reason(exc: Any) -> str:
    line = getattr(exc, "getLineNumber", lambda: None)()
    text = str(getattr(exc, "getMessage", lambda: exc)())
    return f"{text} at line {line}" if line else text[:120]


def entry_payload(entry: Any, feed_title: str, feed_date: dt.date) -> dict | None:
    title = html_to_text(str(entry.get("title", ""))).strip()[:300]
    link = str(entry.get("link", ""))
    content = ""
    for part in entry.get("content", []) or []:
        if len(str(part.get("value", ""))) > len(content):
            content = str(part.get("value", ""))
    summary = str(entry.get("summary", ""))
    text = html_to_text(content if len(content) > len(summary) else summary)
    if not (title or text or link):
        return None
    date = _date_of(entry)
    return {"title": title, "link": link, "text": text, "publisher": feed_title,
            "published": date.isoformat() if date else "", "feed_date": feed_date.isoformat()}


def _date_of(obj: Any) -> dt.date | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = obj.get(name)
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except (ValueError, AttributeError):
                continue
    return None


def _http_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return None


_BLOCKS = ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")


def html_to_text(fragment: str) -> str:
    """An item's HTML as paragraphs of plain text (lxml does the parsing, as trafilatura's does)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        doc = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return fragment.strip()
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    for el in doc.iter(*_BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
    lines = [" ".join(line.split()) for line in doc.text_content().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# -- reading a page ----------------------------------------------------------------------------------

def read_page(resp: Response, url: str) -> tuple[str, list[tuple[str, dict]]]:
    """A watched page is one item per version of its main text: a changed text is a new report."""
    try:
        fetched = from_bytes(resp.body, url, html=None, charset=_charset(resp.headers.get("content-type", "")))
    except IngestError as exc:
        raise FetchError(str(exc).removeprefix(f"{url}: ")) from None
    sha = hashlib.sha256(fetched.text.encode("utf-8")).hexdigest()
    date = _http_date(resp.headers.get("last-modified")) or dt.datetime.now(dt.UTC).date()
    payload = {"title": fetched.title, "link": resp.url or url, "text": fetched.text, "publisher": fetched.publisher,
               "published": (fetched.published or "")[:10], "feed_date": date.isoformat(), "page": True}
    return sha, [(w.item_key(f"page:{sha}"), payload)]


def _charset(ctype: str) -> str | None:
    for part in ctype.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return None


# -- ingesting an item -------------------------------------------------------------------------------

# (store, briefing, fetched, published) -> (source id, candidates, duplicate); raises IngestError.
Ingester = Callable[[Store, str, Fetched, "str | None"], "tuple[str, int, bool]"]


def default_ingester(auto_approve: bool = False, extractor: Any = None) -> Ingester:
    def run(store: Store, briefing: str, fetched: Fetched, published: str | None) -> tuple[str, int, bool]:
        from bot.ingest.pipeline import ingest_text
        from bot.ingest.watch_cli import DEFAULT_BRIEFING

        # A feed added without naming a briefing feeds the store's default one.
        name = None if briefing == DEFAULT_BRIEFING else briefing
        result = ingest_text(store, fetched, published=published, auto_approve=auto_approve, extractor=extractor,
                             briefing=name)
        if result.duplicate and not result.source_id:
            # The store refused the write for another reason than the same text: try the item again later.
            raise RuntimeError("the report could not be stored (a concurrent write); it is retried")
        return result.source_id, len(result.queued), result.duplicate

    return run


def item_report(item: w.Item, page_text: Fetched | None) -> Fetched:
    """The report an item stands for: its own text when it carries the story, else the linked page."""
    p = item.payload
    if page_text is not None:
        page_text.published = page_text.published or p.get("published", "")
        page_text.title = p.get("title") or page_text.title
        page_text.publisher = page_text.publisher or p.get("publisher", "")
        return page_text
    text = p.get("text", "")
    title = p.get("title", "")
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    return Fetched(text=text.strip() + "\n", origin=p.get("link") or f"feed item {item.item_key[:12]}",
                   url=p.get("link", ""), title=title, published=p.get("published", ""),
                   publisher=p.get("publisher", ""))


def date_for(store: Store, fetched: Fetched, item: w.Item) -> tuple[str | None, str]:
    """(published to force, note for the reviewer): an item with no date of its own takes the feed's."""
    from bot.ingest.pipeline import report_date, report_dates

    try:
        report_date(fetched, None, report_dates(store) or dt.date.today())
        return None, ""
    except IngestError:
        feed_date = item.payload.get("feed_date") or dt.date.today().isoformat()
        return feed_date, f"the item carries no date; dated {feed_date} from the feed"


class Poller:
    """Polls due feeds (claimed, so replicas share the work) and ingests their new items once."""

    def __init__(self, store: Store, *, limits: Limits | None = None, ingester: Ingester | None = None,
                 owner: str | None = None) -> None:
        self.store = store
        self.limits = limits or Limits()
        self.ingester = ingester or default_ingester()
        self.owner = owner or f"{w.OWNER}"
        # Ingest writes one report at a time: SQLite has one writer, and extraction is CPU-bound anyway.
        self._ingest_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="watch-ingest")
        self._reads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="watch-db")
        self.last_round: list[Outcome] = []
        self.last_round_at: dt.datetime | None = None
        self.error = ""

    def close(self) -> None:
        self._ingest_thread.shutdown(wait=True)
        self._reads.shutdown(wait=True)

    async def _db(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._reads, lambda: fn(*args, **kwargs))

    async def poll_round(self, feed_ids: list[int] | None = None, force: bool = False) -> list[Outcome]:
        """Poll every due feed (or the given ones, due or not, with force) and ingest what is new."""
        if force:
            await self._db(w.poll_now, self.store, feed_ids)
        due = await self._db(w.due, self.store)
        if feed_ids is not None:
            due = [f for f in due if f.id in feed_ids]
        sem = asyncio.Semaphore(self.limits.concurrency)
        connector = aiohttp.TCPConnector(limit=self.limits.concurrency, limit_per_host=8)
        async with aiohttp.ClientSession(connector=connector, auto_decompress=True) as session:
            async def one(feed: w.Feed) -> Outcome | None:
                async with sem:
                    if not await self._db(w.claim_poll, self.store, feed):
                        return None  # another replica took this round
                    return await self.poll_feed(session, feed)

            results = await asyncio.gather(*(one(f) for f in due))
            outcomes = [r for r in results if r is not None]
            await self.retry_items(session)
        self.last_round, self.last_round_at = outcomes, w.now()
        return outcomes

    async def poll_feed(self, session: aiohttp.ClientSession, feed: w.Feed) -> Outcome:
        out = Outcome(feed.id, feed.url, feed.briefing)
        started = time.perf_counter()
        try:
            out = await self._poll(session, feed, out)
        except FetchError as exc:
            out.error = str(exc)
            await self._db(w.record_failure, self.store, feed, out.error)
            log.warning("feed poll failed", extra={"feed": feed.id, "url": feed.url, "error": out.error,
                                                   "failures": feed.failures + 1})
        except Exception as exc:  # noqa: BLE001 - one feed's surprise must not end the round
            out.error = f"unexpected {type(exc).__name__}: {str(exc)[:150]}"
            log.exception("feed poll failed unexpectedly", extra={"feed": feed.id, "url": feed.url})
            try:
                await self._db(w.record_failure, self.store, feed, out.error)
            except Exception:  # noqa: BLE001 - the database itself is down: the next round retries
                log.exception("could not record the feed's failure", extra={"feed": feed.id})
        out.seconds = time.perf_counter() - started
        return out

    async def _poll(self, session: aiohttp.ClientSession, feed: w.Feed, out: Outcome) -> Outcome:
        accept = "text/html, application/xhtml+xml" if feed.kind == "page" else ACCEPT_FEED
        resp = await get(session, feed.url, self.limits, etag=feed.etag, last_modified=feed.last_modified,
                         accept=accept, max_bytes=self.limits.page_max_bytes if feed.kind == "page" else None)
        etag, modified = resp.headers.get("etag"), resp.headers.get("last-modified")
        if resp.status == 304:
            out.status = "304 not modified"
            await self._db(w.record_success, self.store, feed, status=out.status)
            return out
        if feed.kind == "page":
            sha, found = read_page(resp, feed.url)
            if sha == feed.page_sha:
                found = []
            title = found[0][1]["title"] if found else None
        else:
            sha = None
            title, found = read_feed(resp, feed.url)
        mine = await self._db(w.claim_items, self.store, feed, found, self.owner)
        out.new_items = len(mine)
        for item in mine:
            if await self.ingest_item(session, item):
                out.ingested.append(item)
        out.status = f"200, {len(found)} item(s), {len(mine)} new"
        await self._db(w.record_success, self.store, feed, status=out.status, etag=etag or "",
                       last_modified=modified or "", title=title, page_sha=sha, new_items=len(mine))
        if mine:
            log.info("feed polled", extra={"feed": feed.id, "url": feed.url, "new": len(mine),
                                           "ingested": len(out.ingested)})
        return out

    async def retry_items(self, session: aiohttp.ClientSession) -> None:
        """Items whose ingest failed for a passing reason, or whose owner died mid-way."""
        for item in await self._db(w.retryable, self.store):
            mine = await self._db(w.take_over, self.store, item, self.owner)
            if mine is not None:
                await self.ingest_item(session, mine)

    async def ingest_item(self, session: aiohttp.ClientSession, item: w.Item) -> bool:
        """Ingest one claimed item into its briefing; record how it ended. True when stored."""
        page: Fetched | None = None
        p = item.payload
        link = p.get("link", "")
        if not p.get("page") and len(p.get("text", "").split()) < FULL_TEXT_WORDS and link.startswith("http"):
            try:
                resp = await get(session, link, self.limits, accept="text/html, text/plain",
                                 max_bytes=self.limits.page_max_bytes)
                page = from_bytes(resp.body, link, html=None, charset=_charset(resp.headers.get("content-type", "")))
                page.url = resp.url or link
            except (FetchError, IngestError) as exc:
                if len(p.get("text", "").split()) < MIN_TEXT_WORDS:
                    return await self._failed(item, f"linked page: {exc}")
                page = None  # the teaser is all there is; ingest it rather than nothing
        fetched = item_report(item, page)
        loop = asyncio.get_running_loop()
        try:
            published, note = await loop.run_in_executor(self._ingest_thread, date_for, self.store, fetched, item)
            source_id, count, duplicate = await loop.run_in_executor(
                self._ingest_thread, self.ingester, self.store, item.briefing, fetched, published)
        except IngestError as exc:
            # The text itself is unusable (empty, no article): trying again reads the same text.
            await self._db(w.finish_item, self.store, item, "dropped", error=str(exc))
            log.warning("feed item not ingested", extra={"item": item.id, "feed": item.feed_id, "error": str(exc)})
            return False
        except Exception as exc:  # noqa: BLE001 - a database hiccup: the item is retried later
            return await self._failed(item, f"{type(exc).__name__}: {str(exc)[:200]}")
        status = "duplicate" if duplicate else "ingested"
        await self._db(w.finish_item, self.store, item, status, source_id=source_id, candidates=count, date_note=note)
        return not duplicate

    async def _failed(self, item: w.Item, error: str) -> bool:
        final = item.attempts >= w.MAX_ITEM_ATTEMPTS
        await self._db(w.finish_item, self.store, item, "dropped" if final else "failed", error=error,
                       retry_in=RETRY_ITEM_SECONDS * item.attempts)
        log.warning("feed item failed", extra={"item": item.id, "feed": item.feed_id, "error": error,
                                               "attempts": item.attempts, "given_up": final})
        return False


def limits_from(settings: Any) -> Limits:
    return Limits(timeout=settings.watch_timeout, max_bytes=settings.watch_max_bytes,
                  concurrency=settings.watch_concurrency, page_max_bytes=settings.ingest_max_bytes)
