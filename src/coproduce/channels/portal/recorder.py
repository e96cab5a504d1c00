"""Write journalled feedback to git after the responses, one run at a time per process.

Before recording, a Word file handed in whose items were never journalled (the process
stopped in between) is read again (``channels.portal.files``): its items keep their keys, so
reading twice stores nothing twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from coproduce.channels.portal.files import read_pending_files
from coproduce.errors import CoproduceError
from coproduce.review.recording import record_pending
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class Recorder:
    """Write journalled feedback to git after the responses, one run at a time per process.

    A send asks for a run; if one is already going, it is asked to go round once more, so
    every entry is recorded and a burst of sends becomes one commit, not one each.
    """

    workspace: Workspace
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _running: bool = False
    _again: set[str] = field(default_factory=set)
    _files_read: bool = False

    def run(self, *, cycle_id: str) -> None:
        """Record ``cycle_id``'s pending entries (now, or by the run already under way)."""
        with self._guard:
            self._again.add(cycle_id)
            if self._running:
                return
            self._running = True
        try:
            while True:
                with self._guard:
                    if not self._again:
                        self._running = False
                        return
                    cycle = self._again.pop()
                try:
                    if not self._files_read:  # once a process: what a stopped one left
                        read_pending_files(self.workspace)
                        self._files_read = True
                    record_pending(
                        repo=self.workspace.repo, register=self.workspace.register, cycle_id=cycle
                    )
                except CoproduceError as e:  # journalled is safe: the next run writes git
                    log.warning("feedback journalled but not yet recorded in git: %s", e)
        except BaseException:
            with self._guard:
                self._running = False
            raise

    def flush(self) -> None:
        """Record every cycle's pending entries (when the process stops)."""
        try:
            read_pending_files(self.workspace)
            record_pending(repo=self.workspace.repo, register=self.workspace.register)
        except CoproduceError as e:
            log.warning("feedback journalled but not yet recorded in git: %s", e)
