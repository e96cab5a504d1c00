"""The lead's view of the portal (login, responses by audience and section, late items)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the lead's routes on ``app``."""
