"""A local HTTP server (127.0.0.1, port 0) serving feeds that change over time.

    with FeedServer() as srv:
        srv.set("/a.xml", rss("Wire", [item("1", "Title", text, "2025-12-24")]))   # ETag + Last-Modified
        srv.fail("/b.xml", 500); srv.slow("/c.xml", 2.0); srv.redirect_loop("/d.xml")
        ... poll ...
        srv.hits("/a.xml")  -> requests seen, each with its If-None-Match

Every 200 carries an ETag (a hash of the body) and answers 304 to a matching If-None-Match, as a real
feed server does. A real thread serves it, so the poller's own HTTP client, timeouts and size caps run.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    ctype: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    etag: bool = True
    redirect_to: str = ""
    modified: float = field(default_factory=time.time)


@dataclass
class Hit:
    path: str
    if_none_match: str
    if_modified_since: str
    status: int


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                owner._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (its timeout, a closed keep-alive) is not the server's error

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- set up ------------------------------------------------------------------------------------
    def set(self, path: str, body: bytes | str, ctype: str = "application/rss+xml; charset=utf-8",
            etag: bool = True) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.routes[path] = Route(body=data, ctype=ctype, etag=etag)

    def fail(self, path: str, status: int = 500) -> None:
        with self._lock:
            self.routes[path] = Route(body=b"Internal Server Error", ctype="text/plain", status=status)

    def slow(self, path: str, seconds: float) -> None:
        with self._lock:
            self.routes.setdefault(path, Route()).delay = seconds

    def redirect_loop(self, path: str) -> None:
        with self._lock:
            self.routes[path] = Route(status=302, redirect_to=path)

    def hits(self, path: str) -> list[Hit]:
        return [h for h in self.log if h.path == path]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    # -- serving ------------------------------------------------------------------------------------
    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        with self._lock:
            route = self.routes.get(req.path)
        inm = req.headers.get("If-None-Match", "")
        ims = req.headers.get("If-Modified-Since", "")
        if route is None:
            self._send(req, 404, b"not found", "text/plain")
            self.log.append(Hit(req.path, inm, ims, 404))
            return
        if route.delay:
            time.sleep(route.delay)
        if route.redirect_to:
            self.log.append(Hit(req.path, inm, ims, route.status))
            self._send(req, route.status, b"", "text/plain", {"Location": route.redirect_to})
            return
        tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        headers = {"Last-Modified": formatdate(route.modified, usegmt=True)}
        if route.etag and route.status == 200:
            headers["ETag"] = tag
            if inm == tag:
                self.log.append(Hit(req.path, inm, ims, 304))
                self._send(req, 304, b"", None, headers)
                return
        self.log.append(Hit(req.path, inm, ims, route.status))
        self._send(req, route.status, route.body, route.ctype, headers)

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str | None,
              headers: dict[str, str] | None = None) -> None:
        try:
            req.send_response(status)
            if ctype:
                req.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                req.send_header(k, v)
            if status != 304:
                req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            if status != 304:
                req.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout); nothing to tell it

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- documents ------------------------------------------------------------------------------------------

def item(guid: str, title: str, text: str = "", date: str | None = None, link: str = "") -> str:
    """One RSS <item>; `date` as YYYY-MM-DD (RFC 822 in the feed), or None for an undated item."""
    parts = [f"<guid isPermaLink=\"false\">{escape(guid)}</guid>", f"<title>{escape(title)}</title>"]
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    if text:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())
        parts.append(f"<description>{escape(paragraphs)}</description>")
    if date:
        y, m, d = (int(x) for x in date.split("-"))
        stamp = time.mktime((y, m, d, 9, 0, 0, 0, 0, 0))
        parts.append(f"<pubDate>{formatdate(stamp, usegmt=True)}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def rss(title: str, items: list[str], updated: str | None = None) -> str:
    build = ""
    if updated:
        y, m, d = (int(x) for x in updated.split("-"))
        build = f"<lastBuildDate>{formatdate(time.mktime((y, m, d, 9, 0, 0, 0, 0, 0)), usegmt=True)}</lastBuildDate>"
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>http://example.invalid/</link><description>test feed</description>"
            f"{build}{''.join(items)}</channel></rss>")


def atom(title: str, entries: list[tuple[str, str, str, str]]) -> str:
    """entries: (id, title, text, YYYY-MM-DD)."""
    body = "".join(
        f"<entry><id>{escape(i)}</id><title>{escape(t)}</title><updated>{d}T09:00:00Z</updated>"
        f"<content type=\"text\">{escape(x)}</content></entry>" for i, t, x, d in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:test</id><updated>2025-12-24T09:00:00Z</updated>{body}</feed>")
