"""Render portal pages from jinja2 templates (``portal/*.html.j2``; the user's own first)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import jinja2
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from coproduce.templating import template_env

FRAGMENTS = 2048  # rendered fragments a process remembers (a few KB each)


class Pages:
    """The portal's templates: every value escaped, every name required (StrictUndefined)."""

    def __init__(self, overrides: Any = None) -> None:
        self.env: jinja2.Environment = template_env(overrides=overrides)
        self.env.autoescape = True  # every portal page is HTML, whatever its name
        # Loaded once per process: a served portal does not look at the template files again
        # on every page (restart it after changing a template).
        self.env.auto_reload = False
        self._fragments: OrderedDict[Hashable, Markup] = OrderedDict()
        self._guard = threading.Lock()

    def render(self, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        """Return the page ``portal/<name>.html.j2`` as an HTML response."""
        context.setdefault("page_title", "")
        context.setdefault("errors", [])
        context["errs"] = {e.field: e.message for e in context["errors"]}
        html = self.env.get_template(f"portal/{name}.html.j2").render(**context)
        return HTMLResponse(html, status_code=status)

    def fragment(self, name: str, key: Hashable, **context: Any) -> Markup:
        """Return ``portal/<name>.html.j2`` rendered with ``context``, remembered under ``key``.

        ``key`` must stand for everything in ``context`` the template reads (the least
        recently used of ``FRAGMENTS`` are forgotten). A page of forty sections, most of
        them as every participant first sees them, is then put together rather than
        rendered section by section on every request.
        """
        full = (name, key)
        with self._guard:
            found = self._fragments.get(full)
            if found is not None:
                self._fragments.move_to_end(full)
                return found
        html = Markup(self.env.get_template(f"portal/{name}.html.j2").render(**context))
        with self._guard:
            self._fragments[full] = html
            if len(self._fragments) > FRAGMENTS:
                self._fragments.popitem(last=False)
        return html
