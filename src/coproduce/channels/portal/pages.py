"""Render portal pages from jinja2 templates (``portal/*.html.j2``; the user's own first)."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

from coproduce.templating import template_env


class Pages:
    """The portal's templates: every value escaped, every name required (StrictUndefined)."""

    def __init__(self, overrides: Any = None) -> None:
        self.env: jinja2.Environment = template_env(overrides=overrides)
        self.env.autoescape = True  # every portal page is HTML, whatever its name
        # Loaded once per process: a served portal does not look at the template files again
        # on every page (restart it after changing a template).
        self.env.auto_reload = False

    def render(self, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        """Return the page ``portal/<name>.html.j2`` as an HTML response."""
        context.setdefault("page_title", "")
        context.setdefault("errors", [])
        context["errs"] = {e.field: e.message for e in context["errors"]}
        html = self.env.get_template(f"portal/{name}.html.j2").render(**context)
        return HTMLResponse(html, status_code=status)
