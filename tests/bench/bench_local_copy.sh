#!/usr/bin/env bash
# Benchmark of the local copy (issue: import, list, search, show, edit; also
# the import of the same records exported as JSON).
# Usage: bench_local_copy.sh BUILD_DIR [SIZES...]   (default sizes: 1000 10000 100000)
# Prints medians. Baseline in the same run: git add + git commit of the same
# records as files (the tree of the imported commit, checked out).
set -euo pipefail
BUILD="${1:?build dir}"
shift
SIZES=("${@:-1000 10000 100000}")
[ $# -eq 0 ] && SIZES=(1000 10000 100000)
LIAISON="$BUILD/cli/liaison"
GEN="$BUILD/tests/gen_directory"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.org

now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1000000}'; }
# time_ms CMD...: runs CMD, prints elapsed milliseconds.
time_ms() {
  local t0 t1
  t0=$(now_ms)
  "$@" >/dev/null || { echo "bench: failed: $*" >&2; return 1; }
  t1=$(now_ms)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
repeat_ms() {  # repeat_ms N CMD...: median of N runs
  local n=$1
  shift
  for _ in $(seq "$n"); do time_ms "$@"; done | median
}

printf '%-9s %-34s %10s\n' "contacts" "measure" "median ms"
for N in "${SIZES[@]}"; do
  "$GEN" "$WORK/gen$N" "$N" $((N / 5)) $((N / 10)) 300
  runs=3
  imports=()
  for r in $(seq $runs); do
    rm -rf "$WORK/c$N"
    "$LIAISON" init "$WORK/c$N" --org cis-atc >/dev/null
    "$LIAISON" -C "$WORK/c$N" import "$WORK/gen$N/orgs.csv" >/dev/null
    imports+=("$(time_ms "$LIAISON" -C "$WORK/c$N" import "$WORK/gen$N/contacts.csv")")
  done
  printf '%-9s %-34s %10s\n' "$N" "liaison import contacts.csv" "$(printf '%s\n' "${imports[@]}" | median)"

  # The same records as a JSON array (an export), into a fresh copy.
  mkdir -p "$WORK/json$N"
  "$LIAISON" -C "$WORK/c$N" export --kind contacts --format json --out "$WORK/json$N/contacts.json" >/dev/null 2>&1
  json_imports=()
  for r in $(seq $runs); do
    rm -rf "$WORK/j$N"
    "$LIAISON" init "$WORK/j$N" --org cis-atc >/dev/null
    "$LIAISON" -C "$WORK/j$N" import "$WORK/gen$N/orgs.csv" >/dev/null
    json_imports+=("$(time_ms "$LIAISON" -C "$WORK/j$N" import "$WORK/json$N/contacts.json")")
  done
  printf '%-9s %-34s %10s\n' "$N" "liaison import contacts.json" "$(printf '%s\n' "${json_imports[@]}" | median)"
  rm -rf "$WORK/j$N" "$WORK/json$N"

  # Baseline: the same records as files, git add + git commit.
  rm -rf "$WORK/files$N"
  mkdir -p "$WORK/files$N"
  git --git-dir="$WORK/c$N/history.git" archive HEAD | tar -x -C "$WORK/files$N"
  gits=()
  for r in $(seq $runs); do
    rm -rf "$WORK/files$N/.git"
    gits+=("$(time_ms bash -c "cd '$WORK/files$N' && git init -q && git add -A && git commit -qm import")")
  done
  printf '%-9s %-34s %10s\n' "$N" "git add + git commit (baseline)" "$(printf '%s\n' "${gits[@]}" | median)"

  C="$WORK/c$N"
  ID=$("$LIAISON" -C "$C" --json list contacts --org gen-org-0007 --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
  printf '%-9s %-34s %10s\n' "$N" "list contacts --org" "$(repeat_ms 11 "$LIAISON" -C "$C" list contacts --org gen-org-0007)"
  printf '%-9s %-34s %10s\n' "$N" "list contacts --area --limit 50" "$(repeat_ms 11 "$LIAISON" -C "$C" list contacts --area border --limit 50)"
  printf '%-9s %-34s %10s\n' "$N" "search \"anna sadykova\"" "$(repeat_ms 11 "$LIAISON" -C "$C" search anna sadykova)"
  printf '%-9s %-34s %10s\n' "$N" "contact show PREFIX" "$(repeat_ms 11 "$LIAISON" -C "$C" contact show "${ID:0:10}")"
  printf '%-9s %-34s %10s\n' "$N" "stale --older-than 365 --org" "$(repeat_ms 11 "$LIAISON" -C "$C" stale --older-than 365 --org gen-org-0007)"
  edits=()
  for i in $(seq 11); do edits+=("$(time_ms "$LIAISON" -C "$C" contact edit "${ID:0:10}" --role "Role $i")"); done
  printf '%-9s %-34s %10s\n' "$N" "contact edit" "$(printf '%s\n' "${edits[@]}" | median)"
  printf '%-9s %-34s %10s\n' "$N" "sqlite3 shell: count by org" "$(repeat_ms 11 sqlite3 "$C/view.db" "SELECT count(*) FROM contacts WHERE org='gen-org-0007'")"
  # doctor compares every column, set row and search term of the view with
  # what history makes; git fsck checks the same history's objects.
  printf '%-9s %-34s %10s\n' "$N" "doctor" "$(repeat_ms 3 "$LIAISON" -C "$C" doctor)"
  printf '%-9s %-34s %10s\n' "$N" "git fsck (baseline)" "$(repeat_ms 3 git --git-dir="$C/history.git" fsck --no-progress)"
  printf '%-9s %-34s %10s\n' "$N" "doctor --rebuild" "$(repeat_ms 3 "$LIAISON" -C "$C" doctor --rebuild)"
  rm -rf "$WORK/files$N" "$WORK/gen$N"
done
