"""The whole-cycle demo: a fresh workspace taken through every stage the product has so far.

Each step is a plain function over the library (and, for the review, the Prefect flows); the
CLI shows progress and prints what was made. Nothing here is faked: the demo is the product run
on invented participants and our own sample guidance.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.defaults import STATE_DIR_NAME
from coproduce.errors import ConflictError, CoproduceError
from coproduce.models import Person
from coproduce.resources import sample_guidance_dir

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.workspace import Workspace

SLUG = "exploitation-protocol"
MARKER = ".coproduce-demo"
LEAD = Person(name="Alex Morgan", email="alex.morgan@example.org")
EDITOR = Person(name="Priya Shah", email="priya.shah@example.org")
SECRETARY = Person(name="Jo Whitfield", email="board.secretary@example.org")
BOARD = "Westmere Safeguarding Children Partnership Executive"
REVIEW_DAYS = 21


@dataclass
class DemoRun:
    """What the demo made, step by step."""

    workspace: Path
    repo: Path | None = None
    cycle: str | None = None
    outputs: dict[str, Path] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


Step = tuple[str, Callable[[DemoRun], str]]


def prepare_workspace(workspace: Path, *, fresh: bool) -> DemoRun:
    """Return a run in ``workspace``; with ``fresh``, remove an earlier demo there first.

    Only a folder an earlier demo made (it holds the marker file) is ever removed.
    """
    workspace = workspace.resolve()
    if workspace.exists() and any(workspace.iterdir()):
        if not (workspace / MARKER).is_file():
            raise ConflictError(
                f"{workspace} is not empty and not a demo workspace: choose another"
            )
        if not fresh:
            raise ConflictError(f"{workspace} holds an earlier demo: add --fresh to start again")
        _stop_embedded_server(workspace / "guidance")
        shutil.rmtree(workspace)
    (workspace / "outputs").mkdir(parents=True, exist_ok=True)
    (workspace / MARKER).write_text("made by coproduce demo; --fresh may delete this folder\n")
    return DemoRun(workspace=workspace)


def iter_steps() -> Iterator[Step]:
    """Yield the demo's steps in order: (description, function)."""
    yield "Create the guidance repository with the sample, approved v1.0", _create
    yield "Render v1.0 to Word and HTML", _render_v1
    yield "Import the lead's Word draft of v1.1", _import_draft
    yield "A colleague edits the draft by hand", _second_edit
    yield "Write the tracked-change redline v1.0 -> draft", _redline
    yield "Import participants into the register (outside git)", _participants
    yield "Launch the review (Prefect flow): invitations", _launch
    yield "Participants answer on the portal, from their invitation's link (HTTP)", _portal
    yield "A practitioner's Word reply (tracked changes and comments) is imported", _word_reply
    yield "A youth worker's survey export is imported", _survey
    yield "Send a reminder round (Prefect flow)", _remind
    yield "Close the review (Prefect flow)", _close
    yield "A late comment after close is kept, marked late", _late_comment
    yield "Triage in a spreadsheet: exported, filled in, imported", _triage
    yield "The lead makes the accepted changes, each commit naming its feedback", _act
    yield "Triage finished, sent to the board: the sign-off pack", _pack
    yield "The board approves v1.1: tagged, published (Word, HTML, PDF)", _decision
    yield "You said, we did: each person's outcomes written to read first", _report
    yield "You said, we did: sent to every participant who spoke (Prefect flow)", _tell


def finish(run: DemoRun) -> None:
    """Flush the flows' logs, then stop the embedded Prefect server the demo started."""
    import sys

    if "coproduce.tasks" in sys.modules:
        from coproduce import tasks

        tasks.flush()
    if run.repo is not None:
        _stop_embedded_server(run.repo)


def _create(run: DemoRun) -> str:
    from coproduce.guidance import create_repository

    created = create_repository(path=run.workspace / "guidance", sample=True, author=str(LEAD))
    run.repo = created.root
    # Young people are invited, so the partnership names its safeguarding lead first.
    config = created.root / "coproduce.toml"
    text = config.read_text(encoding="utf-8").replace(
        '# safeguarding_lead_email = "safeguarding@example.org"',
        'safeguarding_lead_email = "safeguarding@example.org"',
    )
    _repo(run).commit_files(
        {"coproduce.toml": text}, author=LEAD, message="Name the safeguarding lead"
    )
    return f"{created.root} with {', '.join(tag for _, tag in created.documents)}"


def _repo(run: DemoRun) -> GuidanceRepo:

    return _workspace(run).repo


def _workspace(run: DemoRun) -> Workspace:
    from coproduce.workspace import open_workspace

    if run.repo is None:
        raise RuntimeError("the repository step has not run")
    return open_workspace(repo=run.repo)


def _render_v1(run: DemoRun) -> str:
    from coproduce.guidance import render_document

    repo = _repo(run)
    for fmt in ("docx", "html"):
        path = run.workspace / "outputs" / f"{SLUG}-v1.0.{fmt}"
        render_document(repo=repo, slug=SLUG, rev=f"{SLUG}/v1.0", fmt=fmt, output=path)
        run.outputs[f"v1.0 ({fmt})"] = path
    return "outputs/exploitation-protocol-v1.0.docx and .html"


def _import_draft(run: DemoRun) -> str:
    from coproduce.document import parse_markdown
    from coproduce.docx import write_docx
    from coproduce.guidance import import_document

    draft = sample_guidance_dir() / "demo" / f"{SLUG}.draft.md"
    word_file = run.workspace / "outputs" / f"{SLUG}-draft-from-lead.docx"
    write_docx(parse_markdown(draft.read_text(encoding="utf-8"), slug=SLUG), word_file)
    result = import_document(
        repo=_repo(run),
        source=word_file,
        slug=SLUG,
        author=LEAD,
        replace=True,
        message="Draft v1.1 for consultation (from the lead's Word file)",
    )
    run.outputs["lead's Word draft"] = word_file
    warned = f", {len(result.warnings)} warnings" if result.warnings else ""
    return f"{result.words} words, commit {result.commit[:10]}{warned}"


def _second_edit(run: DemoRun) -> str:
    repo = _repo(run)
    text = repo.read_text(SLUG)
    old, new = "within one working day", "on the same working day"
    if old not in text:
        return "nothing to edit (phrase not in the draft)"
    commit = repo.write_document(
        text.replace(old, new, 1), slug=SLUG, author=EDITOR, message="Tighten the response time"
    )
    return f"{EDITOR.name}: '{old}' -> '{new}' (commit {commit[:10]})"


def _redline(run: DemoRun) -> str:
    from coproduce.files import write_atomically
    from coproduce.redline import redline

    result = redline(_repo(run), SLUG)
    docx_path = run.workspace / "outputs" / "changes-since-v1.0.docx"
    html_path = run.workspace / "outputs" / "changes-since-v1.0.html"
    write_atomically(docx_path, result.to_bytes())
    write_atomically(html_path, result.html().encode("utf-8"))
    run.outputs["redline (Word, tracked changes)"] = docx_path
    run.outputs["redline (HTML)"] = html_path
    return result.summary()


def _participants(run: DemoRun) -> str:
    from coproduce.participants import import_participants

    report = import_participants(
        _workspace(run).register,
        sample_guidance_dir() / "demo" / "people.csv",
        audiences={"practitioners", "partners", "young-people"},
    )
    run.figures["participants"] = len(report.added)
    return f"{len(report.added)} people (names and emails stay in .coproduce/, git sees ids only)"


def _launch(run: DemoRun) -> str:
    from coproduce.review import load_questions, start_review
    from coproduce.review.context import open_context

    ctx = open_context(repo=run.repo, author=str(LEAD))
    try:
        questions = load_questions(sample_guidance_dir() / "demo" / "questions.yaml")
        closes = dt.date.today() + dt.timedelta(days=REVIEW_DAYS)
        started = start_review(
            repo=ctx.repo,
            slug=SLUG,
            closes=closes,
            audiences=["practitioners", "partners", "young-people"],
            author=ctx.author,
            questions=[q.model_dump() for q in questions],
            reminder_days=[7, 2],
            outreach=ctx.outreach,
            known_audiences=ctx.audiences,
        )
    finally:
        ctx.close()
    run.cycle = started.cycle.id
    outcome = _run_flow(run, "launch_review", cycle_id=run.cycle, author=str(LEAD))
    run.figures["invitations"] = outcome["sent"]
    return f"cycle {run.cycle}: {outcome['sent']} invitations in {outcome['batches']} batches"


def _portal_comments() -> list[dict[str, Any]]:
    import yaml

    path = sample_guidance_dir() / "demo" / "responses" / "portal.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["comments"])


def _record_comments(run: DemoRun, comments: list[dict[str, Any]]) -> list[Any]:
    from coproduce.review.feedback import Submission, record_feedback
    from coproduce.store.register import email_key

    workspace = _workspace(run)
    repo, register = workspace.repo, workspace.register
    if run.cycle is None:
        raise RuntimeError("the launch step has not run")
    ids = register.emails_in_use(c["email"] for c in comments)
    return [
        record_feedback(
            repo=repo,
            register=register,
            cycle_id=run.cycle,
            submission=Submission(
                participant=ids[email_key(c["email"])],
                channel="portal",
                text=c["comment"],
                section=c.get("section"),
                quote=c.get("quote", ""),
                suggestion=c.get("suggestion"),
            ),
        )
        for c in comments
    ]


def _portal(run: DemoRun) -> str:
    import httpx

    from coproduce.demo import portal

    workspace, cycle = _workspace(run), _cycle(run)
    outbox = Path(workspace.repo.state_dir) / "outbox"
    references: list[str] = []
    people = {p.email.lower(): p for p in workspace.register.iter_participants()}
    with portal.serving(workspace) as base, httpx.Client(base_url=base, timeout=60) as client:
        for said in _portal_comments()[:-1]:
            person = people[said["email"].lower()]
            link = portal.read_invitation(outbox, said["email"], cycle)
            references += portal.answer(
                client,
                link.token,
                section=said.get("section"),
                comment=" ".join(str(said["comment"]).split()),
                quote=said.get("quote", ""),
                suggestion=said.get("suggestion"),
                consent="named" if person.consent_named else "anonymous",
            )
    run.figures["portal"] = len(references)
    return (
        f"{len(references)} people sent their answers; confirmation references {_span(references)}"
    )


def _word_reply(run: DemoRun) -> str:
    import yaml

    from coproduce.channels.gather import import_files
    from coproduce.demo import portal, reply

    workspace, cycle = _workspace(run), _cycle(run)
    notes = yaml.safe_load(
        (sample_guidance_dir() / "demo" / "responses" / "word-reply-notes.yaml").read_text("utf-8")
    )
    outbox = Path(workspace.repo.state_dir) / "outbox"
    sent = portal.read_invitation(outbox, notes["returned_by"], cycle).draft
    if sent is None:
        raise CoproduceError(f"the invitation to {notes['returned_by']} had no Word draft")
    person = workspace.register.emails_in_use([notes["returned_by"]])
    participant = next(iter(person.values()))
    made = reply.make_reply(
        sent,
        run.workspace / "outputs" / notes["file"],
        notes={**notes, "author": notes.get("author", "S. O Briain")},
        properties={
            "cycle": cycle,
            "version": load_cycle_proposed(workspace, cycle),
            "participant": participant,
        },
    )
    report = import_files(
        repo=workspace.repo,
        register=workspace.register,
        cycle_id=cycle,
        paths=[made.path],
        audiences=workspace.settings.all_audiences(),
    )
    run.outputs["a returned Word reply"] = made.path
    return f"{len(report.recorded)} items from {made.path.name} ({made.edited_by})"


def _survey(run: DemoRun) -> str:
    from coproduce.channels.gather import import_files
    from coproduce.channels.safeguarding import safeguarding_from
    from coproduce.channels.survey_map import ColumnMap

    workspace, cycle = _workspace(run), _cycle(run)
    flags = ["respondent=respondent", *(f"question:q{n}=q{n}" for n in range(1, 6))]
    report = import_files(
        repo=workspace.repo,
        register=workspace.register,
        cycle_id=cycle,
        paths=[sample_guidance_dir() / "demo" / "responses" / "survey.csv"],
        audiences=workspace.settings.all_audiences(),
        mapping=ColumnMap.build(flags, None),
        default_audience="young-people",
        safeguarding=safeguarding_from(workspace.settings),
    )
    held = [i.id for i in report.recorded if i.safeguarding_concern]
    line = f"{len(report.recorded)} answers from young people (anonymous)"
    return line + (
        f"; {len(held)} held for the safeguarding lead ({', '.join(held)})" if held else ""
    )


def _triage(run: DemoRun) -> str:
    import yaml

    from coproduce.demo import closing
    from coproduce.files import write_atomically
    from coproduce.triage.record import read_feedback
    from coproduce.triage.sheet import export_sheet, import_sheet

    repo, cycle = _repo(run), _cycle(run)
    decisions = yaml.safe_load(_demo_file("triage.yaml"))
    plan = closing.plan_triage(read_feedback(repo, cycle), decisions)
    exported = run.workspace / "outputs" / "triage.xlsx"
    filled = closing.fill_sheet(export_sheet(repo, cycle), plan)
    write_atomically(exported, filled)
    result = import_sheet(repo, cycle, filled, author=LEAD, what=exported.name)
    run.outputs["triage sheet (filled in)"] = exported
    run.figures["plan"] = plan
    counts: dict[str, int] = {}
    for outcome, _ in plan.outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    shown = ", ".join(f"{n} {o.replace('-', ' ')}" for o, n in sorted(counts.items()))
    return f"{len(result.changed)} outcomes recorded: {shown}"


def _act(run: DemoRun) -> str:
    import yaml

    from coproduce.demo import closing

    decisions = yaml.safe_load(_demo_file("triage.yaml"))
    sources = [
        *_portal_comments(),
        *yaml.safe_load(_demo_file("word-reply-notes.yaml"))["comments"],
    ]
    plan = run.figures["plan"]
    commits = closing.make_edits(
        _repo(run), SLUG, plan, closing.suggested_wording(sources, decisions), author=LEAD
    )
    return f"{len(commits)} commits, each with a Feedback: trailer ({', '.join(plan.edits)})"


def _pack(run: DemoRun) -> str:
    from coproduce.pack import build_pack, record_pack
    from coproduce.review.lifecycle import finish_triage

    workspace, cycle = _workspace(run), _cycle(run)
    finish_triage(repo=workspace.repo, cycle_id=cycle, author=LEAD)
    out = run.workspace / "outputs" / "pack"
    out.mkdir(parents=True, exist_ok=True)
    built = build_pack(
        repo=workspace.repo, cycle_id=cycle, out_dir=out, author=LEAD, register=workspace.register
    )
    state = record_pack(
        repo=workspace.repo,
        manifest=built.manifest,
        manifest_sha256=built.manifest_sha256,
        author=LEAD,
    ).state.value  # a complete pack goes to the board: the cycle is in sign-off
    run.outputs["sign-off pack (folder)"] = built.folder
    run.outputs["sign-off pack (zip)"] = built.zip
    run.figures["pack"] = built
    return f"{built.folder.name}: {len(built.manifest.files)} files and a zip; cycle {state}"


def _decision(run: DemoRun) -> str:
    from coproduce.review.signoff import sign_off

    built = run.figures["pack"]
    result = sign_off(
        repo=_repo(run),
        cycle_id=_cycle(run),
        outcome="approved",
        decided_by=BOARD,
        author=SECRETARY,
        minute="WSCP 2026/14",
        pack=built.folder,
    )
    run.figures["decision"] = result
    for path in result.published:
        run.outputs[f"published {Path(path).suffix.lstrip('.')}"] = Path(path)
    notes = f" ({'; '.join(result.notes_for_reader)})" if result.notes_for_reader else ""
    return f"{result.tag} by {result.decided_by}, minute {result.minute}{notes}"


def _report(run: DemoRun) -> str:
    from coproduce.review.outcomes import write_feedback_report

    out = run.workspace / "outputs" / "you-said-we-did"
    report = write_feedback_report(workspace=_workspace(run), cycle_id=_cycle(run), out_dir=out)
    run.outputs["you said, we did (to read first)"] = report.folder
    people = len({letter.stem for letter in report.letters})
    return f"{people} people's letters and a summary for each audience, in {out.name}/"


def _tell(run: DemoRun) -> str:
    outcome = _run_flow(run, "tell_participants", cycle_id=_cycle(run))
    sent = outcome.get("sent", []) if isinstance(outcome, dict) else []
    count = len(sent) if isinstance(sent, list) else int(sent)
    run.figures["told"] = count
    return f"{count} people told what happened to what they said"


def _cycle(run: DemoRun) -> str:
    if run.cycle is None:
        raise RuntimeError("the launch step has not run")
    return run.cycle


def _demo_file(name: str) -> str:
    return (sample_guidance_dir() / "demo" / "responses" / name).read_text(encoding="utf-8")


def _span(references: list[str]) -> str:
    ordered = sorted(references)
    return f"{ordered[0]}..{ordered[-1]}" if ordered else "none"


def load_cycle_proposed(workspace: Workspace, cycle_id: str) -> str:
    """Return the commit a cycle's draft was sent at (the version a reply names)."""
    from coproduce.review import load_cycle

    return load_cycle(workspace.repo, cycle_id).proposed


def _late_comment(run: DemoRun) -> str:
    (item,) = _record_comments(run, _portal_comments()[-1:])
    run.figures["feedback"] = run.figures.get("feedback", 0) + 1
    return f"{item.id} recorded after close, late={item.late}"


def _remind(run: DemoRun) -> str:
    outcome = _run_flow(run, "send_reminders", cycle_id=run.cycle, manual=True)
    run.figures["reminders"] = outcome["sent"]
    return f"{outcome['sent']} reminders to those who have not responded"


def _close(run: DemoRun) -> str:
    outcome = _run_flow(run, "close_review", cycle_id=run.cycle, author=str(LEAD))
    repo = _repo(run)
    outbox = Path(repo.state_dir) / "outbox"
    run.outputs["outbox (.eml files)"] = outbox
    run.figures["outbox"] = len(list(outbox.glob("*.eml")))
    state = outcome.get("state", "closed") if isinstance(outcome, dict) else "closed"
    told = outcome.get("notified", 0) if isinstance(outcome, dict) else 0
    return f"cycle {run.cycle} is {state}; {told} participants told it has closed"


def _run_flow(run: DemoRun, name: str, **parameters: Any) -> Any:
    from coproduce import runtime

    repo = _repo(run)
    runtime.activate(runtime.ensure_server(state_dir=Path(repo.state_dir)))
    from coproduce import tasks

    return tasks.run_flow(name, repo=str(repo.root), **parameters)


def _stop_embedded_server(repo_root: Path) -> None:
    from coproduce import runtime

    state = repo_root / STATE_DIR_NAME
    if state.is_dir():
        runtime.stop_server(state_dir=state)
