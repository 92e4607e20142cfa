#!/usr/bin/env bash
# Benchmark of merge and exchange between copies (no server).
# Usage: bench_merge.sh BUILD_DIR [CONTACTS]   (default 100000)
# Measures: clone of the copy; merging two branches that each changed 10k
# records (300 overlapping, different fields); a pull bringing one changed
# record (whole process); the size of a bundle of one changed record; and,
# in the same run, git's numbers for the same histories as a baseline.
set -euo pipefail
BUILD="${1:?build dir}"
N="${2:-100000}"
LIAISON="$BUILD/cli/liaison"
GEN="$BUILD/tests/gen_directory"
source "$(dirname "$0")/lib.sh"
bench_workdir
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"

say() { printf '%-9s %-52s %10s\n' "$N" "$1" "$2"; }

"$GEN" "$WORK/gen" "$N" 0 0 300
"$LIAISON" init "$WORK/hq" --org un-ctc >/dev/null
"$LIAISON" -C "$WORK/hq" import "$WORK/gen/orgs.csv" >/dev/null
"$LIAISON" -C "$WORK/hq" import "$WORK/gen/contacts.csv" >/dev/null
printf '%-9s %-52s %10s\n' "contacts" "measure" "median ms"

clones=()
for r in 1 2 3; do
  rm -rf "$WORK/clone$r"
  clones+=("$(time_ms "$LIAISON" -C "$WORK" clone hq "clone$r" --org cis-atc)")
done
say "liaison clone (path, view built)" "$(printf '%s\n' "${clones[@]}" | median)"
gits=()
for r in 1 2 3; do
  rm -rf "$WORK/gitclone$r"
  gits+=("$(time_ms git clone -q --bare --no-local "$WORK/hq/history.git" "$WORK/gitclone$r")")
done
say "git clone --bare --no-local (baseline)" "$(printf '%s\n' "${gits[@]}" | median)"

# Two branches, 10k changed records each, 300 in both (different fields).
head -1 "$WORK/gen/contacts.csv" > "$WORK/a.csv"
head -1 "$WORK/gen/contacts.csv" > "$WORK/b.csv"
"$LIAISON" -C "$WORK/hq" export --kind contacts --format csv > "$WORK/all.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "role") r = i; print; next }
         NR >= 2 && NR <= 10001 { $r = "Changed by A"; print }' OFS=, "$WORK/all.csv" > "$WORK/a.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "hours") h = i; print; next }
         NR >= 9702 && NR <= 19701 { $h = "Changed by B"; print }' OFS=, "$WORK/all.csv" > "$WORK/b.csv"
merges=()
for r in 1 2 3; do
  rm -rf "$WORK/A" "$WORK/B"
  cp -r "$WORK/clone1" "$WORK/A"
  cp -r "$WORK/clone1" "$WORK/B"
  "$LIAISON" -C "$WORK/A" import "$WORK/a.csv" --kind contacts >/dev/null
  "$LIAISON" -C "$WORK/B" import "$WORK/b.csv" --kind contacts >/dev/null
  merges+=("$(time_ms "$LIAISON" -C "$WORK/A" pull "$WORK/B")")
done
say "pull + merge of 2 x 10k changed records (300 shared)" "$(printf '%s\n' "${merges[@]}" | median)"
"$LIAISON" -C "$WORK/A" doctor >/dev/null

# One changed record: pull by another copy, and its bundle.
ID=$("$LIAISON" -C "$WORK/clone2" --json list contacts --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
pulls=()
for r in $(seq 11); do
  BASE=$("$LIAISON" -C "$WORK/clone2" --json status | grep -o '"head": "[0-9a-f]*"' | cut -d'"' -f4)
  "$LIAISON" -C "$WORK/clone2" contact edit "$ID" --role "Role $r" >/dev/null
  pulls+=("$(time_ms "$LIAISON" -C "$WORK/clone3" pull "$WORK/clone2")")
done
say "pull of one changed record (whole process)" "$(printf '%s\n' "${pulls[@]}" | median)"
"$LIAISON" -C "$WORK/clone2" bundle create "$WORK/one.bundle" --since "$BASE" >/dev/null
say "bundle of one changed record (bytes)" "$(stat -c %s "$WORK/one.bundle")"
git -C "$WORK/gitclone1" fetch -q "$WORK/clone2/history.git" main 2>/dev/null || true
fetches=()
for r in $(seq 11); do
  "$LIAISON" -C "$WORK/clone2" contact edit "$ID" --role "Git role $r" >/dev/null
  fetches+=("$(time_ms git -C "$WORK/gitclone1" fetch -q "$WORK/clone2/history.git" main)")
done
say "git fetch of one changed record (baseline)" "$(printf '%s\n' "${fetches[@]}" | median)"
