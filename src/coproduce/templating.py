"""Jinja2 environments that look in the user's templates before the built-in ones."""

from __future__ import annotations

from pathlib import Path

import jinja2

from coproduce.resources import builtin_templates_dir

__all__ = ["builtin_templates_dir", "template_env"]


def template_env(*, overrides: Path | None = None) -> jinja2.Environment:
    """Return an environment searching ``overrides`` (if it exists) before the built-ins."""
    search = [str(p) for p in (overrides, builtin_templates_dir()) if p is not None and p.is_dir()]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "html.j2"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
