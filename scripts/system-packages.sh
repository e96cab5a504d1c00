#!/usr/bin/env bash
# Install the Debian packages the tests use (independent readers, a browser), when missing.
set -euo pipefail
need=()
command -v pandoc >/dev/null 2>&1 || need+=(pandoc)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
python3 -c "import uno" >/dev/null 2>&1 || [ -e /usr/lib/python3/dist-packages/uno.py ] || need+=(python3-uno)
command -v git >/dev/null 2>&1 || need+=(git)
# A real PostgreSQL server for the register tests (started on loopback by the test fixtures).
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
# The portal's browser tests: Debian's chromium (driven by Playwright) and npm (axe-core).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "missing Debian packages (${need[*]}); install them as root" >&2; exit 1
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
