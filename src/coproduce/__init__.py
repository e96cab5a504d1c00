"""coproduce: co-produced guidance and strategy review, recorded in git.

``coproduce.redline(repo, slug, base=..., proposed=...)`` is loaded on first use, so that
importing coproduce stays cheap.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "redline":
        return import_module("coproduce.redline")
    raise AttributeError(f"module 'coproduce' has no attribute {name!r}")
