"""Redlines: block alignment, word diff, attribution by commit, Word and HTML output.

The package can be called as the service itself, so that ``coproduce.redline(repo, slug, ...)``
reads as the documented API while ``coproduce.redline.align`` and friends stay submodules.
"""

import sys
from types import ModuleType
from typing import Any

from coproduce.redline.service import Redline, redline

__all__ = ["Redline", "redline"]


class _CallablePackage(ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Redline:
        return redline(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
