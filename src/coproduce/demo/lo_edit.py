"""Edit a Word file in LibreOffice with changes recorded, as a person replying would.

Run by the system Python that has LibreOffice's ``uno`` module (not the project's)::

    /usr/bin/python3 lo_edit.py WORKDIR SOURCE TARGET FIND REPLACE [FIND REPLACE ...]

It starts a private headless soffice, opens SOURCE, turns on Track Changes, replaces the first
occurrence of each FIND with REPLACE (recorded as a deletion and an insertion), and saves as
Word 2007-365 ``.docx`` at TARGET. Comments are added afterwards by the caller: Debian's
``-nogui`` LibreOffice cannot draw the comment margin it needs to insert one.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import PropertyValue


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _connect(port: int, deadline: float) -> Any:
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


def main() -> None:
    workdir, source, target = (Path(a).resolve() for a in sys.argv[1:4])
    edits = list(zip(sys.argv[4::2], sys.argv[5::2], strict=True))
    port = _free_port()
    proc = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    desktop = None
    try:
        ctx = _connect(port, time.time() + 90)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        copy = workdir / "editing.docx"
        shutil.copyfile(source, copy)
        doc = desktop.loadComponentFromURL(copy.as_uri(), "_blank", 0, (_prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {source.name}")
        doc.RecordChanges = True
        for find, replace in edits:
            search = doc.createSearchDescriptor()
            search.SearchString = find
            found = doc.findFirst(search)
            if found is None:
                raise SystemExit(f"text not found in {source.name}: {find!r}")
            found.setString(replace)
        doc.storeToURL(target.as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
    finally:
        if desktop is not None:
            with contextlib.suppress(Exception):
                desktop.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
