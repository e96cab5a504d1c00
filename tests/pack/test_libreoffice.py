"""LibreOffice reads the pack: comments on the changes, both views, the cover paper as PDF.

LibreOffice 7.4 (Debian 12) aborts when a .docx holding comments is loaded over UNO (any such
file, python-docx's own included), while its command-line conversion reads them fine. So the
comments are read from LibreOffice's own conversion to .odt, and Accept All / Reject All run
over UNO on the same document with the comment parts taken out (revisions untouched).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.pack.scenario import NAMED, SLUG, UNNAMED, YOUNG, build_scenario
from tests.pack.test_pack import make_pack

DOCX_TESTS = Path(__file__).resolve().parents[1] / "docx"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def convert(source: Path, fmt: str, outdir: Path) -> Path:
    """Convert with the soffice command line; return the file it wrote."""
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", fmt, "--outdir", str(outdir), str(source)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    target = outdir / f"{source.stem}.{fmt}"
    assert target.is_file(), f"LibreOffice wrote no {fmt} of {source.name}"
    return target


def odt_comments(odt: Path) -> list[dict[str, str]]:
    """Return LibreOffice's comments: author, text and the text they are anchored on."""
    with zipfile.ZipFile(odt) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    body = etree.tostring(root.find(".//office:text", NS), encoding="unicode")
    found = []
    for note in root.iterfind(".//office:annotation", NS):
        name = note.get(f"{{{NS['office']}}}name")
        text = "\n".join("".join(p.itertext()) for p in note.iterfind("text:p", NS))
        creator = note.findtext("dc:creator", default="", namespaces=NS)
        anchored = ""
        if name:
            pattern = (
                rf'<office:annotation [^>]*office:name="{re.escape(name)}".*?</office:annotation>'
                rf'(.*?)<office:annotation-end [^>]*office:name="{re.escape(name)}"'
            )
            match = re.search(pattern, body, flags=re.S)
            if match:
                anchored = re.sub(r"<[^>]+>", "", match.group(1))
        found.append({"author": creator, "text": text, "anchor": anchored})
    return found


def without_comments(source: Path, target: Path) -> Path:
    """Write ``source`` with its comment parts and markers removed (revisions untouched)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if re.search(r"word/(comments|people)", info.filename):
                continue
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(r"<w:commentRange(Start|End) [^>]*/>", "", text)
                text = re.sub(
                    r"<w:r>(<w:rPr>.*?</w:rPr>)?<w:commentReference [^>]*/></w:r>", "", text
                )
                data = text.encode("utf-8")
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                text = re.sub(r"<(Relationship|Override) [^>]*(comments|people)[^>]*/>", "", text)
                data = text.encode("utf-8")
            new.writestr(info, data)
    return target


@pytest.fixture
def pack_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    s = build_scenario(tmp_path / "repo")
    return make_pack(s, tmp_path / "packs").folder, s.ids


def test_libreoffice_reads_each_comment_on_the_change_its_feedback_caused(
    pack_folder: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, ids = pack_folder
    comments = odt_comments(convert(folder / f"{SLUG}-tracked-changes.docx", "odt", tmp_path))
    on_timescale = [c for c in comments if ids["unnamed"] in c["text"]]
    assert on_timescale and "within one working day" in on_timescale[0]["anchor"]
    assert {c["author"] for c in comments} == {"Feedback log"}
    assert not any(name in c["text"] for c in comments for name in (UNNAMED, YOUNG))
    assert any(NAMED in c["text"] for c in comments)


def test_libreoffice_accepts_to_the_proposed_and_rejects_to_the_base(
    pack_folder: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    if subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode:
        pytest.skip("python3-uno is not importable by /usr/bin/python3")
    folder, _ = pack_folder
    plain = without_comments(folder / f"{SLUG}-tracked-changes.docx", tmp_path / "tracked.docx")
    done = subprocess.run(
        ["/usr/bin/python3", str(DOCX_TESTS / "lo_views.py"), str(tmp_path), str(plain)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    views = json.loads(done.stdout)[str(plain.resolve())]
    accepted, rejected = " ".join(views["accept"]), " ".join(views["reject"])
    assert "Escalate within one working day when a plan" in accepted
    assert "This policy, written with young people, says" in accepted
    assert "Escalate when a plan is not keeping a young person safe." in rejected
    assert "within one working day" not in rejected and "in writing" not in rejected


def test_the_cover_paper_opens_in_libreoffice_and_converts_to_pdf(
    pack_folder: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, _ = pack_folder
    pdf = convert(folder / "cover-paper.docx", "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Who was asked and who answered" in text
        assert "Decision" in text


def test_the_pack_document_unzips_cleanly(pack_folder: tuple[Path, dict[str, str]]) -> None:
    folder, _ = pack_folder
    with zipfile.ZipFile(io.BytesIO((folder / f"{SLUG}-tracked-changes.docx").read_bytes())) as z:
        assert z.testzip() is None
