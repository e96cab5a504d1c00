"""The personal-data register: SQLite created on open (WAL), participants, erasure, log, tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coproduce.errors import ConflictError, CoproduceError, InvalidInputError, NotFoundError
from coproduce.models import ParticipantRecord
from coproduce.store.register import DATABASE_FILE, NewMessage, Register, default_url
from coproduce.store.tokens import (
    hash_token,
    issue_token,
    issue_tokens,
    personal_link,
    portal_url,
    read_token,
    verify_token,
)

NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def register(tmp_path: Path) -> Register:
    with Register.for_state_dir(tmp_path / "state", environ={}) as reg:
        yield reg


def _record(register: Register, *, email: str, name: str = "Alex Example", **extra: object):
    data = {
        "id": register.new_participant_id(),
        "name": name,
        "email": email,
        "audience": "practitioners",
        **extra,
    }
    return ParticipantRecord.model_validate(data)


def test_opening_a_state_dir_creates_the_sqlite_file_with_every_table(tmp_path: Path) -> None:
    state = tmp_path / "new" / "state"
    Register.for_state_dir(state, environ={}).close()
    with sqlite3.connect(state / DATABASE_FILE) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"participants", "tokens", "messages", "responses", "opt_outs"} <= names


def test_the_database_url_from_the_environment_wins_over_the_state_dir(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    assert default_url(tmp_path, {"COPRODUCE_DATABASE_URL": url}) == url
    assert default_url(tmp_path, {}).endswith(f"{tmp_path.resolve()}/{DATABASE_FILE}")


def test_a_register_that_cannot_be_opened_says_so_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(CoproduceError) as caught:
        Register(f"sqlite:///{blocker / 'register.db'}")
    message = str(caught.value)
    assert message.startswith("cannot open the personal-data register at sqlite:///")
    assert "\n" not in message


def test_an_unknown_database_driver_is_one_clear_error_with_the_password_hidden() -> None:
    with pytest.raises(CoproduceError) as caught:
        Register("nosuchdb://user:secret@db.example.org/coproduce")
    assert "secret" not in str(caught.value)
    assert "cannot open the personal-data register" in str(caught.value)


def test_participant_ids_are_p_dash_ten_hex_digits_and_differ(register: Register) -> None:
    ids = {register.new_participant_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"P-[0-9a-f]{10}", i) for i in ids)


def test_added_participants_read_back_with_times_in_utc(register: Register) -> None:
    record = _record(register, email="alex@example.org", added=NOW, extra={"team": "North"})
    register.add_participants([record])
    back = register.get_participant(record.id)
    assert back.email == "alex@example.org"
    assert back.extra == {"team": "North"}
    assert back.added == NOW


def test_a_batch_with_a_clashing_email_adds_nobody(register: Register) -> None:
    register.add_participants([_record(register, email="one@example.org")])
    batch = [
        _record(register, email="two@example.org"),
        _record(register, email="ONE@example.org"),
    ]
    with pytest.raises(ConflictError):
        register.add_participants(batch)
    assert [r.email for r in register.iter_participants()] == ["one@example.org"]


def test_erasing_keeps_the_id_and_audience_and_drops_everything_personal(
    register: Register,
) -> None:
    record = _record(
        register, email="sam@example.org", organisation="Youth Club", extra={"phone": "0700"}
    )
    register.add_participants([record])
    token = issue_token(register, participant_id=record.id, cycle="c1", expires=NOW)
    assert register.erase_participant(record.id) is True
    assert register.erase_participant(record.id) is False
    (entry,) = register.list_entries()
    assert (entry.id, entry.audience, entry.erased) == (record.id, "practitioners", True)
    assert entry.name is None and entry.organisation == ""
    assert read_token(register, token) is None
    with pytest.raises(NotFoundError, match="erased"):
        register.get_participant(record.id)
    with sqlite3.connect(register.url.removeprefix("sqlite:///")) as db:
        dump = "\n".join(db.iterdump())
    assert "sam@example.org" not in dump and "Youth Club" not in dump and "0700" not in dump


def test_erasing_an_unknown_id_is_not_found(register: Register) -> None:
    with pytest.raises(NotFoundError, match="P-0000000000"):
        register.erase_participant("P-0000000000")


def test_a_queued_message_keeps_its_status_when_queued_again(register: Register) -> None:
    record = _record(register, email="a@example.org")
    register.add_participants([record])
    args = {"message_id": "<invite.c1.x@coproduce>", "cycle": "c1", "participant_id": record.id}
    assert register.queue_message(**args, kind="invite") == "queued"
    register.record_attempt(args["message_id"])
    register.mark_sent(args["message_id"])
    assert register.queue_message(**args, kind="invite") == "sent"
    entry = register.get_message(args["message_id"])
    assert entry is not None and entry.attempts == 1 and entry.sent is not None
    assert register.messaged("c1", kind="invite") == {record.id}


def test_responses_and_opt_outs_are_recorded_once(register: Register) -> None:
    a, b = _record(register, email="a@example.org"), _record(register, email="b@example.org")
    register.add_participants([a, b])
    register.add_response(cycle="c1", participant_id=a.id)
    register.add_response(cycle="c1", participant_id=a.id)
    register.add_opt_out(b.id)
    register.add_opt_out(b.id)
    assert register.responders("c1") == {a.id}
    assert register.opted_out("c1") == {b.id} == register.opted_out("another-cycle")
    assert register.get_participant(b.id).opted_out is True


def test_tokens_are_stored_only_as_their_sha256_hash(register: Register) -> None:
    record = _record(register, email="a@example.org")
    register.add_participants([record])
    token = issue_token(
        register, participant_id=record.id, cycle="c1", expires=NOW + dt.timedelta(days=30)
    )
    assert len(token) >= 43  # 32 random bytes, base64url
    with sqlite3.connect(register.url.removeprefix("sqlite:///")) as db:
        stored = [r[0] for r in db.execute("SELECT token_hash FROM tokens")]
    assert stored == [hashlib.sha256(token.encode()).hexdigest()] == [hash_token(token)]
    assert token not in str(stored)


def test_a_token_verifies_until_it_expires(register: Register) -> None:
    record = _record(register, email="a@example.org")
    register.add_participants([record])
    expires = NOW + dt.timedelta(days=3)
    token = issue_token(register, participant_id=record.id, cycle="c1", expires=expires)
    assert verify_token(register, token, now=NOW) == (record.id, "c1")
    assert verify_token(register, token, now=expires) is None
    assert verify_token(register, token[:-1] + ("A" if token[-1] != "A" else "B"), now=NOW) is None
    assert verify_token(register, "", now=NOW) is None


def test_personal_links_start_with_the_portal_url() -> None:
    assert portal_url({}) == "http://127.0.0.1:8080"
    base = portal_url({"COPRODUCE_PORTAL_URL": "https://review.example.org/"})
    assert personal_link("abc_-1", base_url=base) == "https://review.example.org/r/abc_-1"


def _pragma(register: Register, name: str) -> object:
    with register.transaction() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_a_sqlite_file_register_runs_in_wal_mode_with_full_sync_and_a_busy_timeout(
    register: Register,
) -> None:
    assert _pragma(register, "journal_mode") == "wal"
    assert _pragma(register, "synchronous") == 2  # FULL: acknowledged means durable
    assert _pragma(register, "busy_timeout") == 30_000
    assert _pragma(register, "foreign_keys") == 1


def test_the_write_ahead_log_is_readable_by_its_owner_only(register: Register) -> None:
    register.add_participants([_record(register, email="a@example.org")])
    database = Path(register.url.removeprefix("sqlite:///"))
    logs = [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")]
    assert all(p.exists() for p in logs)
    assert all(p.stat().st_mode & 0o077 == 0 for p in [database, *logs])


def test_an_in_memory_register_keeps_sqlites_own_journal() -> None:
    with Register("sqlite://") as register:
        assert _pragma(register, "journal_mode") == "memory"
        assert _pragma(register, "foreign_keys") == 1
        record = _record(register, email="a@example.org")
        register.add_participants([record])
        assert register.get_participant(record.id).email == "a@example.org"


def test_a_batch_is_queued_in_one_go_and_ids_already_logged_keep_their_status(
    register: Register,
) -> None:
    people = [_record(register, email=f"p{n}@example.org") for n in range(3)]
    register.add_participants(people)
    new = [NewMessage(f"<invite.c1.{p.id}@coproduce>", "c1", p.id, "invite") for p in people]
    register.queue_message(**new[0]._asdict())
    register.mark_sent(new[0].message_id, attempts=1)
    status = register.queue_messages([*new, new[1]])
    assert status == {
        new[0].message_id: "sent",
        new[1].message_id: "queued",
        new[2].message_id: "queued",
    }
    logged = {m.message_id: m for m in register.list_messages(cycle="c1")}
    assert set(logged) == set(status)
    assert logged[new[0].message_id].attempts == 1
    assert register.queue_messages([]) == {}


def test_marking_a_message_records_the_attempts_with_the_outcome(register: Register) -> None:
    record = _record(register, email="a@example.org")
    register.add_participants([record])
    sent, failed = "<a@coproduce>", "<b@coproduce>"
    register.queue_messages(
        [NewMessage(sent, "c1", record.id, "invite"), NewMessage(failed, "c1", record.id, "x")]
    )
    register.mark_sent(sent, attempts=2)
    register.mark_failed(failed, error="550 no such user", attempts=1)
    a, b = register.get_message(sent), register.get_message(failed)
    assert a is not None and (a.status, a.attempts, a.error) == ("sent", 2, "")
    assert b is not None and (b.status, b.attempts, b.error) == ("failed", 1, "550 no such user")
    with pytest.raises(NotFoundError):
        register.mark_sent("<never-queued@coproduce>")


def test_participants_are_read_in_one_batch_leaving_out_the_erased_and_unknown(
    register: Register,
) -> None:
    kept, erased = (
        _record(register, email="a@example.org"),
        _record(register, email="b@example.org"),
    )
    register.add_participants([kept, erased])
    register.erase_participant(erased.id)
    register.add_opt_out(kept.id)
    found = register.get_participants([kept.id, erased.id, "P-0000000000", kept.id])
    assert list(found) == [kept.id]
    assert found[kept.id].email == "a@example.org" and found[kept.id].opted_out is True
    assert register.get_participants([]) == {}


def test_tokens_issued_in_one_batch_are_distinct_and_each_verifies(register: Register) -> None:
    people = [_record(register, email=f"p{n}@example.org") for n in range(5)]
    register.add_participants(people)
    expires = NOW + dt.timedelta(days=30)
    issued = issue_tokens(
        register, participant_ids=[p.id for p in people], cycle="c1", expires=expires
    )
    assert list(issued) == [p.id for p in people]
    assert len(set(issued.values())) == 5
    assert all(verify_token(register, t, now=NOW) == (pid, "c1") for pid, t in issued.items())
    with pytest.raises(InvalidInputError, match="time zone"):
        issue_tokens(register, participant_ids=["x"], cycle="c1", expires=dt.datetime(2026, 1, 1))


def test_threads_sharing_one_register_file_all_get_their_writes_in(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with Register.for_state_dir(state, environ={}) as setup:
        people = [_record(setup, email=f"p{n}@example.org") for n in range(4)]
        setup.add_participants(people)

    def send_all(person: ParticipantRecord) -> int:
        with Register.for_state_dir(state, environ={}) as register:
            ids = [f"<m{n}.{person.id}@coproduce>" for n in range(40)]
            register.queue_messages(NewMessage(i, "c1", person.id, "invite") for i in ids)
            for message_id in ids:
                register.mark_sent(message_id, attempts=1)
            return len(ids)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(send_all, people)) == 160
    with Register.for_state_dir(state, environ={}) as register:
        log = register.list_messages(cycle="c1")
    assert len(log) == 160 and {m.status for m in log} == {"sent"}


def test_a_reader_does_not_wait_for_a_writer_holding_the_writers_queue(
    register: Register,
) -> None:
    import threading

    person = _record(register, email="reader@example.org")
    register.add_participants([person])
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        with register.transaction():
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert holding.wait(10)
        with ThreadPoolExecutor(max_workers=1) as pool:  # would block for 10 s behind the writer
            found = pool.submit(register.get_participant, person.id).result(timeout=2)
        assert found.email == "reader@example.org"
    finally:
        release.set()
        writer.join()


def test_writes_inside_a_transaction_commit_with_it_or_not_at_all(register: Register) -> None:
    person = _record(register, email="joined@example.org")
    register.add_participants([person])
    with pytest.raises(RuntimeError), register.transaction():
        register.save_draft(participant_id=person.id, cycle="c1", data={"a": 1})
        register.set_consent_named(person.id, True)
        raise RuntimeError("the request failed after both writes")
    assert register.read_draft(participant_id=person.id, cycle="c1") == {}
    assert register.get_participant(person.id).consent_named is not True
    with register.transaction():
        register.save_draft(participant_id=person.id, cycle="c1", data={"a": 2})
        register.set_consent_named(person.id, True)
    assert register.read_draft(participant_id=person.id, cycle="c1") == {"a": 2}
    assert register.get_participant(person.id).consent_named is True


def test_threads_writing_together_share_commits_and_a_failing_job_fails_alone(
    register: Register,
) -> None:
    from sqlalchemy import event

    people = [_record(register, email=f"g{n}@example.org") for n in range(24)]
    register.add_participants(people)
    commits: list[int] = []
    event.listen(register.engine, "commit", lambda conn: commits.append(1))

    def save(n: int) -> int:
        person = people[n]

        def job() -> int:
            register.save_draft(participant_id=person.id, cycle="c1", data={"n": n})
            if n == 7:
                raise ValueError("job 7 fails")
            return n

        return register.together(job)

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(save, n) for n in range(24)]
    outcomes = []
    for future in futures:
        try:
            outcomes.append(future.result())
        except ValueError as e:
            outcomes.append(str(e))
    assert outcomes == [("job 7 fails" if n == 7 else n) for n in range(24)]
    for n, person in enumerate(people):
        expected = {} if n == 7 else {"n": n}
        assert register.read_draft(participant_id=person.id, cycle="c1") == expected
    assert len(commits) <= 24  # never more than one a job; fewer whenever jobs met in a group


def test_messages_marked_together_are_sent_in_one_write(register: Register) -> None:
    person = _record(register, email="many@example.org")
    register.add_participants([person])
    ids = [f"<r{n}@coproduce>" for n in range(5)]
    register.queue_messages(NewMessage(i, "c1", person.id, "receipt") for i in ids)
    register.mark_all_sent({i: (2 if i == ids[0] else 1) for i in ids})
    log = {m.message_id: m for m in register.list_messages(cycle="c1")}
    assert {m.status for m in log.values()} == {"sent"}
    assert log[ids[0]].attempts == 2 and log[ids[1]].attempts == 1
    assert all(m.sent is not None for m in log.values())


def test_one_writer_thread_writes_the_groups_and_stops_when_idle(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from coproduce.store.register import base

    monkeypatch.setattr(base, "WRITER_IDLE_S", 0.2)
    person = _record(register, email="writer@example.org")
    register.add_participants([person])
    ran_on: list[str] = []

    def job() -> str:
        ran_on.append(threading.current_thread().name)
        register.save_draft(participant_id=person.id, cycle="c1", data={"n": len(ran_on)})
        return "kept"

    assert register.together(job) == "kept"
    assert ran_on == ["coproduce-register-writer"]  # not the caller's thread
    writer = register._writer
    assert writer is not None and writer.is_alive()
    deadline = time.monotonic() + 5
    while writer.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not writer.is_alive() and register._writer is None  # idle: stopped
    assert register.together(job) == "kept"  # and a new one starts for the next job
    assert register.read_draft(participant_id=person.id, cycle="c1") == {"n": 2}


def test_upserts_are_compiled_once_not_on_every_write(register: Register) -> None:
    """SQLite's ON CONFLICT statements have no cache key; the register keeps them as cached
    statements, so the portal's busiest writes are not compiled again each time."""
    from sqlalchemy import event

    person = _record(register, email="cached@example.org")
    register.add_participants([person])
    seen: list[tuple[str, str]] = []

    def note(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement.split()[2], context.cache_hit.name))

    event.listen(register.engine, "after_cursor_execute", note)
    for n in range(3):
        register.save_draft(participant_id=person.id, cycle="c1", data={"n": n})
    drafts = [hit for table, hit in seen if table == "portal_drafts"]
    assert drafts[1:] == ["CACHE_HIT", "CACHE_HIT"]
    assert register.read_draft(participant_id=person.id, cycle="c1") == {"n": 2}


def test_coroutines_wait_for_their_groups_commit_without_a_thread_each(register: Register) -> None:
    import asyncio
    import threading

    people = [_record(register, email=f"a{n}@example.org") for n in range(10)]
    register.add_participants(people)
    threads: set[str] = set()

    async def save(n: int) -> int:
        def job() -> int:
            threads.add(threading.current_thread().name)
            register.save_draft(participant_id=people[n].id, cycle="c1", data={"n": n})
            if n == 3:
                raise ValueError("job 3 fails")
            return n

        return await register.together_async(job)

    async def main() -> list[object]:
        return await asyncio.gather(*(save(n) for n in range(10)), return_exceptions=True)

    outcomes = asyncio.run(main())
    assert [str(o) if isinstance(o, ValueError) else o for o in outcomes] == [
        "job 3 fails" if n == 3 else n for n in range(10)
    ]
    assert threads == {"coproduce-register-writer"}
    for n, person in enumerate(people):
        expected = {} if n == 3 else {"n": n}
        assert register.read_draft(participant_id=person.id, cycle="c1") == expected
