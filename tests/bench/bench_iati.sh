#!/usr/bin/env bash
# Benchmark of IATI export and import (issue 18: export of 10k offers <= 1 s;
# import of a 50 MB activities file <= 5 s with peak memory <= 100 MB).
# Usage: bench_iati.sh BUILD_DIR [OFFERS ACTIVITIES SHARE]  (default 10000 36000 2)
# SHARE: one activity in SHARE concerns liaison's areas and becomes an offer.
set -euo pipefail
BUILD="${1:?build dir}"
OFFERS="${2:-10000}"; ACTIVITIES="${3:-36000}"; SHARE="${4:-2}"
LIAISON="$BUILD/cli/liaison"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export LIAISON_USER_NAME="Bench" LIAISON_USER_EMAIL="bench@example.org"
peak() { /usr/bin/time -f "%e s, peak %M kB" "$@" 2>&1 >/dev/null | tail -1; }

# Offers of the three orgs data/orgs.json gives an iati_ref.
awk -v n="$OFFERS" 'BEGIN {
  split("world-bank jica giz", p, " "); split("cft-fiu border-api-pnr law-enforcement judicial-mla pve", a, " ")
  split("KZ KG TJ UZ TM KE SN ML", s, " "); printf "["
  for (i = 0; i < n; i++)
    printf "%s{\"provider\":\"%s\",\"title\":\"Offer %d\",\"areas\":[\"%s\"],\"recipients\":[\"%s\",\"%s\"],\"status\":\"ongoing\",\"start\":\"2025-01-01\",\"end\":\"2025-12-31\",\"budget\":\"%d\",\"currency\":\"USD\"}",
      (i ? "," : ""), p[i % 3 + 1], i, a[i % 5 + 1], s[i % 8 + 1], s[(i + 3) % 8 + 1], 1000 + i
  print "]" }' > "$WORK/offers.json"
"$LIAISON" init "$WORK/c" --org world-bank >/dev/null
"$LIAISON" -C "$WORK/c" import "$WORK/offers.json" --kind offers >/dev/null
printf '%-52s %s\n' "export --format iati, $OFFERS offers" "$(peak "$LIAISON" -C "$WORK/c" export --kind offers --format iati -o "$WORK/out.xml")"

# A donor's file: activities of about 1.4 kB, one in SHARE in liaison's areas.
awk -v n="$ACTIVITIES" -v share="$SHARE" 'BEGIN {
  filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "; f = ""
  for (k = 0; k < 8; k++) f = f filler
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\">"
  for (i = 0; i < n; i++)
    printf "<iati-activity xml:lang=\"en\" default-currency=\"USD\"><iati-identifier>44000-P%07d</iati-identifier><reporting-org ref=\"44000\" type=\"40\"><narrative>World Bank</narrative></reporting-org><title><narrative>Project %d</narrative><narrative xml:lang=\"fr\">Projet %d</narrative></title><description><narrative>%s</narrative></description><participating-org ref=\"44000\" role=\"1\"/><participating-org role=\"4\"><narrative>Ministry</narrative></participating-org><activity-status code=\"2\"/><activity-date type=\"2\" iso-date=\"2023-01-01\"/><activity-date type=\"3\" iso-date=\"2027-01-01\"/><recipient-country code=\"KE\"/><sector vocabulary=\"1\" code=\"%s\" percentage=\"100\"/><budget type=\"1\"><period-start iso-date=\"2023-01-01\"/><period-end iso-date=\"2023-12-31\"/><value value-date=\"2023-01-01\">%d</value></budget><transaction><transaction-type code=\"3\"/><transaction-date iso-date=\"2023-05-01\"/><value value-date=\"2023-05-01\">1000</value></transaction></iati-activity>\n",
      i, i, i, f, (i % share == 0 ? "15132" : "11110"), 1000 + i
  print "</iati-activities>" }' > "$WORK/donor.xml"
SIZE=$(( $(stat -c %s "$WORK/donor.xml") / 1000000 ))
"$LIAISON" init "$WORK/d" --org world-bank >/dev/null
printf '%-52s %s\n' "import, ${SIZE} MB, $ACTIVITIES activities (1 in $SHARE kept)" "$(peak "$LIAISON" -C "$WORK/d" import "$WORK/donor.xml")"
printf '%-52s %s\n' "import of the same file again (nothing changes)" "$(peak "$LIAISON" -C "$WORK/d" import "$WORK/donor.xml")"
sed 's/ref="44000"/ref="XX-0"/g' "$WORK/donor.xml" > "$WORK/other.xml"
"$LIAISON" init "$WORK/e" --org world-bank >/dev/null
printf '%-52s %s\n' "import, ${SIZE} MB, every activity skipped" "$(peak "$LIAISON" -C "$WORK/e" import "$WORK/other.xml")"
