"""Convert a Word file to PDF with LibreOffice headless, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 180


def soffice() -> str | None:
    """Return the LibreOffice command on this machine, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(source: Path, target: Path) -> str | None:
    """Write ``source`` (.docx) as PDF to ``target``; return a one-line note when it could not.

    A private LibreOffice profile per call keeps two conversions (or a user's own LibreOffice)
    from sharing one, which makes the second silently do nothing.
    """
    command = soffice()
    if command is None:
        return "PDF skipped: LibreOffice (soffice) is not installed"
    with tempfile.TemporaryDirectory(prefix="coproduce-pdf-") as work:
        folder = Path(work)
        args = [
            command,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"PDF not made: LibreOffice failed ({e})"
        made = folder / f"{source.stem}.pdf"
        if done.returncode != 0 or not made.is_file():
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            return f"PDF not made: LibreOffice exited {done.returncode}" + (
                f" ({why[-1]})" if why else ""
            )
        shutil.move(str(made), target)
    return None
