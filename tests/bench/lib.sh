# What every benchmark script shares: sourced, not run.
#   bench_binaries BUILD  sets LIAISON, LIAISOND and GEN (gen_directory)
#   bench_workdir   sets WORK (a temporary folder) and PIDS (background
#                   processes to kill), both cleaned up on exit
#                   (BENCH_KEEP=1 keeps the folder and names it, for a
#                   closer look afterwards)
#   start_liaisond DATA LOG [ARGS...]  starts liaisond on DATA, loopback,
#                   any free port, with ARGS; sets URL and SERVER_PID
#                   (killed on exit)
#   now_ms          the time in milliseconds
#   time_ms CMD...  how long CMD takes, in milliseconds (its stdout dropped)
#   median          the median of the numbers on standard input, one a line
bench_workdir() {
  WORK="$(mktemp -d)"
  PIDS=()
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; echo "kept: $WORK" >&2' EXIT
  else
    trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
  fi
}
now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1000000}'; }
time_ms() { local t0 t1; t0=$(now_ms); "$@" >/dev/null; t1=$(now_ms); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
bench_binaries() {
  LIAISON="$1/cli/liaison"
  LIAISOND="$1/server/liaisond"
  GEN="$1/tests/gen_directory"
}
start_liaisond() {
  "$LIAISOND" --data "$1" --listen 127.0.0.1:0 "${@:3}" >"$2.out" 2>"$2" &
  PIDS+=($!)
  SERVER_PID=$!
  for _ in $(seq 400); do grep -q "listening on" "$2.out" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/.*listening on //p' "$2.out")
}
