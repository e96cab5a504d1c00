"""Where the built-in resources live: templates, the sample guidance and the flow files.

They are top-level folders of the checkout (``templates/``, ``guidance/``, ``flows/``) that ship
inside the package as ``coproduce._templates``, ``coproduce._guidance`` and ``coproduce._flows``
(see pyproject.toml), so ``importlib.resources`` finds them in a wheel install and in an
editable one alike. A user's own templates live in their guidance repository's ``templates/``
and are searched first (see ``coproduce.templating``); the variables below replace a whole
built-in folder and are meant for development.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

TEMPLATES_PACKAGE = "coproduce._templates"
GUIDANCE_PACKAGE = "coproduce._guidance"
FLOWS_PACKAGE = "coproduce._flows"


_OVERRIDES = {
    "templates": "COPRODUCE_TEMPLATES",
    "samples": "COPRODUCE_SAMPLES",
    "flows": "COPRODUCE_FLOWS",
}


def development_override(folder: str, env: Mapping[str, str] = os.environ) -> str | None:
    """Return the folder replacing a built-in one (templates, samples, flows), if one is set.

    For developing coproduce itself; users override single templates in their repository.
    """
    return env.get(_OVERRIDES[folder], "").strip() or None


def builtin_templates_dir() -> Path:
    """Return the folder of built-in templates (or COPRODUCE_TEMPLATES)."""
    return _folder(development_override("templates"), TEMPLATES_PACKAGE)


def sample_guidance_dir() -> Path:
    """Return the folder of sample guidance the demo runs on (or COPRODUCE_SAMPLES)."""
    return _folder(development_override("samples"), GUIDANCE_PACKAGE)


def flows_dir() -> Path:
    """Return the folder of flow files (or COPRODUCE_FLOWS)."""
    return _folder(development_override("flows"), FLOWS_PACKAGE)


def reference_docx() -> Path:
    """Return the built-in Word reference file whose styles renders use."""
    return builtin_templates_dir() / "reference.docx"


def _folder(override: str | None, package: str) -> Path:
    if override:
        return Path(override)
    # Installed from a wheel or editable, the package is a folder on disk: a real Path.
    return Path(str(files(package)))
