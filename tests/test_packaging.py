"""coproduce installed from its wheel (not -e) finds its templates, sample guidance and flows."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from coproduce import resources

CHECKOUT = Path(__file__).resolve().parents[1]
# Dependencies are built into wheels once and kept beside the project's virtual environment,
# so later runs install offline (--no-index) from them; only the first run needs PyPI.
WHEELHOUSE = CHECKOUT / ".venv" / "wheelhouse"
AUTHOR = "Sam Lead <sam.lead@example.org>"


def test_every_package_under_src_and_every_resource_folder_is_packaged() -> None:
    config = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    src = CHECKOUT / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
    mapped = config["tool"]["setuptools"]["package-dir"]
    assert mapped["coproduce._templates"] == "templates"
    assert mapped["coproduce._guidance"] == "guidance"
    assert mapped["coproduce._flows"] == "flows"


def test_the_resources_are_found_as_package_data(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COPRODUCE_TEMPLATES", "COPRODUCE_SAMPLES", "COPRODUCE_FLOWS"):
        monkeypatch.delenv(name, raising=False)
    assert resources.reference_docx().is_file()
    assert (resources.builtin_templates_dir() / "email" / "invite.txt.j2").is_file()
    assert (resources.sample_guidance_dir() / "exploitation-protocol.md").is_file()
    assert (resources.sample_guidance_dir() / "demo" / "people.csv").is_file()
    assert (resources.flows_dir() / "launch_review.py").is_file()


@pytest.mark.slow
@pytest.mark.prefect_server
def test_a_wheel_installed_without_e_inits_redlines_and_launches(tmp_path: Path) -> None:
    venv = install_wheel(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    env = clean_env(venv)

    def coproduce(*args: str) -> str:
        result = subprocess.run(
            [str(venv / "bin" / "coproduce"), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"coproduce {' '.join(args)}:\n{result.stderr}"
        return result.stdout

    coproduce("init", "guidance-repo", "--sample")
    repo = work / "guidance-repo"
    policy = repo / "guidance" / "exploitation-protocol.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nA sentence added.\n", "utf-8")
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-qam", "Add a sentence"], env=env, check=True
    )
    coproduce("--repo", str(repo), "redline", "exploitation-protocol", "-o", "redline.docx")
    assert (work / "redline.docx").stat().st_size > 10_000

    people = work / "people.csv"
    people.write_text(
        "name,email,audience,organisation,age_band,consent_named\n"
        "Asha Example,asha@example.org,practitioners,Council,25+,no\n"
        "Ben Example,ben@example.org,practitioners,Police,25+,no\n",
        encoding="utf-8",
    )
    coproduce("--repo", str(repo), "participants", "import", str(people))
    try:
        out = coproduce(
            "--repo", str(repo), "review", "start", "exploitation-protocol",
            "--closes", "2099-12-15", "--audience", "practitioners",
        )  # fmt: skip
        assert "Launched: 2 invitations sent" in out
    finally:
        coproduce("--repo", str(repo), "serve", "--stop")
    sent = sorted((repo / ".coproduce").rglob("*.eml"))
    assert len(sent) == 2
    message = email.message_from_bytes(sent[0].read_bytes())
    assert message["To"].endswith("@example.org>")


def install_wheel(tmp_path: Path) -> Path:
    """Build coproduce's wheel and install it (no -e) into a fresh venv; return the venv."""
    dist = tmp_path / "dist"
    pip(sys.executable, "wheel", "--no-deps", "--quiet", "-w", str(dist), str(CHECKOUT))
    wheel = next(dist.glob("coproduce-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    offline = ["install", "--quiet", "--no-index", "--find-links", str(WHEELHOUSE), str(wheel)]
    if pip(python, *offline, check=False).returncode != 0:
        # An older coproduce wheel of the same version would be taken, with its older needs.
        for stale in WHEELHOUSE.glob("coproduce-*.whl"):
            stale.unlink()
        constraints = str(CHECKOUT / "constraints.txt")
        pip(
            sys.executable, "wheel", "--quiet", "-c", constraints, "-w", str(WHEELHOUSE), str(wheel)
        )
        pip(python, *offline)
    return venv


def pip(python: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run pip with ``python``; on failure with ``check``, fail the test showing pip's output."""
    result = subprocess.run(
        [python, "-m", "pip", *args], capture_output=True, text=True, timeout=1200, check=False
    )
    if check and result.returncode != 0:
        pytest.fail(f"pip {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def clean_env(venv: Path) -> dict[str, str]:
    """Return an environment with the venv first on PATH and no coproduce or prefect settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COPRODUCE_", "PREFECT_", "GIT_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["COPRODUCE_AUTHOR"] = AUTHOR
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "Sam Lead"
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "sam.lead@example.org"
    return env
