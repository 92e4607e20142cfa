#!/usr/bin/env bash
# Checks what the build's include roots cannot (scripts/layers.cmake): each C
# library is used by the layer that owns it, and no layer reaches into the
# handle of a library another layer owns. Prints each breach as file:line
# and fails if there is any.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
LAYERS=(base model git view merge store io sync web server cli process)
status=0
# only_in PATTERN OWNER...: PATTERN may appear only in the owners' folders.
only_in() {
  local pattern="$1"; shift
  local folders=()
  for layer in "${LAYERS[@]}"; do
    local owned=0
    for owner in "$@"; do [ "$layer" = "$owner" ] && owned=1; done
    [ $owned = 0 ] && folders+=("$layer")
  done
  local found
  found=$(grep -rnE --include='*.h' --include='*.cc' "$pattern" "${folders[@]}")
  if [ -n "$found" ]; then
    echo "only $* may use: $pattern"
    echo "$found"
    status=1
  fi
}
only_in '#include <git2' git
only_in '#include <sqlite3\.h>' view
only_in '#include <libxml/' io
only_in '#include <(phonenumbers|unicode)/' model
only_in '\bgit_[a-z0-9_]+\(|\bgit_oid\b|\bGIT_[A-Z_]+' git
only_in '\bsqlite3_[a-z0-9_]+\(' view
only_in '\bxml[A-Z][A-Za-z]+\(' io
only_in '\.raw\(\)' git view
only_in 'view(\(\)|_)\.db\(\)' view
# With the build folder and the compiler (as ctest gives them): a layer's
# include roots find its own headers and those below, and nothing above.
if [ $# -ge 2 ]; then
  BUILD="$(cd "$1" && pwd)" CXX="$2"
  EMPTY=$(mktemp -d)
  trap 'rm -rf "$EMPTY"' EXIT
  compiles() {  # compiles LAYER HEADER: true if LAYER's include roots find HEADER
    local roots=()
    for below in "${@:3}"; do roots+=(-I "$BUILD/layers/$below"); done
    # From an empty folder: a quoted include looks beside the includer first.
    (cd "$EMPTY" && echo "#include \"$2\"" | "$CXX" -std=c++20 -fsyntax-only -x c++ -I "$BUILD/layers/$1" "${roots[@]}" \
      -I /usr/include/libxml2 - >/dev/null 2>&1)
  }
  if ! compiles model model/record.h base; then
    echo "model cannot include its own model/record.h"; status=1
  fi
  for above in store/store.h view/view.h git/history.h io/importer.h; do
    if compiles model "$above" base; then
      echo "model can include $above, a header of a layer it does not use"; status=1
    fi
  done
  if compiles git view/view.h base; then
    echo "git can include view/view.h, a header of a layer beside it"; status=1
  fi
  if compiles web sync/protocol.h io store view merge git model base; then
    echo "web can include sync/protocol.h, a header of a layer beside it"; status=1
  fi
fi
[ $status -eq 0 ] && echo "layering: each C library is used by its own layer only"
exit $status
