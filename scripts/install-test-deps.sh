#!/usr/bin/env bash
# System pieces the test suite drives for real (installed once; later runs are no-ops).
set -euo pipefail
BIN=${1:-.venv/bin}
true
