"""The portal's HTTP protocol: uvicorn's h11 protocol with Nagle's algorithm off.

asyncio turns ``TCP_NODELAY`` on for a connection only when the listening socket says it is
TCP (``proto == IPPROTO_TCP``). uvicorn's ``--workers N`` binds the socket itself with
``proto`` left at 0 (uvicorn issue #3149), so every connection its workers accept keeps
Nagle's algorithm on: a response written in two pieces (head, then body) waits for the
browser's delayed acknowledgement, about 40 ms on Linux, on every request but the first of a
kept-alive connection — the page after each "Continue" and "Send". Setting the option on each
accepted connection here gives every worker count the same, prompt answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

PROTOCOL = "coproduce.channels.portal.http:NoDelayH11Protocol"  # uvicorn's ``http=``


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with ``TCP_NODELAY`` on every TCP connection it serves."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        no_delay(transport)
        super().connection_made(transport)  # type: ignore[arg-type]


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off on ``transport``'s socket, when it is a TCP one."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # closed already: nothing to answer
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
