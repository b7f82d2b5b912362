#!/usr/bin/env bash
# Proves that a restructuring of the code changed no behaviour: builds the release binary
# of a base revision (in a git worktree of its own) and of the current working tree, runs
# both over the same inputs and compares stdout, stderr, exit code and, for commands that
# write, the file tree they leave (contents by `diff -r`, plus every entry's type and mode),
# byte for byte.
#
#   scripts/compare-outputs.sh [BASE_REV] [--no-corpus] [--jobs N] [--keep]
#
# BASE_REV     the revision to compare with (default 6b1755e, the commit before the move
#              of the check pipeline from the CLI into a library crate)
# --no-corpus  skip the standard benchmark corpus (bench-work/corpus); without it the
#              corpus is built when missing (a minute or two, downloads from registries)
# --jobs N     comparisons run in parallel (default: the number of cores)
# --keep       keep the run folder (every job's outputs) for inspection
#
# Work folder: ${TMPDIR:-/tmp}/envlint-compare (base/ is the worktree, base-target/ its
# CARGO_TARGET_DIR, reused while base.stamp names the same revision; run/ the inputs and
# outputs of the last run). Prints one line per differing comparison (with the start of
# its `diff -u`) and `N comparisons, M differ`; exits 1 when any differ, 2 on a failure of
# the script itself (e.g. a build that fails).
#
# Inputs: each project of tests/fixtures/projects, tests/fixtures/messy, examples/demo and
# a small synthetic project for the git rules, each in three set-ups: git as tests/cli does
# it (`git init -q`, `gitignore` renamed `.gitignore`, the files listed in `stage` added
# with `git add -f`), the same with everything `git add -A`'d (env-tracked findings), and
# no repository at all. Every command runs from inside the project (no path argument),
# from its parent (`check proj`) and with an absolute path (from an unrelated folder).
# Each job runs the base binary, then the new one, in the same folder, set up anew from
# the same template, so every shown path (relative or absolute) is the same for both and
# nothing needs normalising.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base_rev=6b1755e
with_corpus=1
keep=0
jobs=$(nproc 2>/dev/null || echo 2)
while (($#)); do
  case $1 in
    --no-corpus) with_corpus=0 ;;
    --keep) keep=1 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "compare-outputs: unknown option $1" >&2; exit 2 ;;
    *) base_rev=$1 ;;
  esac
  shift
done

cmpdir=${TMPDIR:-/tmp}/envlint-compare
run=$cmpdir/run
mkdir -p "$cmpdir"
# Output does not depend on these; they only make the two builds much quicker.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

say() { printf '%s\n' "$*" >&2; }
die() { say "compare-outputs: $*"; exit 2; }

# ---------------------------------------------------------------------------------------
# 1. The two binaries.

base_sha=$(git -C "$root" rev-parse --verify --quiet "$base_rev^{commit}") ||
  die "no such revision: $base_rev"
base_tree=$cmpdir/base
base_target=$cmpdir/base-target
stamp=$cmpdir/base.stamp
if [[ -x $base_target/release/envlint && -f $stamp && $(<"$stamp") == "$base_sha" ]]; then
  say "base: reusing the build of ${base_sha:0:12}"
else
  rm -f "$stamp"
  git -C "$root" worktree prune
  if [[ -e $base_tree/.git ]]; then
    git -C "$base_tree" checkout -q --force --detach "$base_sha"
  else
    rm -rf "$base_tree"
    git -C "$root" worktree add -q --force --detach "$base_tree" "$base_sha"
  fi
  say "base: building ${base_sha:0:12} in $base_tree"
  (cd "$base_tree" && CARGO_TARGET_DIR=$base_target cargo build -q --release) ||
    die "the base revision does not build"
  echo "$base_sha" >"$stamp"
fi
say "new: building the working tree $root"
(cd "$root" && cargo build -q --release) || die "the working tree does not build"

# Copies, so that a build started meanwhile (by anyone) cannot change what is compared.
rm -rf "$run"
# Both keep the name envlint: clap prints the program's file name in its usage lines.
mkdir -p "$run/bin/base" "$run/bin/new" "$run/home/.config" "$run/templates" "$run/jobs" "$run/scratch"
cp "$base_target/release/envlint" "$run/bin/base/envlint"
cp "$root/target/release/envlint" "$run/bin/new/envlint"
if [[ $keep == 0 ]]; then
  trap 'rm -rf "$run"' EXIT
fi

# The environment of every run below (the builds above needed the real HOME): no colour,
# no global or system git configuration (a global gitignore would change the git rules).
export HOME=$run/home XDG_CONFIG_HOME=$run/home/.config GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES \
  GIT_CONFIG_GLOBAL GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT CLICOLOR_FORCE
export LC_ALL=C
: >"$run/empty.toml"

# ---------------------------------------------------------------------------------------
# 2. The inputs: templates/VARIANT/NAME, each a project ready to copy (`cp -a`).

projects=()
add_project() { # NAME SOURCE-FOLDER
  local name=$1 src=$2 variant dir
  projects+=("$name")
  for variant in git staged nogit; do
    dir=$run/templates/$variant/$name
    mkdir -p "$dir"
    cp -R "$src/." "$dir/"
    [[ $variant == nogit ]] || git -C "$dir" init -q
    # As tests/cli/support.rs does: `gitignore` becomes `.gitignore` (a real one would
    # hide the fixture's files from envlint's own repository), `stage` lists files to add.
    [[ ! -e $dir/gitignore ]] || mv "$dir/gitignore" "$dir/.gitignore"
    if [[ -f $dir/stage ]]; then
      local path
      while IFS= read -r path; do
        [[ $variant == nogit ]] || git -C "$dir" add -f -- "$path"
      done <"$dir/stage"
      rm "$dir/stage"
    fi
    [[ $variant != staged ]] || git -C "$dir" add -A
  done
}
for dir in "$root"/tests/fixtures/projects/*/; do
  dir=${dir%/}
  add_project "${dir##*/}" "$dir"
done
add_project messy "$root/tests/fixtures/messy"
add_project demo "$root/examples/demo"
# The git rules' cases (as in tests/cli/project.rs): nested ignore files, an ignored
# example, a folder ignored whole, a file staged although ignored (`stage`).
gitrules=$run/scratch/gitrules
mkdir -p "$gitrules"/{svc,old,deploy,src}
printf '.env*\n' >"$gitrules/gitignore"
printf 'A=1\n' >"$gitrules/.env"
printf 'A=\n' >"$gitrules/.env.example"
printf '!.env.local\n' >"$gitrules/svc/.gitignore"
printf 'A=1\n' >"$gitrules/svc/.env.local"
printf 'A=\n' >"$gitrules/svc/blank.env"
printf '*\n' >"$gitrules/old/.gitignore"
printf 'A=1\n' >"$gitrules/old/prod.env"
printf 'A=1\n' >"$gitrules/deploy/.env.production"
printf 'import os\nos.environ["A"]\nos.environ["B"]\n' >"$gitrules/src/main.py"
printf 'deploy/.env.production\n' >"$gitrules/stage"
add_project gitrules "$gitrules"

if git -C "$run/templates/nogit/demo" rev-parse --git-dir >/dev/null 2>&1; then
  die "$run is inside a git repository: the no-repository inputs would not be that"
fi

# ---------------------------------------------------------------------------------------
# 3. The jobs: one line each, tab-separated: ID VARIANT NAME MODE STEP [STEP...].
# A step is the arguments of one envlint run, split on spaces; `@P` stands for the
# project's path as the mode gives it (inside: nothing, so `@P` disappears and `@P/x` is
# `x`; parent: `NAME`; absolute: the full path, run from an unrelated folder). A mode
# `in:SUB` runs from the subfolder SUB of the project (`@P` as for inside).
# NAME `-` is a job without a project (run in an empty folder).

joblist=$run/jobs.txt
: >"$joblist"
n=0
job() { # VARIANT NAME MODE STEP...
  local IFS=$'\t'
  n=$((n + 1))
  printf '%05d\t%s\n' "$n" "$*" >>"$joblist"
}

project_steps=(
  "check @P"
  "check --format concise @P"
  "check --format json @P"
  "check --format github @P"
  "check --format sarif @P"
  "check --show-values @P"
  "check -q @P"
  "check -q --format concise @P"
  "check --select ALL @P"
  "check --select ALL --format json --show-values @P"
  "check --ignore missing-in-example,hardcoded-secret @P"
  "check --ignore env-not-ignored --format concise @P"
  "check --no-color --format concise --select ALL @P"
  "fix --diff @P"
  "fix --diff --unsafe-fixes @P"
  "fix --format json --diff @P"
  "fix --format concise --diff @P"
  "fix @P"
  "fix --unsafe-fixes @P"
  "fix -q --unsafe-fixes @P"
  "example --diff @P"
  "example --check @P"
  "example --format json --diff @P"
  "example --prune --diff @P"
  "example --values-from-env --diff @P"
  "example @P"
  "example --prune --values-from-env @P"
  "init --diff @P"
  "init --format json --diff @P"
  "init @P"
  "init --add-missing @P"
  "init --add-missing --diff @P"
  "init --file .env.dev @P"
  "refs @P"
  "refs --format json @P"
  "refs --format concise @P"
  "refs --include-skipped --format json @P"
)
# Commands whose second run sees what the first one wrote (an applied fix, then a check).
chained_steps=(
  "check --write-baseline b.json @P	check --baseline b.json @P	check --format json --baseline b.json @P"
  "fix --unsafe-fixes @P	check --format concise @P"
  "example @P	example --check @P	check --format concise @P"
  "init @P	init --add-missing @P	check --format concise @P"
)
no_git_steps=(
  "check @P"
  "check --format json @P"
  "fix --diff @P"
  "fix --unsafe-fixes @P"
  "example --diff @P"
  "example @P"
  "init --diff @P"
  "init @P"
  "refs --format json @P"
)

env_files_of() { # TEMPLATE-DIR: its env files, relative, sorted
  (cd "$1" && find . -name .git -prune -o -type f \( -name '.env' -o -name '.env.*' -o -name '*.env' \) -print |
    sed 's|^\./||' | LC_ALL=C sort)
}

for name in "${projects[@]}"; do
  for variant in git staged; do
    for mode in in parent abs; do
      for step in "${project_steps[@]}" "${chained_steps[@]}"; do
        job "$variant" "$name" "$mode" "$step"
      done
      while IFS= read -r file; do
        for step in "parse @P/$file" "parse --format json @P/$file" "parse --no-env @P/$file" \
          "check @P/$file" "check --format concise --select ALL @P/$file" "fix --diff --unsafe-fixes @P/$file"; do
          job "$variant" "$name" "$mode" "$step"
        done
      done < <(env_files_of "$run/templates/$variant/$name")
    done
  done
  for mode in in parent abs; do
    for step in "${no_git_steps[@]}"; do
      job nogit "$name" "$mode" "$step"
    done
  done
done
# One app of a monorepo: from the root with the app's path, and from inside the app.
for variant in git staged; do
  for app in apps/web apps/api; do
    for mode in in parent abs; do
      for step in "check @P/$app" "check --format json @P/$app" "fix --diff @P/$app" "refs @P/$app" \
        "example --diff @P/$app" "example @P/$app" "init --diff @P/$app" "init @P/$app"; do
        job "$variant" monorepo "$mode" "$step"
      done
    done
    for step in "check" "check --format concise ." "refs" "example --diff" "init --diff" "fix --diff" \
      "check ../.." "example --diff ../.."; do
      job "$variant" monorepo "in:$app" "$step"
    done
  done
  # Several paths at once, and a file with a folder.
  job "$variant" monorepo in "check --format concise apps/web apps/api"
  job "$variant" monorepo in "check --format json .env.example apps"
  job "$variant" messy in "check --format concise app windows.env notes.txt"
done
# Rules, and failures (exit 2, messages on stderr).
job git - in "rules"
job git - in "rules --format json"
job git - in "rules --format concise"
job git - in "rules missing-in-example"
job git - in "rules no-such-rule"
job git - in "--help"
job git - in "--version"
for sub in check fix example init parse refs rules; do
  job git - in "$sub --help"
done
job git - in "check --format sarif"
job git - in "fix --format sarif"
job git - in "check no/such/path"
job git - in "parse no-such.env"
job git - in "check --select no-such-rule"
job git - in "check --config no-such.toml"
job git - in "example --check --diff"
job git - in "bogus-subcommand"
job git demo in "check --baseline missing.json"
job git demo in "check --select ALL --ignore ALL"

# `rules ID` for every rule the base binary lists.
while IFS= read -r rule; do
  job git - in "rules $rule"
  job git - in "rules --format json $rule"
done < <("$run/bin/base/envlint" rules --format json | grep -o '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | LC_ALL=C sort -u)

# ---------------------------------------------------------------------------------------
# 4. Running a job: base, then new, in the same folder; then the comparisons.

run_job() { # the job's line
  local line=$1 id variant name mode steps
  IFS=$'\t' read -r -a fields <<<"$line"
  id=${fields[0]} variant=${fields[1]} name=${fields[2]} mode=${fields[3]}
  steps=("${fields[@]:4}")
  local j=$run/jobs/$id w side bin cwd path k step arg args words rc
  w=$j/w
  mkdir -p "$j"
  for side in base new; do
    bin=$run/bin/$side/envlint
    rm -rf "$w"
    mkdir -p "$w/out"
    if [[ $name == - ]]; then
      cwd=$w/out path=
    else
      cp -a "$run/templates/$variant/$name" "$w/$name"
      case $mode in
        in) cwd=$w/$name path= ;;
        in:*) cwd=$w/$name/${mode#in:} path= ;;
        parent) cwd=$w path=$name ;;
        abs) cwd=$w/out path=$w/$name ;;
      esac
    fi
    k=0
    for step in "${steps[@]}"; do
      k=$((k + 1))
      args=()
      read -r -a words <<<"$step"
      for arg in "${words[@]}"; do
        case $arg in
          @P) [[ -z $path ]] || args+=("$path") ;;
          @P/*) args+=("${path:+$path/}${arg#@P/}") ;;
          *) args+=("$arg") ;;
        esac
      done
      rc=0
      (cd "$cwd" && exec timeout 600 "$bin" "${args[@]}") \
        </dev/null >"$j/$side.$k.stdout" 2>"$j/$side.$k.stderr" || rc=$?
      echo "$rc" >"$j/$side.$k.exit"
    done
    # Every entry's path, type, mode and link target (the contents are compared below).
    (cd "$w" && find . -name .git -prune -o -printf '%p %y %m %l\n' | LC_ALL=C sort) >"$j/$side.modes"
    mv "$w" "$j/$side.tree"
  done
  # The comparisons: one line each, `same LABEL` or `differ LABEL` + the start of the diff.
  local label="$variant $name $mode" out=$j/result
  : >"$out"
  k=0
  for step in "${steps[@]}"; do
    k=$((k + 1))
    local stream
    for stream in stdout stderr exit; do
      if cmp -s "$j/base.$k.$stream" "$j/new.$k.$stream"; then
        echo "same" >>"$out"
      else
        {
          echo "differ [$label] envlint $step -> $stream (job $id)"
          diff -u --label "base/$stream" --label "new/$stream" "$j/base.$k.$stream" "$j/new.$k.$stream" |
            head -n 12 | sed 's/^/    /'
        } >>"$out"
      fi
    done
  done
  local tree_diff
  tree_diff=$(
    cd "$j"
    diff -r --no-dereference -x .git base.tree new.tree 2>&1 || true
    diff -u --label base/modes --label new/modes base.modes new.modes || true
  )
  if [[ -z $tree_diff ]]; then
    echo "same" >>"$out"
  else
    {
      echo "differ [$label] envlint ${steps[*]} -> files written (job $id)"
      head -n 12 <<<"$tree_diff" | sed 's/^/    /'
    } >>"$out"
  fi
  # Only the outputs of differing jobs are kept (with --keep).
  if ! grep -q '^differ' "$out"; then
    rm -rf "$j/base.tree" "$j/new.tree"
  fi
}
export -f run_job
export run

total_jobs=$(wc -l <"$joblist")
say "running $total_jobs jobs ($jobs at a time)"
started=$SECONDS
# shellcheck disable=SC2016  # $1 is the inner shell's
xargs -d '\n' -P "$jobs" -I '{}' bash -c 'run_job "$1"' _ '{}' <"$joblist" || true
done_jobs=$(find "$run/jobs" -mindepth 2 -maxdepth 2 -name result | wc -l)
((done_jobs == total_jobs)) || die "only $done_jobs of $total_jobs jobs finished"
say "jobs done in $((SECONDS - started)) s"

# ---------------------------------------------------------------------------------------
# 5. The corpus: read-only commands, both binaries in the same folder. The root
# envlint.toml excludes bench-work/**, and the configuration search goes up from the
# corpus to it, so the runs use an empty configuration file instead.

corpus=$root/bench-work/corpus
corpus_results=$run/corpus.result
: >"$corpus_results"
if [[ $with_corpus == 1 ]]; then
  if [[ ! -d $corpus/js ]]; then
    say "corpus: building $corpus (make-corpus.sh)"
    # The corpus build needs the real HOME (npm, pip and cargo caches and settings).
    (HOME=$(getent passwd "$(id -u)" | cut -d: -f6) && export HOME && unset XDG_CONFIG_HOME &&
      bash "$root/../shared/bench/make-corpus.sh" "$corpus") >&2 ||
      die "the corpus could not be built (or pass --no-corpus)"
  fi
  say "corpus: $(find "$corpus" -type f | wc -l) files under $corpus"
  started=$SECONDS
  corpus_steps=(
    "check --format json"
    "check --format concise"
    "check"
    "refs --format json"
    "example --diff"
  )
  k=0
  for step in "${corpus_steps[@]}"; do
    k=$((k + 1))
    for side in base new; do
      rc=0
      # shellcheck disable=SC2086  # a step is split on spaces
      (cd "$corpus" && exec timeout 600 "$run/bin/$side/envlint" $step --config "$run/empty.toml") \
        </dev/null >"$run/corpus.$side.$k.stdout" 2>"$run/corpus.$side.$k.stderr" || rc=$?
      echo "$rc" >"$run/corpus.$side.$k.exit"
    done
    for stream in stdout stderr exit; do
      if cmp -s "$run/corpus.base.$k.$stream" "$run/corpus.new.$k.$stream"; then
        echo "same" >>"$corpus_results"
      else
        {
          echo "differ [corpus] envlint $step -> $stream"
          diff -u --label "base/$stream" --label "new/$stream" \
            "$run/corpus.base.$k.$stream" "$run/corpus.new.$k.$stream" | head -n 12 | sed 's/^/    /'
        } >>"$corpus_results"
      fi
    done
    if [[ $step == "check --format concise" ]]; then
      say "corpus: envlint $step (base): $(tail -n 1 "$run/corpus.base.$k.stdout")"
    elif [[ $step == "refs --format json" ]]; then
      say "corpus: envlint $step (base): $(wc -c <"$run/corpus.base.$k.stdout") bytes, exit $(<"$run/corpus.base.$k.exit")"
    fi
  done
  say "corpus done in $((SECONDS - started)) s"
else
  say "corpus: skipped (--no-corpus)"
fi

# ---------------------------------------------------------------------------------------
# 6. The verdict.

comparisons=0 differ=0
while IFS= read -r line; do
  case $line in
    same) comparisons=$((comparisons + 1)) ;;
    differ*) comparisons=$((comparisons + 1)) differ=$((differ + 1)); printf '%s\n' "$line" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < <(cat "$run"/jobs/*/result "$corpus_results")
[[ $keep == 0 ]] || say "outputs kept in $run"
echo "$comparisons comparisons, $differ differ"
((differ == 0))
