"""Pack tests build real packs from a scenario: a real repository, register and feedback."""

from tests.review.conftest import isolated_env

__all__ = ["isolated_env"]
