#!/usr/bin/env bash
# Configures and builds liaison into build/ (or $BUILD_DIR). Extra arguments
# go to cmake, e.g. -DLIAISON_SANITIZE=ON.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DLIAISON_WERROR=ON "$@" >/dev/null
ninja -C "$BUILD_DIR" -j "${JOBS:-2}"
