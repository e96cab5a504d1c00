"""The portal's HTTP protocol turns Nagle's algorithm off on every connection, whatever the
number of workers (uvicorn's ``--workers N`` binds a socket asyncio does not recognise as TCP,
so without this each kept-alive request after the first waits ~40 ms for a delayed ACK)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import uvicorn

from coproduce.channels.portal.http import PROTOCOL, NoDelayH11Protocol, no_delay


def _accepted_no_delay(*, ours: bool) -> int:
    """Return TCP_NODELAY of a connection accepted on a socket bound as uvicorn's supervisor
    binds it (``proto`` left at 0)."""

    async def main() -> int:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as uvicorn
        listener.bind(("127.0.0.1", 0))
        found: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                if ours:
                    no_delay(transport)
                sock = transport.get_extra_info("socket")
                found.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        value = await asyncio.wait_for(found, 5)
        writer.close()
        server.close()
        await server.wait_closed()
        return value

    return asyncio.run(main())


def test_a_socket_bound_as_uvicorn_workers_bind_it_keeps_nagle_unless_we_turn_it_off() -> None:
    assert _accepted_no_delay(ours=False) == 0  # the uvicorn/asyncio behaviour worked around
    assert _accepted_no_delay(ours=True) != 0


def test_uvicorn_loads_the_portal_protocol_and_the_command_uses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from uvicorn.importer import import_from_string

    assert import_from_string(PROTOCOL) is NoDelayH11Protocol  # as uvicorn's http= loads it

    from typer.testing import CliRunner

    from coproduce.cli import app
    from coproduce.store.repo import GuidanceRepo
    from tests.channels.portal.conftest import LEAD

    repo = GuidanceRepo.init(tmp_path / "repo", author=LEAD)
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    # The command exports the repository for its worker processes: undone after the test.
    monkeypatch.setenv("COPRODUCE_REPO", str(repo.root))
    result = CliRunner().invoke(app, ["--repo", str(repo.root), "portal", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert seen["http"] == PROTOCOL and seen["workers"] == 2
