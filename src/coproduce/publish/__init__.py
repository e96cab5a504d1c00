"""Publishing an approved version: clean Word, HTML and PDF in ``published/<slug>/v<version>/``."""

from coproduce.publish.render import render_edition
from coproduce.publish.shelf import PUBLISHED, Edition, copy_shelf, read_index, shelve

__all__ = ["PUBLISHED", "Edition", "copy_shelf", "read_index", "render_edition", "shelve"]
