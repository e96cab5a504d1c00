from __future__ import annotations

import pytest

from coproduce.errors import InvalidInputError
from coproduce.store.paths import check_relpath, document_relpath, find_root, slug_of


@pytest.mark.parametrize(
    ("relpath", "slug"),
    [
        ("guidance/escalation.md", "escalation"),
        ("guidance/escalation.young-people.md", None),
        ("guidance/README.md", None),
        ("guidance/deeper/escalation.md", None),
        ("reviews/escalation.md", None),
        ("guidance/escalation.txt", None),
    ],
)
def test_only_guidance_markdown_with_a_valid_slug_is_a_document(relpath, slug):
    assert slug_of(relpath) == slug


@pytest.mark.parametrize("slug", ["../etc", "Upper", "", "a/b", "-lead"])
def test_a_bad_slug_is_refused_before_it_becomes_a_path(slug):
    with pytest.raises(InvalidInputError, match="invalid slug"):
        document_relpath(slug)


def test_relative_paths_are_normalised_and_escapes_refused():
    assert check_relpath("./reviews//c1/./cycle.yaml") == "reviews/c1/cycle.yaml"
    assert check_relpath("reviews\\c1\\cycle.yaml") == "reviews/c1/cycle.yaml"
    for bad in ("", ".", "/abs", "../up", "reviews/../../up", ".git/HEAD"):
        with pytest.raises(InvalidInputError):
            check_relpath(bad)


def test_find_root_walks_up_to_the_folder_holding_coproduce_toml(tmp_path):
    root = tmp_path / "repo"
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    (root / "coproduce.toml").write_text("")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    assert find_root(deep) == root.resolve()
    assert find_root(elsewhere) is None
