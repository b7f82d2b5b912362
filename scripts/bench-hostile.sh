#!/usr/bin/env bash
# Hostile inputs: the sizes and shapes an audit found envlint slow or greedy on (issue 13),
# each against a target of wall time and peak memory. Prints one table row per case: the
# best wall time of the runs, their CPU time (user + system), the largest peak RSS, and
# whether both targets are met.
#
#   scripts/bench-hostile.sh [--no-build]
#
# RUNS=N runs each case N times (default 3). Uses target/release/envlint, built first
# unless --no-build (ENVLINT=path runs another binary, say an older build to compare
# with; then TIMEOUT=seconds and MAX_MEMORY_MB=n bound each run, a run stopped by them
# counting as not met). The inputs are generated once into bench-work/hostile/
# (git-ignored; delete the folder to make them again):
#
# - big-env/.env: 50 MB, 1.65 million lines of scripts/gen-env.py, a third of the entries
#   made wrong (lowercase keys, spaces around `=`, trailing spaces, unquoted spaces): about
#   470,000 findings, so that every output format has real work.
# - monorepo/: a git repository of 50,000 files: 1,000 packages each with a .env and a
#   .env.example (2,000 env files) and 48 small source files in Rust, Python, JavaScript
#   and TypeScript, a sixth of them reading environment variables (some not in the example).
# - dollars/.env: values of 131,072 `$` each, in the shapes that once made the parser or
#   the positions quadratic: `$$$…`, `${X}${X}…`, `${${${…}`, `${X${X…}`.
# - sparse/.env: a sparse file of 2 GiB (no disk space): refused before it is read.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
el=${ENVLINT:-$root/target/release/envlint}
hostile=${BENCH_WORK:-$root/bench-work}/hostile
runs=${RUNS:-3}
build=1
while (($#)); do
  case $1 in
    --no-build) build=0 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench-hostile: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x /usr/bin/time ]] || { echo "bench-hostile: needs GNU time (/usr/bin/time)" >&2; exit 2; }
if ((build)); then
  (cd "$root" && cargo build -q --release)
fi
mkdir -p "$hostile"
# Its own configuration and repository: the inputs do not depend on where bench-work/ is
# (envlint's own configuration excludes it).
[[ -f $hostile/envlint.toml ]] || echo '# bench-hostile.sh: the default rules' >"$hostile/envlint.toml"
[[ -d $hostile/.git ]] || git -C "$hostile" init -q

# ---------------------------------------------------------------------------------------
# Inputs.

if [[ ! -f $hostile/big-env/.env ]]; then
  echo "generating big-env/.env (50 MB) ..." >&2
  mkdir -p "$hostile/big-env"
  # Of every twelve lines, four entries are made wrong, each in its own way.
  python3 "$root/scripts/gen-env.py" 1650000 | awk '{
    r = NR % 12
    if ($0 ~ /^K[0-9]/) {
      if (r == 0) $0 = $0 "  "
      else if (r == 3) $0 = tolower(substr($0, 1, 1)) substr($0, 2)
      else if (r == 6) sub(/=/, " = ")
      else if (r == 9) sub(/=/, "=two words ")
    }
    print
  }' >"$hostile/big-env/.env.tmp"
  mv "$hostile/big-env/.env.tmp" "$hostile/big-env/.env"
fi

if [[ ! -f $hostile/monorepo/.done ]]; then
  echo "generating monorepo/ (50,000 files) ..." >&2
  rm -rf "$hostile/monorepo"
  mkdir -p "$hostile/monorepo"
  python3 - "$hostile/monorepo" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(13)
open(os.path.join(root, ".gitignore"), "w").write(".env\nnode_modules/\ntarget/\n")
open(os.path.join(root, "package.json"), "w").write('{"name": "mono", "private": true}\n')
langs = [("rs", "src"), ("py", "app"), ("js", "lib"), ("ts", "web")]
for p in range(1000):
    pkg = os.path.join(root, "packages", "pkg%04d" % p)
    keys = ["PKG%04d_%s" % (p, k) for k in ("DB_URL", "PORT", "REDIS_URL", "LOG_LEVEL",
            "API_KEY", "TIMEOUT", "REGION", "FEATURE_X", "SENTRY_DSN", "QUEUE")]
    for _, sub in langs:
        os.makedirs(os.path.join(pkg, sub), exist_ok=True)
    with open(os.path.join(pkg, ".env.example"), "w") as f:
        f.write("# settings of package %d\n" % p)
        for k in keys[:8]:
            f.write("%s=\n" % k)
    with open(os.path.join(pkg, ".env"), "w") as f:
        for k in keys[:9]:
            f.write("%s=value-%d\n" % (k, rng.randrange(1000)))
    for i in range(48):
        ext, sub = langs[i % 4]
        path = os.path.join(pkg, sub, "m%02d.%s" % (i, ext))
        reads = i % 6 == 0
        a, b = keys[i % 8], keys[8 + i % 2]
        if ext == "rs":
            body = "pub fn f%d(x: u32) -> u32 {\n    x * %d + 1\n}\n" % (i, i)
            if reads:
                body += 'pub fn env() -> Option<String> {\n    std::env::var("%s").ok().or(std::env::var("%s").ok())\n}\n' % (a, b)
        elif ext == "py":
            body = "def f%d(x):\n    return x * %d + 1\n" % (i, i)
            if reads:
                body = "import os\n\n" + body + '\nA = os.environ["%s"]\nB = os.getenv("%s")\n' % (a, b)
        else:
            body = "export function f%d(x%s) {\n  return x * %d + 1;\n}\n" % (i, ": number" if ext == "ts" else "", i)
            if reads:
                body += "export const a = process.env.%s;\nexport const b = process.env.%s;\n" % (a, b)
        open(path, "w").write(body)
PY
  (cd "$hostile/monorepo" && git init -q && git add -A && git -c user.name=bench -c user.email=bench@example.invalid commit -qm files)
  touch "$hostile/monorepo/.done"
fi

if [[ ! -f $hostile/dollars/.env ]]; then
  mkdir -p "$hostile/dollars"
  python3 - "$hostile/dollars/.env" <<'PY'
import sys
n = 131072
lines = ["X=ab", "A=" + "$" * n, "B=" + "${X}" * n, "C=" + "${" * n + "X}",
         "D=" + "${X" * n + "}", "E=\"" + "$" * n + "\"", "F=1"]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
fi

if [[ ! -f $hostile/sparse/.env ]]; then
  mkdir -p "$hostile/sparse"
  truncate -s 2G "$hostile/sparse/.env"
fi

# ---------------------------------------------------------------------------------------
# Cases: name, target seconds, target MB, command (run in $hostile, stdout discarded).

failed=0
printf '%s\n' "envlint: $($el --version), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $runs run(s) each"
printf '| %-44s | %8s | %8s | %9s | %-16s | %s |\n' case wall CPU "peak RSS" target met
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" ---------: ---------: ----------: ------------------ -----
case_() { # NAME SECONDS MB CMD...
  local name=$1 secs=$2 mb=$3 best="" cpu="" rss=0 i wall user sys kib killed=0
  shift 3
  for ((i = 0; i < runs; i++)); do
    (
      cd "$hostile"
      [[ -z ${MAX_MEMORY_MB:-} ]] || ulimit -v $((MAX_MEMORY_MB * 1024))
      limit=()
      [[ -z ${TIMEOUT:-} ]] || limit=(timeout -s KILL "$TIMEOUT")
      /usr/bin/time -f '%e %U %S %M' -o "$hostile/.time" "${limit[@]}" "$@" >/dev/null 2>&1
    ) || true
    read -r wall user sys kib < <(tail -1 "$hostile/.time")
    # Killed (a timeout, out of memory): the run did not finish.
    ! grep -q 'terminated by signal' "$hostile/.time" || killed=1
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
    ((kib > rss)) && rss=$kib
  done
  local rss_mb met
  rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }')
  if ((killed)); then
    met=killed
    failed=1
  elif awk -v w="$best" -v s="$secs" -v r="$rss_mb" -v m="$mb" 'BEGIN { exit !(w < s && r < m) }'; then
    met=yes
  else
    met=NO
    failed=1
  fi
  printf '| %-44s | %6s s | %6s s | %6s MB | < %-4s s, < %-4s MB | %-6s |\n' \
    "$name" "$best" "$cpu" "$rss_mb" "$secs" "$mb" "$met"
}

for format in human concise json github sarif; do
  case_ "50 MB .env, check --format $format" 5 500 "$el" check --format "$format" big-env
done
case_ "monorepo 50,000 files, check" 5 300 "$el" check monorepo
case_ "monorepo 50,000 files, check --format sarif" 5 300 "$el" check --format sarif monorepo
case_ "128k \`\$\` values, check --format concise" 1 200 "$el" check --format concise dollars
case_ "128k \`\$\` values, check --format json" 1 200 "$el" check --format json dollars
case_ "128k \`\$\` values, parse --format json" 1 200 "$el" parse --format json dollars/.env
case_ "2 GiB sparse .env, check (refused)" 0.5 50 "$el" check sparse
echo
echo "findings: big-env $(cd "$hostile" && "$el" check --format concise big-env 2>/dev/null | tail -1)"
echo "findings: monorepo $(cd "$hostile" && "$el" check --format concise monorepo 2>/dev/null | tail -1)"
exit "$failed"
