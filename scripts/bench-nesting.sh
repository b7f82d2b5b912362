#!/usr/bin/env bash
# Timing of `envlint refs FILE` and `envlint check DIR` on pathological shapes of source code:
# deep nesting (parentheses, brackets, blocks, functions, objects, types, JSX), long operator
# sums and long method chains, in each language the scanner reads, at the sizes that used to
# abort the process with a stack overflow or take seconds (issue 13, items 8, 9 and 17).
# Each file also holds ordinary reads before and after the odd part (BEFORE, AFTER), and one
# inside it (DEEP). The target is well under a second per run, and never a crash.
#
#   scripts/bench-nesting.sh                              # release build, then every shape
#   ENVLINT=/path/to/envlint scripts/bench-nesting.sh     # another binary, no build
#   SHAPES='rs-* js-parens-*' TIMEOUT=20 scripts/bench-nesting.sh
#
# Columns: the time of each command (wall clock, one run), its exit code (0 and 1 are normal
# exits; 134 is SIGABRT, 124 the timeout), the reads `refs` printed (of BEFORE, DEEP, AFTER)
# and the warning the scanner gave, if any.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
el=${ENVLINT:-$root/target/release/envlint}
if [[ -z ${ENVLINT:-} ]]; then
  (cd "$root" && cargo build -q --release) || exit 2
fi
timeout_s=${TIMEOUT:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `rep TEXT N`: TEXT N times, one per line (line breaks keep the files below the
# minified-code cut-off, so that they are scanned at all).
rep() { yes -- "$1" | head -n "$2"; }

# `indent N TEXT INNER`: N nested lines `TEXT` indented one space per level, then INNER.
indent() {
  awk -v n="$1" -v t="$2" -v inner="$3" 'BEGIN {
    pad = ""
    for (i = 0; i < n; i++) { print pad t; pad = pad " " }
    print pad inner
  }'
}

# Each generator writes one file: `gen_<shape> N`.
rs_pre='use std::env;
fn before() -> String { env::var("BEFORE").unwrap() }'
rs_post='fn after() -> String { env::var("AFTER").unwrap() }'
py_pre='import os
BEFORE = os.environ["BEFORE"]'
py_post='AFTER = os.getenv("AFTER")'
js_pre='const before = process.env.BEFORE;'
js_post='const after = process.env.AFTER;'

gen() {
  local shape=$1 n=$2
  case $shape in
    rs-parens)
      echo "$rs_pre"; echo 'fn deep() -> usize {'; rep '(' "$n"
      echo 'env::var("DEEP").unwrap().len()'; rep ')' "$n"; echo '}'; echo "$rs_post" ;;
    rs-brackets)
      echo "$rs_pre"; echo 'fn deep() { let _ = env::var("DEEP").unwrap(); let x ='; rep '[' "$n"
      echo '1'; rep ']' "$n"; echo '; }'; echo "$rs_post" ;;
    rs-blocks)
      echo "$rs_pre"; echo 'fn deep() {'; rep '{' "$n"
      echo 'let _ = env::var("DEEP").unwrap();'; rep '}' "$n"; echo '}'; echo "$rs_post" ;;
    rs-fns)
      echo "$rs_pre"; rep 'fn f() {' "$n"
      echo 'let _ = env::var("DEEP").unwrap();'; rep '}' "$n"; echo "$rs_post" ;;
    rs-sum)
      echo "$rs_pre"; echo 'fn deep() -> u64 { let _ = env::var("DEEP").unwrap(); let x = 1'
      rep '+ 1' "$n"; echo '; x }'; echo "$rs_post" ;;
    rs-chain)
      echo "$rs_pre"; echo 'fn deep(a: A) { let _ = env::var("DEEP").unwrap(); a'
      rep '.b()' "$n"; echo '; }'; echo "$rs_post" ;;
    py-parens)
      echo "$py_pre"; echo 'x = ('; rep '(' "$n"; echo 'os.environ["DEEP"]'; rep ')' "$n"
      echo ')'; echo "$py_post" ;;
    py-lists)
      echo "$py_pre"; echo 'x = ['; rep '[' "$n"; echo 'os.environ["DEEP"]'; rep ']' "$n"
      echo ']'; echo "$py_post" ;;
    py-dicts)
      echo "$py_pre"; echo 'x = ('; rep '{"k":' "$n"; echo 'os.environ["DEEP"]'; rep '}' "$n"
      echo ')'; echo "$py_post" ;;
    py-defs)
      echo "$py_pre"; indent "$n" 'def f():' 'return os.environ["DEEP"]'; echo "$py_post" ;;
    py-sum)
      echo "$py_pre"; echo 'x = (os.environ["DEEP"]'; rep '+ "1"' "$n"; echo ')'; echo "$py_post" ;;
    py-chain)
      echo "$py_pre"; echo 'x = (os.environ["DEEP"]'; rep '.b()' "$n"; echo ')'; echo "$py_post" ;;
    js-parens | ts-parens | tsx-parens)
      echo "$js_pre"; echo 'const x ='; rep '(' "$n"; echo 'process.env.DEEP'; rep ')' "$n"
      echo ';'; echo "$js_post" ;;
    js-arrays)
      echo "$js_pre"; echo 'const x ='; rep '[' "$n"; echo 'process.env.DEEP'; rep ']' "$n"
      echo ';'; echo "$js_post" ;;
    js-objects)
      echo "$js_pre"; echo 'const x ='; rep '{a:' "$n"; echo 'process.env.DEEP'; rep '}' "$n"
      echo ';'; echo "$js_post" ;;
    js-functions | ts-functions)
      echo "$js_pre"; rep 'function f() {' "$n"; echo 'return process.env.DEEP;'
      rep '}' "$n"; echo "$js_post" ;;
    js-arrows)
      echo "$js_pre"; echo 'const f ='; rep '() => (' "$n"; echo 'process.env.DEEP'
      rep ')' "$n"; echo ';'; echo "$js_post" ;;
    js-sum | ts-sum)
      echo "$js_pre"; echo 'const x = process.env.DEEP'; rep '+ 1' "$n"; echo ';'
      echo "$js_post" ;;
    js-chain | ts-chain)
      echo "$js_pre"; echo 'const x = process.env.DEEP'; rep '.b()' "$n"; echo ';'
      echo "$js_post" ;;
    ts-types)
      echo "$js_pre"; echo 'type T ='; rep 'A<' "$n"; echo 'string'; rep '>' "$n"; echo ';'
      echo 'const x = process.env.DEEP;'; echo "$js_post" ;;
    tsx-jsx)
      echo "$js_pre"; echo 'const x = ('; rep '<div>' "$n"; echo '{process.env.DEEP}'
      rep '</div>' "$n"; echo ');'; echo "$js_post" ;;
    *) echo "unknown shape $shape" >&2; return 1 ;;
  esac
}

ext_of() {
  case $1 in
    rs-*) echo rs ;; py-*) echo py ;; js-*) echo js ;; tsx-*) echo tsx ;; ts-*) echo ts ;;
  esac
}

# The audit's sizes: 1,800 and 50,000 levels, 32,000 for the JavaScript parentheses,
# chains of 20,000 and 50,000; Python's indentation-nested functions at 1,000 (1 space per
# level is already 0.5 MB).
cases=(
  rs-parens:1800 rs-parens:50000 rs-brackets:50000 rs-blocks:50000 rs-fns:2000
  rs-sum:50000 rs-chain:20000 rs-chain:50000
  py-parens:50000 py-lists:50000 py-dicts:50000 py-defs:1000 py-sum:50000 py-chain:50000
  js-parens:32000 js-parens:50000 js-arrays:50000 js-objects:50000 js-functions:50000
  js-arrows:20000 js-sum:50000 js-chain:50000
  ts-parens:32000 ts-functions:50000 ts-types:50000 ts-sum:50000 ts-chain:50000
  tsx-parens:32000 tsx-jsx:20000
)

# Runs a command with the timeout; prints "seconds exit-code".
timed() {
  local start end rc
  start=$(date +%s%N)
  timeout "$timeout_s" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  end=$(date +%s%N)
  printf '%d.%03d %d' $(((end - start) / 1000000000)) $((((end - start) / 1000000) % 1000)) "$rc"
}

printf '%-18s %8s  %10s %4s  %10s %4s  %-17s %s\n' shape size refs rc check rc reads warning
for case in "${cases[@]}"; do
  shape=${case%%:*}
  n=${case##*:}
  # shellcheck disable=SC2053
  if [[ -n ${SHAPES:-} ]]; then
    keep=0
    for pattern in $SHAPES; do [[ $shape:$n == $pattern || $shape == $pattern ]] && keep=1; done
    ((keep)) || continue
  fi
  ext=$(ext_of "$shape")
  dir=$work/$shape-$n
  mkdir -p "$dir"
  file=$dir/deep.$ext
  gen "$shape" "$n" >"$file" || exit 2
  # A second, ordinary source file: the check then scans on its worker threads.
  case $ext in
    rs) echo 'fn main() { let _ = std::env::var("PLAIN").unwrap(); }' >"$dir/plain.rs" ;;
    py) printf 'import os\nPLAIN = os.environ["PLAIN"]\n' >"$dir/plain.py" ;;
    *) echo 'export const plain = process.env.PLAIN;' >"$dir/plain.$ext" ;;
  esac
  printf 'BEFORE=1\nAFTER=1\nDEEP=1\nPLAIN=1\n' >"$dir/.env"
  printf 'BEFORE=\nAFTER=\nDEEP=\nPLAIN=\n' >"$dir/.env.example"
  read -r refs_s refs_rc <<<"$(timed "$el" refs --format json "$file")"
  reads=$(grep -o '"name":"[A-Z]*"' "$work/out" | sed 's/"name":"\(.*\)"/\1/' | sort -u | paste -sd, -)
  warning=$(grep -o 'warning: .*' "$work/err" | head -1 | sed 's/^warning: [^:]*: //' | cut -c1-60)
  read -r check_s check_rc <<<"$(timed "$el" check "$dir")"
  size=$(wc -c <"$file")
  printf '%-18s %8s  %9ss %4s  %9ss %4s  %-17s %s\n' "$shape:$n" "$((size / 1024))K" \
    "$refs_s" "$refs_rc" "$check_s" "$check_rc" "${reads:--}" "${warning:--}"
done
