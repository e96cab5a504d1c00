"""A new strategic lead's whole journey, through the CLI only, asserting on what they see.

Init, import a third party's Word page, approve it, import their revised draft with --replace,
a colleague's plain git commit, the redline, participants with real-world ages, a cycle started
without launch, launch, status, remind, close early, and an erasure request.
"""

from __future__ import annotations

import email
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import docx
import pytest

COPRODUCE = Path(sys.executable).with_name("coproduce")
SLUG = "keeping-children-safe"
pytestmark = pytest.mark.prefect_server

PEOPLE = (
    "name,email,audience,organisation,age_band,consent_named\n"
    "Priya Shah,priya.shah@example.org,practitioners,Westmere Academy,25+,yes\n"
    "Tom Hughes,tom.hughes@example.org,partners,Riverside Youth Club,25+,no\n"
    "Jordan Ellis,jordan.ellis@example.org,young-people,Northside Youth Club,14-15,yes\n"
    "Casey Morgan,casey.morgan@example.org,young-people,Leaving Care Team,18-21,yes\n"
    "Riley Adams,riley.adams@example.org,young-people,Northside Youth Club,under 16,no\n"
)
QUESTIONS = (
    "- Is it clear who to tell when you are worried about a pupil?\n"
    "- id: online\n"
    "  text: Does the online safety section reflect what pupils experience?\n"
    "  youth_text: What should schools know about staying safe online?\n"
)


@dataclass
class Seen:
    code: int
    out: str
    err: str


def word_file(path: Path, *, revised: bool) -> None:
    """Write a third party's Word page: no title block of ours, just their headings and text."""
    doc = docx.Document()
    doc.add_heading("Keeping children safe in education", level=0)
    doc.add_heading("Roles and responsibilities", level=1)
    doc.add_paragraph("All staff have a role in keeping children safe.")
    doc.add_heading("Reporting a concern", level=1)
    doc.add_paragraph(
        "Staff tell the designated safeguarding lead the same day."
        if revised
        else "Staff tell the designated safeguarding lead."
    )
    doc.add_paragraph("Write down what was seen and said.", style="List Bullet")
    doc.add_paragraph("Do not promise to keep a secret.", style="List Bullet")
    doc.add_heading("Online safety", level=1)
    doc.add_paragraph("Filtering and monitoring protect pupils online.")
    if revised:
        doc.add_heading("Alternative provision", level=1)
        doc.add_paragraph("Schools stay responsible for pupils placed elsewhere.")
    doc.save(str(path))


@pytest.fixture
def lead(tmp_path: Path) -> Iterator[object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    env.update(
        {
            "HOME": str(tmp_path / "home"),
            "COPRODUCE_AUTHOR": "Alex Lead <alex.lead@example.org>",
            # Young people are invited: a launch needs someone to receive any disclosure.
            "COPRODUCE_SAFEGUARDING_LEAD_EMAIL": "safeguarding@example.org",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
    )
    (tmp_path / "home").mkdir()
    repo = tmp_path / "guidance"

    def run(*args: str, answer: str | None = None) -> Seen:
        cwd = repo if repo.exists() else tmp_path
        proc = subprocess.run(
            [str(COPRODUCE), *args],
            cwd=cwd,
            env=env,
            input=answer,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return Seen(proc.returncode, proc.stdout, proc.stderr)

    try:
        yield run
    finally:
        if repo.exists():
            run("serve", "--stop")


def outbox(repo: Path) -> list[Message]:
    return [
        email.message_from_bytes(p.read_bytes())
        for p in (repo / ".coproduce" / "outbox").glob("*.eml")
    ]


def test_a_lead_takes_a_word_page_through_a_whole_review(lead, tmp_path: Path) -> None:
    run = lead
    repo = tmp_path / "guidance"
    assert run("init", "guidance").code == 0

    word_file(tmp_path / "kcsie.docx", revised=False)
    imported = run("import", str(tmp_path / "kcsie.docx"), "--slug", SLUG)
    assert imported.code == 0, imported.err
    assert f"as guidance/{SLUG}.md" in imported.out

    # The lead fills in what a Word page does not say, by hand, as the README allows.
    path = repo / "guidance" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "---\n",
            "---\nowner: Westmere Safeguarding Children Partnership\nreview_date: 2027-09-01\n"
            "audiences: [practitioners, partners, young-people]\n",
            1,
        ).replace("owner: ''\n", ""),
        encoding="utf-8",
    )
    subprocess.run(
        ["git", "commit", "-qam", "Say who owns it"],
        cwd=repo,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "Alex Lead",
            "GIT_AUTHOR_EMAIL": "a@example.org",
            "GIT_COMMITTER_NAME": "Alex Lead",
            "GIT_COMMITTER_EMAIL": "a@example.org",
        },
    )

    approved = run("approve", SLUG, "1.0")
    assert approved.out.strip() == f"Approved {SLUG} as {SLUG}/v1.0"
    v1 = tmp_path / "v1.docx"
    assert run("render", SLUG, "--rev", f"{SLUG}/v1.0", "-o", str(v1)).code == 0
    details = {r.cells[0].text: r.cells[1].text for r in docx.Document(str(v1)).tables[0].rows}
    assert details["Status"] == "Approved" and details["Version"] == "1.0"
    assert details["Owner"] == "Westmere Safeguarding Children Partnership"

    word_file(tmp_path / "kcsie-2.docx", revised=True)
    replaced = run("import", str(tmp_path / "kcsie-2.docx"), "--slug", SLUG, "--replace")
    assert replaced.code == 0, replaced.err
    draft = path.read_text(encoding="utf-8")
    assert "owner: Westmere Safeguarding Children Partnership" in draft
    assert "version: '1.1'" in draft and "status: draft" in draft
    history = run("history", SLUG, "--section", "reporting-a-concern")
    assert "removed" not in history.out

    # A colleague's plain git commit.
    path.write_text(draft.replace("pupils online.", "pupils online, in school and at home."))
    subprocess.run(
        ["git", "commit", "-qam", "Online safety: at home too"],
        cwd=repo,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "Sam Colleague",
            "GIT_AUTHOR_EMAIL": "sam@example.org",
            "GIT_COMMITTER_NAME": "Sam",
            "GIT_COMMITTER_EMAIL": "sam@example.org",
        },
    )

    redline = run("redline", SLUG, "-o", str(tmp_path / "changes.docx"))
    assert redline.code == 0, redline.err
    assert f"{SLUG}/v1.0 -> HEAD" in redline.out
    html = run("redline", SLUG, "--format", "html", "-o", str(tmp_path / "changes.html"))
    assert html.code == 0
    page = (tmp_path / "changes.html").read_text(encoding="utf-8")
    assert "Sam Colleague" in page and "Alex Lead" in page

    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    people = run("participants", "import", str(tmp_path / "people.csv"))
    assert people.code == 0, people.err
    assert "Added 5 participants" in people.out
    assert "for row 4 of people.csv" in people.err  # Jordan, 14-15, said yes: never named
    (tmp_path / "questions.yaml").write_text(QUESTIONS, encoding="utf-8")

    started = run(
        "review",
        "start",
        SLUG,
        "--closes",
        "2099-06-30",
        "--no-launch",
        "--audience",
        "practitioners",
        "--audience",
        "partners",
        "--audience",
        "young-people",
        "--questions",
        str(tmp_path / "questions.yaml"),
    )
    assert started.code == 0, started.err
    cycle = started.out.strip()
    assert f"coproduce review launch {cycle}" in started.err

    launched = run("review", "launch", cycle)
    assert launched.code == 0, launched.err
    assert "Launched: 5 invitations sent" in launched.out
    assert "no youth-friendly version" in launched.err and "the full text" in launched.err
    invites = [m for m in outbox(repo) if str(m["Message-ID"]).startswith("<invite.")]
    assert len(invites) == 5
    practitioner = next(m for m in invites if "priya.shah" in str(m["To"]))
    attached = next(p for p in practitioner.walk() if (p.get_filename() or "").endswith(".docx"))
    sent_draft = docx.Document(io.BytesIO(attached.get_payload(decode=True)))
    sent = {r.cells[0].text: r.cells[1].text for r in sent_draft.tables[0].rows}
    assert (sent["Status"], sent["Version"]) == ("Draft", "1.1 draft")
    young = next(m for m in invites if "jordan.ellis" in str(m["To"]))
    young_text = next(p for p in young.walk() if p.get_content_type() == "text/plain")
    words = young_text.get_payload(decode=True).decode()
    assert "Is it clear who to tell" in words
    assert "What should schools know about staying safe online?" in words

    status = run("review", "status", cycle)
    assert status.code == 0
    lines = status.out.splitlines()
    youth_row = next(line for line in lines if line.startswith("young-people"))
    assert youth_row.split()[1:3] == ["3", "0"]
    assert "Northside Youth Club 2" in youth_row and "Leaving Care Team 1" in youth_row
    assert not any(n in status.out for n in ("Jordan", "Casey", "Riley", "Priya", "Tom"))

    reminded = run("review", "remind", cycle)
    assert reminded.code == 0, reminded.err
    assert f"5 reminders sent for {cycle}" in reminded.out

    refused = run("review", "close", cycle, answer="n\n")
    assert refused.code == 0 and "nothing changed" in refused.out
    closed = run("review", "close", cycle, "--yes")
    assert closed.code == 0, closed.err
    assert f"{cycle} is closed; 5 participants told" in closed.out
    again = run("review", "close", cycle, "--yes")
    assert again.code == 5
    assert f"coproduce review finish-triage {cycle}" in again.err

    listed = run("participants", "list", "--json", "--show-names")
    casey = next(r for r in json.loads(listed.out) if r["name"] == "Casey Morgan")
    assert casey["consent_named"] is True and casey["age_band"] == "18-21"
    erased = run("participants", "erase", casey["id"], "--yes")
    assert erased.code == 0, erased.err
    state = b"".join(p.read_bytes() for p in (repo / ".coproduce").rglob("*") if p.is_file())
    assert b"casey.morgan@example.org" not in state and b"Casey Morgan" not in state
