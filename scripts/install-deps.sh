#!/usr/bin/env bash
# Installs the Debian packages liaison needs to build, test and run its demo,
# skipping the apt step when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git sqlite3
  libgit2-dev libsqlite3-dev libcereal-dev libphonenumber-dev libicu-dev libssl-dev zlib1g-dev libdeflate-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libgoogle-perftools-dev
  libboost-dev openssl ca-certificates curl
  libxml2-dev libxml2-utils  # IATI export and import; xmllint validates exports in the tests
  chromium chromium-driver python3-selenium  # tests/browser: the web pages in a real browser
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer's runtime is in libclang-rt-14-dev, a mere Recommends of clang
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
