"""Where the built-in resources live: templates and the sample guidance."""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def builtin_templates_dir() -> Path:
    """Return the folder of built-in templates (``templates/`` of the checkout)."""
    return Path(os.environ.get("COPRODUCE_TEMPLATES", CHECKOUT / "templates"))


def sample_guidance_dir() -> Path:
    """Return the folder of sample guidance the demo runs on (``guidance/`` of the checkout)."""
    return Path(os.environ.get("COPRODUCE_SAMPLES", CHECKOUT / "guidance"))


def reference_docx() -> Path:
    """Return the built-in Word reference file whose styles renders use."""
    return builtin_templates_dir() / "reference.docx"
