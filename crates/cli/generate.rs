//! `envlint example` and `envlint init`: the files the env discipline needs, written for
//! the user, and the `.gitignore` lines that keep them where they belong.
//!
//! Why these live together: both turn a plan (bytes a file should hold) into writes, with
//! the same guarantees: nothing is written when `--diff` or `--check` is given; existing
//! files are replaced atomically and only if unchanged since read (see [`crate::write`]);
//! new files are created without ever overwriting one, `.env` with mode 0600; a file that
//! cannot be parsed is refused, not guessed at. `.gitignore` edits are checked with git's
//! own matching rules before they are made: when a line in the root `.gitignore` would not
//! give the wanted result (a deeper file or an ignored folder decides), envlint says so
//! instead of adding a line that does nothing.

use std::path::{Path, PathBuf};

use envlint_core::example::{plan_examples, ExampleOptions, ExampleUpdate};
use envlint_core::project::{EnvFile, Role};
use envlint_dotenv::{Document, LineKind, ParseOptions};
use serde_json::json;

use crate::git::Repo;
use crate::{emit, shown_path, Cli, Fatal, Format};

/// A file to write: created when `original` is `None`.
pub(crate) struct Pending {
    pub(crate) path: PathBuf,
    pub(crate) shown: String,
    pub(crate) original: Option<Vec<u8>>,
    pub(crate) output: Vec<u8>,
    /// Permission bits for a new file.
    pub(crate) mode: u32,
}

impl Pending {
    pub(crate) fn changed(&self) -> bool {
        self.original.as_deref() != Some(self.output.as_slice())
    }

    /// The change as a unified diff (from `/dev/null` for a new file).
    pub(crate) fn diff(&self) -> String {
        let old = String::from_utf8_lossy(self.original.as_deref().unwrap_or_default());
        let new = String::from_utf8_lossy(&self.output);
        let from = if self.original.is_some() {
            format!("a/{}", self.shown)
        } else {
            "/dev/null".to_owned()
        };
        // A deadline keeps huge rewrites (pruning 200,000 keys) from taking minutes: past
        // it the diff is still correct, only less minimal.
        similar::TextDiff::configure()
            .timeout(std::time::Duration::from_millis(500))
            .diff_lines(old.as_ref(), new.as_ref())
            .unified_diff()
            .header(&from, &format!("b/{}", self.shown))
            .to_string()
    }

    /// With `--diff`, prints the change (not in JSON output, which reports it instead);
    /// otherwise writes the file.
    pub(crate) fn show_or_apply(&self, diff: bool, format: Format) -> Result<(), String> {
        if !diff {
            return self.apply();
        }
        if format != Format::Json {
            emit(&self.diff());
        }
        Ok(())
    }

    /// Writes the file (atomically; refusing if it changed or appeared since read).
    pub(crate) fn apply(&self) -> Result<(), String> {
        match &self.original {
            Some(o) => crate::write::write_atomically(&self.path, o, &self.output),
            None => crate::write::create_new(&self.path, &self.output, self.mode),
        }
    }
}

/// The folder a command works on: it must exist and be a folder.
fn folder_arg(path: Option<&Path>, command: &str) -> Result<PathBuf, Fatal> {
    let dir = path.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(Fatal(format!(
            "{}: `envlint {command}` takes a folder (the project or one app of a monorepo)",
            dir.display()
        ))),
        Err(e) => Err(Fatal(format!(
            "{}: {}",
            dir.display(),
            crate::discover::io_reason(&e)
        ))),
    }
}

/// The folder as env files' paths are shown (`""` for the current folder).
pub(crate) fn root_of(dir: &Path) -> String {
    let s = shown_path(dir);
    let s = s.trim_end_matches('/');
    if s == "." {
        String::new()
    } else {
        s.to_owned()
    }
}

/// Reads and parses env files (values isolated from the process).
fn load_env_files(files: &[PathBuf]) -> (Vec<EnvFile>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match crate::read_env_file(path) {
            Ok(bytes) => {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                out.push(EnvFile {
                    path: shown_path(path),
                    role: Role::of(name),
                    doc: Document::parse(bytes, &ParseOptions::isolated()),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

/// Plans the example updates for the project in `dir`; also returns the files that could
/// not be read or edited safely, as messages.
fn example_updates(
    cli: &Cli,
    dir: &Path,
    options: ExampleOptions,
) -> Result<(Vec<ExampleUpdate>, Vec<String>), Fatal> {
    let paths = vec![dir.to_path_buf()];
    let setup = crate::setup(cli, &paths)?;
    let (env_files, mut errors) = load_env_files(&setup.files);
    let (project, _) = crate::build_project(&paths, &setup, env_files, None, false);
    // Code whose missing-in-example findings the configuration silences is not documented
    // either: `example` and `check` agree on what the example needs.
    let silenced = |path: &str| setup.per_file.silences(path, "missing-in-example");
    let (updates, refusals) =
        plan_examples(&project, &setup.settings, &root_of(dir), options, &silenced);
    errors.extend(
        refusals
            .into_iter()
            .map(|r| format!("{}: {}", r.path, r.reason)),
    );
    Ok((updates, errors))
}

fn list(keys: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = keys
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > SHOWN {
        s.push_str(&format!(" and {} more", keys.len() - SHOWN));
    }
    s
}

/// `Created .env.example: added 2 keys (A, B); removed 1 key no code reads (C)`.
fn written(path: &str, created: bool, added: &[String], removed: &[String]) -> String {
    let mut line = format!("{} {path}", if created { "Created" } else { "Updated" });
    if !added.is_empty() {
        line.push_str(&format!(
            ": added {} ({})",
            plural(added.len(), "key", "keys"),
            list(added)
        ));
    }
    if !removed.is_empty() {
        line.push_str(&format!(
            "; removed {} no code reads ({})",
            plural(removed.len(), "key", "keys"),
            list(removed)
        ));
    }
    line
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `envlint example [PATH]`.
pub(crate) fn example(
    cli: &Cli,
    path: Option<&Path>,
    check: bool,
    diff: bool,
    options: ExampleOptions,
) -> Result<u8, Fatal> {
    let dir = folder_arg(path, "example")?;
    let (updates, errors) = example_updates(cli, &dir, options)?;
    let mut json_files = Vec::new();
    let mut changed = 0;
    let mut write_errors = Vec::new();
    let human = !cli.quiet && cli.format != Format::Json;
    let paths: Vec<String> = updates.iter().map(|u| u.path.clone()).collect();
    for u in updates {
        let created = u.original.is_none();
        let pending = Pending {
            path: PathBuf::from(&u.path),
            shown: u.path.clone(),
            original: u.original,
            output: u.output,
            mode: 0o644,
        };
        let is_changed = pending.changed();
        if cli.format == Format::Json {
            json_files.push(json!({
                "path": u.path,
                "created": created,
                "changed": is_changed,
                "added": u.added,
                "removed": u.removed,
                "unused": u.unused,
            }));
        }
        if is_changed {
            changed += 1;
            if diff {
                if cli.format != Format::Json {
                    emit(&pending.diff());
                }
            } else if check {
                if human {
                    let mut what = Vec::new();
                    if created {
                        what.push("does not exist".to_owned());
                    }
                    if !u.added.is_empty() {
                        what.push(format!("lacks {}", list(&u.added)));
                    }
                    if !u.removed.is_empty() {
                        what.push(format!("lists unread {}", list(&u.removed)));
                    }
                    eprintln!("{}: out of date: {}", u.path, what.join("; "));
                }
            } else if let Err(e) = pending.apply() {
                write_errors.push(e);
                continue;
            } else if human {
                eprintln!("{}", written(&u.path, created, &u.added, &u.removed));
            }
        }
        if !u.unused.is_empty() && human && !diff {
            eprintln!(
                "note: {} lists {} no code reads: {} (remove with --prune)",
                u.path,
                plural(u.unused.len(), "key", "keys"),
                list(&u.unused)
            );
        }
    }
    // An example git ignores never reaches a fresh clone: say so (`envlint fix` repairs it).
    if human {
        if let Some(repo) = Repo::discover(&dir) {
            for path in &paths {
                let ignored = repo
                    .relative(Path::new(path))
                    .is_some_and(|rel| repo.is_ignored(&rel));
                if ignored {
                    eprintln!(
                        "note: git ignores {path}, so a fresh clone will not get it; `envlint fix` adds `!{}` to .gitignore",
                        path.rsplit('/').next().unwrap_or(path)
                    );
                }
            }
        }
    }
    for e in errors.iter().chain(&write_errors) {
        eprintln!("envlint: error: {e}");
    }
    if cli.format == Format::Json {
        emit(&format!(
            "{}\n",
            json!({"version": 1, "files": json_files, "summary": {"changed_files": changed, "dry_run": diff || check}})
        ));
    } else if changed == 0 && !cli.quiet && errors.is_empty() {
        eprintln!("The example files list every variable the code reads.");
    }
    Ok(if !errors.is_empty() || !write_errors.is_empty() {
        2
    } else if (diff || check) && changed > 0 {
        1
    } else {
        0
    })
}

/// What a `.gitignore` edit is for.
pub(crate) struct IgnoreWish {
    /// The file, relative to the repository root.
    pub(crate) rel: String,
    /// As shown to the user.
    pub(crate) shown: String,
    /// Ignore it (an env file) or stop ignoring it (an example).
    pub(crate) ignore: bool,
}

/// What [`plan_gitignore`] decided.
pub(crate) struct GitignorePlan {
    /// The new root `.gitignore`, when it changes.
    pub(crate) edit: Option<Pending>,
    /// The pattern lines it adds (comments left out), for messages.
    pub(crate) lines: Vec<String>,
    /// Wishes a root line cannot grant, with the reason.
    pub(crate) refused: Vec<String>,
}

/// Lines for the root `.gitignore` that give every wish, checked with git's rules. Wishes a
/// root line cannot grant are refused with the reason.
pub(crate) fn plan_gitignore(repo: &Repo, wishes: &[IgnoreWish]) -> Result<GitignorePlan, String> {
    let path = repo.root.join(".gitignore");
    let original = match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(format!(
                "{}: {}",
                shown_path(&path),
                crate::discover::io_reason(&e)
            ))
        }
    };
    let text = match &original {
        Some(b) => std::str::from_utf8(b)
            .map_err(|_| format!("{}: not valid UTF-8; not editing", shown_path(&path)))?
            .to_owned(),
        None => String::new(),
    };
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // The patterns for some wishes: file names to ignore, `!name` to stop ignoring.
    let patterns = |wishes: &[&IgnoreWish], ignore: bool| {
        let mut v: Vec<String> = wishes
            .iter()
            .filter(|w| w.ignore == ignore)
            .map(|w| {
                let name = w.rel.rsplit('/').next().unwrap_or(&w.rel);
                if ignore {
                    name.to_owned()
                } else {
                    format!("!{name}")
                }
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let build = |wishes: &[&IgnoreWish]| -> String {
        let mut out = text.clone();
        let mut block = |comment: &str, lines: Vec<String>| {
            if lines.is_empty() {
                return;
            }
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(eol);
            }
            if !out.is_empty() && !out.ends_with(&format!("{eol}{eol}")) && out != eol {
                out.push_str(eol);
            }
            out.push_str(comment);
            out.push_str(eol);
            for l in lines {
                out.push_str(&l);
                out.push_str(eol);
            }
        };
        block(
            "# Local env files hold secrets: git must not publish them (added by envlint).",
            patterns(wishes, true),
        );
        block(
            "# Env examples document the variables: keep them in git (added by envlint).",
            patterns(wishes, false),
        );
        out
    };
    let grants = |w: &IgnoreWish, new_text: &str| {
        repo.is_ignored_with(&w.rel, Some(("", new_text))) == w.ignore
    };
    let mut wanted: Vec<&IgnoreWish> = wishes.iter().collect();
    let mut refused = Vec::new();
    let mut new_text = build(&wanted);
    for _ in 0..2 {
        let (ok, bad): (Vec<&IgnoreWish>, Vec<&IgnoreWish>) =
            wanted.iter().partition(|w| grants(w, &new_text));
        if bad.is_empty() {
            break;
        }
        for w in bad {
            refused.push(format!(
                "{}: a line in the root .gitignore cannot {} it (a deeper .gitignore or an ignored folder decides); edit that rule by hand",
                w.shown,
                if w.ignore { "make git ignore" } else { "make git stop ignoring" }
            ));
        }
        wanted = ok;
        new_text = build(&wanted);
    }
    if wanted.iter().any(|w| !grants(w, &new_text)) {
        return Err(format!(
            "{}: cannot find lines that give the wanted result; not editing",
            shown_path(&path)
        ));
    }
    let changed = new_text != text;
    let lines = if changed {
        let mut lines = patterns(&wanted, true);
        lines.extend(patterns(&wanted, false));
        lines
    } else {
        Vec::new()
    };
    let edit = changed.then(|| Pending {
        shown: shown_path(&path),
        path,
        original,
        output: new_text.into_bytes(),
        mode: 0o644,
    });
    Ok(GitignorePlan {
        edit,
        lines,
        refused,
    })
}

/// The example file in `dir` that `init` copies: `.env.example` first, then its kin.
fn example_in(dir: &Path) -> Option<PathBuf> {
    envlint_core::project::EXAMPLE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

fn first_error_line(doc: &Document) -> Option<usize> {
    doc.errors()
        .next()
        .map(|e| doc.line_number(e.at.start as usize))
}

/// Keys of the env file `env` whose value is empty while code under `dir` reads them as
/// required, each with the first such read as `path:line`.
fn required_but_empty(
    cli: &Cli,
    dir: &Path,
    env: &Document,
) -> Result<Vec<(String, String)>, Fatal> {
    let empty: std::collections::HashSet<&str> = env
        .entries()
        .filter(|e| e.value(env).trim().is_empty())
        .map(|e| e.key(env))
        .collect();
    if empty.is_empty() {
        return Ok(Vec::new());
    }
    let paths = vec![dir.to_path_buf()];
    let setup = crate::setup(cli, &paths)?;
    let (project, _) = crate::build_project(&paths, &setup, Vec::new(), None, false);
    let mut out: Vec<(String, String)> = Vec::new();
    for src in &project.sources {
        for r in &src.refs {
            if r.kind != envlint_scan::Kind::Required
                || !empty.contains(r.name.as_str())
                || out.iter().any(|(k, _)| *k == r.name)
            {
                continue;
            }
            let line = src.line_of(r.span.start);
            out.push((r.name.clone(), format!("{}:{line}", src.path)));
        }
    }
    out.sort();
    Ok(out)
}

/// The file a developer's private values go in: `.env.local` where a JavaScript framework
/// loads it and treats `.env` as committed defaults (Next.js, Vite, Nuxt, Create React App
/// all document `.env*.local` as the git-ignored one), else `.env`.
fn private_env_name(dir: &Path) -> &'static str {
    let manifest = std::fs::read_to_string(dir.join("package.json")).unwrap_or_default();
    let framework = ["\"next\"", "\"vite\"", "\"nuxt\"", "\"react-scripts\""]
        .iter()
        .any(|dep| manifest.contains(dep));
    if framework {
        ".env.local"
    } else {
        ".env"
    }
}

/// A new `.env`: the example's bytes under a two-line header (after the BOM, if any).
fn new_env_text(example: &Document, example_name: &str) -> Vec<u8> {
    let src = example.to_bytes();
    let eol = example.line_ending();
    let (bom, rest) = if example.has_bom() {
        src.split_at(envlint_dotenv::BOM.len())
    } else {
        (&src[..0], src)
    };
    let mut out = bom.to_vec();
    out.extend_from_slice(
        format!(
            "# Your local settings, copied from {example_name} by `envlint init`: fill in the values.{eol}# Git must never track this file.{eol}{eol}"
        )
        .as_bytes(),
    );
    out.extend_from_slice(rest);
    out
}

/// The example's entries `env` lacks, once each: (key, the entry as written).
fn missing_lines<'e>(example: &'e Document, env: &Document) -> Vec<(&'e str, &'e [u8])> {
    let mut seen = std::collections::HashSet::new();
    let defined: std::collections::HashSet<&str> = env.entries().map(|e| e.key(env)).collect();
    example
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Entry(e) => {
                let range = example.line_range(l);
                let text =
                    &example.to_bytes()[range.start..range.end - l.eol(example.to_bytes()).len()];
                Some((e.key(example), text))
            }
            _ => None,
        })
        .filter(|(k, _)| !defined.contains(k) && seen.insert(*k))
        .collect()
}

/// `env` with the missing entries appended, each under a TODO line; checked to parse
/// back with every key defined.
fn append_missing(
    env: &Document,
    lines: &[(&str, &[u8])],
    example_name: &str,
) -> Result<Document, String> {
    let eol = env.line_ending();
    let mut text = String::new();
    if !env.ends_with_newline() {
        text.push_str(eol);
    }
    if !env.to_bytes().is_empty() {
        text.push_str(eol);
    }
    for (key, raw) in lines {
        text.push_str(&format!(
            "# TODO: fill in {key} (added from {example_name} by `envlint init`){eol}"
        ));
        text.push_str(&String::from_utf8_lossy(raw));
        text.push_str(eol);
    }
    let mut out = env.to_bytes().to_vec();
    out.extend_from_slice(text.as_bytes());
    let check = Document::parse(out, &ParseOptions::isolated());
    let defined: std::collections::HashSet<&str> = check.entries().map(|e| e.key(&check)).collect();
    if check.errors().next().is_some() || lines.iter().any(|(k, _)| !defined.contains(k)) {
        return Err("the added lines would not read back as written".to_owned());
    }
    Ok(check)
}

/// `envlint init [PATH]`.
pub(crate) fn init(
    cli: &Cli,
    path: Option<&Path>,
    add_missing: bool,
    diff: bool,
    file: Option<&str>,
) -> Result<u8, Fatal> {
    let dir = folder_arg(path, "init")?;
    let name = match file {
        Some(n) if n.is_empty() || n.contains(['/', '\\']) || Role::of(n) == Role::Example => {
            return Err(Fatal(format!(
                "--file {n:?}: give a file name in the folder, such as .env or .env.local (not an example)"
            )))
        }
        Some(n) => n.to_owned(),
        None => private_env_name(&dir).to_owned(),
    };
    let Some(example_path) = example_in(&dir) else {
        // A monorepo root: name the apps that have one.
        let paths = vec![dir.clone()];
        let below: Vec<String> = crate::setup(cli, &paths)
            .map(|s| s.files)
            .unwrap_or_default()
            .iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| Role::of(n) == Role::Example)
            })
            .filter_map(|p| p.parent().map(shown_path))
            .collect();
        let hint = if below.is_empty() {
            "`envlint example` writes one from the code".to_owned()
        } else {
            format!(
                "run it in a folder that has one: {}",
                list(
                    &below
                        .iter()
                        .map(|d| format!("`envlint init {d}`"))
                        .collect::<Vec<_>>()
                )
            )
        };
        return Err(Fatal(format!(
            "no example file (.env.example, .env.sample, …) in {}; {hint}",
            shown_path(&dir)
        )));
    };
    let example_shown = shown_path(&example_path);
    let example_name = example_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = crate::read_env_file(&example_path).map_err(Fatal)?;
    let example = Document::parse(bytes, &ParseOptions::isolated());
    if let Some(line) = first_error_line(&example) {
        return Err(Fatal(format!(
            "{example_shown}: line {line} does not parse; fix it first (`envlint check {example_shown}` shows why)"
        )));
    }
    let target = dir.join(&name);
    let shown = shown_path(&target);
    let mut pending = Vec::new();
    let mut added_keys: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let created = !target.exists();
    // The env file as it will be (to tell the newcomer what is left to fill in).
    let final_env: Document;
    if created {
        added_keys = example
            .entries()
            .map(|e| e.key(&example).to_owned())
            .collect();
        let output = new_env_text(&example, &example_name);
        final_env = Document::parse(output.clone(), &ParseOptions::isolated());
        pending.push(Pending {
            path: target.clone(),
            shown: shown.clone(),
            original: None,
            output,
            mode: 0o600,
        });
    } else {
        let bytes = crate::read_env_file(&target).map_err(Fatal)?;
        let env = Document::parse(bytes, &ParseOptions::isolated());
        let lines = missing_lines(&example, &env);
        missing = lines.iter().map(|(k, _)| (*k).to_owned()).collect();
        final_env = if add_missing && !lines.is_empty() {
            if let Some(line) = first_error_line(&env) {
                return Err(Fatal(format!(
                    "{shown}: line {line} does not parse; fix it first, not editing"
                )));
            }
            let appended = append_missing(&env, &lines, &example_name)
                .map_err(|why| Fatal(format!("{shown}: {why}; not editing")))?;
            added_keys = missing.clone();
            pending.push(Pending {
                path: target.clone(),
                shown: shown.clone(),
                original: Some(env.to_bytes().to_vec()),
                output: appended.to_bytes().to_vec(),
                mode: 0o600,
            });
            appended
        } else {
            env
        };
    }
    // Git must ignore the file (and should not track it).
    let mut notes = Vec::new();
    let mut refusals = Vec::new();
    let mut ignore_lines: Vec<String> = Vec::new();
    match Repo::discover(&dir) {
        None => notes.push("not in a git repository: no .gitignore to update".to_owned()),
        Some(repo) => {
            let rel = repo.relative(&target);
            if let Some(rel) = rel {
                if repo.is_tracked(&rel) {
                    notes.push(format!(
                        "git tracks {shown}: run `git rm --cached {shown}` and commit, and rotate every secret it ever held (they stay in the history)"
                    ));
                }
                if !repo.is_ignored(&rel) {
                    let wish = IgnoreWish {
                        rel,
                        shown: shown.clone(),
                        ignore: true,
                    };
                    let plan = plan_gitignore(&repo, std::slice::from_ref(&wish)).map_err(Fatal)?;
                    refusals.extend(plan.refused);
                    ignore_lines = plan.lines;
                    pending.extend(plan.edit);
                }
            }
        }
    }
    let mut write_errors = Vec::new();
    let mut changed = 0;
    for p in &pending {
        if !p.changed() {
            continue;
        }
        changed += 1;
        if let Err(e) = p.show_or_apply(diff, cli.format) {
            write_errors.push(e);
        }
    }
    // What the newcomer must fill in: empty values the code requires.
    let to_fill = required_but_empty(cli, &dir, &final_env)?;
    let human = cli.format != Format::Json && !cli.quiet;
    if human && !diff && write_errors.is_empty() {
        if created {
            eprintln!(
                "Created {shown} (mode 0600) from {example_shown} with {}: fill in the values.",
                plural(added_keys.len(), "key", "keys")
            );
        } else if add_missing && !added_keys.is_empty() {
            eprintln!(
                "Added {} to {shown}, each marked TODO: {}",
                plural(added_keys.len(), "missing key", "missing keys"),
                list(&added_keys)
            );
        } else if missing.is_empty() {
            eprintln!("{shown} exists and has every key of {example_shown}; left as is.");
        } else {
            eprintln!(
                "{shown} exists; left as is. It lacks {} of {example_shown}: {} (add them with --add-missing)",
                plural(missing.len(), "key", "keys"),
                list(&missing)
            );
        }
        if let Some(p) = pending.iter().find(|p| p.path.ends_with(".gitignore")) {
            eprintln!("Added to {}: {}", p.shown, ignore_lines.join(", "));
        }
        if !to_fill.is_empty() {
            let shown_list: Vec<String> = to_fill
                .iter()
                .map(|(k, at)| format!("{k} (required by {at})"))
                .collect();
            eprintln!("Fill in before running: {}", list(&shown_list));
        }
    }
    if human {
        for n in &notes {
            eprintln!("note: {n}");
        }
    }
    for e in refusals.iter().chain(&write_errors) {
        eprintln!("envlint: error: {e}");
    }
    if cli.format == Format::Json {
        emit(&format!(
            "{}\n",
            json!({
                "version": 1,
                "env_file": shown,
                "created": created && !diff,
                "added": added_keys,
                "missing": if add_missing { Vec::new() } else { missing },
                "to_fill": to_fill.iter().map(|(k, at)| json!({"key": k, "required_by": at})).collect::<Vec<_>>(),
                "files": pending.iter().filter(|p| p.changed()).map(|p| p.shown.clone()).collect::<Vec<_>>(),
                "dry_run": diff,
            })
        ));
    }
    Ok(if !write_errors.is_empty() || !refusals.is_empty() {
        2
    } else if diff && changed > 0 {
        1
    } else {
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &[u8]) -> Document {
        Document::parse(s.to_vec(), &ParseOptions::isolated())
    }

    #[test]
    fn a_new_env_keeps_the_bom_first_and_the_line_endings() {
        let example = doc(b"\xef\xbb\xbfA=\r\nB=\"two\r\nlines\"\r\n");
        let out = new_env_text(&example, ".env.example");
        assert!(out.starts_with(b"\xef\xbb\xbf# Your local settings"));
        assert!(
            out.ends_with(b"# Git must never track this file.\r\n\r\nA=\r\nB=\"two\r\nlines\"\r\n")
        );
        assert_eq!(doc(&out).entries().count(), 2);
    }

    #[test]
    fn missing_entries_are_appended_as_written() {
        let example = doc(b"\xef\xbb\xbfexport A='x' # note\nB=\"multi\nline\"\nA=again\nC=\n");
        let env = doc(b"C=3");
        let lines = missing_lines(&example, &env);
        assert_eq!(
            lines.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            ["A", "B"]
        );
        let out = append_missing(&env, &lines, ".env.example").unwrap();
        assert_eq!(
            String::from_utf8(out.into_bytes()).unwrap(),
            "C=3\n\n# TODO: fill in A (added from .env.example by `envlint init`)\nexport A='x' # note\n# TODO: fill in B (added from .env.example by `envlint init`)\nB=\"multi\nline\"\n"
        );
    }
}
