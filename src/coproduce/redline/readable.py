"""The readability rule: when two versions of a paragraph are shown as word edits.

A pair of paragraphs is shown as edits inside one paragraph only when a reader can follow
them: the words kept are at least half of the shorter version's words, and the edits do not
alternate with the kept words more than a few times per sentence. Otherwise the old paragraph
is deleted whole and the new one inserted whole, which reads as "this was replaced" instead of
a weave of both. ``docs/redline.md`` gives the rule with examples.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from coproduce.redline.change import ParagraphChange

KEEP = 0.5
"""Share of the shorter version's words that must be kept for word-level edits."""
SWITCHES_PER_SENTENCE = 3
"""Short kept islands between edits allowed per sentence before the weave is unreadable."""
ISLAND_WORDS = 2
"""A kept stretch of at most this many words between two edits is an island, not a landmark."""

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?;:](?:\s|$)")


def words(text: str) -> list[str]:
    """Return the words of ``text`` (letters and digits; punctuation and spaces are not words)."""
    return _WORD.findall(text)


def pair_score(base: Sequence[int], proposed: Sequence[int], *, keep: float = KEEP) -> float:
    """Return how well two paragraphs' words pair (0: not at all), from interned word ids.

    The score is the Dice share of kept words (twice the kept words over both lengths); it is
    0 when the kept words are under ``keep`` (:data:`KEEP`) of the shorter version, where the
    pair is not shown as edits. Two paragraphs without words score 1.
    """
    shorter = min(len(base), len(proposed))
    total = len(base) + len(proposed)
    if not shorter:
        return 1.0 if not total else 0.0
    limit = total - 2 * max(1, math.ceil(keep * shorter))
    distance = Indel.distance(base, proposed, score_cutoff=limit)
    if distance > limit:
        return 0.0
    return (total - distance) / total


@dataclass(frozen=True)
class Weight:
    """What a reader weighs in word edits across one replace, split or merge."""

    kept: int
    """Words kept (shown unmarked), islands included."""
    old: int
    """Words of the old version."""
    new: int
    """Words of the new version."""
    islands: int
    """Kept stretches of at most :data:`ISLAND_WORDS` words with an edit on each side."""
    island_words: int
    """Words in those islands."""
    sentences: int
    """Sentences in the version that has more of them (at least 1)."""

    def keeps_enough(self, *, islands_count: bool = False) -> bool:
        """Return whether the kept words (islands left out, unless ``islands_count``) are at
        least :data:`KEEP` of the shorter version's words."""
        shorter = min(self.old, self.new)
        kept = self.kept if islands_count else self.kept - self.island_words
        return not shorter or kept >= KEEP * shorter

    def weaves(self) -> bool:
        """Return whether there are more than :data:`SWITCHES_PER_SENTENCE` islands a sentence."""
        return self.islands > SWITCHES_PER_SENTENCE * self.sentences


def weigh(paragraphs: Sequence[ParagraphChange]) -> Weight:
    """Return the words kept and changed, and the islands, of word edits across ``paragraphs``.

    ``paragraphs`` are the output paragraphs of one replace, split or merge (one stream).
    """
    kept = old = new = 0
    islands = island_words = 0
    sentences = [0, 0]
    edited = False  # an edit came before the current kept stretch
    stretch = 0  # words in the kept stretch since the last edit
    for paragraph in paragraphs:
        for op in paragraph.ops:
            base_n = len(words(op.base_text))
            new_n = len(words(op.proposed_text))
            if op.kind in ("equal", "format"):
                kept += base_n
                old += base_n
                new += new_n
                stretch += base_n
                continue
            if not (base_n or new_n):
                continue  # punctuation or spaces only: not an edit a reader weighs
            old += base_n
            new += new_n
            if edited and 0 < stretch <= ISLAND_WORDS:
                islands += 1
                island_words += stretch
            edited, stretch = True, 0
        sentences[0] += len(_SENTENCE_END.findall(_side(paragraph, "base")))
        sentences[1] += len(_SENTENCE_END.findall(_side(paragraph, "proposed")))
    return Weight(kept, old, new, islands, island_words, max(1, *sentences))


def is_readable(paragraphs: Sequence[ParagraphChange]) -> bool:
    """Return whether word edits across ``paragraphs`` pass the readability rule.

    ``paragraphs`` are the output paragraphs of one replace, split or merge (one stream).
    Kept words count as landmarks unless they are an island: a stretch of at most
    :data:`ISLAND_WORDS` words with edits on both sides, which a reader cannot hold on to.
    """
    weight = weigh(paragraphs)
    return weight.keeps_enough() and not weight.weaves()


def _side(paragraph: ParagraphChange, side: str) -> str:
    if side == "base":
        return "".join(op.base_text for op in paragraph.ops if op.kind != "insert")
    return "".join(op.proposed_text for op in paragraph.ops if op.kind != "delete")
