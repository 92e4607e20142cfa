# What every benchmark script shares: sourced, not run.
#   bench_workdir   sets WORK (a temporary folder) and PIDS (background
#                   processes to kill), both cleaned up on exit
#   now_ms          the time in milliseconds
#   time_ms CMD...  how long CMD takes, in milliseconds (its stdout dropped)
#   median          the median of the numbers on standard input, one a line
bench_workdir() {
  WORK="$(mktemp -d)"
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
}
now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1000000}'; }
time_ms() { local t0 t1; t0=$(now_ms); "$@" >/dev/null; t1=$(now_ms); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
