"""Print LibreOffice's Accept-All and Reject-All paragraph texts of .docx files as JSON.

Run with the system Python that has ``uno``: ``/usr/bin/python3 lo_views.py WORKDIR FILE...``.
It starts a private headless soffice, opens a copy of each file per view, dispatches
.uno:AcceptAllTrackedChanges or .uno:RejectAllTrackedChanges and reads every paragraph in
document order, table cells included. Output: {file: {"accept": [...], "reject": [...]}}.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _connect(port: int, deadline: float) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    while True:
        try:
            return resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
            )
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.3)


def _paragraphs(text: object) -> list[str]:
    out: list[str] = []
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in _cell_names(element):
                out.extend(_paragraphs(element.getCellByName(name).getText()))
        elif element.supportsService("com.sun.star.text.Paragraph"):
            out.append(element.getString())
    return out


def _cell_names(table: object) -> list[str]:
    names = list(table.getCellNames())

    def key(name: str) -> tuple[int, int]:
        letters = "".join(c for c in name if c.isalpha())
        column = 0
        for c in letters:
            column = column * 26 + (ord(c.upper()) - 64)
        return (int(name[len(letters) :].split(".")[0]), column)

    return sorted(names, key=key)


def main() -> None:
    workdir = Path(sys.argv[1]).resolve()
    files = [Path(f).resolve() for f in sys.argv[2:]]
    port = _free_port()
    profile = workdir / "lo-profile"
    proc = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    result: dict[str, dict[str, list[str]]] = {}
    try:
        ctx = _connect(port, time.time() + 60)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for n, source in enumerate(files):
            views: dict[str, list[str]] = {}
            for view, command in (
                ("accept", ".uno:AcceptAllTrackedChanges"),
                ("reject", ".uno:RejectAllTrackedChanges"),
            ):
                # A copy per view: a stale lock file beside the original makes loading fail.
                copy = workdir / f"copy-{n}-{view}.docx"
                shutil.copyfile(source, copy)
                doc = desktop.loadComponentFromURL(
                    copy.as_uri(), "_blank", 0, (_prop("Hidden", True),)
                )
                if doc is None:
                    raise SystemExit(f"LibreOffice could not open {source}")
                frame = doc.getCurrentController().getFrame()
                dispatcher.executeDispatch(frame, command, "", 0, ())
                views[view] = _paragraphs(doc.getText())
                doc.close(True)
            result[str(source)] = views
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()  # type: ignore[possibly-undefined]
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    json.dump(result, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
