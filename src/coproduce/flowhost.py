"""Run the review flows in a warm process, so a command does not pay for importing Prefect.

The watchdog of the embedded server starts ``python -m coproduce.flowhost --folder F`` beside
the server. The host imports prefect and loads every flow once, then listens on loopback; the
port and a secret token are in ``F/flowhost.json``, readable by its owner only. ``run_flow``
(called by the CLI) sends the flow's name, its parameters, the caller's environment and
working folder as JSON. For each request the host forks: the child takes on the caller's
environment, runs the flow through Prefect's engine exactly as the CLI would (same retries,
cache keys and persisted results), answers, and only then sends its logs and events to the
server and exits. A host whose code is older than the caller's exits when asked, and the
watchdog starts a fresh one; when no host answers, the caller runs the flow itself.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import importlib
import json
import os
import secrets
import signal
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from coproduce import errors

HOST_FILE = "flowhost.json"
# What the first flow run in a process imports (measured): imported once here, not per run.
WARM_MODULES = (
    "prefect.engine",
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect.concurrency",
    "prefect.telemetry",
    "fastapi",
    "fastapi.encoders",
    "starlette.applications",
    "graphviz",
    "email_validator",
    "opentelemetry.metrics",
    "anyio._backends._asyncio",
    "sqlalchemy.dialects.sqlite",
    "http.cookies",
    "pydantic.color",
    "coproduce.config",
    "coproduce.review.context",
    "coproduce.review.materials",
    "coproduce.review.report",
    "coproduce._templates",
)
HOST = "127.0.0.1"
CONNECT_TIMEOUT = 2.0


def code_key() -> str:
    """Return a fingerprint of the code a flow run would use (coproduce and the flow files)."""
    from coproduce.resources import flows_dir

    digest = hashlib.sha256(sys.executable.encode())
    for folder in (Path(__file__).resolve().parent, flows_dir()):
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{path}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def run_flow(folder: Path, name: str, parameters: dict[str, Any]) -> tuple[bool, Any]:
    """Run flow ``name`` in the warm host of ``folder``: (True, result), or (False, None) if none.

    A CoproduceError raised by the flow is raised here again, with its class and message.
    """
    try:
        host = json.loads((folder / HOST_FILE).read_text(encoding="utf-8"))
        connection = socket.create_connection((HOST, int(host["port"])), CONNECT_TIMEOUT)
    except (OSError, ValueError, KeyError, TypeError):
        return False, None
    request = {
        "token": host["token"],
        "key": code_key(),
        "flow": name,
        "parameters": parameters,
        "env": {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "cwd": os.getcwd(),
    }
    with connection:
        connection.settimeout(None)  # a big launch may run for minutes
        connection.sendall(json.dumps(request).encode())
        connection.shutdown(socket.SHUT_WR)
        raw = _read_all(connection)
    try:
        reply = json.loads(raw)
    except ValueError:
        # The host went away without answering; the caller runs the flow itself, which is safe
        # even if the host had begun it: every flow is safe to re-run (cached sends, ledger).
        return False, None
    if reply.get("stale") or ("result" not in reply and "error" not in reply):
        return False, None
    if "error" in reply:
        raise _rebuild(reply["error"])
    return True, reply["result"]


def serve(folder: Path) -> None:
    """Load prefect and every flow, then answer requests until the folder or watchdog is gone."""
    from prefect.flows import load_flow_from_entrypoint

    from coproduce import tasks

    flows: dict[str, Any] = {}
    for name in tasks.FLOWS:
        flows[name] = load_flow_from_entrypoint(tasks.entrypoint(name))
    for module in WARM_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    key, token = code_key(), secrets.token_hex(16)
    with socket.create_server((HOST, 0)) as listener:
        listener.settimeout(1.0)
        _write_host_file(folder, port=listener.getsockname()[1], token=token)
        parent = os.getppid()
        while folder.is_dir() and os.getppid() == parent:  # gone with its watchdog
            _reap()
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            if os.fork() == 0:
                listener.close()
                status = _answer(connection, flows=flows, token=token, key=key)
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
            connection.close()


def _answer(connection: socket.socket, *, flows: dict[str, Any], token: str, key: str) -> int:
    with connection:
        connection.settimeout(30)
        try:
            request = json.loads(_read_all(connection))
        except (OSError, ValueError):
            return 1
        if not isinstance(request, dict):
            return 1
        if not hmac.compare_digest(str(request.get("token", "")), token):
            return 1
        if request.get("key") != key or request.get("flow") not in flows:
            connection.sendall(b'{"stale": true}')
            os.kill(os.getppid(), signal.SIGTERM)  # the watchdog starts a host with fresh code
            return 0
        prefect = {k: v for k, v in os.environ.items() if k.startswith("PREFECT_")}
        os.environ.clear()
        os.environ.update({**request["env"], **prefect})
        with contextlib.suppress(OSError):
            os.chdir(request["cwd"])  # the flows take absolute paths; a vanished folder is fine
        reply = _run(flows[request["flow"]], request["parameters"])
        connection.settimeout(None)
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps(reply, default=str).encode())
    from coproduce import tasks

    tasks.flush()  # logs and events reach the server after the caller has its answer
    return 0


def _run(flow: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    import asyncio
    import inspect

    try:
        outcome = flow(**parameters)
        result = asyncio.run(outcome) if inspect.iscoroutine(outcome) else outcome
    except errors.CoproduceError as e:
        return {"error": {"type": type(e).__name__, "message": str(e), "problems": e.problems}}
    except Exception as e:
        traceback.print_exc()  # into the server log
        return {"error": {"type": "CoproduceError", "message": f"flow failed: {e!r}"}}
    return {"result": result}


def _rebuild(error: dict[str, Any]) -> errors.CoproduceError:
    kind = getattr(errors, str(error.get("type")), errors.CoproduceError)
    if not (isinstance(kind, type) and issubclass(kind, errors.CoproduceError)):
        kind = errors.CoproduceError
    return kind(str(error.get("message", "")), problems=error.get("problems") or ())


def _write_host_file(folder: Path, *, port: int, token: str) -> None:
    temporary = folder / f".{HOST_FILE}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"pid": os.getpid(), "port": port, "token": token}, handle)
    os.replace(temporary, folder / HOST_FILE)


def _read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def main(argv: list[str] | None = None) -> int:
    """Serve flow runs for the embedded server whose state folder is ``--folder``."""
    parser = argparse.ArgumentParser(prog="python -m coproduce.flowhost")
    parser.add_argument("--folder", type=Path, required=True)
    serve(parser.parse_args(argv).folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
