import datetime as dt

from coproduce.document import map_twin, parse_markdown, stale_sections

PARENT = """---
title: Protocol
---

## Purpose {#purpose}

## Recognising exploitation {#recognising}

### Online harm {#online}

## Roles {#roles}
"""

TWIN = """---
title: Young people's version
twin_of: protocol
sections:
  who-helps: roles
---

## Why this matters {#purpose}

## Signs {#recognising}

## Who helps {#who-helps}

## Extra bit
"""

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def documents() -> tuple:
    return parse_markdown(PARENT, slug="protocol"), parse_markdown(TWIN, slug="protocol-yp")


def test_twin_sections_pair_by_explicit_id_or_front_matter() -> None:
    mapping = map_twin(*documents())
    assert [(p.twin, p.parent, p.covers) for p in mapping.pairs] == [
        ("purpose", "purpose", ["purpose"]),
        ("recognising", "recognising", ["recognising", "online"]),
        ("who-helps", "roles", ["roles"]),
    ]
    assert mapping.twin_sections_for("online") == ["recognising"]


def test_twin_sections_without_a_parent_are_problems() -> None:
    mapping = map_twin(*documents())
    assert mapping.unmatched_twin == ["extra-bit"]
    assert mapping.problems == ["twin section 'extra-bit' has no parent section"]
    assert mapping.unmatched_parent == []


def test_parent_sections_without_a_twin_are_listed() -> None:
    parent, twin = documents()
    twin = parse_markdown(TWIN.replace("## Signs {#recognising}", "## Signs"), slug="yp")
    mapping = map_twin(parent, twin)
    assert mapping.unmatched_parent == ["recognising", "online"]


def test_a_twin_of_another_document_is_a_problem() -> None:
    parent, _ = documents()
    other = parse_markdown("---\ntitle: T\ntwin_of: elsewhere\n---\n", slug="t")
    assert map_twin(parent, other).problems == ["twin_of is 'elsewhere', expected 'protocol'"]


def test_a_twin_section_is_stale_when_its_parent_or_a_subsection_changed_later() -> None:
    mapping = map_twin(*documents())
    parent_changed = {"purpose": T0, "online": T0 + dt.timedelta(days=3), "roles": T0}
    twin_changed = {"purpose": T0 + dt.timedelta(days=1), "recognising": T0 + dt.timedelta(days=1)}
    assert stale_sections(mapping, parent_changed, twin_changed) == ["recognising", "who-helps"]
