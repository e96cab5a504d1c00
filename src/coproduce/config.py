"""Settings: ``coproduce.toml`` in the guidance repository, overridden by ``COPRODUCE_*`` variables.

Every problem (TOML syntax, unknown keys, bad types, URLs, emails) is collected and reported in
one InvalidInputError, each line naming where the bad value came from.
"""

from __future__ import annotations

import os
import re
import textwrap
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from coproduce.defaults import CONFIG_FILE, DEFAULT_PORTAL_URL, DEFAULT_TIMEZONE, STATE_DIR_NAME
from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES, Audience, Person

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


class Settings(BaseModel):
    """Validated settings of one installation; build with ``load_settings``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    organisation_name: str = Field(
        default="", description="Name of the partnership or organisation, shown in outputs."
    )
    safeguarding_lead_email: str | None = Field(
        default=None, description="Who receives any disclosure of harm made in feedback."
    )
    disclosure_phrases: list[str] = Field(
        default_factory=list,
        description="Words and phrases that mark feedback as a possible disclosure of harm, added"
        " to the built-in list (matched whole-word, ignoring case).",
    )
    author_name: str | None = Field(
        default=None, description="Acting person's name for commits, when --author is not given."
    )
    author_email: str | None = Field(default=None, description="Acting person's email address.")
    portal_url: str = Field(
        default=DEFAULT_PORTAL_URL, description="Public address of the feedback portal."
    )
    smtp_url: str | None = Field(
        default=None,
        description="SMTP relay, e.g. smtps://host:465; unset writes .eml files to an outbox"
        " folder instead. Keep passwords out of git: put them in COPRODUCE_SMTP_URL.",
    )
    mail_from: str = Field(
        default="coproduce <noreply@localhost>", description="Sender of every message."
    )
    mail_rate_per_minute: int = Field(
        default=600, ge=1, description="Most messages sent per minute (politeness to the relay)."
    )
    reminder_days: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=lambda: [7, 2],
        description="Send reminders this many days before a review closes.",
    )
    next_update_days: int = Field(
        default=28,
        ge=1,
        description="After the board returns or rejects a draft, participants are told they will"
        " hear again within this many days (unless the decision names a date).",
    )
    publish_directory: Path | None = Field(
        default=None,
        description="Folder an approved version's files are copied to as well (e.g. a shared"
        " drive or a web server's folder); relative paths are taken from the repository root;"
        " unset: only published/ in the repository folder.",
    )
    timezone: str = Field(
        default=DEFAULT_TIMEZONE, description="Time zone for deadlines and dates in messages."
    )
    state_dir: Path = Field(
        default=Path(STATE_DIR_NAME),
        description="Folder for local state (register, outbox); git-ignored; relative paths are"
        " taken from the repository root.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the personal-data register; default SQLite in the state"
        " folder.",
    )
    remote: str | None = Field(
        default=None,
        description="Name of the git remote (e.g. origin) every command and worker fetches"
        " from before it reads the record and pushes to after it writes; unset: no remote.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key personal links are derived from; the same on every worker and portal"
        " process. Environment only (never in coproduce.toml, which is in git); unset: a key"
        " file made once in the state folder.",
    )
    prefect_idle_minutes: float = Field(
        default=30,
        gt=0,
        description="Stop the embedded Prefect server after this many minutes with no command"
        " or flow using it (the next command starts it again).",
    )
    audiences: list[Audience] = Field(
        default_factory=list, description="Audiences of your own, added to the built-in ones."
    )
    _database_explicit: bool = PrivateAttr(default=False)

    @field_validator("portal_url")
    @classmethod
    def _check_portal_url(cls, value: str) -> str:
        return _check_url(value, schemes=("http", "https"))

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value, schemes=("smtp", "smtps"))

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[a-z][a-z0-9+]*://", value):
            raise ValueError(f"not a database URL (e.g. sqlite:///register.db): {value!r}")
        return value

    @field_validator("author_email", "safeguarding_lead_email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"not an email address: {value!r}")
        return value

    @field_validator("mail_from")
    @classmethod
    def _check_mail_from(cls, value: str) -> str:
        if not _EMAIL.match(parseaddr(value)[1]):
            raise ValueError(f"not an address like 'Name <name@example.org>': {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/London)") from e
        return value

    @field_validator("audiences")
    @classmethod
    def _check_audiences(cls, value: list[Audience]) -> list[Audience]:
        seen = {a.id for a in BUILT_IN_AUDIENCES}
        for audience in value:
            if audience.id in seen:
                raise ValueError(f"audience id {audience.id!r} is already taken")
            seen.add(audience.id)
        return value

    @field_validator("remote")
    @classmethod
    def _check_remote(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", value):
            raise ValueError(f"not a git remote name (e.g. origin): {value!r}")
        return value or None

    @field_validator("secret_key")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("too short: use at least 32 random characters")
        return value

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        self._database_explicit = self.database_url is not None
        if self.database_url is None:
            self.database_url = f"sqlite:///{self.state_dir / 'register.sqlite3'}"
        return self

    @property
    def author(self) -> Person | None:
        """Return the configured acting person, if a name is set."""
        if not self.author_name:
            return None
        return Person(name=self.author_name, email=self.author_email or "")

    @property
    def database_explicit(self) -> bool:
        """Return whether the register's URL was configured (not the implicit SQLite file)."""
        return self._database_explicit

    @property
    def shared_register(self) -> bool:
        """Return whether the register is a database server (shared by many processes)."""
        return not str(self.database_url).startswith("sqlite")

    def all_audiences(self) -> list[Audience]:
        """Return the built-in audiences followed by the custom ones."""
        return [*BUILT_IN_AUDIENCES, *self.audiences]


@dataclass(frozen=True)
class _Key:
    section: str
    key: str
    field: str
    env: str | None
    example: str


_KEYS: tuple[_Key, ...] = (
    _Key("organisation", "name", "organisation_name", "COPRODUCE_ORGANISATION",
         '"Example Partnership"'),
    _Key("organisation", "safeguarding_lead_email", "safeguarding_lead_email",
         "COPRODUCE_SAFEGUARDING_LEAD_EMAIL", '"safeguarding@example.org"'),
    _Key("organisation", "disclosure_phrases", "disclosure_phrases",
         "COPRODUCE_DISCLOSURE_PHRASES", '["my carer shouts at me"]'),
    _Key("author", "name", "author_name", "COPRODUCE_AUTHOR", '"Sam Lead"'),
    _Key("author", "email", "author_email", "COPRODUCE_AUTHOR", '"sam.lead@example.org"'),
    _Key("portal", "url", "portal_url", "COPRODUCE_PORTAL_URL", ""),
    _Key("portal", "secret_key", "secret_key", "COPRODUCE_SECRET_KEY", ""),
    _Key("mail", "smtp_url", "smtp_url", "COPRODUCE_SMTP_URL", '"smtp://relay.example.org:587"'),
    _Key("mail", "from", "mail_from", "COPRODUCE_MAIL_FROM", ""),
    _Key("mail", "rate_per_minute", "mail_rate_per_minute", "COPRODUCE_MAIL_RATE_PER_MINUTE", ""),
    _Key("review", "reminder_days", "reminder_days", "COPRODUCE_REMINDER_DAYS", ""),
    _Key("review", "timezone", "timezone", "COPRODUCE_TIMEZONE", ""),
    _Key("review", "next_update_days", "next_update_days", "COPRODUCE_NEXT_UPDATE_DAYS", ""),
    _Key("publish", "directory", "publish_directory", "COPRODUCE_PUBLISH_DIRECTORY",
         '"/srv/intranet/guidance"'),
    _Key("storage", "state_dir", "state_dir", "COPRODUCE_STATE", ""),
    _Key("storage", "database_url", "database_url", "COPRODUCE_DATABASE_URL",
         '"postgresql+psycopg://coproduce@db.example.org/coproduce"'),
    _Key("repository", "remote", "remote", "COPRODUCE_REMOTE", '"origin"'),
    _Key("prefect", "idle_minutes", "prefect_idle_minutes", "COPRODUCE_PREFECT_IDLE_MINUTES", ""),
)  # fmt: skip
_ENV_ONLY = frozenset({"secret_key"})
REPO_ENV = "COPRODUCE_REPO"
_LIST_FIELDS = frozenset({"reminder_days", "disclosure_phrases"})
AUTHOR_ENV = "COPRODUCE_AUTHOR"


def settings_reference() -> list[tuple[str, str | None, str, str]]:
    """Return (key, environment variable, default, description) for every setting."""
    rows = []
    for k in _KEYS:
        rows.append((f"{k.section}.{k.key}", k.env, _default_text(k.field), _description(k.field)))
    rows.append(("audiences", None, "(none)", _description("audiences")))
    return rows


def default_config_text() -> str:
    """Return the commented ``coproduce.toml`` that ``coproduce init`` writes."""
    lines = [
        "# coproduce settings. Uncomment a line to change it; the values shown are the defaults,",
        "# or examples where there is no default. Environment variables (COPRODUCE_*) win.",
    ]
    section = ""
    for k in _KEYS:
        if k.section != section:
            section = k.section
            lines += ["", f"[{section}]"]
        env = f" (env {k.env})" if k.env else ""
        lines += textwrap.wrap(
            _description(k.field) + env, width=99, initial_indent="# ", subsequent_indent="# "
        )
        if k.field not in _ENV_ONLY:
            lines.append(f"# {k.key} = {k.example or _toml_default(k.field)}")
    lines += [
        "",
        f"# {_description('audiences')} One [[audiences]] table each:",
        "# [[audiences]]",
        '# id = "foster-carers"',
        '# name = "Foster carers"',
        '# description = "Foster carers and kinship carers."',
        "# youth = false",
        "# attach_docx = true",
        "",
    ]
    return "\n".join(lines)


def repo_from_environment(env: Mapping[str, str] = os.environ) -> Path | None:
    """Return the guidance repository COPRODUCE_REPO names, if set and not empty."""
    value = env.get(REPO_ENV, "").strip()
    return Path(value).expanduser() if value else None


def load_settings(repo_root: Path | None, env: Mapping[str, str] = os.environ) -> Settings:
    """Return settings from ``repo_root/coproduce.toml`` and ``COPRODUCE_*`` (environment wins)."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    base = repo_root.resolve() if repo_root is not None else Path.cwd()
    if repo_root is not None and (repo_root / CONFIG_FILE).is_file():
        _read_file(repo_root / CONFIG_FILE, values, sources, problems)
    _read_env(env, values, sources)
    state = values.get("state_dir")
    if isinstance(state, str) and state.strip():
        anchor = base if sources["state_dir"].startswith(CONFIG_FILE) else Path.cwd()
        values["state_dir"] = (anchor / Path(state).expanduser()).resolve()
    elif "state_dir" not in values:
        values["state_dir"] = base / STATE_DIR_NAME
    try:
        settings = Settings.model_validate(values)
    except ValidationError as e:
        problems.extend(_describe(e, sources))
        settings = None
    if problems or settings is None:
        noun = "problem" if len(problems) == 1 else "problems"
        raise InvalidInputError(
            f"settings are not valid ({len(problems)} {noun})", problems=problems
        )
    return settings


def _read_file(
    path: Path, values: dict[str, Any], sources: dict[str, str], problems: list[str]
) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        problems.append(f"{CONFIG_FILE}: not valid TOML: {e}")
        return
    by_section: dict[str, dict[str, _Key]] = {}
    for k in _KEYS:
        by_section.setdefault(k.section, {})[k.key] = k
    for section, table in data.items():
        if section == "audiences":
            values["audiences"] = table
            sources["audiences"] = f"{CONFIG_FILE} [[audiences]]"
            _check_audience_keys(table, problems)
            continue
        if section not in by_section:
            known = ", ".join([*by_section, "audiences"])
            problems.append(f"{CONFIG_FILE}: unknown section [{section}] (known: {known})")
            continue
        if not isinstance(table, dict):
            problems.append(f"{CONFIG_FILE}: [{section}] must be a table")
            continue
        for key, value in table.items():
            spec = by_section[section].get(key)
            if spec is None:
                known = ", ".join(by_section[section])
                problems.append(f"{CONFIG_FILE} [{section}]: unknown key {key!r} (known: {known})")
                continue
            if spec.field in _ENV_ONLY:
                problems.append(
                    f"{CONFIG_FILE} [{section}] {key}: a secret must not be in this file (it is"
                    f" committed to git); set {spec.env} in the environment instead"
                )
                continue
            values[spec.field] = value
            sources[spec.field] = f"{CONFIG_FILE} [{section}] {key}"


def _check_audience_keys(table: Any, problems: list[str]) -> None:
    if not isinstance(table, list):
        return
    for number, entry in enumerate(table, start=1):
        if isinstance(entry, dict):
            for key in entry.keys() - Audience.model_fields.keys():
                problems.append(f"{CONFIG_FILE} [[audiences]] #{number}: unknown key {key!r}")


def _read_env(env: Mapping[str, str], values: dict[str, Any], sources: dict[str, str]) -> None:
    for k in _KEYS:
        if k.env is None or k.env == AUTHOR_ENV or not env.get(k.env, "").strip():
            continue
        raw = env[k.env].strip()
        values[k.field] = [p.strip() for p in raw.split(",")] if k.field in _LIST_FIELDS else raw
        sources[k.field] = k.env
    author = env.get(AUTHOR_ENV, "").strip()
    if author:
        name, email = parseaddr(author)
        values["author_name"] = name or author
        values["author_email"] = email if "<" in author else None
        sources["author_name"] = sources["author_email"] = AUTHOR_ENV


def _describe(error: ValidationError, sources: dict[str, str]) -> list[str]:
    lines = []
    for item in error.errors():
        loc = list(item["loc"])
        field = str(loc[0]) if loc else ""
        where = sources.get(field, field or "settings")
        if field == "audiences" and len(loc) > 1 and isinstance(loc[1], int):
            rest = ".".join(str(p) for p in loc[2:])
            where = f"{where} #{loc[1] + 1}" + (f" {rest}" if rest else "")
        elif len(loc) > 1:
            where += f" (item {int(loc[1]) + 1})" if isinstance(loc[1], int) else f" {loc[1]}"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return lines


def _check_url(value: str, *, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"not a {'/'.join(schemes)} URL: {value!r}")
    return value


def _description(field: str) -> str:
    return Settings.model_fields[field].description or ""


def _default_text(field: str) -> str:
    if field == "state_dir":
        return f"<repository>/{STATE_DIR_NAME}"
    if field == "database_url":
        return "SQLite in the state folder"
    value = Settings.model_fields[field].get_default(call_default_factory=True)
    return "(unset)" if value in (None, "") else str(value)


def _toml_default(field: str) -> str:
    value = Settings.model_fields[field].get_default(call_default_factory=True)
    if isinstance(value, Path):
        return f'"{value}"'
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
