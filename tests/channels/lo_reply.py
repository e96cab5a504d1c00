"""Reply to a Word file as a LibreOffice user would: a comment and a tracked insertion.

Run with the system Python that has ``uno``:
``/usr/bin/python3 lo_reply.py WORKDIR SOURCE TARGET QUOTE COMMENT AFTER INSERTED``.
It starts a private headless soffice, opens a copy of SOURCE, records changes, inserts INSERTED
after the first occurrence of AFTER, comments on the first occurrence of QUOTE (unless COMMENT
is empty), and saves the result as Word 2007-365 .docx at TARGET.
"""

from __future__ import annotations

import contextlib
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


def _find(doc: object, text: str) -> object:
    search = doc.createSearchDescriptor()
    search.SearchString = text
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"text not found: {text!r}")
    return found


def main() -> None:
    workdir, source, target = (Path(a).resolve() for a in sys.argv[1:4])
    quote, comment, after, inserted = sys.argv[4:8]
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
    try:
        ctx = _connect(port, time.time() + 60)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        copy = workdir / "copy.docx"
        shutil.copyfile(source, copy)
        doc = desktop.loadComponentFromURL(copy.as_uri(), "_blank", 0, (_prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {source}")
        doc.RecordChanges = True
        anchor = _find(doc, after)
        anchor.getText().insertString(anchor.getEnd(), inserted, False)
        if comment:
            # Debian's -nogui LibreOffice aborts here (it cannot build the comment margin's
            # window), so the tests ask for a comment only where a full build is installed.
            annotation = doc.createInstance("com.sun.star.text.textfield.Annotation")
            annotation.Author = "Robin Reviewer"
            annotation.Content = comment
            found = _find(doc, quote)
            found.getText().insertTextContent(found, annotation, True)
        filter_name = "writer8" if target.suffix == ".odt" else "MS Word 2007 XML"
        doc.storeToURL(target.as_uri(), (_prop("FilterName", filter_name),))
        doc.close(True)
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()  # type: ignore[possibly-undefined]
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
