"""The comment portal: participants answer from their personal link; leads watch responses.

Server-rendered pages (FastAPI + jinja2), complete without JavaScript. Every submission goes
through the durable intake (``review.intake``) and is recorded in git in process.
"""

from __future__ import annotations

from coproduce.channels.portal.app import Limits, create_app, create_default_app

__all__ = ["Limits", "create_app", "create_default_app"]
