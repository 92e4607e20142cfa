#!/usr/bin/env bash
# Benchmark of liaisond and the sync client against git over loopback in the
# same run. Usage: bench_server.sh BUILD_DIR [CONTACTS] [CLIENTS]
# (default 100000 contacts, 200 concurrent clients). Everything listens on
# 127.0.0.1 only.
set -euo pipefail
BUILD="${1:?build dir}"
N="${2:-100000}"
CLIENTS="${3:-200}"
source "$(dirname "$0")/lib.sh"
bench_binaries "$BUILD"
bench_workdir
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
say() { printf '%-56s %12s\n' "$1" "$2"; }

"$GEN" "$WORK/gen" "$N" 0 0 300 >/dev/null
"$LIAISOND" init "$WORK/data" >/dev/null
ADMIN=$("$LIAISOND" token create --data "$WORK/data" --org un-ctc --role admin)
EDITOR=$("$LIAISOND" token create --data "$WORK/data" --org gen-org-0007 --role editor)
start_liaisond "$WORK/data" "$WORK/server.log"
"$LIAISON" -C "$WORK" clone "$URL" admin --token "$ADMIN" >/dev/null
"$LIAISON" -C "$WORK/admin" import "$WORK/gen/orgs.csv" >/dev/null
"$LIAISON" -C "$WORK/admin" import "$WORK/gen/contacts.csv" >/dev/null
printf '%-56s %12s\n' "$N contacts" "median"
# Reads must not wait for a push: health, a token check (whoami) and a
# fetch with nothing new (haves: central's head before the push and the
# pushed head) are timed every 20 ms while the bulk push runs, and the same
# while idle.
HAVES="{\"haves\":[\"$(git --git-dir "$WORK/data/central/history.git" rev-parse main)\",\"$(git --git-dir "$WORK/admin/history.git" rev-parse main)\"]}"
probe() {  # OUT: one line per round, "health_ms whoami_ms fetch_ms"
  while [ ! -e "$WORK/probe.stop" ]; do
    h=$(curl -s -o /dev/null -w '%{time_total}' "$URL/v1/health")
    w=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $EDITOR" "$URL/v1/whoami")
    f=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $EDITOR" -d "$HAVES" "$URL/v1/fetch")
    echo "$h $w $f" | awk '{printf "%.1f %.1f %.1f\n", $1 * 1000, $2 * 1000, $3 * 1000}' >>"$1"
    sleep 0.02
  done
}
probe_figures() {  # FILE LABEL
  local column name
  for column in 1 2 3; do
    name=$(echo "health token-check fetch" | cut -d' ' -f$column)
    say "$2: $name median / max (ms)" "$(cut -d' ' -f$column "$1" | median) / $(cut -d' ' -f$column "$1" | sort -n | tail -1)"
  done
}
probe "$WORK/probe.idle" & PROBE=$!; sleep 2; touch "$WORK/probe.stop"; wait $PROBE; rm -f "$WORK/probe.stop"
probe "$WORK/probe.push" & PROBE=$!
say "push of the 100k-record import (ms)" "$(time_ms "$LIAISON" -C "$WORK/admin" push)"
touch "$WORK/probe.stop"; wait $PROBE; rm -f "$WORK/probe.stop"
probe_figures "$WORK/probe.idle" "idle server"
probe_figures "$WORK/probe.push" "during the 100k push ($(wc -l <"$WORK/probe.push") probes)"

clones=()
for r in 1 2 3; do clones+=("$(time_ms "$LIAISON" -C "$WORK" clone "$URL" "clone$r" --token "$EDITOR")"); done
say "liaison clone from the server, view built (ms)" "$(printf '%s\n' "${clones[@]}" | median)"

# git over loopback: git daemon on a free port serving the same history.
PORT=$(( 20000 + RANDOM % 20000 ))
git daemon --reuseaddr --listen=127.0.0.1 --port=$PORT --base-path="$WORK/data/central" --export-all \
  --enable=receive-pack "$WORK/data/central" >/dev/null 2>&1 &
PIDS+=($!)
sleep 0.5
gits=(); checkouts=()
for r in 1 2 3; do
  gits+=("$(time_ms git clone -q --bare "git://127.0.0.1:$PORT/history.git" "$WORK/gitbare$r")")
  checkouts+=("$(time_ms git clone -q "git://127.0.0.1:$PORT/history.git" "$WORK/gitfull$r")")
done
say "git clone --bare over loopback (baseline, ms)" "$(printf '%s\n' "${gits[@]}" | median)"
say "git clone with checkout over loopback (baseline, ms)" "$(printf '%s\n' "${checkouts[@]}" | median)"

# One changed record: push by one copy, server merge, pull by another.
ID=$("$LIAISON" -C "$WORK/clone1" --json list contacts --org gen-org-0007 --limit 1 | grep -o '"id": "[0-9a-f]*"' | head -1 | cut -d'"' -f4)
rounds=(); bytes=()
for r in $(seq 11); do
  "$LIAISON" -C "$WORK/clone1" contact edit "$ID" --role "Round $r" >/dev/null
  lines_before=$(wc -l < "$WORK/server.log")
  t0=$(now_ms)
  "$LIAISON" -C "$WORK/clone1" push >/dev/null
  "$LIAISON" -C "$WORK/clone2" pull >/dev/null
  t1=$(now_ms)
  rounds+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }')")
  bytes+=("$(tail -n +$((lines_before + 1)) "$WORK/server.log" | grep -E "/v1/(push|fetch)" | sed -E 's/.* in=([0-9]+) out=([0-9]+).*/\1 \2/' | awk '{s += $1 + $2} END {print s}')")
done
say "one record: push + server merge + pull (ms)" "$(printf '%s\n' "${rounds[@]}" | median)"
say "one record: bytes of request/response bodies on the wire" "$(printf '%s\n' "${bytes[@]}" | median)"
git clone -q "git://127.0.0.1:$PORT/history.git" "$WORK/gitA"
git clone -q --bare "git://127.0.0.1:$PORT/history.git" "$WORK/gitB"
gpush=(); gfetch=()
for r in $(seq 11); do
  f=$(ls "$WORK/gitA/contacts/${ID:0:2}/$ID.json")
  sed -i "s/\"role\":\"[^\"]*\"/\"role\":\"Git round $r\"/" "$f"
  git -C "$WORK/gitA" commit -qam "round $r"
  gpush+=("$(time_ms git -C "$WORK/gitA" push -q origin HEAD:refs/heads/bench)")
  gfetch+=("$(time_ms git -C "$WORK/gitB" fetch -q origin refs/heads/bench:refs/heads/bench)")
done
say "git push of one changed record (baseline, ms)" "$(printf '%s\n' "${gpush[@]}" | median)"
say "git fetch of one changed record (baseline, ms)" "$(printf '%s\n' "${gfetch[@]}" | median)"

# Many clients at once, on a small directory so that 200 copies fit on disk.
"$LIAISOND" init "$WORK/small" >/dev/null
SADMIN=$("$LIAISOND" token create --data "$WORK/small" --org un-ctc --role admin)
SEDIT=$("$LIAISOND" token create --data "$WORK/small" --org cis-atc --role editor)
start_liaisond "$WORK/small" "$WORK/small.log"
"$LIAISON" -C "$WORK" clone "$URL" seed --token "$SEDIT" >/dev/null
# Round 1: every client adds a contact; later rounds: every client edits its
# own contact again, so the data stays the same size while requests go on:
# the server's memory should level off.
ROUNDS="${ROUNDS:-5}"
declare -a IDS
for round in $(seq "$ROUNDS"); do
  for i in $(seq "$CLIENTS"); do
    rm -rf "$WORK/c$i"; cp -r "$WORK/seed" "$WORK/c$i"
    "$LIAISON" -C "$WORK/c$i" pull >/dev/null
    if [ "$round" -eq 1 ]; then
      IDS[$i]=$("$LIAISON" -C "$WORK/c$i" --json contact add --org cis-atc --role "Round 1 client $i" |
        grep -o '"id": "[0-9a-f]*"' | cut -d'"' -f4)
    else
      "$LIAISON" -C "$WORK/c$i" contact edit "${IDS[$i]}" --role "Round $round client $i" >/dev/null
    fi
  done
  t0=$(now_ms)
  fails=0
  syncs=()
  for i in $(seq "$CLIENTS"); do "$LIAISON" -C "$WORK/c$i" sync >/dev/null 2>"$WORK/c$i.err" & syncs+=($!); done
  for job in "${syncs[@]}"; do wait "$job" || fails=$((fails + 1)); done
  t1=$(now_ms)
  "$LIAISON" -C "$WORK/seed" pull >/dev/null
  present=$("$LIAISON" -C "$WORK/seed" --json list contacts | grep -c "\"Round $round client" || true)
  # Read once the server has handed freed memory back (it does every 5 s).
  sleep 6
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  anon=$(awk '/RssAnon/ {print $2}' "/proc/$SERVER_PID/status")
  say "round $round: $CLIENTS concurrent syncs: failed / present / ms" "$fails/$present/$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')"
  say "round $round: server resident memory, of which heap (KB)" "$rss/$anon"
done
