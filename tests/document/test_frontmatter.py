import datetime as dt

import pytest

from coproduce.document import parse_markdown, render_markdown
from coproduce.errors import InvalidInputError


def test_front_matter_becomes_metadata_with_extras_kept_in_order() -> None:
    text = (
        "---\ntitle: Missing from care\nowner: Safeguarding partnership\nversion: 1.10\n"
        "review_date: 2027-01-31\nstatutory_basis: [Children Act 1989]\nlocal_ref: WSCP-7\n"
        "---\n\nBody.\n"
    )
    meta = parse_markdown(text, slug="missing").meta
    assert meta.version == "1.10"
    assert meta.review_date == dt.date(2027, 1, 31)
    assert meta.statutory_basis == ["Children Act 1989"]
    assert meta.model_extra == {"local_ref": "WSCP-7"}


def test_front_matter_is_written_in_model_order_then_extras() -> None:
    text = (
        "---\nlocal_ref: WSCP-7\nreview_date: 2027-01-31\nversion: '2.0'\ntitle: Missing\n"
        "---\n\nBody.\n"
    )
    rendered = render_markdown(parse_markdown(text, slug="missing"))
    assert rendered.startswith(
        "---\ntitle: Missing\nversion: '2.0'\nreview_date: 2027-01-31\nlocal_ref: WSCP-7\n---\n"
    )


def test_every_front_matter_problem_is_reported_at_once() -> None:
    text = "---\nowner: Someone\nstatus: pending\nversion: one\n---\n\nBody.\n"
    with pytest.raises(InvalidInputError) as caught:
        parse_markdown(text, slug="missing")
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("title: Field required")
    assert problems[1].startswith("status: Input should be")
    assert problems[2].startswith("version: String should match pattern")


def test_malformed_yaml_names_the_line() -> None:
    text = "---\ntitle: Fine\nowner: [unclosed\nstatus: draft\n---\n\nBody.\n"
    with pytest.raises(InvalidInputError) as caught:
        parse_markdown(text, slug="missing")
    assert str(caught.value) == "front matter is not valid YAML"
    assert caught.value.problems[0].startswith("line 4: YAML error:")


def test_front_matter_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_markdown("---\n- just\n- a list\n---\n\nBody.\n", slug="missing")
    assert caught.value.problems == [
        "line 2: front matter must be a mapping of keys to values, not a list"
    ]


def test_unclosed_front_matter_is_refused() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_markdown("---\ntitle: Never closed\n\nBody.\n", slug="missing")
    assert "never closed" in caught.value.problems[0]
