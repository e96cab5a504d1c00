"""The register's schema is made by migrations, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from coproduce.errors import StateError
from coproduce.store.register import Register
from coproduce.store.register.migrate import current_revision, head_revision, upgrade
from coproduce.store.register.schema import metadata


def test_migrations_give_exactly_the_schema_the_code_uses(database_url: str) -> None:
    engine = create_engine(database_url)
    assert upgrade(engine) == (None, head_revision())
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    assert upgrade(engine) == (head_revision(), head_revision())  # a second run does nothing
    engine.dispose()


def test_the_embedded_sqlite_register_is_migrated_when_it_is_opened(tmp_path: Path) -> None:
    with Register(f"sqlite:///{tmp_path / 'register.sqlite3'}") as register:
        assert current_revision(register.engine) == head_revision()


def test_a_shared_register_behind_is_refused_with_the_command_that_fixes_it(
    postgres_url: str,
) -> None:
    with pytest.raises(StateError) as caught:
        Register(postgres_url)
    assert "has no coproduce tables yet" in str(caught.value)
    assert "run `coproduce db upgrade`" in str(caught.value)


def test_a_register_made_before_migrations_keeps_its_data_and_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # the tables create_all used to make, with one person in them
        conn.exec_driver_sql(
            "CREATE TABLE participants (id VARCHAR(12) PRIMARY KEY, audience VARCHAR(64) NOT NULL,"
            " name TEXT, email TEXT, email_key VARCHAR(320) UNIQUE, organisation TEXT NOT NULL,"
            " age_band VARCHAR(16) NOT NULL, consent_named BOOLEAN NOT NULL,"
            " via_worker_email TEXT, extra JSON NOT NULL, added DATETIME NOT NULL,"
            " erased DATETIME)"
        )
        for table in (
            "tokens (token_hash VARCHAR(64) PRIMARY KEY, participant_id VARCHAR(12) NOT NULL,"
            " cycle VARCHAR(100) NOT NULL, created DATETIME NOT NULL, expires DATETIME NOT NULL)",
            "messages (message_id VARCHAR(255) PRIMARY KEY, cycle VARCHAR(100) NOT NULL,"
            " participant_id VARCHAR(12) NOT NULL, kind VARCHAR(32) NOT NULL,"
            " status VARCHAR(8) NOT NULL, attempts INTEGER NOT NULL, created DATETIME NOT NULL,"
            " updated DATETIME NOT NULL, sent DATETIME, error TEXT NOT NULL)",
            "responses (cycle VARCHAR(100), participant_id VARCHAR(12), at DATETIME NOT NULL,"
            " PRIMARY KEY (cycle, participant_id))",
            "opt_outs (participant_id VARCHAR(12), cycle VARCHAR(100), at DATETIME NOT NULL,"
            " PRIMARY KEY (participant_id, cycle))",
        ):
            conn.exec_driver_sql(f"CREATE TABLE {table}")
        conn.exec_driver_sql(
            "INSERT INTO participants VALUES ('P-0000000001', 'practitioners', 'Ada', 'a@x.org',"
            " 'a@x.org', '', '18-24', 0, NULL, '{}', '2026-01-01 00:00:00', NULL)"
        )
    engine.dispose()
    with Register(url) as register:
        assert register.get_participant("P-0000000001").name == "Ada"
        assert inspect(register.engine).has_table("submissions")


def _upgrade_in_a_process(url: str, results: multiprocessing.Queue[str]) -> None:
    try:
        engine = create_engine(url)
        upgrade(engine)
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM submissions"))
        results.put("ok")
    except Exception as e:
        results.put(f"{type(e).__name__}: {e}")


def test_six_processes_meeting_an_empty_postgres_database_at_once_all_succeed(
    postgres_url: str,
) -> None:
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[str] = context.Queue()
    workers = [
        context.Process(target=_upgrade_in_a_process, args=(postgres_url, results))
        for _ in range(6)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == ["ok"] * 6
    engine = create_engine(postgres_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
