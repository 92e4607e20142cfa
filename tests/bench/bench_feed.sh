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
#   - a one-record push, a reader's pull of it and a clone, with no watcher
#     and with all of them;
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
READER=$("$LIAISOND" token create --data "$WORK/data" --org world-bank --role reader)
start_liaisond "$WORK/data" "$WORK/server.log"
HOSTPORT="${URL#http://}"
"$LIAISON" -C "$WORK" clone "$URL" admin --token "$ADMIN" >/dev/null
"$LIAISON" -C "$WORK/admin" import "$WORK/gen/orgs.csv" >/dev/null
"$LIAISON" -C "$WORK/admin" import "$WORK/gen/contacts.csv" >/dev/null
"$LIAISON" -C "$WORK/admin" push >/dev/null
"$LIAISON" -C "$WORK" clone "$URL" reader --token "$READER" >/dev/null
# The pushes come from central staff's copy (an admin's push onto central
# answers and exits: no fetch after the answer), so the delay from the
# push process's exit to an event's arrival is close to the delay from the
# answer (a few ms less); the delay from the push's start bounds it above.
ID=$("$LIAISON" -C "$WORK/admin" --json list contacts --org gen-org-0007 --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
EDIT="\"$LIAISON\" -C \"$WORK/admin\" contact edit $ID"
PUSH="\"$LIAISON\" -C \"$WORK/admin\" push >/dev/null"
PULL="\"$LIAISON\" -C \"$WORK/reader\" pull >/dev/null"
CLONE() { echo "rm -rf \"$WORK/c$1\" && \"$LIAISON\" -C \"$WORK\" clone \"$URL\" c$1 --token \"$READER\" >/dev/null"; }

# The script the load client runs; the same edits, pushes, pulls and clones
# are timed with no watcher connected.
script="$WORK/script"
{
  echo "rss"
  echo "cpu 10"
  for r in $(seq 11); do
    echo "run $EDIT --role 'Feed $r' >/dev/null"
    echo "push $PUSH"
    echo "run $PULL # pull"
  done
  echo "summary"
  echo "rss"
  for r in $(seq 5); do echo "run $(CLONE "w$r") # clone"; done
  for r in $(seq 4); do echo "reconnect"; echo "rss"; done
} >"$script"

printf '%-64s %14s\n' "$N contacts, $WATCHERS watchers ($(date -u +%F), $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'))" "figure"
rss() { awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
pushes=(); pulls=(); clones=()
for r in $(seq 13); do
  bash -c "$EDIT --role 'Plain $r' >/dev/null"
  t=$(time_ms bash -c "$PUSH"); p=$(time_ms bash -c "$PULL")
  # The first two warm the server's caches as the watchers' run finds them.
  if [ "$r" -gt 2 ]; then pushes+=("$t"); pulls+=("$p"); fi
done
for r in $(seq 5); do clones+=("$(time_ms bash -c "$(CLONE "p$r")")"); done
IDLE_BEFORE=$(rss)
say "server RSS with no watcher (KB)" "$IDLE_BEFORE"

LOG_BEFORE=$(wc -l <"$WORK/server.log")
"$LOAD" watch "$HOSTPORT" "$READER" "$WATCHERS" "$SERVER_PID" <"$script" >"$WORK/load.out"
LOG_AFTER=$(wc -l <"$WORK/server.log")
# The server's own time for a push (its log), without the client's.
push_ms() { grep 'POST /v1/push 200' | sed 's/.* \([0-9.]*\)ms$/\1/' | tail -11 | median; }
grep -v '^run ' "$WORK/load.out" | sed 's/^/  load client: /' || true

rss_lines=($(awk '/^rss/ { print $2 }' "$WORK/load.out"))
per_conn() { awk -v a="$IDLE_BEFORE" -v b="$1" -v n="$WATCHERS" 'BEGIN { printf "%.1f", (b - a) / n }'; }
say "server RSS, $WATCHERS watchers connected (KB)" "${rss_lines[0]}"
say "  per connection (KB): connected / after 11 pushes" "$(per_conn "${rss_lines[0]}") / $(per_conn "${rss_lines[1]}")"
say "  per connection (KB), after reconnections 1 / 2 / 3 / 4" \
  "$(per_conn "${rss_lines[2]}") / $(per_conn "${rss_lines[3]}") / $(per_conn "${rss_lines[4]}") / $(per_conn "${rss_lines[5]}")"
say "push exit -> event, all arrivals: p50 / p99 / max (ms)" \
  "$(sed -n 's/^summary.*answer p50 \([0-9.]*\) p99 \([0-9.]*\) max \([0-9.]*\) ms.*/\1 \/ \2 \/ \3/p' "$WORK/load.out")"
say "push start -> event, all arrivals: p50 / p99 (ms)" \
  "$(sed -n 's/^summary.*start p50 \([0-9.]*\) p99 \([0-9.]*\) ms.*/\1 \/ \2/p' "$WORK/load.out")"
say "one-record push, no watcher / $WATCHERS watchers (median ms)" \
  "$(printf '%s\n' "${pushes[@]}" | median) / $(sed -n 's/^push \([0-9.]*\) ms.*/\1/p' "$WORK/load.out" | median)"
say "  the server's time for it (median ms)" \
  "$(head -n "$LOG_BEFORE" "$WORK/server.log" | push_ms) / $(sed -n "$((LOG_BEFORE + 1)),${LOG_AFTER}p" "$WORK/server.log" | push_ms)"
say "reader's pull of it, no watcher / $WATCHERS watchers (median ms)" \
  "$(printf '%s\n' "${pulls[@]}" | median) / $(grep '^run .*# pull' "$WORK/load.out" | awk '{ print $2 }' | median)"
say "reader's clone, no watcher / $WATCHERS watchers (median ms)" \
  "$(printf '%s\n' "${clones[@]}" | median) / $(grep '^run .*# clone' "$WORK/load.out" | awk '{ print $2 }' | median)"
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
