"""A small HTTP/1.1 client for the load benchmarks: one kept-alive connection per simulated
person, GET and form POST, 303s followed, nothing else.

On a two-core machine the load generator shares the CPU with the server it measures; httpx's
async client spends about a millisecond of Python per request, enough to saturate a core at a
few hundred requests a second and to show up in the server's latencies. This one reads and
writes bytes on asyncio streams, about a tenth of that.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from dataclasses import dataclass


class HTTPError(Exception):
    """A connection failed or a response could not be read."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    """One kept-alive connection to ``base`` (``http://host:port``), reopened when closed."""

    def __init__(self, base: str, *, timeout: float = 30) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, *, follow: bool = True) -> Response:
        return await self._send("GET", path, None, follow=follow)

    async def post(self, path: str, data: dict[str, str], *, follow: bool = True) -> Response:
        body = urllib.parse.urlencode(data).encode()
        return await self._send("POST", path, body, follow=follow)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None

    async def _send(self, method: str, path: str, body: bytes | None, *, follow: bool) -> Response:
        try:
            response = await asyncio.wait_for(self._once(method, path, body), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
            await self.close()
            raise HTTPError(type(e).__name__) from e
        for _ in range(5):
            if not follow or response.status not in (301, 302, 303, 307):
                break
            location = urllib.parse.urlsplit(response.headers["location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            response = await self._send("GET", target, None, follow=False)
        return response

    async def _once(self, method: str, path: str, body: bytes | None) -> Response:
        for attempt in (1, 2):  # a kept-alive connection the server closed: open a new one
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
            head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            if body is not None:
                head += "Content-Type: application/x-www-form-urlencoded\r\n"
                head += f"Content-Length: {len(body)}\r\n"
            assert self._writer is not None and self._reader is not None
            self._writer.write(head.encode() + b"\r\n" + (body or b""))
            try:
                await self._writer.drain()
                status_line = await self._reader.readline()
            except OSError:
                status_line = b""
            if status_line:
                return await self._read(status_line)
            await self.close()
            if attempt == 2:
                raise ValueError("the server closed the connection")
        raise AssertionError("unreachable")

    async def _read(self, status_line: bytes) -> Response:
        assert self._reader is not None
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self._reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self._reader.readline()).split(b";")[0], 16):
                parts.append(await self._reader.readexactly(size))
                await self._reader.readline()
            await self._reader.readline()
            body = b"".join(parts)
        else:
            body = await self._reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)
