"""Revision elements: one id counter, author and date, and ``w:trackRevisions`` in settings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from docx.document import Document as DocxDocument
from lxml import etree

from coproduce.docx.runs import w
from coproduce.docx.xml import qn
from coproduce.errors import InvalidInputError

if TYPE_CHECKING:  # the change model is data only; importing it at run time would be circular
    from coproduce.redline.change import Attribution

_SETTINGS_BEFORE_TRACK = frozenset(
    qn(f"w:{t}")
    for t in (
        *("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime"),
        *("doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText"),
        *("printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts"),
        *("embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins"),
        *("alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter"),
        *("gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle"),
        *("proofState", "formsDesign", "attachedTemplate", "linkStyles"),
        *("stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge"),
        "revisionView",
    )
)


def format_date(date: dt.datetime) -> str:
    """Return ``date`` as the UTC ``w:date`` value Word expects (naive dates taken as UTC)."""
    aware = date if date.tzinfo else date.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RevisionMarks:
    """Make revision elements with ids from one counter and the right author and date."""

    def __init__(self, author: str, date: dt.datetime) -> None:
        if not author.strip():
            raise InvalidInputError("a tracked-change document needs an author name")
        self.author, self.date = author, date
        self.next_id = 1
        self._dates: dict[dt.datetime, str] = {}

    def make(self, tag: str, who: Attribution | None = None, **attrs: str) -> etree._Element:
        """Return a new revision element ``w:<tag>`` stamped with id, author and date."""
        author, date = (who.author, who.date) if who is not None else (self.author, self.date)
        stamp = self._dates.get(date)
        if stamp is None:
            stamp = self._dates[date] = format_date(date)
        element = w(tag, id=str(self.next_id), author=author, date=stamp, **attrs)
        self.next_id += 1
        return element


def track_revisions(doc: DocxDocument) -> None:
    """Switch on ``w:trackRevisions`` in settings.xml, in schema order."""
    settings = doc.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    position = 0
    for index, child in enumerate(settings):
        if child.tag in _SETTINGS_BEFORE_TRACK:
            position = index + 1
    settings.insert(position, w("trackRevisions"))
