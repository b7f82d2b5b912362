#!/usr/bin/env bash
# Side-by-side benchmark of `envlint check` against dotenv-linter 4.0.0 (the peer for .env
# file checks) and ripgrep (the floor: reading the file once) on a generated 200,000-line
# .env file. Prints a hyperfine table (commands interleaved, warm cache) and peak memory.
#
#   scripts/bench.sh            # installs what is missing into bench-work/ (cargo, apt)
#   LINES=50000 scripts/bench.sh
#   COUNT=1 scripts/bench.sh    # also count instructions with callgrind (steady, see below)
#
# The machines here are shared and noisy: quote the ratios of one run, not absolute times.
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
lines=${LINES:-200000}
need_tools
dl="$work/peers/bin/dotenv-linter"
if [[ ! -x $dl ]]; then
  echo "bench: installing dotenv-linter 4.0.0 into $work/peers (once)" >&2
  cargo install -q dotenv-linter --version 4.0.0 --locked --root "$work/peers"
fi
build_envlint
file="$work/big-$lines.env"
[[ -f $file ]] || python3 "$root/scripts/gen-env.py" "$lines" >"$file"

# dotenv-linter's 13 checks, by envlint's names (envlint runs parse-error, portability, bom
# and invalid-utf8 too by default, and unordered-key/quote-character only on request).
same=duplicated-key,ending-blank-line,extra-blank-line,incorrect-delimiter,key-without-value
same+=,leading-character,lowercase-key,quote-character,space-character,substitution-key
same+=,trailing-whitespace,unordered-key,value-without-quotes

echo "file: $file ($(wc -l <"$file") lines, $(du -h "$file" | cut -f1))"
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo
echo "findings:"
printf '  dotenv-linter: %s\n' "$("$dl" check --skip-updates "$file" 2>/dev/null | grep -c ': ' || true)"
printf '  envlint (13 checks): %s\n' "$("$el" check --select "$same" --format concise "$file" | grep -c ': ' || true)"
printf '  envlint (defaults): %s\n' "$("$el" check --format concise "$file" | grep -c ': ' || true)"
echo

hyperfine -N -i --warmup 2 --runs "${RUNS:-15}" --export-markdown "$work/bench.md" \
  -n "ripgrep (floor: read the file)" "rg -c = $file" \
  -n "dotenv-linter 4.0.0" "$dl check --skip-updates $file" \
  -n "envlint, 13 checks, concise" "$el check --select $same --format concise $file" \
  -n "envlint, 13 checks, code frames" "$el check --select $same $file" \
  -n "envlint, defaults, code frames" "$el check $file"

echo
peak_rss "$dl check --skip-updates $file" \
  "$el check --select $same --format concise $file" \
  "$el check --select $same $file" \
  "$el check $file"

# COUNT=1: also count instructions with callgrind (valgrind), which, unlike the clock on
# these shared machines, gives the same number every run: a steady measure of progress.
# Instructions are not time (they ignore page faults, cache misses and the second core).
if [[ ${COUNT:-} == 1 ]]; then
  if command -v valgrind >/dev/null; then
    echo
    echo "instructions (callgrind, all threads):"
    count() {
      local out
      out=$(mktemp)
      valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || true
      printf '  %14s  %s\n' "$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1}')" "$*"
      rm -f "$out"
    }
    count "$dl" check --skip-updates "$file"
    count "$el" check --select bom --format concise "$file"
    count "$el" check --select "$same" --format concise "$file"
  else
    echo "bench: COUNT=1 needs valgrind (apt-get install valgrind); skipped" >&2
  fi
fi
