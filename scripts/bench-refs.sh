#!/usr/bin/env bash
# Side-by-side benchmark of `envlint refs` on the standard corpus (shared/bench/make-corpus.sh)
# against the ripgrep floor and dotenv-diff 2.8.1 (JS/TS only, regex based).
#
#   scripts/bench-refs.sh            # builds the corpus and installs dotenv-diff into bench-work/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_WORK:-$root/bench-work}
corpus=$work/corpus
mkdir -p "$work"
[[ -d $corpus/js ]] || bash "$root/../shared/bench/make-corpus.sh" "$corpus"
dd=$work/peers-npm/node_modules/.bin/dotenv-diff
[[ -x $dd ]] || npm install --silent --no-audit --no-fund --prefix "$work/peers-npm" dotenv-diff@2.8.1
command -v hyperfine >/dev/null && command -v rg >/dev/null || {
  echo "bench-refs: needs hyperfine and ripgrep (apt-get install hyperfine ripgrep)" >&2
  exit 2
}
(cd "$root" && cargo build -q --release)
el=$root/target/release/envlint
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
echo "peak memory (max RSS, KiB):"
for cmd in "rg -l --no-ignore -e $floor ." "$el refs --format json ." "$el refs --include-skipped --format json ." "$dd --scan-usage --ci --json"; do
  # shellcheck disable=SC2086
  /usr/bin/time -f '%M' -o "$work/rss" $cmd >/dev/null 2>&1 || true
  printf '  %8s  %s\n' "$(tail -1 "$work/rss")" "${cmd//$root\//}"
done
