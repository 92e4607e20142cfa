#!/usr/bin/env bash
# Benchmark of segments (server/segments.h) beside git in the same run.
# Usage: bench_segments.sh BUILD_DIR [CONTACTS] [ORGS]
# (default 100000 contacts, 20000 needs, 10000 offers, 200 organizations;
# every 10th record restricted and shared with another organization, every
# 5th contact public). Measures: deriving every served segment from scratch
# (the public one and one per editor organization), the extra disk they
# take beside central's history, a reader's clone of the public segment
# with its view built against `git clone --bare` of central's history, and
# a one-record push by an editor (applied onto central, segments brought up
# to date) followed by a reader's pull, against `git push` + `git fetch`.
# Everything listens on 127.0.0.1 only.
set -euo pipefail
BUILD="${1:?build dir}"
N="${2:-100000}"
ORGS="${3:-200}"
source "$(dirname "$0")/lib.sh"
bench_binaries "$BUILD"
bench_workdir
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
export GIT_AUTHOR_NAME="Bench" GIT_AUTHOR_EMAIL="bench@example.org" GIT_COMMITTER_NAME="Bench" GIT_COMMITTER_EMAIL="bench@example.org"
say() { printf '%-64s %12s\n' "$1" "$2"; }
kb() { du -sk "$1" | cut -f1; }
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }

"$GEN" "$WORK/gen" "$N" $((N / 5)) $((N / 10)) "$ORGS" >/dev/null
# Visibility columns: every 10th row restricted, shared with the next-but-one
# organization; every 5th contact public (the rest take their kind's default).
add_visibility() {  # FILE OWNER_COLUMN PUBLIC_EVERY
  awk -F, -v OFS=, -v col="$2" -v pub="$3" -v orgs="$ORGS" '
    NR == 1 { print $0, "visibility", "shared_with"; next }
    { i = NR - 2; v = ""; s = "" }
    i % 10 == 0 { v = "restricted"; s = sprintf("gen-org-%04d", (substr($col, 9) + 2) % orgs) }
    i % 10 != 0 && pub > 0 && i % pub == 0 { v = "public" }
    { print $0, v, s }' "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
add_visibility "$WORK/gen/contacts.csv" 2 5
add_visibility "$WORK/gen/needs.csv" 2 0
add_visibility "$WORK/gen/offers.csv" 2 0

"$LIAISOND" init "$WORK/data" >/dev/null
ADMIN=$("$LIAISOND" token create --data "$WORK/data" --org un-ctc --role admin)
READER=$("$LIAISOND" token create --data "$WORK/data" --org world-bank --role reader)
for i in $(seq 0 $((ORGS - 1))); do
  T=$("$LIAISOND" token create --data "$WORK/data" --org "$(printf 'gen-org-%04d' "$i")" --role editor)
  [ "$i" = $((7 % ORGS)) ] && EDITOR="$T" && EDITOR_ORG=$(printf 'gen-org-%04d' "$i")
done
start_liaisond "$WORK/data" "$WORK/server.log"
"$LIAISON" -C "$WORK" clone "$URL" admin --token "$ADMIN" >/dev/null
for f in orgs contacts needs offers; do "$LIAISON" -C "$WORK/admin" import "$WORK/gen/$f.csv" >/dev/null; done
"$LIAISON" -C "$WORK/admin" push >/dev/null
stop_server
HISTORY="$WORK/data/central/history.git"
say "$N contacts, $((N / 5)) needs, $((N / 10)) offers, $ORGS organizations" "median"

# Deriving every segment from scratch, as on an existing history after an
# upgrade: forget the derived commits, then derive the public segment and
# one per editor organization (all of them together, on the partners').
sqlite3 "$WORK/data/server.db" "DELETE FROM segment_commits; DELETE FROM segment_heads;"
rm -rf "$HISTORY/refs/segments"
git --git-dir "$HISTORY" repack -a -d -q
BEFORE=$(kb "$HISTORY/objects")
t0=$(now_ms)
"$LIAISOND" segments --data "$WORK/data" >"$WORK/segments.txt"
t1=$(now_ms)
say "derive every segment from scratch ($((ORGS + 1)) audiences), ms" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')"
say "  of which the public segment, ms" "$(awk '$1 == "public" { print $3 }' "$WORK/segments.txt")"
say "  the organizations' together (on the partners' segment), ms" "$(awk '$1 == "organizations" { print $3 }' "$WORK/segments.txt")"
say "  distinct segment heads" "$(grep -v '^organizations' "$WORK/segments.txt" | cut -f2 | sort -u | wc -l)"
AFTER=$(kb "$HISTORY/objects")
say "central's history, KB (packed)" "$BEFORE"
say "segments' extra objects, KB (as written)" "$((AFTER - BEFORE))"
git --git-dir "$HISTORY" repack -a -d -q
say "segments' extra objects, KB (after git repack -a -d)" "$(( $(kb "$HISTORY/objects") - BEFORE ))"

start_liaisond "$WORK/data" "$WORK/server.log"
# A reader's clone of the public segment, view built, beside git's clone of
# central's whole history (served by git over the local file system).
CLONE=() GITCLONE=()
for i in 1 2 3; do
  CLONE+=("$(time_ms "$LIAISON" -C "$WORK" clone "$URL" "bank$i" --token "$READER")")
  GITCLONE+=("$(time_ms git clone -q --bare --no-local "$HISTORY" "$WORK/git$i.git")")
done
say "reader's clone of the public segment, view built, ms" "$(printf '%s\n' "${CLONE[@]}" | median)"
say "git clone --bare of central's history, ms" "$(printf '%s\n' "${GITCLONE[@]}" | median)"
say "  public segment: contacts held" "$("$LIAISON" -C "$WORK/bank1" --json status | sed -n 's/.*"contacts": *\([0-9]*\).*/\1/p')"

# One record: an editor's push (translated onto central, its segment and
# the public one brought up to date) then a reader's pull; git's push +
# fetch of one commit of the same history beside it.
"$LIAISON" -C "$WORK" clone "$URL" editor --token "$EDITOR" >/dev/null
ID=$("$LIAISON" -C "$WORK/editor" --json list contacts --org "$EDITOR_ORG" --limit 1 | sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' | sed -n 1p)
git clone -q --bare "$HISTORY" "$WORK/bare.git"
git clone -q "$WORK/bare.git" "$WORK/gitwork"
git clone -q --bare "$WORK/bare.git" "$WORK/gitreader.git"
ROUND=() GIT=()
for i in 1 2 3 4 5; do
  "$LIAISON" -C "$WORK/editor" contact edit "$ID" --hours "Round $i" >/dev/null
  t0=$(now_ms)
  "$LIAISON" -C "$WORK/editor" push >/dev/null
  "$LIAISON" -C "$WORK/bank1" pull >/dev/null
  t1=$(now_ms)
  ROUND+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')")
  f=$(cd "$WORK/gitwork" && git ls-files | sed -n 1p)
  (cd "$WORK/gitwork" && echo " " >>"$f" && git commit -qam "round $i")
  t0=$(now_ms)
  (cd "$WORK/gitwork" && git push -q origin HEAD)
  git --git-dir "$WORK/gitreader.git" fetch -q origin
  t1=$(now_ms)
  GIT+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')")
done
say "one-record push + segments updated + reader's pull, ms" "$(printf '%s\n' "${ROUND[@]}" | median)"
say "git push + git fetch of one commit, ms" "$(printf '%s\n' "${GIT[@]}" | median)"
