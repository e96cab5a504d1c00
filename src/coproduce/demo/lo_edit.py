"""Edit a Word file in LibreOffice with changes recorded, as a person replying would.

Run by the system Python that has LibreOffice's ``uno`` module (not the project's)::

    /usr/bin/python3 lo_edit.py WORKDIR SOURCE TARGET FIND REPLACE [FIND REPLACE ...]

It starts a private headless soffice (``uno_office.py``, found beside this file), opens SOURCE,
turns on Track Changes, replaces the first occurrence of each FIND with REPLACE (recorded as a
deletion and an insertion), and saves as Word 2007-365 ``.docx`` at TARGET. The demo's
comments are added afterwards by the caller, as Word stores them.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder is first on sys.path: uno_office is imported from there.
from uno_office import find_text, save, start_office


def main() -> None:
    """Make the tracked replacements the command line names."""
    workdir, source, target = (Path(a).resolve() for a in sys.argv[1:4])
    edits = list(zip(sys.argv[4::2], sys.argv[5::2], strict=True))
    with start_office(workdir) as office:
        doc = office.open_model(source)
        doc.RecordChanges = True
        for find, replace in edits:
            find_text(doc, find).setString(replace)
        save(doc, target)


if __name__ == "__main__":
    main()
