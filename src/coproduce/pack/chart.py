"""The participation chart: invited, responded and outcomes by audience, as a PNG and in words.

Drawn with Pillow: one small, well-kept imaging library (no numpy, no font cache, about a
tenth of matplotlib's install) is enough for two panels of horizontal bars, and it is the only
module that imports it. Colours are the Okabe–Ito palette, readable with colour blindness, and
every bar carries its number so the chart does not rely on colour alone.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

WIDTH, ROW, GAP, LEFT, RIGHT, TITLE = 1200, 26, 18, 230, 170, 44
PEOPLE = {"invited": (0, 114, 178), "responded": (230, 159, 0)}
OUTCOME_COLOURS = [
    (0, 158, 115), (86, 180, 233), (213, 94, 0), (204, 121, 167),
    (240, 228, 66), (128, 128, 128), (0, 0, 0), (180, 180, 180),
]  # fmt: skip


@dataclass
class Participation:
    """Invited and responded people, and items by outcome, for one audience."""

    audience: str
    invited: int = 0
    responded: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def describe(rows: list[Participation]) -> str:
    """Return the chart's text alternative: every number it shows, in sentences."""
    parts = []
    for row in rows:
        items = sum(row.outcomes.values())
        detail = ", ".join(f"{n} {label}" for label, n in row.outcomes.items() if n)
        parts.append(
            f"{row.audience}: {row.invited} invited, {row.responded} responded, "
            f"{items} items ({detail or 'none'})."
        )
    return "Participation by audience. " + " ".join(parts)


def draw_chart(rows: list[Participation], labels: list[str]) -> bytes:
    """Return a PNG with people (invited, responded) and items by outcome, per audience."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=18)
    bold = ImageFont.load_default(size=22)
    people_h = len(rows) * (2 * ROW + GAP)
    items_h = len(rows) * (ROW + GAP)
    legend_h = 2 * ROW + 10
    height = TITLE + people_h + TITLE + items_h + legend_h + 20
    image = Image.new("RGB", (WIDTH, height), "white")
    pen = ImageDraw.Draw(image)
    span = WIDTH - LEFT - RIGHT
    y = 10
    pen.text((10, y), "People invited and who responded", fill="black", font=bold)
    y += TITLE
    most = max([1, *(max(r.invited, r.responded) for r in rows)])
    for row in rows:
        pen.text((10, y + ROW // 2), row.audience, fill="black", font=font)
        for key in ("invited", "responded"):
            value = getattr(row, key)
            length = int(span * value / most)
            pen.rectangle((LEFT, y, LEFT + length, y + ROW - 4), fill=PEOPLE[key])
            pen.text((LEFT + length + 6, y), f"{value} {key}", fill="black", font=font)
            y += ROW
        y += GAP
    pen.text((10, y), "Feedback items by outcome", fill="black", font=bold)
    y += TITLE
    most = max([1, *(sum(r.outcomes.values()) for r in rows)])
    for row in rows:
        pen.text((10, y), row.audience, fill="black", font=font)
        x = LEFT
        for index, label in enumerate(labels):
            value = row.outcomes.get(label, 0)
            length = int(span * value / most)
            colour = OUTCOME_COLOURS[index % len(OUTCOME_COLOURS)]
            pen.rectangle((x, y, x + length, y + ROW - 4), fill=colour)
            x += length
        pen.text((x + 6, y), str(sum(row.outcomes.values())), fill="black", font=font)
        y += ROW + GAP
    x = 10
    for index, label in enumerate(labels):
        colour = OUTCOME_COLOURS[index % len(OUTCOME_COLOURS)]
        if x + 40 + pen.textlength(label, font=font) > WIDTH:
            x, y = 10, y + ROW
        pen.rectangle((x, y + 2, x + 18, y + 20), fill=colour, outline="black")
        pen.text((x + 24, y), label, fill="black", font=font)
        x += int(40 + pen.textlength(label, font=font))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def participation(
    audiences: list[str],
    invited: Mapping[str, int],
    responded: Mapping[str, int],
    outcomes: Mapping[str, Mapping[str, int]],
) -> list[Participation]:
    """Return one row per audience (those with anyone invited or any item)."""
    names = [a for a in audiences] + sorted(set(outcomes) - set(audiences))
    return [
        Participation(a, invited.get(a, 0), responded.get(a, 0), dict(outcomes.get(a, {})))
        for a in names
        if invited.get(a) or outcomes.get(a)
    ]
