"""Generate a synthetic pair of guidance versions (our own words) for redline benchmarks.

The proposed version differs from the base like a real review round: about 5% of paragraphs
edited word by word, 1% inserted, 1% deleted, 0.5% moved, and a few table cells changed.

    python bench/generate.py --words 50000 --out /tmp/pair
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import cast

SUBJECTS = [
    "the practitioner", "the designated lead", "a youth worker", "the school", "the partnership",
    "the social worker", "a health visitor", "the duty team", "the young person", "the carer",
]  # fmt: skip
VERBS = [
    "records", "shares", "reviews", "agrees", "explains", "checks", "escalates", "confirms",
    "considers", "notes", "discusses", "updates",
]  # fmt: skip
OBJECTS = [
    "the concern", "the plan", "each decision", "the referral", "what was said", "the risk",
    "any missing episode", "the return interview", "the safety plan", "the chronology",
]  # fmt: skip
TAILS = [
    "on the same day", "within one working day", "with the family where safe",
    "before the strategy meeting", "in plain language", "when anything changes",
    "at every review", "unless doing so would increase the risk", "with consent where possible",
]  # fmt: skip
EXTRA = ["promptly", "carefully", "together", "openly", "in writing", "without delay"]


def sentence(rng: random.Random) -> str:
    """Return one sentence of synthetic guidance prose."""
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    """Return a paragraph of three to six sentences."""
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def table(rng: random.Random, n: int) -> list[list[str]]:
    """Return a small contacts table (header row first)."""
    rows = [["Role", "Contact", "Hours"]]
    for k in range(rng.randint(3, 5)):
        rows.append([f"{rng.choice(SUBJECTS).title()} {n}-{k}", f"0100 {n:03d} {k:03d}", "9-5"])
    return rows


def build_blocks(words: int, seed: int) -> list[tuple[str, object]]:
    """Return (kind, content) blocks: headings, paragraphs and tables, ``words`` words in all."""
    rng = random.Random(seed)
    blocks: list[tuple[str, object]] = []
    count, section = 0, 0
    while count < words:
        section += 1
        title = f"Section {section}: {rng.choice(OBJECTS)}"
        blocks.append(("heading", title))
        count += len(title.split())
        for _ in range(rng.randint(4, 9)):
            text = paragraph(rng)
            blocks.append(("paragraph", text))
            count += len(text.split())
        if section % 12 == 0:
            rows = table(rng, section)
            blocks.append(("table", rows))
            count += sum(len(c.split()) for r in rows for c in r)
    return blocks


def edit_words(text: str, rng: random.Random) -> str:
    """Return ``text`` with a few words replaced, inserted or removed."""
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(words))
        action = rng.random()
        if action < 0.4:
            words[at] = rng.choice(EXTRA)
        elif action < 0.8:
            words.insert(at, rng.choice(EXTRA))
        elif len(words) > 4:
            del words[at]
    return " ".join(words)


def propose(blocks: list[tuple[str, object]], seed: int) -> list[tuple[str, object]]:
    """Return an edited copy of ``blocks`` (5% edited, 1% inserted/deleted, 0.5% moved)."""
    rng = random.Random(seed + 1)
    out: list[tuple[str, object]] = []
    moved: list[tuple[str, object]] = []
    tables_edited = 0
    for kind, content in blocks:
        roll = rng.random()
        if kind == "paragraph":
            if roll < 0.01:
                continue
            if roll < 0.015:
                moved.append((kind, content))
                continue
            if roll < 0.065:
                content = edit_words(str(content), rng)
        elif kind == "table" and tables_edited < 3:
            rows = [list(r) for r in cast(list[list[str]], content)]
            rows[1][2] = "24 hours"
            tables_edited += 1
            content = rows
        out.append((kind, content))
        if kind == "paragraph" and rng.random() < 0.01:
            out.append(("paragraph", paragraph(rng)))
        if moved and rng.random() < 0.05:
            out.append(moved.pop())
    out.extend(moved)
    return out


def to_markdown(blocks: list[tuple[str, object]], *, title: str, version: str) -> str:
    """Return the blocks as guidance Markdown with front matter."""
    lines = [f"---\ntitle: {title}\nowner: Bench partnership\nversion: '{version}'\n---\n"]
    for kind, content in blocks:
        if kind == "heading":
            lines.append(f"## {content}\n")
        elif kind == "paragraph":
            lines.append(f"{content}\n")
        else:
            rows = cast(list[list[str]], content)
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
            lines.append("")
    return "\n".join(lines)


def generate(words: int, *, seed: int = 7) -> tuple[str, str]:
    """Return (base, proposed) Markdown of about ``words`` words."""
    base = build_blocks(words, seed)
    title = f"Synthetic safeguarding protocol ({words} words)"
    return (
        to_markdown(base, title=title, version="1.0"),
        to_markdown(propose(base, seed), title=title, version="1.1"),
    )


def history(base: str, proposed: str, commits: int) -> list[str]:
    """Return the texts of ``commits`` commits leading from ``base`` to ``proposed``.

    The line edits between the two are shared out in document order: commit k makes the
    k-th share of them, so every commit touches its own stretch of the document.
    """
    from rapidfuzz.distance import Indel

    old, new = base.splitlines(keepends=True), proposed.splitlines(keepends=True)
    ids: dict[str, int] = {}
    edits = [
        op
        for op in Indel.opcodes(
            [ids.setdefault(x, len(ids)) for x in old], [ids.setdefault(x, len(ids)) for x in new]
        )
        if op.tag != "equal"
    ]
    texts = []
    for k in range(1, commits + 1):
        lines: list[str] = []
        at = 0
        for op in edits[: len(edits) * k // commits]:
            lines += old[at : op.src_start] + new[op.dest_start : op.dest_end]
            at = op.src_end
        texts.append("".join(lines + old[at:]))
    return texts


def main() -> None:
    """Write base.md and proposed.md to the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base, proposed = generate(args.words, seed=args.seed)
    (args.out / "base.md").write_text(base, encoding="utf-8")
    (args.out / "proposed.md").write_text(proposed, encoding="utf-8")


if __name__ == "__main__":
    main()
