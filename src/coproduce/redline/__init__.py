"""Redlines: block alignment, word diff, attribution by commit, Word and HTML output."""

from coproduce.redline.service import Redline, redline

__all__ = ["Redline", "redline"]
