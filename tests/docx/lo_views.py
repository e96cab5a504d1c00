"""Print LibreOffice's Accept-All and Reject-All paragraph texts of .docx files as JSON.

Run with the system Python that has ``uno``: ``/usr/bin/python3 lo_views.py WORKDIR FILE...``.
It starts a private headless soffice (src/coproduce/demo/uno_office.py), opens a copy of each
file per view, dispatches .uno:AcceptAllTrackedChanges or .uno:RejectAllTrackedChanges and
reads every paragraph in document order, table cells included.
Output: {file: {"accept": [...], "reject": [...]}}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[2] / "src" / "coproduce" / "demo"))
from uno_office import iter_paragraphs, start_office

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}


def main() -> None:
    workdir = Path(sys.argv[1]).resolve()
    files = [Path(f).resolve() for f in sys.argv[2:]]
    result: dict[str, dict[str, list[str]]] = {}
    with start_office(workdir) as office:
        for source in files:
            views: dict[str, list[str]] = {}
            for view, command in COMMANDS.items():
                doc = office.open_view(source)
                office.dispatch(doc, command)
                views[view] = [p.getString() for p in iter_paragraphs(doc.getText())]
                doc.close(True)
            result[str(source)] = views
    json.dump(result, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
