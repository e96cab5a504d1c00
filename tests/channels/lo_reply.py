"""Reply to a Word file as a LibreOffice user would: a comment and a tracked insertion.

Run with the system Python that has ``uno``:
``/usr/bin/python3 lo_reply.py WORKDIR SOURCE TARGET QUOTE COMMENT AFTER INSERTED``.
It starts a private headless soffice (src/coproduce/demo/uno_office.py), opens a copy of
SOURCE, records changes, inserts INSERTED after the first occurrence of AFTER, comments COMMENT
on the first occurrence of QUOTE, and saves the result as Word 2007-365 .docx at TARGET.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[2] / "src" / "coproduce" / "demo"))
from uno_office import add_comment, find_text, save, start_office

AUTHOR = "Robin Reviewer"
WHEN = dt.datetime(2026, 11, 20, 9, 30)


def main() -> None:
    workdir, source, target = (Path(a).resolve() for a in sys.argv[1:4])
    quote, comment, after, inserted = sys.argv[4:8]
    with start_office(workdir) as office:
        office.set_user(*AUTHOR.split())
        doc = office.open_model(source)
        doc.RecordChanges = True
        anchor = find_text(doc, after)
        anchor.getText().insertString(anchor.getEnd(), inserted, False)
        add_comment(doc, find_text(doc, quote), comment, author=AUTHOR, when=WHEN)
        save(doc, target)


if __name__ == "__main__":
    main()
