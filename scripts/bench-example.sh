#!/usr/bin/env bash
# Scale benchmark of `envlint example` and `check` on a large project side: an example with
# N keys (default 200,000) of which the code reads a few hundred, so nearly every key is
# "unused" and `--prune` rewrites almost the whole file. It guards against work that grows
# with keys x reads or keys x keys (the first cut took minutes here). ripgrep reading the
# same files is the floor.
#
#   scripts/bench-example.sh [N]
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
need_tools
build_envlint
n=${1:-200000}
dir=$work/example-scale
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" && git init -q
python3 - "$n" <<'PY'
import sys
n = int(sys.argv[1])
with open(".env.example", "w") as f:
    for i in range(n):
        f.write(f"KEY_{i}=value{i}\n")
with open("app.ts", "w") as f:
    for i in range(300):
        f.write(f"process.env.KEY_{i * 7}; process.env.NEW_{i}!;\n")
PY
echo "example: $n keys, $(wc -c < .env.example) bytes; code: 600 reads"
hyperfine -N -i --warmup 1 --runs "${RUNS:-5}" \
  -n "ripgrep floor" "rg -c KEY_ ." \
  -n "envlint example --check" "$el example --check" \
  -n "envlint example --diff" "$el example --diff" \
  -n "envlint example --prune --diff" "$el example --prune --diff" \
  -n "envlint check" "$el check --format concise -q"
