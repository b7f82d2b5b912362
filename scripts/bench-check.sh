#!/usr/bin/env bash
# Side-by-side benchmark of the whole-project `envlint check` (env files, every source file
# scanned for reads and for credentials, git facts, all default rules) on the standard
# corpus, against the ripgrep floor (one pass over the same files with the read markers and
# the credential prefixes) and dotenv-diff 2.8.1's usage scan (JS/TS only, no secrets).
#
#   scripts/bench-check.sh           # builds the corpus and installs dotenv-diff into bench-work/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_WORK:-$root/bench-work}
corpus=$work/corpus
mkdir -p "$work"
[[ -d $corpus/js ]] || bash "$root/../shared/bench/make-corpus.sh" "$corpus"
dd=$work/peers-npm/node_modules/.bin/dotenv-diff
[[ -x $dd ]] || npm install --silent --no-audit --no-fund --prefix "$work/peers-npm" dotenv-diff@2.8.1
command -v hyperfine >/dev/null && command -v rg >/dev/null || {
  echo "bench-check: needs hyperfine and ripgrep (apt-get install hyperfine ripgrep)" >&2
  exit 2
}
(cd "$root" && cargo build -q --release)
el=$root/target/release/envlint
floor='process\.env|import\.meta\.env|os\.environ|getenv|env::var|var_os|env!|option_env!|Deno\.env|Bun\.env|sk-|sk_live_|AKIA|ghp_|github_pat_|glpat-|xox[abpr]-|AIza|-----BEGIN|eyJ|://'
cd "$corpus"
echo "corpus: $(du -sh . | cut -f1), $(find . -type f | wc -l) files"
"$el" check --format json . 2>/dev/null | python3 -c '
import json, sys, collections
d = json.load(sys.stdin)
rules = collections.Counter(x["rule"] for x in d["diagnostics"])
print("envlint check:", d["summary"], dict(rules))' || true
echo
hyperfine -N -i --warmup 1 --runs "${RUNS:-5}" \
  -n "ripgrep floor" "rg -c --no-ignore -e $floor ." \
  -n "envlint check" "$el check --format json ." \
  -n "envlint check (no secret scan)" "$el check --ignore hardcoded-secret --format json ." \
  -n "dotenv-diff 2.8.1" "$dd --scan-usage --ci --json"
echo
echo "peak memory (max RSS, KiB):"
for cmd in "rg -c --no-ignore -e $floor ." "$el check --format json ." "$dd --scan-usage --ci --json"; do
  # shellcheck disable=SC2086
  /usr/bin/time -f '%M' -o "$work/rss" $cmd >/dev/null 2>&1 || true
  printf '  %8s  %s\n' "$(tail -1 "$work/rss")" "${cmd//$root\//}"
done
