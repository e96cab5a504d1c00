"""The cover paper for the board: a jinja2 template (users may override it) rendered to
Markdown, then written as a Word file in the reference styles and as an HTML page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from coproduce.document import parse_markdown, render_html
from coproduce.errors import InvalidInputError
from coproduce.pack.chart import Participation

TEMPLATE = "pack/cover-paper.md.j2"
CHART_MARKER = "PARTICIPATION-CHART"
CHART_FILE = "participation-chart.png"
# Only what Markdown would act on: fewer escapes keep a 2,000-row log quick to parse.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&$])")
_DETAILS = re.compile(r'<dl class="document-meta".*?</dl>\s*', re.S)
_LEADING = re.compile(r"^([-+=]|\d+[.)])")


def md(value: Any) -> str:
    """Return text as one line of Markdown that reads back as exactly that text."""
    text = _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def yaml_string(value: Any) -> str:
    """Return text safe inside a double-quoted YAML string."""
    return " ".join(str(value).split()).replace("\\", "\\\\").replace('"', '\\"')


@dataclass
class Cover:
    """The cover paper in both forms."""

    docx: bytes
    html: str
    markdown: str


def render_cover(
    context: Mapping[str, Any],
    *,
    chart_png: bytes,
    chart_text: str,
    overrides: Path | None,
    reference: Path | None,
) -> Cover:
    """Render the cover paper from ``context`` with the chart in place of its marker."""
    from coproduce.docx.picture import render_docx_with_pictures
    from coproduce.templating import template_env

    # Markdown heading ids ({#purpose}) read as Jinja comments: comments are {## ... ##} here.
    env = template_env(overrides=overrides).overlay(
        comment_start_string="{##", comment_end_string="##}"
    )
    env.filters["md"] = md
    env.filters["yaml"] = yaml_string
    try:
        text = env.get_template(TEMPLATE).render(
            **context, chart_marker=CHART_MARKER, chart_text=chart_text
        )
    except jinja2.TemplateError as e:
        where = f" (line {e.lineno})" if isinstance(e, jinja2.TemplateSyntaxError) else ""
        raise InvalidInputError(f"the cover paper template {TEMPLATE}{where}: {e}") from e
    document = parse_markdown(text, slug="cover-paper")
    docx = render_docx_with_pictures(
        document, {CHART_MARKER: (chart_png, chart_text)}, reference=reference, details=False
    )
    figure = Markup(
        '<figure><img src="{src}" alt="{alt}" style="max-width:100%"><figcaption>{alt}'
        "</figcaption></figure>"
    ).format(src=CHART_FILE, alt=chart_text)
    html = render_html(document, overrides=overrides).replace(f"<p>{CHART_MARKER}</p>", figure)
    html = _DETAILS.sub("", html, count=1)
    return Cover(docx=docx, html=html, markdown=text)


def participation_rows(rows: list[Participation]) -> list[dict[str, Any]]:
    """Return the participation table rows."""
    return [
        {
            "audience": r.audience,
            "invited": r.invited,
            "responded": r.responded,
            "item_count": sum(r.outcomes.values()),
        }
        for r in rows
    ]
