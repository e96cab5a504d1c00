"""Names and defaults used in more than one layer, defined once (no imports, no I/O)."""

CONFIG_FILE = "coproduce.toml"
STATE_DIR_NAME = ".coproduce"
DEFAULT_PORTAL_URL = "http://127.0.0.1:8080"
DEFAULT_TIMEZONE = "Europe/London"
