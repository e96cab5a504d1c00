"""check_docx refuses hostile or broken files with one clear line, and accepts real ones."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from coproduce.docx import check_docx, read_docx, render_docx_bytes
from coproduce.errors import InvalidInputError
from tests.docx.conftest import rich_document

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def make_package(parts: dict[str, bytes | str], *, stored: frozenset[str] = frozenset()) -> bytes:
    """Return a zip holding ``parts`` (deflated, except the names in ``stored``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


def minimal_docx(**extra: bytes | str) -> bytes:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": DOCUMENT.format(text="Hello"),
    }
    parts.update(extra)
    return make_package(parts)


def refusal(data: bytes | Path, **limits: int) -> str:
    with pytest.raises(InvalidInputError) as caught:
        check_docx(data, **limits)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_minimal_hand_made_package_is_accepted_and_imports() -> None:
    data = minimal_docx()
    check_docx(data)
    assert read_docx(data, slug="hello").document.blocks[0].text == "Hello"


def test_our_own_render_passes_the_check() -> None:
    check_docx(render_docx_bytes(rich_document()))


def test_a_renamed_pdf_is_named_as_a_pdf() -> None:
    assert refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == (
        "not a Word .docx file (it looks like a PDF)"
    )


def test_a_legacy_ole_file_is_named_as_legacy_or_protected() -> None:
    message = refusal(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))
    assert "legacy .doc" in message


def test_empty_and_plain_text_files_are_refused() -> None:
    assert "empty" in refusal(b"")
    assert "not a zip" in refusal(b"Dear board, please find attached")


def test_a_truncated_zip_is_reported_as_corrupt() -> None:
    data = minimal_docx()
    assert "corrupt" in refusal(data[: len(data) // 2])


def test_a_zip_without_content_types_is_not_a_docx() -> None:
    data = make_package({"word/document.xml": DOCUMENT.format(text="x")})
    assert "[Content_Types].xml is missing" in refusal(data)


def test_a_zip_without_the_main_document_is_not_a_docx() -> None:
    data = make_package({"[Content_Types].xml": CONTENT_TYPES})
    assert "word/document.xml is missing" in refusal(data)


def test_a_docm_with_a_vba_project_is_refused_as_macros() -> None:
    data = minimal_docx(**{"word/vbaProject.bin": b"\x00" * 64})
    assert "macros" in refusal(data)


def test_a_macro_enabled_content_type_is_refused() -> None:
    types = CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml")
    data = make_package({"[Content_Types].xml": types, "word/document.xml": DOCUMENT})
    assert "macro-enabled" in refusal(data)


def test_a_zip_bomb_is_refused_by_its_declared_size() -> None:
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": DOCUMENT.format(text="x"),
        "word/media/padding.bin": bytes(8 * 1024 * 1024),
    }
    data = make_package(parts, stored=frozenset({"word/media/padding.bin"}))
    assert "unpacks to 8 MB" in refusal(data, max_unzipped=4 * 1024 * 1024)


def test_fifty_megabytes_of_zeros_are_refused_as_a_bomb() -> None:
    data = minimal_docx(**{"word/media/zeros.bin": bytes(50 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    assert "zip bomb" in refusal(data)


def _shrink_declared_size(data: bytearray, name: bytes, size: int) -> None:
    """Make the central directory and local header of ``name`` declare ``size`` bytes."""
    index = data.find(b"PK\x01\x02")
    while index != -1:
        name_length = struct.unpack_from("<H", data, index + 28)[0]
        if data[index + 46 : index + 46 + name_length] == name:
            struct.pack_into("<I", data, index + 24, size)
            local = struct.unpack_from("<I", data, index + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
            return
        index = data.find(b"PK\x01\x02", index + 4)
    raise LookupError(name)


def test_a_lying_size_header_never_expands_past_the_declared_size() -> None:
    data = bytearray(minimal_docx(**{"word/media/zeros.bin": bytes(50 * 1024 * 1024)}))
    _shrink_declared_size(data, b"word/media/zeros.bin", 1024)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("word/media/zeros.bin").file_size == 1024
    assert "corrupt" in refusal(bytes(data))


def test_too_many_entries_are_refused() -> None:
    parts = {f"word/media/{n}.txt": "x" for n in range(5001)}
    assert "parts" in refusal(minimal_docx(**parts))


def test_a_billion_laughs_entity_file_is_refused() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
        + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    ).replace("&lol0;", "&lol;")
    data = make_package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": lol})
    assert "DTD or entities" in refusal(data)


def test_an_external_entity_pointing_at_etc_passwd_is_refused() -> None:
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = make_package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xxe})
    with pytest.raises(InvalidInputError) as caught:
        read_docx(data, slug="xxe")
    assert "DTD or entities" in str(caught.value)
    assert "root:" not in str(caught.value)


def test_a_utf16_doctype_is_still_found() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY e "x">]><d/>'
    data = minimal_docx(**{"word/settings.xml": xml.encode("utf-16")})
    assert "DTD" in refusal(data)


@pytest.mark.parametrize(
    "name", ["../evil.xml", "/etc/cron.d/evil", "word/../../evil.xml", "C:/evil"]
)
def test_path_traversal_names_are_refused(name: str) -> None:
    assert "unsafe part name" in refusal(minimal_docx(**{name: "<x/>"}))


def test_malformed_xml_is_reported_as_unreadable() -> None:
    data = minimal_docx(**{"word/styles.xml": "<w:styles><unclosed>"})
    assert "not well-formed" in refusal(data)


def test_a_file_over_the_size_limit_is_refused_before_unzipping(tmp_path: Path) -> None:
    path = tmp_path / "big.docx"
    path.write_bytes(minimal_docx() + bytes(2048))
    assert "too large" in refusal(path, max_bytes=1024)


def test_a_missing_file_is_named() -> None:
    assert "no such file" in refusal(Path("/nonexistent/x.docx"))
