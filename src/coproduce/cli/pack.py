"""``coproduce pack``: build the sign-off pack of a cycle; ``--verify`` checks one built."""

from __future__ import annotations

from pathlib import Path

import typer

from coproduce.cli.common import (
    AUTHOR_HELP,
    JSON_HELP,
    acting_person,
    info,
    open_repo,
    print_json,
    warn,
)


def pack(
    cycle: str = typer.Argument(None, help="The review cycle to pack."),
    output: Path = typer.Option(Path("."), "--output", "-o", help="Folder to write the pack in."),
    allow_undecided: bool = typer.Option(
        False, "--allow-undecided", help="Build a DRAFT while items still lack an outcome."
    ),
    proposed: str = typer.Option("HEAD", "--proposed", help="Proposed revision."),
    verify: Path | None = typer.Option(None, "--verify", help="Check a pack folder's manifest."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Build the sign-off pack (folder + zip) and move the cycle to awaiting decision."""
    from coproduce.errors import InvalidInputError

    if verify is not None:
        _verify(verify)
        return
    if not cycle:
        raise InvalidInputError("give the cycle to pack (or --verify FOLDER)")
    from coproduce.pack import build_pack, record_pack
    from coproduce.store.register import Register

    repo = open_repo()
    person = acting_person(repo, author)
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        result = build_pack(
            repo=repo,
            cycle_id=cycle,
            out_dir=output,
            author=person,
            register=register,
            allow_undecided=allow_undecided,
            proposed=proposed,
        )
    state = record_pack(
        repo=repo, manifest=result.manifest, manifest_sha256=result.manifest_sha256, author=person
    ).state.value
    for line in result.warnings:
        warn(line)
    if as_json:
        print_json(
            {
                "folder": str(result.folder),
                "zip": str(result.zip),
                "manifest_sha256": result.manifest_sha256,
                "draft": result.manifest.draft,
                "state": state,
                "files": [f.path for f in result.manifest.files],
                "undecided": result.manifest.undisposed,
                "accepted_not_acted_on": result.manifest.accepted_not_acted_on,
            }
        )
        return
    info(f"Wrote {result.folder} and {result.zip.name} (manifest {result.manifest_sha256[:12]})")
    info(f"Review {cycle} is {state}")


def _verify(folder: Path) -> None:
    from coproduce.errors import InvalidInputError
    from coproduce.pack import verify_pack

    problems = verify_pack(folder)
    if problems:
        raise InvalidInputError(f"{folder} does not match its manifest", problems=problems)
    info(f"{folder}: every file matches manifest.json")


def register(app: typer.Typer) -> None:
    """Add the pack command to ``app``."""
    app.command("pack")(pack)
