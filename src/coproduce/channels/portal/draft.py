"""A participant's draft: what they typed, read from the form, checked, and turned into
submissions for intake (one per comment, suggestion and answer, and the general comment)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from coproduce.channels.portal.view import PageView
from coproduce.review.intake import MAX_TEXT
from coproduce.review.submission import Submission

Consent = Literal["named", "anonymous", "withhold"]
CONSENT_LABELS: dict[str, str] = {
    "named": "You can use my name with my words",
    "anonymous": "Use my words, but not my name",
    "withhold": "Do not publish my words",
}


class Draft(BaseModel):
    """What one participant has typed so far; kept server-side against their link."""

    comments: dict[str, str] = Field(default_factory=dict)
    suggestions: dict[str, str] = Field(default_factory=dict)
    answers: dict[str, str] = Field(default_factory=dict)
    general: str = ""
    consent: Consent | None = None
    nonce: str = ""
    sent: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    files: dict[str, dict[str, Any]] = Field(default_factory=dict)  # Word files, by reference

    def is_empty(self) -> bool:
        """Return whether there is nothing to send."""
        return not (self.comments or self.suggestions or self.answers or self.general)


@dataclass(frozen=True)
class FieldError:
    """One problem with the form: the field it is about (its id) and a plain message."""

    field: str
    message: str


def _clean(value: object) -> str:
    text = value if isinstance(value, str) else ""
    # Normalise line ends; drop NUL and other controls a browser never sends in a textarea.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or c >= " ").strip()


def read_form(form: Mapping[str, object], view: PageView, draft: Draft) -> list[FieldError]:
    """Fill ``draft`` from the page's form fields; return what is wrong (too long, bad choice)."""
    errors: list[FieldError] = []

    def take(name: str) -> str:
        text = _clean(form.get(name, ""))
        if len(text) > MAX_TEXT:
            errors.append(FieldError(name, f"Write {MAX_TEXT:,} characters or fewer"))
            return text[:MAX_TEXT]
        return text

    draft.comments, draft.suggestions, draft.answers = {}, {}, {}
    for section in view.sections:
        if comment := take(f"comment-{section.id}"):
            draft.comments[section.id] = comment
        suggested = take(f"suggest-{section.id}")
        if suggested and suggested != section.text.strip() and not view.youth:
            draft.suggestions[section.id] = suggested
    for question in view.questions:
        if answer := take(f"answer-{question.id}"):
            draft.answers[question.id] = answer
    draft.general = take("general-comment")
    consent = form.get("consent")
    if view.minor:
        draft.consent = "anonymous"
    elif consent in CONSENT_LABELS:
        draft.consent = consent  # type: ignore[assignment]
    elif consent:
        errors.append(FieldError("consent", "Choose how we may use your words"))
    return errors


def check_ready(draft: Draft, view: PageView) -> list[FieldError]:
    """Return what stops the draft being sent: nothing written, no consent choice."""
    errors: list[FieldError] = []
    if draft.is_empty():
        first = view.sections[0].id if view.sections else None
        errors.append(
            FieldError(
                f"comment-{first}" if first else "general-comment",
                "Write a comment, an answer or a suggestion to send",
            )
        )
    if draft.consent is None and not view.minor:
        errors.append(FieldError("consent-named", "Choose how we may use your words"))
    return errors


def iter_submissions(draft: Draft, view: PageView) -> list[Submission]:
    """Return the submissions the draft makes, in page order (intake keys use the order)."""
    pid = view.person.id
    quote = draft.consent != "withhold"
    out: list[Submission] = []
    asked: set[str] = set()
    for section in view.sections:
        target = section.parent
        comment = draft.comments.get(section.id, "")
        suggested = draft.suggestions.get(section.id)
        if suggested:
            out.append(
                Submission(
                    participant=pid, channel="portal", section=target, kind="suggestion",
                    text=comment or "Suggested wording", suggestion=suggested,
                    consent_to_quote=quote,
                )
            )  # fmt: skip
        elif comment:
            out.append(
                Submission(
                    participant=pid, channel="portal", section=target,
                    kind="comment", text=comment,
                    consent_to_quote=quote,
                )
            )  # fmt: skip
        for question in view.questions_for(target) if target else []:
            if (answer := draft.answers.get(question.id)) and question.id not in asked:
                asked.add(question.id)
                out.append(_answer(pid, question.id, target, answer, quote))
    for question in view.questions_for(None):
        if (answer := draft.answers.get(question.id)) and question.id not in asked:
            out.append(_answer(pid, question.id, None, answer, quote))
    if draft.general:
        out.append(
            Submission(
                participant=pid, channel="portal", kind="comment", text=draft.general,
                consent_to_quote=quote,
            )
        )  # fmt: skip
    return out


def _answer(pid: str, question: str, section: str | None, text: str, quote: bool) -> Submission:
    return Submission(
        participant=pid, channel="portal", section=section, kind="answer", question=question,
        text=text, consent_to_quote=quote,
    )  # fmt: skip
