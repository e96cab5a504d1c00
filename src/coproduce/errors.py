"""The few named errors coproduce raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from collections.abc import Iterable


class CoproduceError(Exception):
    """Base of every error a user can cause and fix; the message is one clear line."""

    exit_code = 1

    def __init__(self, message: str, *, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message)

    def render(self) -> str:
        """Return the message, followed by one line per problem when there are several."""
        lines = [str(self)]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


class NotFoundError(CoproduceError):
    """A document, revision, cycle, participant or file that does not exist."""

    exit_code = 3


class InvalidInputError(CoproduceError):
    """Input that cannot be accepted: a bad file, bad front matter, invalid settings or data."""

    exit_code = 2


class ConflictError(CoproduceError):
    """The request clashes with current state: duplicate slug, uncommitted changes, open cycle."""

    exit_code = 4


class StateError(CoproduceError):
    """A transition the review cycle's state machine does not allow."""

    exit_code = 5


class DeliveryError(CoproduceError):
    """A message could not be delivered (after retries)."""

    exit_code = 6
