#!/usr/bin/env bash
# Side-by-side benchmark of the whole-project `envlint check` (env files, every source file
# scanned for reads and for credentials, git facts, all default rules) on the standard
# corpus, against the ripgrep floor (one pass over the same files with the read markers and
# the credential prefixes) and dotenv-diff 2.8.1's usage scan (JS/TS only, no secrets).
#
#   scripts/bench-check.sh           # builds the corpus and installs dotenv-diff into bench-work/
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
need_tools
need_corpus
need_dotenv_diff
build_envlint
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
  -n "envlint example --check" "$el example --check ." \
  -n "dotenv-diff 2.8.1" "$dd --scan-usage --ci --json"
echo
peak_rss "rg -c --no-ignore -e $floor ." "$el check --format json ." "$dd --scan-usage --ci --json"
