#!/usr/bin/env bash
# The main job, end to end: installs what is missing, builds, then creates a
# local copy for the CIS Anti-Terrorism Center in a temporary folder, loads
# the sample directory, edits it, and shows lists, search, history and the
# checks. Everything happens under a temporary folder that is removed after.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" >/dev/null
LIAISON="$ROOT/build/cli/liaison"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export LIAISON_USER_NAME="Demo Editor" LIAISON_USER_EMAIL="demo.editor@example.org"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "Create a copy for CIS ATC" "$LIAISON" init "$WORK/cis-atc" --org cis-atc
cd "$WORK/cis-atc"
step "Load the sample contact points" "$LIAISON" import "$ROOT/data/sample/contacts.csv"
step "Load the sample needs" "$LIAISON" import "$ROOT/data/sample/needs.csv"
step "Load the sample offers" "$LIAISON" import "$ROOT/data/sample/offers.csv"
step "Contact points of CIS ATC" "$LIAISON" list contacts --org cis-atc
ID=$("$LIAISON" --json list contacts --org cis-atc --limit 1 | sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p' | head -1)
step "Add a contact point" "$LIAISON" contact add --org cis-atc --role "Duty officer, 24/7 desk" \
  --name "Demo Person" --email duty.desk@example.org --phone "+7 495 555 01 99" --language ru --language en \
  --area info-sharing --available-24-7 true
step "Edit one (any unique id prefix works)" "$LIAISON" contact edit "${ID:0:6}" --add-language en --hours "Mon-Fri 09:00-18:00 UTC+3"
step "Verify it" "$LIAISON" contact verify "${ID:0:6}"
step "Search across everything" "$LIAISON" search border
step "Open needs in Central Asia for border control" "$LIAISON" list needs --area border --status open
step "Contact points not verified for a year" "$LIAISON" stale --older-than 365
step "History" "$LIAISON" log -n 6
step "Who changed what in that contact" "$LIAISON" blame "${ID:0:8}"
step "The last edit, field by field" "$LIAISON" show HEAD~1
step "Check the copy" "$LIAISON" doctor
step "The history is a git repository" git --git-dir="$WORK/cis-atc/history.git" log --oneline -n 3
