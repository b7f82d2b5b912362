#!/usr/bin/env bash
# Time of `envlint fix` on an env file where every line has something to fix (blanks
# around `=`, indentation, trailing blanks, unquoted words, blank-line runs): the fixes of
# all lines are applied and checked in one pass over the file, so the time grows with the
# file, not with its square (before: 160,000 lines took 33 s).
#
#   scripts/bench-fix.sh            # 160,000 lines
#   LINES=20000 scripts/bench-fix.sh
#
# Prints the time of each run (the file is restored before each) and checks that a second
# `fix` finds nothing left to do. Needs only bash, awk and a release build.
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
lines=${LINES:-160000}
runs=${RUNS:-3}
build_envlint
dir=$work/fix
mkdir -p "$dir"
awk -v n="$lines" 'BEGIN {
  for (i = 0; i < n; i++) {
    k = i % 6
    if (k == 0) printf "KEY_%d = value%d\n", i, i
    else if (k == 1) printf "  INDENTED_%d=x%d\n", i, i
    else if (k == 2) printf "TRAILING_%d=y%d  \n", i, i
    else if (k == 3) printf "WORDS_%d=two words %d\n", i, i
    else printf "\n"
  }
}' >"$dir/input.env"
echo "input: $lines lines, $(wc -c <"$dir/input.env") bytes"
for run in $(seq "$runs"); do
  cp "$dir/input.env" "$dir/.env"
  start=$(date +%s.%N)
  (cd "$dir" && "$el" fix --quiet .env >/dev/null 2>&1) || true
  end=$(date +%s.%N)
  echo "run $run: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }')"
done
if (cd "$dir" && "$el" fix --diff .env >/dev/null 2>&1); then
  echo "second fix: nothing left to do"
else
  echo "second fix: would still change the file" >&2
  exit 1
fi
