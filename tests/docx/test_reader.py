"""read_docx imports Word files as blocks: our own output exactly, crafted structure as meant.

Real files from the shared corpus are read in tests/conformance/test_docx_import.py.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from coproduce.docx import read_docx, render_docx_bytes
from coproduce.models import Quote, Span, Table
from tests.docx.conftest import rich_document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def crafted_docx(body: str, *, styles: str = "", numbering: str = "", comments: int = 0) -> bytes:
    """Return a minimal .docx whose body, styles and numbering are the given XML fragments."""
    rels = [
        f'<Relationship Id="rIdLink" Type="{RT}/hyperlink" '
        'Target="https://example.org/help" TargetMode="External"/>'
    ]
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{RT}/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}'
        "</w:body></w:document>",
    }
    for name, xml in (("styles", styles), ("numbering", numbering)):
        if xml:
            parts[f"word/{name}.xml"] = f'<w:{name} xmlns:w="{W}">{xml}</w:{name}>'
            rels.append(f'<Relationship Id="rId{name}" Type="{RT}/{name}" Target="{name}.xml"/>')
    if comments:
        items = "".join(
            f'<w:comment w:id="{n}" w:author="A"><w:p/></w:comment>' for n in range(comments)
        )
        parts["word/comments.xml"] = f'<w:comments xmlns:w="{W}">{items}</w:comments>'
        rels.append(f'<Relationship Id="rIdc" Type="{RT}/comments" Target="comments.xml"/>')
    parts["word/_rels/document.xml.rels"] = (
        f'<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return out.getvalue()


def p(text: str, *, style: str | None = None, ppr: str = "", rpr: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (
        f"<w:p><w:pPr>{style_xml}{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>"
        f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
    )


def style(
    sid: str, name: str, *, based_on: str | None = None, inner: str = "", kind: str = "paragraph"
) -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    head = f'<w:style w:type="{kind}" w:styleId="{sid}">'
    return f'{head}<w:name w:val="{name}"/>{base}{inner}</w:style>'


# --- our own output comes back exactly -------------------------------------------------------


def test_round_trip_gives_back_the_same_blocks_and_metadata() -> None:
    document = rich_document()
    imported = read_docx(render_docx_bytes(document), slug=document.slug)
    assert imported.document.blocks == document.blocks
    assert imported.document.meta == document.meta
    assert imported.warnings == []


def test_round_trip_keeps_an_explicit_section_id_through_a_bookmark() -> None:
    document = rich_document()
    imported = read_docx(render_docx_bytes(document), slug=document.slug).document
    contacts = [h for h in imported.iter_headings() if h.explicit_id]
    assert [(h.id, h.text) for h in contacts] == [("contacts", "Who to call")]
    assert imported.section_ids() == ["purpose", "contacts", "purpose-2"]


# --- structure from styles, outline levels and numbering ---------------------------------------


def test_headings_come_from_styles_based_on_headings_and_from_outline_levels() -> None:
    styles = (
        style("H1", "heading 1")
        + style("MyHead", "Council Heading", based_on="H1")
        + style("Outline", "Section label", inner='<w:pPr><w:outlineLvl w:val="2"/></w:pPr>')
        + style("TitleX", "Title")
    )
    body = (
        p("Exploitation protocol", style="TitleX")
        + p("Scope", style="MyHead")
        + p("Detail", style="Outline")
        + p("Numbered", ppr='<w:outlineLvl w:val="1"/>')
        + p("Body text")
    )
    imported = read_docx(crafted_docx(body, styles=styles), slug="protocol").document
    assert imported.meta.title == "Exploitation protocol"
    kinds = [(b.kind, getattr(b, "level", None), b.text) for b in imported.blocks]
    assert kinds == [
        ("heading", 1, "Scope"),
        ("heading", 3, "Detail"),
        ("heading", 2, "Numbered"),
        ("paragraph", None, "Body text"),
    ]
    assert imported.blocks[-1].section == "numbered"


def test_lists_follow_numbering_formats_and_list_styles() -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>'
    )
    styles = style("LB", "List Bullet") + style("LN2", "List Number 2")
    num = '<w:numPr><w:ilvl w:val="{0}"/><w:numId w:val="5"/></w:numPr>'
    body = (
        p("bullet", ppr=num.format(0))
        + p("lettered", ppr=num.format(1))
        + p("styled bullet", style="LB")
        + p("styled number", style="LN2")
        + p("switched off", style="LB", ppr='<w:numPr><w:numId w:val="0"/></w:numPr>')
    )
    blocks = read_docx(
        crafted_docx(body, styles=styles, numbering=numbering), slug="l"
    ).document.blocks
    assert [
        (type(b).__name__, getattr(b, "level", None), getattr(b, "ordered", None)) for b in blocks
    ] == [
        ("ListItem", 0, False),
        ("ListItem", 1, True),
        ("ListItem", 0, False),
        ("ListItem", 0, True),
        ("Paragraph", None, None),
    ]


def test_quote_styles_become_quotes() -> None:
    styles = style("IQ", "Intense Quote")
    blocks = read_docx(
        crafted_docx(p("Said plainly", style="IQ"), styles=styles), slug="q"
    ).document.blocks
    assert blocks == [Quote(spans=[Span(text="Said plainly")])]


# --- inline formatting ------------------------------------------------------------------------


def test_bold_and_italic_follow_direct_and_character_style_formatting() -> None:
    styles = style("Strong", "Strong", kind="character", inner="<w:rPr><w:b/></w:rPr>")
    body = (
        "<w:p>"
        '<w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>strong</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Strong"/><w:b w:val="0"/></w:rPr>'
        '<w:t xml:space="preserve"> off</w:t></w:r>'
        '<w:r><w:rPr><w:i w:val="false"/></w:rPr><w:t xml:space="preserve"> plain</w:t></w:r>'
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> slanted</w:t></w:r>'
        "</w:p>"
    )
    spans = read_docx(crafted_docx(body, styles=styles), slug="f").document.blocks[0].spans
    assert spans == [
        Span(text="strong", bold=True),
        Span(text=" off plain"),
        Span(text=" slanted", italic=True),
    ]


def test_hyperlinks_resolve_relationships_and_anchors_keep_their_text() -> None:
    body = (
        '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>help</w:t></w:r></w:hyperlink>'
        '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
        '<w:hyperlink w:anchor="_Toc1"><w:r><w:t>contents</w:t></w:r></w:hyperlink></w:p>'
    )
    spans = read_docx(crafted_docx(body), slug="h").document.blocks[0].spans
    assert spans == [Span(text="help", link="https://example.org/help"), Span(text=" and contents")]


def test_breaks_tabs_and_field_results_are_kept_and_field_codes_dropped() -> None:
    body = (
        "<w:p><w:r><w:t>one</w:t><w:br/><w:t>two</w:t><w:tab/><w:t>three</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t xml:space="preserve"> 7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    imported = read_docx(crafted_docx(body), slug="b")
    assert imported.document.blocks[0].text == "one\ntwo three 7"
    assert any("1 field(s)" in w for w in imported.warnings)


# --- tracked changes, comments and things kept with a warning -------------------------------------


def test_tracked_changes_are_imported_accepted_with_a_warning() -> None:
    body = (
        '<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="A"/></w:rPr></w:pPr>'
        '<w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
        '<w:del w:id="2" w:author="A"><w:r><w:delText>gone </w:delText></w:r></w:del>'
        '<w:ins w:id="3" w:author="A"><w:r><w:t>added</w:t></w:r></w:ins></w:p>'
        '<w:p><w:moveFrom w:id="4" w:author="A"><w:r><w:t>moved </w:t></w:r></w:moveFrom>'
        '<w:r><w:t xml:space="preserve"> and joined.</w:t></w:r>'
        '<w:moveTo w:id="5" w:author="A">'
        '<w:r><w:t xml:space="preserve"> Moved here.</w:t></w:r></w:moveTo></w:p>'
    )
    imported = read_docx(crafted_docx(body), slug="t")
    assert [b.text for b in imported.document.blocks] == ["Kept added and joined. Moved here."]
    assert imported.warnings[0] == "contains 5 tracked changes; imported as if all were accepted"


def test_comments_are_counted_but_not_imported() -> None:
    imported = read_docx(crafted_docx(p("Text"), comments=3), slug="c")
    assert "contains 3 comments; their text was not imported" in imported.warnings


def test_tables_keep_merged_cell_text_once_and_flatten_nested_tables() -> None:
    cell = "<w:tc>{pr}<w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
    nested = (
        "<w:tc><w:tbl><w:tr>"
        + cell.format(pr="", t="in")
        + cell.format(pr="", t="ner")
        + "</w:tr></w:tbl><w:p/></w:tc>"
    )
    body = (
        "<w:tbl><w:tr>"
        + cell.format(pr='<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>', t="wide")
        + cell.format(pr='<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>', t="tall")
        + "</w:tr><w:tr>"
        + cell.format(pr="", t="a")
        + nested
        + cell.format(pr="<w:tcPr><w:vMerge/></w:tcPr>", t="tall")
        + "</w:tr></w:tbl>"
    )
    imported = read_docx(crafted_docx(body), slug="t")
    table = imported.document.blocks[0]
    assert isinstance(table, Table)
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["wide", "", "tall"],
        ["a", "in ner", ""],
    ]
    assert "1 nested table(s) flattened to text inside their cell" in imported.warnings


def test_text_boxes_notes_images_and_content_controls_are_kept_as_text() -> None:
    body = (
        '<w:p><w:r><w:t xml:space="preserve">See picture </w:t></w:r><w:r><w:drawing>'
        '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:docPr id="1" name="Pic" descr="Map of hubs"/></wp:inline></w:drawing></w:r></w:p>'
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>Boxed advice</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r></w:p>"
        "<w:sdt><w:sdtContent>" + p("Controlled text") + "</w:sdtContent></w:sdt>"
    )
    imported = read_docx(crafted_docx(body), slug="x")
    assert [b.text for b in imported.document.blocks] == [
        "See picture [image: Map of hubs]",
        "Boxed advice",
        "Controlled text",
    ]
    assert len(imported.warnings) == 3


def test_title_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "Escalation policy.docx"
    path.write_bytes(crafted_docx(p("Body")))
    assert read_docx(path, slug="escalation").document.meta.title == "Escalation policy"


def test_a_round_trip_through_our_own_docx_keeps_the_whole_front_matter() -> None:
    from coproduce.docx import read_docx, render_docx_bytes
    from coproduce.models import Document, DocumentMeta, Heading, Paragraph, Span

    meta = DocumentMeta.model_validate(
        {
            "title": "Safeguarding in schools",
            "owner": "Westmere Partnership",
            "status": "consultation",
            "version": "1.2",
            "review_date": "2027-03-31",
            "statutory_basis": ["Education Act 2002 (section 175)"],
            "audiences": ["practitioners", "young-people"],
            "lead_officer": "Head of Safeguarding",
        }
    )
    document = Document(
        slug="schools",
        meta=meta,
        blocks=[
            Heading.model_validate({"level": 1, "id": "roles", "spans": [{"text": "Roles"}]}),
            Paragraph(spans=[Span(text="The lead takes the lead.")]),
        ],
    )
    back = read_docx(render_docx_bytes(document), slug="schools").document.meta
    assert back.model_dump() == meta.model_dump()
    assert back.model_extra == {"lead_officer": "Head of Safeguarding"}
