#!/usr/bin/env bash
# The main job, end to end: installs what is missing and builds, then starts
# a liaisond server on loopback, lets central staff load the sample
# directory, has two organizations (CIS ATC and OSCE) clone, edit offline and
# sync, sends an out-of-scope change through the review queue, and shows the
# result: a donor's segment, its watcher seeing a new need, the matrix, and
# the server's web pages in a headless browser (screenshots in build/demo/). Everything lives in a temporary folder removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" >/dev/null
LIAISON="$ROOT/build/cli/liaison"
LIAISOND="$ROOT/build/server/liaisond"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Prints the step and its command (tokens masked), then runs it.
step() {
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$(echo "${*:2}" | sed -E 's/lz_[0-9a-f]+/lz_…/g')"
  "${@:2}"
}
as() { local who=$1; shift; LIAISON_USER_NAME="$who" LIAISON_USER_EMAIL="$(echo "$who" | tr 'A-Z ' 'a-z.')@example.org" "$@"; }

step "Central staff create the server's data folder" "$LIAISOND" init "$WORK/server"
ADMIN=$("$LIAISOND" token create --data "$WORK/server" --org un-ctc --role admin)
CIS=$("$LIAISOND" token create --data "$WORK/server" --org cis-atc --role editor)
OSCE=$("$LIAISOND" token create --data "$WORK/server" --org osce --role editor)
BANK=$("$LIAISOND" token create --data "$WORK/server" --org world-bank --role reader)
echo "Tokens created for un-ctc (admin), cis-atc and osce (editors), world-bank (reader); stored hashed."
"$LIAISOND" --data "$WORK/server" --listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/server.out" 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/.*listening on //p' "$WORK/server.out")
echo "liaisond is serving $URL"

cd "$WORK"
step "Central staff clone and load the sample directory" as "Carla Central" "$LIAISON" clone "$URL" hq --token "$ADMIN"
as "Carla Central" "$LIAISON" -C hq import "$ROOT/data/sample/contacts.csv" >/dev/null
as "Carla Central" "$LIAISON" -C hq import "$ROOT/data/sample/needs.csv" >/dev/null
as "Carla Central" "$LIAISON" -C hq import "$ROOT/data/sample/offers.csv" >/dev/null
step "... and push" as "Carla Central" "$LIAISON" -C hq push

step "CIS ATC clones" as "Ivan Ivanov" "$LIAISON" clone "$URL" cis --token "$CIS"
step "OSCE clones" as "Olga Schmidt" "$LIAISON" clone "$URL" osce --token "$OSCE"
# The CIS ATC duty officer: a public 24/7 point (the donor sees it too).
CIS_ID=$("$LIAISON" -C cis --json list contacts --org cis-atc | awk -F'"' '/"id":/ { id = $4 } /"role": "Duty officer"/ { print id; exit }')
OSCE_ID=$("$LIAISON" -C osce --json list contacts --org osce --limit 1 | sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p' | head -1)

step "Offline, CIS ATC updates its contact point" as "Ivan Ivanov" "$LIAISON" -C cis contact edit "${CIS_ID:0:8}" \
  --add-email duty.desk@example.org --hours "24/7 via duty desk"
step "... and records a need of Kyrgyzstan" as "Ivan Ivanov" "$LIAISON" -C cis need add --org cis-atc --state KG \
  --area border-api-pnr --title "Passenger data unit at Manas airport" --priority high --source assessment
step "Offline, OSCE verifies its own contact point" as "Olga Schmidt" "$LIAISON" -C osce contact verify "${OSCE_ID:0:8}"
step "CIS ATC syncs" as "Ivan Ivanov" "$LIAISON" -C cis sync
step "OSCE syncs (the server merges both organizations' work)" as "Olga Schmidt" "$LIAISON" -C osce sync
step "OSCE also corrects a CIS ATC contact: not its record, so it goes to review" \
  as "Olga Schmidt" "$LIAISON" -C osce contact edit "${CIS_ID:0:8}" --unit "Operations Duty Service (checked by OSCE)"
as "Olga Schmidt" "$LIAISON" -C osce push
step "OSCE syncs again while it waits: one change stays one submission" as "Olga Schmidt" "$LIAISON" -C osce sync
step "Central staff review it" as "Carla Central" "$LIAISON" -C hq review list
as "Carla Central" "$LIAISON" -C hq review show 1
step "... and accept it" as "Carla Central" "$LIAISON" -C hq review accept 1
step "OSCE pulls and sees the outcome" as "Olga Schmidt" "$LIAISON" -C osce pull
as "Olga Schmidt" "$LIAISON" -C osce status
step "A donor clones read-only: the unclassified segment" as "Dana Donor" "$LIAISON" clone "$URL" bank --token "$BANK"
"$LIAISON" -C bank status
step "The donor sees CIS ATC's duty officer as a functional point: no name, email or phone" \
  "$LIAISON" -C bank contact show "${CIS_ID:0:8}"
echo "(OSCE, a partner, sees $("$LIAISON" -C osce --json contact show "${CIS_ID:0:8}" | grep -c '@example.org') email address(es) there;" \
  "the donor's copy holds none: $(grep -rl "atc.duty@example.org" bank | wc -l) files, $(git --git-dir bank/history.git cat-file --batch-all-objects --batch | grep -c "atc.duty@example.org") objects)"
step "CTED's assessment need restricted to CTED and OSCE: OSCE sees it, the donor does not" \
  "$LIAISON" -C osce need show 6301bbfc
"$LIAISON" -C bank need show 6301bbfc || true
step "The donor's view is a cache of the history: lost, it is rebuilt" rm "$WORK/bank/view.db"
"$LIAISON" -C bank doctor --rebuild
step "The donor watches for new needs in Central Asia (the server's change feed)" \
  echo "$LIAISON -C bank watch --once --kind need --region 'Central Asia'  (in the background)"
timeout 30 "$LIAISON" -C bank watch --once --kind need --region "Central Asia" >"$WORK/watch.out" 2>"$WORK/watch.err" &
WATCHER=$!
sleep 1
step "OSCE records a need in Kyrgyzstan and pushes it" \
  as "Olga Schmidt" "$LIAISON" -C osce need add --org osce --state KG --area border --priority high \
  --title "Mobile border patrol training"
as "Olga Schmidt" "$LIAISON" -C osce push
wait "$WATCHER" || true
step "... and the donor's watcher has seen it and pulled it" cat "$WORK/watch.out"
step "The matrix of assistance needs, as the donor sees it" "$LIAISON" -C bank matrix --by region
step "... for Central Asia, by state" "$LIAISON" -C bank matrix --region "Central Asia"
step "Open needs nobody covers yet, in Central Asia" "$LIAISON" -C bank gaps --region "Central Asia"
step "Needs two providers cover, and offers that look alike" "$LIAISON" -C bank duplicates
step "The donor's offers in IATI 2.03, the format donors publish in" "$LIAISON" -C bank export --kind offers --format iati -o "$WORK/offers.xml" 2>"$WORK/iati.log"
grep -v '^warning' "$WORK/iati.log" || true
echo "($(grep -c '^warning' "$WORK/iati.log") offers left out: their providers have no public IATI identifier)"
head -c 600 "$WORK/offers.xml"; echo
step "A report for the next meeting" "$LIAISON" -C bank report --out "$WORK/report.html" --since 2026-01-01
# The same server's web pages, in a real browser (headless chromium; any
# destination but loopback goes to a closed local port).
browse() {  # URL OUT.png: prints the page's DOM, keeps a screenshot
  local flags=(--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking
    --disable-component-update --proxy-server=http://127.0.0.1:9 --proxy-bypass-list=127.0.0.1 --window-size=1280,900)
  chromium "${flags[@]}" --screenshot="$2" "$1" >/dev/null 2>&1 || true
  chromium "${flags[@]}" --dump-dom "$1" 2>/dev/null
}
mkdir -p "$ROOT/build/demo"
step "A donor opens the web site without signing in: the needs of Central Asia" \
  echo "chromium --headless $URL/needs?region=Central+Asia"
browse "$URL/needs?region=Central+Asia" "$ROOT/build/demo/needs.png" >"$WORK/needs.html"
echo "$(grep -o '<h1>[^<]*</h1>' "$WORK/needs.html" | sed 's/<[^>]*>//g'):" \
  "$(grep -o 'Page [0-9]* / [0-9]* · [0-9]* records' "$WORK/needs.html"), the first of them:"
grep -o '<th scope="row" dir="auto"><a[^>]*>[^<]*' "$WORK/needs.html" | sed 's/.*>/  /' | head -5
echo "  CTED's restricted assessment need on the page: $(grep -c 'Risk assessment of the non-profit sector' "$WORK/needs.html" || true) times;" \
  "screenshot: build/demo/needs.png"
step "... and the overview's matrix in Russian" echo "chromium --headless $URL/?lang=ru"
browse "$URL/?lang=ru" "$ROOT/build/demo/overview-ru.png" | grep -o '<caption>[^<]*</caption>' | sed 's/<[^>]*>//g'
echo "  screenshot: build/demo/overview-ru.png"
step "History of the CIS ATC contact, merged across organizations" "$LIAISON" -C bank log "${CIS_ID:0:8}"
step "Who changed which field" "$LIAISON" -C bank blame "${CIS_ID:0:8}"
step "The server's request log (no tokens in it)" tail -n 6 "$WORK/server.log"
