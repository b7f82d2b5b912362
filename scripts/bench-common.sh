# Shared set-up of the benchmark scripts (sourced, not run): where things live, the tools
# they need, the peers and the corpus, installed once into bench-work/, and a release build.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_WORK:-$root/bench-work}
corpus=$work/corpus
el=$root/target/release/envlint
mkdir -p "$work"

need() { command -v "$1" >/dev/null 2>&1; }

# hyperfine and ripgrep, from apt when we may.
need_tools() {
  need hyperfine && need rg && return
  if [[ $(id -u) == 0 ]] && need apt-get; then
    apt-get update -qq >/dev/null && apt-get install -y -qq hyperfine ripgrep >/dev/null
  else
    echo "bench: needs hyperfine and ripgrep (apt-get install hyperfine ripgrep)" >&2
    exit 2
  fi
}

# The standard corpus (../shared/bench/make-corpus.sh), built once.
need_corpus() {
  [[ -d $corpus/js ]] || bash "$root/../shared/bench/make-corpus.sh" "$corpus"
}

# dotenv-diff 2.8.1 from npm, installed once; sets $dd.
need_dotenv_diff() {
  dd=$work/peers-npm/node_modules/.bin/dotenv-diff
  [[ -x $dd ]] || npm install --silent --no-audit --no-fund --prefix "$work/peers-npm" dotenv-diff@2.8.1
}

build_envlint() { (cd "$root" && cargo build -q --release); }

# Peak memory (max RSS, KiB) of each command line given.
peak_rss() {
  echo "peak memory (max RSS, KiB):"
  local cmd
  for cmd in "$@"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f '%M' -o "$work/rss" $cmd >/dev/null 2>&1 || true
    printf '  %8s  %s\n' "$(tail -1 "$work/rss")" "${cmd//$root\//}"
  done
}
