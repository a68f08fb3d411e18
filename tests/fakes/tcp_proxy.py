"""A TCP proxy on 127.0.0.1 that can cut the line, for database blips in tests and benches.

    async with TcpProxy("127.0.0.1", 5432) as proxy:
        url = proxy.rewrite(pg_url)     # the same database, through the proxy
        proxy.cut()                     # every open connection is dropped; new ones are refused
        proxy.restore()                 # connections go through again
        proxy.blackhole = True          # new connections are accepted and never answered

Cutting closes both sides at once, as a restarted database server or a dropped network does: the
client sees its connection end, not a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit, urlunsplit


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.down = False
        self.blackhole = False
        self.connections = 0  # accepted since start
        self._server: asyncio.base_events.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._held: set[asyncio.StreamWriter] = set()

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self.cut()
        for writer in list(self._held):
            writer.close()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> TcpProxy:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    def rewrite(self, url: str) -> str:
        """`url` with its host and port replaced by the proxy's."""
        parts = urlsplit(url)
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until `restore()`."""
        self.down = True
        for writer in list(self._open):
            self._abort(writer)
        self._open.clear()

    def restore(self) -> None:
        self.down = False

    @staticmethod
    def _abort(writer: asyncio.StreamWriter) -> None:
        transport = writer.transport
        if transport is not None and not transport.is_closing():
            transport.abort()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.down:
            self._abort(writer)
            return
        if self.blackhole:
            self._held.add(writer)  # accepted, never answered
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._abort(writer)
            return
        self._open.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if self.down:
                        break
                    dst.write(data)
                    await dst.drain()
            except (OSError, ConnectionError):
                pass
            finally:
                self._abort(dst)
                self._open.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._open.discard(writer)
        self._open.discard(up_writer)
