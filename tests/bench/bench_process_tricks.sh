#!/usr/bin/env bash
# A/B of each process-level trick against the same build without it, runs
# interleaved (A B A B ...) in one run, since the machine's speed drifts.
# Usage: bench_process_tricks.sh BUILD_DIR [PLAIN_BUILD_DIR] [CONTACTS]
#   BUILD_DIR        the build measured (RelWithDebInfo, static deps);
#   PLAIN_BUILD_DIR  the same sources configured with
#                    -DLIAISON_SKIP_LIBGIT2_CA_BUNDLE=OFF (only `liaison`
#                    needs building); without it that A/B is skipped;
#   CONTACTS         size of the generated directory (default 100000).
# Environment: RUNS (default 5) runs of each side of a bulk command,
# SMALL_RUNS (default 11) samples of a small command, each the mean of 10
# invocations; CLIENTS (default 60) and ROUNDS (default 6) for the server.
# Prints, per command, the median with the trick, the median without, and
# the ratio without / with. Servers listen on 127.0.0.1 only.
set -euo pipefail
BUILD="${1:?build dir}"
PLAIN="${2:-}"
N="${3:-100000}"
RUNS="${RUNS:-5}"
SMALL_RUNS="${SMALL_RUNS:-11}"
CLIENTS="${CLIENTS:-60}"
ROUNDS="${ROUNDS:-6}"
LIAISON="$BUILD/cli/liaison"
LIAISOND="$BUILD/server/liaisond"
GEN="$BUILD/tests/gen_directory"
source "$(dirname "$0")/lib.sh"
bench_workdir
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
unset LIAISON_BULK_ALLOCATOR LIAISON_MALLOC_TRIM

# elapsed_ms CMD...: runs CMD once, prints milliseconds.
elapsed_ms() {
  local t0 t1
  t0=$(now_ms)
  "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }
  t1=$(now_ms)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}
# mean10_ms CMD...: mean milliseconds of 10 runs of CMD in a row.
mean10_ms() {
  local t0 t1
  t0=$(now_ms)
  for _ in 1 2 3 4 5 6 7 8 9 10; do "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }; done
  t1=$(now_ms)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 10 }'
}
# report LABEL WITH_FILE WITHOUT_FILE UNIT
report() {
  local a b
  a=$(median <"$2")
  b=$(median <"$3")
  printf '%-44s %10s %10s %7s  %s\n' "$1" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')" "$4"
}
printf '%-44s %10s %10s %7s\n' "measure ($N contacts)" "with" "without" "ratio"

"$GEN" "$WORK/gen" "$N" 0 0 300 >/dev/null
fresh_copy() {  # DIR: a copy holding the generated organizations only
  rm -rf "$1"
  "$LIAISON" init "$1" --org un-ctc >/dev/null
  LIAISON_BULK_ALLOCATOR=off "$LIAISON" -C "$1" import "$WORK/gen/orgs.csv" >/dev/null
}

# 1. tcmalloc for bulk commands (with: the default; without:
# LIAISON_BULK_ALLOCATOR=off, glibc's malloc).
: >"$WORK/import.a"; : >"$WORK/import.b"
for _ in $(seq "$RUNS"); do
  fresh_copy "$WORK/imp"
  elapsed_ms "$LIAISON" -C "$WORK/imp" import "$WORK/gen/contacts.csv" >>"$WORK/import.a"
  fresh_copy "$WORK/imp"
  LIAISON_BULK_ALLOCATOR=off elapsed_ms "$LIAISON" -C "$WORK/imp" import "$WORK/gen/contacts.csv" >>"$WORK/import.b"
done
report "tcmalloc: import contacts.csv" "$WORK/import.a" "$WORK/import.b" ms

fresh_copy "$WORK/hq"
"$LIAISON" -C "$WORK/hq" import "$WORK/gen/contacts.csv" >/dev/null
: >"$WORK/doctor.a"; : >"$WORK/doctor.b"
for _ in $(seq "$RUNS"); do
  elapsed_ms "$LIAISON" -C "$WORK/hq" doctor >>"$WORK/doctor.a"
  LIAISON_BULK_ALLOCATOR=off elapsed_ms "$LIAISON" -C "$WORK/hq" doctor >>"$WORK/doctor.b"
done
report "tcmalloc: doctor" "$WORK/doctor.a" "$WORK/doctor.b" ms

# A merge of two copies that each changed a tenth of the contacts (3% in
# both, different fields), as in bench_merge.sh.
"$LIAISON" -C "$WORK" clone hq base --org cis-atc >/dev/null
"$LIAISON" -C "$WORK/hq" export --kind contacts --format csv >"$WORK/all.csv"
M=$((N / 10)) S=$((N / 10 - N / 33))
awk -F, -v m="$M" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "role") r = i; print; next }
         NR >= 2 && NR <= m + 1 { $r = "Changed by A"; print }' OFS=, "$WORK/all.csv" >"$WORK/a.csv"
awk -F, -v m="$M" -v s="$S" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "hours") h = i; print; next }
         NR >= s + 2 && NR <= s + m + 1 { $h = "Changed by B"; print }' OFS=, "$WORK/all.csv" >"$WORK/b.csv"
cp -r "$WORK/base" "$WORK/B"
"$LIAISON" -C "$WORK/B" import "$WORK/b.csv" --kind contacts >/dev/null
cp -r "$WORK/base" "$WORK/A0"
"$LIAISON" -C "$WORK/A0" import "$WORK/a.csv" --kind contacts >/dev/null
: >"$WORK/merge.a"; : >"$WORK/merge.b"
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/A" && cp -r "$WORK/A0" "$WORK/A"
  elapsed_ms "$LIAISON" -C "$WORK/A" pull "$WORK/B" >>"$WORK/merge.a"
  rm -rf "$WORK/A" && cp -r "$WORK/A0" "$WORK/A"
  LIAISON_BULK_ALLOCATOR=off elapsed_ms "$LIAISON" -C "$WORK/A" pull "$WORK/B" >>"$WORK/merge.b"
done
report "tcmalloc: pull + merge of 2 x $M changed" "$WORK/merge.a" "$WORK/merge.b" ms
rm -rf "$WORK/A" "$WORK/A0" "$WORK/B" "$WORK/imp"

# 2. libgit2's CA bundle skipped (with: BUILD_DIR; without: PLAIN_BUILD_DIR).
if [ -n "$PLAIN" ]; then
  PLAIN_LIAISON="$PLAIN/cli/liaison"
  ID=$("$LIAISON" -C "$WORK/hq" --json list contacts --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
  small() {  # LABEL ARGS...
    local label="$1" file="$WORK/small"
    shift
    : >"$file.a"; : >"$file.b"
    for _ in $(seq "$SMALL_RUNS"); do
      mean10_ms "$LIAISON" "$@" >>"$file.a"
      mean10_ms "$PLAIN_LIAISON" "$@" >>"$file.b"
    done
    report "CA bundle skipped: $label" "$file.a" "$file.b" ms
  }
  small "liaison --version" --version
  small "liaison status" -C "$WORK/hq" status
  small "liaison contact show" -C "$WORK/hq" contact show "$ID"
fi

# 3. malloc_trim in the server (with: the default; without:
# LIAISON_MALLOC_TRIM=off). Two servers at once, one each way, on a small
# directory; each round every client edits its own contact and syncs, first
# with one server then with the other, and each server's resident memory is
# read once it has had time to trim (every 5 s).
start_server() {  # NAME [ENV...]: starts liaisond on DATA $WORK/NAME, sets URL and SERVER_PID
  local name="$1"
  shift
  "$LIAISOND" init "$WORK/$name" >/dev/null
  env "$@" "$LIAISOND" --data "$WORK/$name" --listen 127.0.0.1:0 >"$WORK/$name.out" 2>"$WORK/$name.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 200); do grep -q "listening on" "$WORK/$name.out" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/.*listening on //p' "$WORK/$name.out")
}
declare -A PID_OF
for side in a b; do
  if [ $side = a ]; then start_server "srv$side"; else start_server "srv$side" LIAISON_MALLOC_TRIM=off; fi
  PID_OF[$side]=$SERVER_PID
  TOKEN=$("$LIAISOND" token create --data "$WORK/srv$side" --org cis-atc --role editor)
  "$LIAISON" -C "$WORK" clone "$URL" "seed$side" --token "$TOKEN" >/dev/null
  for i in $(seq "$CLIENTS"); do
    cp -r "$WORK/seed$side" "$WORK/$side$i"
    "$LIAISON" -C "$WORK/$side$i" --json contact add --org cis-atc --role "Client $i" |
      grep -o '"id": "[0-9a-f]*"' | cut -d'"' -f4 >"$WORK/$side$i.id"
    "$LIAISON" -C "$WORK/$side$i" sync >/dev/null 2>&1
  done
done
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
: >"$WORK/rss.a"; : >"$WORK/rss.b"
for round in $(seq "$ROUNDS"); do
  for side in a b; do
    jobs=()
    for i in $(seq "$CLIENTS"); do
      ( "$LIAISON" -C "$WORK/$side$i" pull >/dev/null 2>&1 || true
        "$LIAISON" -C "$WORK/$side$i" contact edit "$(cat "$WORK/$side$i.id")" --role "Client $i round $round" \
          >/dev/null 2>&1 || true
        "$LIAISON" -C "$WORK/$side$i" sync >/dev/null 2>&1 || true ) &
      jobs+=($!)
    done
    for j in "${jobs[@]}"; do wait "$j" || true; done
  done
  sleep 6
  echo "$(rss_kb "${PID_OF[a]}")" >>"$WORK/rss.a"
  echo "$(rss_kb "${PID_OF[b]}")" >>"$WORK/rss.b"
done
printf '%-44s %10s %10s\n' "malloc_trim: server resident KB per round" "$(paste -sd/ "$WORK/rss.a")" \
  "$(paste -sd/ "$WORK/rss.b")"
report "malloc_trim: server resident KB, median" "$WORK/rss.a" "$WORK/rss.b" KB
tail -1 "$WORK/rss.a" >"$WORK/last.a"; tail -1 "$WORK/rss.b" >"$WORK/last.b"
report "malloc_trim: server resident KB, last round" "$WORK/last.a" "$WORK/last.b" KB
