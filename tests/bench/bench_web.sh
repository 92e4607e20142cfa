#!/usr/bin/env bash
# Benchmark of liaisond's web pages. Usage: bench_web.sh BUILD_DIR [CONTACTS
# NEEDS OFFERS CLIENTS] (default 100000 20000 10000 200). Prints, in one run:
#   - each page's server time (the server's log: request in to answer
#     ready), median of 11 (so: as kept), for a visitor without sign-in and
#     for an admin, and as made again after a push,
#     beside the same question asked of the CLI (`liaison matrix`, `list`)
#     on a copy of the same data;
#   - CLIENTS concurrent clients loading pages: latency p50 / p99;
#   - one-record push + pull rounds with and without that load (at least
#     LOAD_SECONDS, default 10, of it; the clients at nice LOAD_NICE,
#     default 0).
# Everything listens on 127.0.0.1 only.
set -euo pipefail
BUILD="${1:?build dir}"
N="${2:-100000}"; NEEDS="${3:-20000}"; OFFERS="${4:-10000}"; CLIENTS="${5:-200}"
source "$(dirname "$0")/lib.sh"
bench_binaries "$BUILD"
bench_workdir
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
say() { printf '%-64s %20s\n' "$1" "$2"; }

"$GEN" "$WORK/gen" "$N" "$NEEDS" "$OFFERS" 300 >/dev/null
"$LIAISOND" init "$WORK/data" >/dev/null
ADMIN=$("$LIAISOND" token create --data "$WORK/data" --org un-ctc --role admin)
# The clients all come from 127.0.0.1: no budget of pages made per address.
start_liaisond "$WORK/data" "$WORK/server.log" --page-rate 0
"$LIAISON" -C "$WORK" clone "$URL" admin --token "$ADMIN" >/dev/null
for f in orgs contacts needs offers; do "$LIAISON" -C "$WORK/admin" import "$WORK/gen/$f.csv" >/dev/null; done
"$LIAISON" -C "$WORK/admin" push >/dev/null
NEED=$("$LIAISON" -C "$WORK/admin" --json list needs --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
CONTACT=$("$LIAISON" -C "$WORK/admin" --json list contacts --org gen-org-0007 --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
SESSION=$(curl -s -D - -o /dev/null --data-raw "token=$ADMIN" "$URL/sign-in" | sed -n 's/.*liaison_session=\([0-9a-f]*\).*/\1/p')

printf '%-64s %20s\n' "$N contacts, $NEEDS needs, $OFFERS offers ($(date -u +%F), $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'))" "median ms"
# The server's time for the last 11 answers to TARGET (its log's last field).
server_ms() { grep -F " GET $1 200 " "$WORK/server.log" | tail -11 | sed 's/.* \([0-9.]*\)ms$/\1/' | median; }
page() {  # LABEL TARGET [CURL ARGS]: 1 warm-up, then 11 timed requests
  local label=$1 target=$2; shift 2
  for _ in $(seq 12); do curl -s -o /dev/null "$@" "$URL$target"; done
  echo "$(server_ms "$target")"
}
say "overview with the matrix, no sign-in" "$(page x "/")"
say "overview with the matrix, admin" "$(page x "/" -H "Cookie: liaison_session=$SESSION")"
say "  baseline: liaison matrix (whole command)" "$(for _ in $(seq 5); do time_ms "$LIAISON" -C "$WORK/admin" matrix; done | median)"
say "needs list, page 1, no sign-in" "$(page x "/needs")"
say "needs list, page 100, sorted by state" "$(page x "/needs?sort=state&page=100")"
say "needs of one state and area (a matrix cell)" "$(page x "/needs?open=1&state=KZ&area=border")"
say "contacts list, page 1, admin" "$(page x "/contacts" -H "Cookie: liaison_session=$SESSION")"
say "contacts of one organization, admin" "$(page x "/contacts?org=gen-org-0007" -H "Cookie: liaison_session=$SESSION")"
say "  baseline: liaison list contacts --org (whole command)" \
  "$(for _ in $(seq 5); do time_ms "$LIAISON" -C "$WORK/admin" list contacts --org gen-org-0007; done | median)"
say "offers list, page 1" "$(page x "/offers")"
say "organizations list" "$(page x "/orgs")"
say "a need's page with its history" "$(page x "/needs/$NEED")"
say "a contact's page, admin" "$(page x "/contacts/$CONTACT" -H "Cookie: liaison_session=$SESSION")"
say "search" "$(page x "/search?q=border")"
say "gaps" "$(page x "/gaps")"

# A page as made, not kept: the first request after a push that changed a
# need (median of 5).
made() {  # TARGET [CURL ARGS]
  local target=$1; shift
  for _ in $(seq 5); do
    "$LIAISON" -C "$WORK/admin" need edit "$NEED" --title "Made $RANDOM" >/dev/null
    "$LIAISON" -C "$WORK/admin" push >/dev/null
    curl -s -o /dev/null "$@" "$URL$target"
    grep -F " GET $target 200 " "$WORK/server.log" | tail -1 | sed 's/.* \([0-9.]*\)ms$/\1/'
  done | median
}
say "overview made after a push, no sign-in" "$(made "/")"
say "overview made after a push, admin" "$(made "/" -H "Cookie: liaison_session=$SESSION")"
say "needs list page 300 made after a push" "$(made "/needs?page=300")"

# One-record rounds: edit, push, pull by a second copy; then the same while
# CLIENTS clients load pages. The edits are of a contact point (which the
# public does not see: its pages stay as they were kept) or of a need (every
# page that shows needs is made again after each push).
"$LIAISON" -C "$WORK" clone "$URL" other --token "$ADMIN" >/dev/null
rounds() {  # KIND COUNT: one edit + push + pull per round, ms each
  for r in $(seq "$2"); do
    if [ "$1" = contact ]; then "$LIAISON" -C "$WORK/admin" contact edit "$CONTACT" --role "Round $RANDOM" >/dev/null
    else "$LIAISON" -C "$WORK/admin" need edit "$NEED" --title "Round $RANDOM" >/dev/null; fi
    time_ms bash -c "\"$LIAISON\" -C \"$WORK/admin\" push >/dev/null && \"$LIAISON\" -C \"$WORK/other\" pull >/dev/null"
  done
}
for i in $(seq $((CLIENTS * 5))); do
  case $((i % 5)) in
    0) echo "url = \"$URL/\"" ;;
    1) echo "url = \"$URL/needs?page=$((i % 300 + 1))\"" ;;
    2) echo "url = \"$URL/needs/$NEED\"" ;;
    3) echo "url = \"$URL/offers?page=$((i % 150 + 1))\"" ;;
    4) echo "url = \"$URL/orgs\"" ;;
  esac
  echo "output = /dev/null"
done >"$WORK/urls"
# The clients share the cores with the server and the CLI as equals;
# LOAD_NICE=19 runs them at the lowest priority instead, as visitors on
# other machines would be (their own waits then count in their latency).
load() {
  nice -n "${LOAD_NICE:-0}" curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$CLIENTS" \
    -K "$WORK/urls" -w '%{time_total}\n' >>"$WORK/load.times"
}
under_load() {  # KIND: the clients' p50 / p99 and the rounds' median, quiet then loaded
  local quiet busy start
  quiet=$(rounds "$1" 9 | median)
  rm -f "$WORK/load.stop"
  : >"$WORK/load.times"
  ( while [ ! -e "$WORK/load.stop" ]; do load; done ) & LOADER=$!
  # The first pass fills the kept pages and opens the connections; what the
  # clients wait from then on is counted, for at least LOAD_SECONDS, with
  # the rounds' pushes in it.
  sleep 2
  : >"$WORK/load.times"
  start=$(now_ms)
  busy=$(rounds "$1" 9 | median)
  while awk -v a="$start" -v b="$(now_ms)" -v s="${LOAD_SECONDS:-10}" 'BEGIN { exit !(b - a < s * 1000) }'; do sleep 0.2; done
  touch "$WORK/load.stop"; wait $LOADER
  say "$CLIENTS clients loading pages, $1 edits pushed: $(wc -l <"$WORK/load.times") loads, p50 / p99" \
    "$(awk '{ print $1 * 1000 }' "$WORK/load.times" | median) / $(awk '{ print $1 * 1000 }' "$WORK/load.times" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int(NR * 0.99)] }')"
  say "  edit + push + pull of a $1, quiet / under that load (median ms)" "$quiet / $busy"
}
under_load contact
under_load need
