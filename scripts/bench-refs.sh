#!/usr/bin/env bash
# Side-by-side benchmark of `envlint refs` on the standard corpus (shared/bench/make-corpus.sh)
# against the ripgrep floor and dotenv-diff 2.8.1 (JS/TS only, regex based).
#
#   scripts/bench-refs.sh            # builds the corpus and installs dotenv-diff into bench-work/
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
need_tools
need_corpus
need_dotenv_diff
build_envlint
floor='process\.env|import\.meta\.env|os\.environ|getenv|env::var|var_os|env!|option_env!|Deno\.env|Bun\.env'
cd "$corpus"
echo "corpus: $(du -sh . | cut -f1), $(find . -type f | wc -l) files"
printf 'ripgrep floor: %s files with a marker\n' "$(rg -l --no-ignore -e "$floor" . | wc -l)"
for mode in "" "--include-skipped"; do
  "$el" refs $mode --format json . 2>/dev/null | python3 -c '
import json, sys, collections
d = json.load(sys.stdin)
langs = collections.Counter(r["language"] for r in d["refs"])
print("envlint refs '"$mode"':", len(d["refs"]), "reads,", len(d["dynamic"]), "dynamic;", dict(langs))'
done
"$dd" --scan-usage --ci --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["stats"]
print("dotenv-diff:", d["totalUsages"], "usages in", d["filesScanned"], "files (JS/TS only)")' || true
echo
hyperfine -N -i --warmup 1 --runs "${RUNS:-5}" \
  -n "ripgrep floor" "rg -l --no-ignore -e $floor ." \
  -n "envlint refs" "$el refs --format json ." \
  -n "envlint refs --include-skipped" "$el refs --include-skipped --format json ." \
  -n "dotenv-diff 2.8.1" "$dd --scan-usage --ci --json"
echo
peak_rss "rg -l --no-ignore -e $floor ." "$el refs --format json ." "$el refs --include-skipped --format json ." "$dd --scan-usage --ci --json"
