#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS_PER_TARGET]: builds the libFuzzer targets of
# tests/fuzz with clang, AddressSanitizer and UndefinedBehaviorSanitizer into
# build-fuzz/ (or $FUZZ_BUILD_DIR), writes their seed corpora from real
# outputs of liaison (make_seeds), and runs each target for
# SECONDS_PER_TARGET seconds (default 60), one after the other. Prints, per
# target, the time it ran, its executions and what it found; exits non-zero
# if any target crashed, leaked, ran out of memory or timed out, with the
# input that did it in build-fuzz/findings/TARGET/ (replay: TARGET FILE).
# FUZZ_TARGETS="fuzz_record fuzz_bundle" runs only those.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_PER_TARGET="${1:-60}"
BUILD_DIR="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
CLANGXX="${CLANGXX:-clang++-14}"
TARGETS=(${FUZZ_TARGETS:-fuzz_push_body fuzz_bundle fuzz_record fuzz_csv_import fuzz_view_snapshot fuzz_http_handler fuzz_web_routes})

if [ "${FUZZ_SKIP_BUILD:-0}" != "1" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CLANGXX" \
    -DLIAISON_WERROR=ON -DLIAISON_SANITIZE=ON -DLIAISON_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
  ninja -C "$BUILD_DIR" -j "${JOBS:-2}" fuzz_targets
fi

FUZZ_BIN="$BUILD_DIR/tests/fuzz"
SEEDS="$BUILD_DIR/seeds"
rm -rf "$SEEDS"
"$FUZZ_BIN/make_seeds" "$SEEDS" "$ROOT/data/sample"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LIAISON_TODAY=2026-11-22 LIAISON_USER_NAME="Fuzz" LIAISON_USER_EMAIL="fuzz@example.org"
failed=()
summary=""
for target in "${TARGETS[@]}"; do
  name="${target#fuzz_}"
  corpus="$BUILD_DIR/corpus/$name"       # grows from run to run
  findings="$BUILD_DIR/findings/$target"
  mkdir -p "$corpus" "$findings" "$SEEDS/$name"
  dirs=("$corpus" "$SEEDS/$name")
  [ -d "$ROOT/tests/fuzz/corpus/$name" ] && dirs+=("$ROOT/tests/fuzz/corpus/$name")  # small committed seeds, regressions
  log="$BUILD_DIR/$target.log"
  echo "== $target: ${SECONDS_PER_TARGET} s"
  start=$(date +%s)
  rc=0
  # A single allocation of over 512 MB from inputs of at most a few hundred
  # KB is a finding: the decoders must bound what they allocate.
  "$FUZZ_BIN/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=30 -rss_limit_mb=4096 -malloc_limit_mb=512 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  units=$(grep -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if [ "$rc" -eq 0 ]; then
    found="nothing"
  else
    found="FAILED (exit $rc): $(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|==ERROR|uncaught exception|terminate called' "$log" || echo 'see log')"
    failed+=("$target")
    tail -40 "$log"
  fi
  summary+="$target: ${took} s, ${execs} executions, ${units} new inputs, found ${found}"$'\n'
done
echo "== fuzzing summary"
printf '%s' "$summary"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs in $BUILD_DIR/findings/)"
  exit 1
fi
