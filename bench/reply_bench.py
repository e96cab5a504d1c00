"""Benchmark reading returned Word replies against docx2python on the same files.

One reply is made from the sample guidance's draft, as the invitations send it (custom
properties naming cycle, version and participant), with 20 comments and 10 tracked
insertions; it is then stamped for 500 different participants, so every file is distinct.
Ours: each file is checked (hostile-file checks), read (comments with their anchored text,
replies, resolved flags; revisions; changed paragraphs) and turned into submissions with their
idempotency keys. Then the whole import as `coproduce feedback import` runs it: a review of the
sample launched to the 500 participants, every file read again, checked, journalled in the
register (SQLite) and recorded in git (``channels.gather.import_files``). docx2python 3.7.1
reads the same files (it loses anchors and duplicates moves: a speed reference only). Results
go to bench/out/replies.json.

    .venv/bin/python bench/reply_bench.py [--files 500]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import docx
from docx.oxml.parser import parse_xml

from coproduce.channels.reply import read_reply_submissions
from coproduce.document import parse_markdown
from coproduce.docx import render_docx_bytes
from coproduce.docx.comments import add_comment
from coproduce.docx.properties import (
    PARTICIPANT_PLACEHOLDER,
    add_custom_properties,
    stamp_participant,
)

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "guidance" / "exploitation-protocol.md"
OUT = HERE / "out" / "replies.json"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CYCLE = "2026-q4-exploitation-protocol"


def make_reply(comments: int = 20, insertions: int = 10) -> bytes:
    """Return the sample draft with ``comments`` comments and ``insertions`` tracked inserts."""
    document = parse_markdown(SAMPLE.read_text(encoding="utf-8"), slug="exploitation-protocol")
    draft = add_custom_properties(
        render_docx_bytes(document),
        {"cycle": CYCLE, "version": "0" * 40, "participant": PARTICIPANT_PLACEHOLDER},
    )
    word = docx.Document(io.BytesIO(draft))
    paragraphs = [p for p in word.paragraphs if len(p.text) > 40 and p.runs]
    for n in range(comments):
        paragraph = paragraphs[n % len(paragraphs)]
        add_comment(
            word,
            start_run_or_element=paragraph.runs[0],
            end=paragraph.runs[-1],
            text=f"Comment {n}: please make this clearer for partners.",
            author="Pat Partner <Pat Partner <pat@example.org>>",
        )
    for n in range(insertions):
        paragraphs[(n * 3) % len(paragraphs)]._p.append(
            parse_xml(
                f'<w:ins xmlns:w="{W}" w:id="{9000 + n}" w:author="Pat Partner" '
                f'w:date="2026-11-20T14:00:00Z"><w:r><w:t xml:space="preserve"> and '
                f"tell the named lead ({n})</w:t></w:r></w:ins>"
            )
        )
    out = io.BytesIO()
    word.save(out)
    # python-docx compresses every part on save: store the properties part again to stamp it.
    return add_custom_properties(
        out.getvalue(),
        {"cycle": CYCLE, "version": "0" * 40, "participant": PARTICIPANT_PLACEHOLDER},
    )


def import_into_journal(
    paths: list[Path], folder: Path, people: list[str]
) -> tuple[float, float, int]:
    """Import ``paths`` into a launched review as the CLI does; return (seconds to the
    journal, seconds to git, items)."""
    import datetime as dt

    from coproduce.channels.gather import import_files
    from coproduce.models import BUILT_IN_AUDIENCES
    from coproduce.review import open_cycle, start_review

    repo, register, lead = setup_review(folder, people)
    cycle = start_review(
        repo=repo,
        slug="exploitation-protocol",
        closes=dt.date.today() + dt.timedelta(days=30),
        audiences=["practitioners"],
        author=lead,
    ).cycle.id
    open_cycle(repo=repo, cycle_id=cycle, author=lead)
    journalled: list[float] = []

    def progress(done: int, total: int) -> None:
        if done == total and not journalled:  # the last batch is in the journal: acknowledged
            journalled.append(time.perf_counter() - start)

    start = time.perf_counter()
    report = import_files(
        repo=repo,
        register=register,
        cycle_id=cycle,
        paths=paths,
        audiences=list(BUILT_IN_AUDIENCES),
        progress=progress,
    )
    seconds = time.perf_counter() - start
    register.close()
    return journalled[0], seconds, len(report.recorded)


def setup_review(folder: Path, people: list[str]) -> tuple[Any, Any, Any]:
    """Make a guidance repository with the sample and a register holding ``people``."""
    from coproduce.models import ParticipantRecord, Person
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register

    lead = Person(name="Bench Lead", email="lead@example.org")
    repo = GuidanceRepo.init(folder / "guidance", author=lead)
    repo.commit_files(
        {"guidance/exploitation-protocol.md": SAMPLE.read_text(encoding="utf-8")},
        author=lead,
        message="Add the sample",
    )
    register = Register.for_state_dir(Path(repo.state_dir))
    register.add_participants(
        ParticipantRecord(
            id=pid, name=f"Person {n}", email=f"p{n}@example.org", audience="practitioners"
        )
        for n, pid in enumerate(people)
    )
    return repo, register, lead


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    args = parser.parse_args()
    base = make_reply()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        people = [f"P-{n:010x}" for n in range(args.files)]
        for n, pid in enumerate(people):
            path = Path(tmp) / f"reply-{n:04d}.docx"
            path.write_bytes(stamp_participant(base, pid))
            paths.append(path)
        start = time.perf_counter()
        submissions = 0
        for path in paths:
            submissions += len(read_reply_submissions(path, cycle_id=CYCLE).submissions)
        ours = time.perf_counter() - start
        peer = None
        try:
            from docx2python import docx2python
        except ImportError:
            print("docx2python not installed (make bench installs it): only ours was measured")
        else:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for path in paths:
                    with docx2python(path) as content:
                        _ = content.comments, content.text
            peer = time.perf_counter() - start
        journal, whole, items = import_into_journal(paths, Path(tmp) / "workspace", people)
    result = {
        "files": args.files,
        "comments_per_file": 20,
        "insertions_per_file": 10,
        "submissions": submissions,
        "ours_s": round(ours, 2),
        "ours_files_per_s": round(args.files / ours, 1),
        "docx2python_s": round(peer, 2) if peer is not None else None,
        "docx2python_files_per_s": round(args.files / peer, 1) if peer else None,
        "import_into_journal_s": round(journal, 2),
        "import_with_journal_and_git_s": round(whole, 2),
        "import_files_per_s": round(args.files / whole, 1),
        "items_recorded": items,
        "target_s": 60,
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if journal < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
