"""coproduce: co-produced guidance and strategy review, recorded in git."""

__version__ = "0.1.0"
