#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every
# test (unit and end-to-end) with ctest; then builds again with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs the tests again;
# then runs each fuzz target for a short while (scripts/fuzz.sh).
# SKIP_SANITIZERS=1 skips the second pass, SKIP_FUZZ=1 the fuzzing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"
(cd "$ROOT/build" && ctest --output-on-failure -j 2 --timeout 900)
if [ "${SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== again under AddressSanitizer and UndefinedBehaviorSanitizer"
  BUILD_DIR="$ROOT/build-asan" BUILD_TYPE=Debug bash "$ROOT/scripts/build.sh" -DLIAISON_SANITIZE=ON
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  (cd "$ROOT/build-asan" && ctest --output-on-failure -j 2 --timeout 1800)
fi
if [ "${SKIP_FUZZ:-0}" != "1" ]; then
  echo "== the libFuzzer targets (clang), ${FUZZ_SECONDS:-15} s each"
  bash "$ROOT/scripts/fuzz.sh" "${FUZZ_SECONDS:-15}"
fi
