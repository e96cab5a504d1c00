"""Word comments: written on any passage (changed text too) with replies and resolved flags,
read back from any .docx, and anchored by quoting the passage.

Modules: ``writer`` (add a comment, mark it resolved), ``reader`` (every comment of a file)
and ``passage`` (the runs that show a quote).
"""

from coproduce.docx.comments.passage import find_passage
from coproduce.docx.comments.reader import CommentRecord, read_comments
from coproduce.docx.comments.writer import Anchorable, CommentRef, add_comment, set_resolved

__all__ = [
    "Anchorable",
    "CommentRecord",
    "CommentRef",
    "add_comment",
    "find_passage",
    "read_comments",
    "set_resolved",
]
