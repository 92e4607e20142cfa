#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every
# test (unit and end-to-end) with ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"
cd "$ROOT/build"
ctest --output-on-failure -j 2 --timeout 900
