"""Drive a private headless LibreOffice over UNO: start it, open a file, edit, save.

For scripts run by the system Python that has LibreOffice's ``uno`` module, not the project's
interpreter: they load this file by path (``lo_edit.py`` beside it; ``tests/channels/lo_reply.py``
and ``tests/docx/lo_views.py`` from the checkout), so it imports only the standard library and
``uno``, never the ``coproduce`` package.

Comments work on Debian's ``-nogui`` LibreOffice when the document is opened without a view
(``open_model``): a view builds a comment-margin window from ``.ui`` files that build leaves
out, and aborts. Dispatched commands (Accept All, Reject All) need a view (``open_view``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.util import DateTime

# Word 2007-365 .docx, unless the target asks for OpenDocument.
FILTERS = {".docx": "MS Word 2007 XML", ".odt": "writer8"}


def prop(name: str, value: object) -> Any:
    """Return a UNO PropertyValue, the form every UNO call takes its options in."""
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


class Office:
    """A running soffice: its component context, its desktop, and the folder it works in."""

    def __init__(self, ctx: Any, workdir: Path) -> None:
        self.ctx = ctx
        self.workdir = workdir
        self.desktop = self._create("com.sun.star.frame.Desktop")
        self._copies = 0

    def open_view(self, source: Path) -> Any:
        """Open a copy of ``source`` in a hidden window, as a person would (dispatch needs it)."""
        copy = self._copy(source)
        doc = self.desktop.loadComponentFromURL(copy.as_uri(), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {source.name}")
        return doc

    def open_model(self, source: Path) -> Any:
        """Open a copy of ``source`` as a document with no view, where comments can be added."""
        url = self._copy(source).as_uri()
        # A document opened this way is not typed for us: ask which import filter reads it.
        detection = self._create("com.sun.star.document.TypeDetection")
        kind = {p.Name: p.Value for p in detection.getByName(detection.queryTypeByURL(url))}
        doc = self._create("com.sun.star.text.TextDocument")
        try:
            doc.load((prop("URL", url), prop("FilterName", kind["PreferredFilter"])))
        except Exception as e:
            raise SystemExit(f"LibreOffice could not open {source.name}: {e}") from e
        return doc

    def set_user(self, given: str, family: str) -> None:
        """Name the person using this office: tracked changes and comments carry the name."""
        provider = self._create("com.sun.star.configuration.ConfigurationProvider")
        data = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (prop("nodepath", "/org.openoffice.UserProfile/Data"),),
        )
        data.setPropertyValue("givenname", given)
        data.setPropertyValue("sn", family)
        data.commitChanges()

    def dispatch(self, doc: Any, command: str) -> None:
        """Run a menu command (``.uno:AcceptAllTrackedChanges``) on a document opened in a view."""
        helper = self._create("com.sun.star.frame.DispatchHelper")
        helper.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())

    def _copy(self, source: Path) -> Path:
        # A copy per opening: a stale lock file beside the original makes loading fail.
        self._copies += 1
        copy = self.workdir / f"copy-{self._copies}{source.suffix}"
        shutil.copyfile(source, copy)
        return copy

    def _create(self, service: str) -> Any:
        return self.ctx.ServiceManager.createInstanceWithContext(service, self.ctx)


@contextlib.contextmanager
def start_office(workdir: Path, *, timeout: float = 90) -> Iterator[Office]:
    """Start soffice with its own profile in ``workdir``, connect, and stop it on the way out."""
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
    office = None
    try:
        office = Office(_connect(port, time.time() + timeout), workdir)
        yield office
    finally:
        if office is not None:
            with contextlib.suppress(Exception):
                office.desktop.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def iter_paragraphs(text: Any) -> Iterator[Any]:
    """Yield every paragraph of ``text`` in reading order, table cells row by row included."""
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in sorted(element.getCellNames(), key=_cell_order):
                yield from iter_paragraphs(element.getCellByName(name).getText())
        elif element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def find_text(doc: Any, needle: str) -> Any:
    """Return a text range selecting the first occurrence of ``needle`` within one paragraph."""
    for paragraph in iter_paragraphs(doc.getText()):
        # Offsets are taken within one text portion at a time: comment anchors and other marks
        # between portions take a cursor step each but add nothing to the paragraph's string.
        portions: list[tuple[int, str, Any]] = []
        text = ""
        enum = paragraph.createEnumeration()
        while enum.hasMoreElements():
            portion = enum.nextElement()
            portions.append((len(text), portion.getString(), portion))
            text += portions[-1][1]
        at = text.find(needle)
        if at >= 0 and needle:
            cursor = _cursor_at(portions, at, at)
            cursor.gotoRange(_cursor_at(portions, at + len(needle) - 1, at + len(needle)), True)
            return cursor
    raise SystemExit(f"text not found: {needle!r}")


def add_comment(doc: Any, on: Any, text: str, *, author: str, when: dt.datetime) -> None:
    """Anchor a comment (an annotation) by ``author`` on the range ``on``."""
    annotation = doc.createInstance("com.sun.star.text.textfield.Annotation")
    annotation.Author = author
    annotation.Content = text
    stamp = DateTime()
    stamp.Year, stamp.Month, stamp.Day = when.year, when.month, when.day
    stamp.Hours, stamp.Minutes, stamp.Seconds = when.hour, when.minute, when.second
    annotation.DateTimeValue = stamp
    on.getText().insertTextContent(on, annotation, True)


def save(doc: Any, target: Path) -> None:
    """Save ``doc`` at ``target`` in the format its suffix names, and close it."""
    doc.storeToURL(target.as_uri(), (prop("FilterName", FILTERS[target.suffix]),))
    doc.close(True)


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


def _cursor_at(portions: list[tuple[int, str, Any]], inside: int, offset: int) -> Any:
    # A collapsed cursor at ``offset``, counted from the start of the portion holding the
    # character at ``inside``.
    start, _, portion = next(p for p in portions if p[0] <= inside < p[0] + len(p[1]))
    cursor = portion.getText().createTextCursorByRange(portion.getStart())
    cursor.goRight(offset - start, False)
    return cursor


def _cell_order(name: str) -> tuple[int, int]:
    # Cell names are "B3" (column letters, row number; "A1.2.1" inside split cells).
    letters = "".join(c for c in name if c.isalpha())
    column = 0
    for c in letters:
        column = column * 26 + (ord(c.upper()) - 64)
    return (int(name[len(letters) :].split(".")[0]), column)
