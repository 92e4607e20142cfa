#!/usr/bin/env bash
# Benchmark of the change feed: one liaisond holding WATCHERS feed
# connections (default 5000, from one load client, feed_load), and what the
# same clients would cost polling /v1/fetch once a second instead.
# Usage: bench_feed.sh BUILD_DIR [WATCHERS] [CONTACTS]
# Prints, in one run:
#   - the delay from a one-record push's answer to the event's arrival at
#     every watcher (p50, p99, max over 11 pushes);
#   - the server's resident memory with no watcher, with all of them, after
#     the pushes and after every watcher reconnected (per connection);
#   - a push + pull round and a clone with no watcher and with all of them;
#   - the server's CPU with the watchers idle, and with as many clients
#     polling /v1/fetch once a second (answers per second, latency).
# Everything listens on 127.0.0.1 only.
set -euo pipefail
BUILD="${1:?build dir}"
WATCHERS="${2:-5000}"
N="${3:-20000}"
source "$(dirname "$0")/lib.sh"
bench_binaries "$BUILD"
LOAD="$BUILD/tests/feed_load"
bench_workdir
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
say() { printf '%-64s %14s\n' "$1" "$2"; }

"$GEN" "$WORK/gen" "$N" 0 0 100 >/dev/null
"$LIAISOND" init "$WORK/data" >/dev/null
ADMIN=$("$LIAISOND" token create --data "$WORK/data" --org un-ctc --role admin)
EDITOR=$("$LIAISOND" token create --data "$WORK/data" --org gen-org-0007 --role editor)
READER=$("$LIAISOND" token create --data "$WORK/data" --org world-bank --role reader)
start_liaisond "$WORK/data" "$WORK/server.log"
HOSTPORT="${URL#http://}"
"$LIAISON" -C "$WORK" clone "$URL" admin --token "$ADMIN" >/dev/null
"$LIAISON" -C "$WORK/admin" import "$WORK/gen/orgs.csv" >/dev/null
"$LIAISON" -C "$WORK/admin" import "$WORK/gen/contacts.csv" >/dev/null
"$LIAISON" -C "$WORK/admin" push >/dev/null
"$LIAISON" -C "$WORK" clone "$URL" editor --token "$EDITOR" >/dev/null
"$LIAISON" -C "$WORK" clone "$URL" reader --token "$READER" >/dev/null
ID=$("$LIAISON" -C "$WORK/editor" --json list contacts --org gen-org-0007 --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
EDIT="\"$LIAISON\" -C \"$WORK/editor\" contact edit $ID"
PUSH="\"$LIAISON\" -C \"$WORK/editor\" push >/dev/null"
PULL="\"$LIAISON\" -C \"$WORK/reader\" pull >/dev/null"
CLONE() { echo "rm -rf \"$WORK/c$1\" && \"$LIAISON\" -C \"$WORK\" clone \"$URL\" c$1 --token \"$READER\" >/dev/null"; }

# The script the load client runs, and the same pushes, pulls and clones
# timed with no watcher connected.
round() { echo "$EDIT --role 'Round $1' >/dev/null && $PUSH && $PULL"; }
script="$WORK/script"
{
  echo "rss"
  echo "cpu 10"
  for r in $(seq 11); do echo "run $EDIT --role 'Feed $r' >/dev/null"; echo "push $PUSH"; done
  echo "summary"
  echo "rss"
  for r in $(seq 5); do echo "run $(round "Connected $r")"; done
  for r in $(seq 3); do echo "run $(CLONE "w$r")"; done
  echo "reconnect"
  echo "rss"
  echo "reconnect"
  echo "rss"
} >"$script"

printf '%-64s %14s\n' "$N contacts, $WATCHERS watchers ($(date -u +%F), $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'))" "figure"
rss() { awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
# Warm the server's caches as the watchers' run will find them.
for r in $(seq 2); do bash -c "$(round "Warm $r")"; done
say "server RSS with no watcher (KB)" "$(rss)"
plain=(); for r in $(seq 5); do plain+=("$(time_ms bash -c "$(round "Plain $r")")"); done
clones=(); for r in $(seq 3); do clones+=("$(time_ms bash -c "$(CLONE "p$r")")"); done
IDLE_BEFORE=$(rss)

"$LOAD" watch "$HOSTPORT" "$READER" "$WATCHERS" "$SERVER_PID" <"$script" >"$WORK/load.out"
cat "$WORK/load.out" | sed 's/^/  load client: /' | grep -v ': run ' || true

rss_lines=($(awk '/^rss/ { print $2 }' "$WORK/load.out"))
per_conn() { awk -v a="$IDLE_BEFORE" -v b="$1" -v n="$WATCHERS" 'BEGIN { printf "%.1f", (b - a) * 1024 / n / 1024 }'; }
say "server RSS, $WATCHERS watchers connected (KB)" "${rss_lines[0]}"
say "  per connection (KB), as connected" "$(per_conn "${rss_lines[0]}")"
say "  per connection (KB), after 11 pushes" "$(per_conn "${rss_lines[1]}")"
say "  per connection (KB), after every watcher reconnected once" "$(per_conn "${rss_lines[2]}")"
say "  per connection (KB), after a second reconnection" "$(per_conn "${rss_lines[3]}")"
say "$(grep '^summary' "$WORK/load.out" | sed 's/^summary of \([0-9]*\) arrivals.*/push answer -> event, \1 arrivals: p50 \/ p99 \/ max (ms)/')" \
  "$(sed -n 's/^summary.*answer p50 \([0-9.]*\) p99 \([0-9.]*\) max \([0-9.]*\) ms.*/\1 \/ \2 \/ \3/p' "$WORK/load.out")"
connected_rounds=$(grep "^run .*Connected" "$WORK/load.out" | awk '{ print $2 }' | median)
connected_clones=$(grep "^run .*clone" "$WORK/load.out" | awk '{ print $2 }' | median)
say "edit + push + pull, no watcher (median ms)" "$(printf '%s\n' "${plain[@]}" | median)"
say "edit + push + pull, $WATCHERS watchers (median ms)" "$connected_rounds"
say "reader's clone, no watcher (median ms)" "$(printf '%s\n' "${clones[@]}" | median)"
say "reader's clone, $WATCHERS watchers (median ms)" "$connected_clones"
say "server CPU, $WATCHERS idle watchers (% of one core)" "$(sed -n 's/^cpu \([0-9.]*\)%.*/\1/p' "$WORK/load.out")"

# The same clients polling instead: a fetch with the reader's head, which
# the server answers "nothing new".
HEAD=$(git --git-dir "$WORK/reader/history.git" rev-parse main)
echo "{\"haves\":[\"$HEAD\"]}" >"$WORK/haves.json"
"$LOAD" poll "$HOSTPORT" "$READER" "$WATCHERS" "$SERVER_PID" 10 "$WORK/haves.json" >"$WORK/poll.out"
sed 's/^/  load client: /' "$WORK/poll.out"
say "polling /v1/fetch once a second: answers per second (asked)" \
  "$(sed -n 's/.*: \([0-9]*\) answers\/s (asked \([0-9]*\)\/s).*/\1 (\2)/p' "$WORK/poll.out")"
say "  its latency p50 / p99 (ms)" "$(sed -n 's/.*latency p50 \([0-9.]*\) p99 \([0-9.]*\) ms.*/\1 \/ \2/p' "$WORK/poll.out")"
say "  server CPU (% of one core)" "$(sed -n 's/.*server CPU \([0-9.]*\)%.*/\1/p' "$WORK/poll.out")"
