"""The sign-off pack: tracked changes with the feedback behind them, cover paper, log, manifest."""

from coproduce.pack.build import PackResult, build_pack
from coproduce.pack.manifest import verify_pack
from coproduce.pack.record import record_pack

__all__ = ["PackResult", "build_pack", "record_pack", "verify_pack"]
