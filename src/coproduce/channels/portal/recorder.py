"""After a send is acknowledged: write the journal to git and send the confirmations.

One thread per portal process does both, in rounds: a send hands over its cycle and its
confirmation and returns at once; the thread waits a moment (``pause``) so that a burst of
sends becomes one commit and one batch of emails, then records every cycle asked for and
sends every confirmation waiting. The request threads never queue behind git or the mail
server, and the register sees a few writes a round instead of a few per send.

Before its first round, a Word file handed in whose items were never journalled (the process
stopped in between) is read again (``channels.portal.files``): its items keep their keys, so
reading twice stores nothing twice. Confirmations are logged as queued with their sends, so
those a stopped process never sent are sent in the next process's first round (once: the
message log's claim). When the portal stops, ``flush`` finishes what is waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from coproduce.channels.portal.files import read_pending_files
from coproduce.channels.portal.receipt import Confirmation, pending_confirmations, send_receipts
from coproduce.errors import CoproduceError
from coproduce.review.recording import record_pending
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)

# Nobody waits for a round (the send was answered when journalled), but a round's work runs
# beside the pages: measured under 200 people's load, rounds a quarter of a second apart keep
# each short (send p95 about 0.3 s); a second apart made bursts that doubled it, and 5 s more.
PAUSE_S = 0.25

Sender = Callable[[Workspace, Sequence[Confirmation]], object]


class Recorder:
    """Write journalled feedback to git and send confirmations, in rounds, on one thread."""

    def __init__(
        self, workspace: Workspace, *, pause: float = PAUSE_S, send: Sender = send_receipts
    ) -> None:
        self.workspace = workspace
        self.pause = pause
        self._send = send
        self._changed = threading.Condition()
        self._cycles: set[str] = set()
        self._confirmations: list[Confirmation] = []
        self._busy = False
        self._stopping = False
        self._hurry = False
        self._files_read = False
        self._catch_up = False  # a first round asked for by start(), sends or not
        self._thread: threading.Thread | None = None

    def after_send(self, cycle_id: str, confirmation: Confirmation | None = None) -> None:
        """Ask for ``cycle_id`` to be recorded and ``confirmation`` sent, in the next round."""
        with self._changed:
            self._cycles.add(cycle_id)
            if confirmation is not None:
                self._confirmations.append(confirmation)
            if self._stopping:  # the portal is stopping: flush() takes it
                return
            self._start()

    def start(self) -> None:
        """Start the thread: its first round takes up what a stopped process left (Word files
        not yet read, confirmations not yet sent), with or without a send to wait for."""
        with self._changed:
            if not self._stopping:
                self._catch_up = True
                self._start()

    def _start(self) -> None:  # with self._changed held
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._loop, name="coproduce-recorder", daemon=True
            )
            self._thread.start()
        self._changed.notify_all()

    def wait_idle(self, timeout: float = 60, *, hurry: bool = True) -> bool:
        """Wait until nothing is waiting or under way; return False on ``timeout``.

        With ``hurry``, a round waiting out its pause starts at once.
        """
        with self._changed:
            if hurry:
                self._hurry = True
                self._changed.notify_all()
            idle = self._changed.wait_for(
                lambda: not (self._busy or self._cycles or self._confirmations or self._catch_up),
                timeout=timeout,
            )
            self._hurry = False
            return idle

    def flush(self) -> None:
        """Stop the thread and finish every cycle's pending entries and the confirmations."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=120)
        with self._changed:
            cycles, self._cycles = self._cycles, set()
            confirmations, self._confirmations = self._confirmations, []
        self._round(cycles, confirmations, every_cycle=True)

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(
                    lambda: (
                        self._stopping
                        or bool(self._cycles or self._confirmations)
                        or self._catch_up
                    )
                )
                if self._stopping:
                    return
                self._busy = True
                self._catch_up = False  # this round is the one asked for
            try:
                with self._changed:  # a burst of sends: gather it into one round
                    self._changed.wait_for(lambda: self._stopping or self._hurry, self.pause)
                    self._hurry = False
                    cycles, self._cycles = self._cycles, set()
                    confirmations, self._confirmations = self._confirmations, []
                self._round(cycles, confirmations)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _round(
        self, cycles: set[str], confirmations: list[Confirmation], *, every_cycle: bool = False
    ) -> None:
        workspace = self.workspace
        try:
            if not self._files_read:  # once a process: what a stopped one left
                read_pending_files(workspace)
                mine = {c.message_id for c in confirmations}
                left = [c for c in pending_confirmations(workspace) if c.message_id not in mine]
                confirmations = [*left, *confirmations]
                self._files_read = True
            if every_cycle:
                record_pending(repo=workspace.repo, register=workspace.register)
            for cycle in sorted(cycles) if not every_cycle else ():
                record_pending(repo=workspace.repo, register=workspace.register, cycle_id=cycle)
        except CoproduceError as e:  # journalled is safe: the next round writes git
            log.warning("feedback journalled but not yet recorded in git: %s", e)
        except Exception:  # the thread must live on: the journal keeps everything
            log.exception("recording to git failed; the journal keeps the feedback")
        if confirmations:
            try:
                self._send(workspace, confirmations)
            except Exception:
                log.exception("confirmation emails were not sent")
