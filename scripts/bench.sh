#!/usr/bin/env bash
# Builds liaison and runs the benchmarks in tests/bench, printing medians.
# Extra arguments: contact counts to measure (default 1000 10000 100000).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" >/dev/null
bash "$ROOT/tests/bench/bench_local_copy.sh" "$ROOT/build" "$@"
