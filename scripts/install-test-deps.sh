#!/usr/bin/env bash
# System pieces the test suite drives for real (installed once; later runs are no-ops).
set -euo pipefail
BIN=${1:-.venv/bin}

# The map's browser tests (tests/export/test_map_browser.py) drive Debian's Chromium through
# Playwright for Python (the `test` extra). `playwright install` is never run: it downloads a
# browser build of its own, which this network does not allow.
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # fonts-dejavu-core: glyphs for Vietnamese on the canvas and in screenshots
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >/dev/null
fi
"$BIN/python" -c "import playwright.sync_api" # installed by `pip install -e '.[test]'`
