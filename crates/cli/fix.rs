//! `envlint fix`: the env files' own safe fixes, then the fixes that need the whole
//! project (missing keys into the examples, `.gitignore` lines), applied as one change per
//! file.
//!
//! Why one change per file: an example can get both a formatting fix and new keys; showing
//! them as two diffs of the same file (or writing it twice) would confuse `--diff` readers
//! and `patch`. So every planned file is kept in memory as `original -> output`, the
//! project fixes start from the env fixes' output, and only then is anything shown or
//! written (atomically, refusing files that changed meanwhile).

use std::path::{Path, PathBuf};

use envlint_core::fix::fix_env_file;
use envlint_core::project::{lint_project, EnvFile, Role};
use envlint_core::Applicability;
use envlint_dotenv::{Document, ParseOptions};
use serde_json::json;

use crate::render::{self, Human};
use crate::{
    build_project, color, default_paths, emit, generate, git_facts, read_env_file, render_file,
    setup, shown_path, Cli, Fatal, Format, Setup, Shown, Stdout, Tally,
};

pub(crate) fn fix(
    cli: &Cli,
    paths: &[PathBuf],
    diff: bool,
    unsafe_fixes: bool,
) -> Result<u8, Fatal> {
    let paths = default_paths(paths);
    let setup = setup(cli, &paths)?;
    let level = if unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let human = Human::new(color(cli));
    let mut io_errors = Vec::new();
    let mut tally = Tally {
        files: setup.files.len(),
        ..Tally::default()
    };
    let mut fixed_total = 0;
    // Every file to change: env files first (their fixes), then project fixes on top.
    let mut pending: Vec<generate::Pending> = Vec::new();
    let mut fixes_of: std::collections::HashMap<String, usize> = Default::default();
    for path in &setup.files {
        let shown = shown_path(path);
        let original = match read_env_file(path) {
            Ok(b) => b,
            Err(e) => {
                io_errors.push(e);
                continue;
            }
        };
        let outcome = fix_env_file(original.clone(), &setup.settings, level);
        if outcome.output != original {
            fixed_total += outcome.applied;
            fixes_of.insert(shown.clone(), outcome.applied);
        }
        if !diff {
            tally.add(&outcome.remaining);
            if !outcome.remaining.is_empty() && cli.format != Format::Json {
                let doc = Document::parse(outcome.output.clone(), &ParseOptions::isolated());
                let mut out = Stdout::new();
                render_file(
                    cli,
                    (&human, &render::Others::new(cli.show_values)),
                    &mut out,
                    (path, Shown::Env(doc), &outcome.remaining),
                    &mut Vec::new(),
                );
            }
        }
        pending.push(generate::Pending {
            path: path.clone(),
            shown,
            original: Some(original),
            output: outcome.output,
            mode: 0o644,
        });
    }
    let project = project_fixes(&paths, &setup, &mut pending);
    io_errors.extend(project.errors);
    let mut changed_files = 0;
    let mut json_files = Vec::new();
    for p in &pending {
        let changed = p.changed();
        if changed {
            changed_files += 1;
            if let Err(e) = p.show_or_apply(diff, cli.format) {
                io_errors.push(e);
                continue;
            }
        }
        if cli.format == Format::Json {
            json_files.push(json!({
                "path": p.shown,
                "changed": changed,
                "fixes": fixes_of.get(&p.shown).copied().unwrap_or(0),
                "added_keys": project.added.get(&p.shown).cloned().unwrap_or_default(),
            }));
        }
    }
    for e in &io_errors {
        eprintln!("envlint: error: {e}");
    }
    let added_total: usize = project.added.values().map(Vec::len).sum();
    let verb = if diff { "Would fix" } else { "Fixed" };
    match cli.format {
        Format::Json => emit(&format!(
            "{}\n",
            json!({"version": 1, "files": json_files, "summary": {"fixes": fixed_total + added_total + project.ignore_lines.len(), "changed_files": changed_files, "dry_run": diff}})
        )),
        _ if !cli.quiet => {
            for (path, keys) in &project.added {
                eprintln!(
                    "{} {} to {path}: {}",
                    if diff { "Would add" } else { "Added" },
                    if keys.len() == 1 {
                        "1 missing key".to_owned()
                    } else {
                        format!("{} missing keys", keys.len())
                    },
                    keys.join(", ")
                );
            }
            if !project.ignore_lines.is_empty() {
                eprintln!(
                    "{} to .gitignore: {}",
                    if diff { "Would add" } else { "Added" },
                    project.ignore_lines.join(", ")
                );
            }
            let total = fixed_total + added_total + project.ignore_lines.len();
            let mut line = format!(
                "{verb} {total} problem{} in {changed_files} file{}.",
                if total == 1 { "" } else { "s" },
                if changed_files == 1 { "" } else { "s" }
            );
            if !diff && tally.failing() {
                line.push_str(&format!(
                    " {} remain (see above).",
                    tally.errors + tally.warnings
                ));
            }
            eprintln!("{line}");
        }
        _ => {}
    }
    Ok(if !io_errors.is_empty() {
        2
    } else if diff {
        u8::from(changed_files > 0)
    } else {
        u8::from(tally.failing())
    })
}

/// What the project fixes planned.
#[derive(Default)]
struct ProjectFixes {
    /// Keys added, by example path.
    added: std::collections::BTreeMap<String, Vec<String>>,
    /// Lines added to `.gitignore`.
    ignore_lines: Vec<String>,
    /// Files left alone, with the reason.
    errors: Vec<String>,
}

/// The fixes that need the whole project: keys the code reads added to the existing
/// examples (`missing-in-example`), env files added to `.gitignore` (`env-not-ignored`, and
/// `env-tracked` files so they stay out once untracked), and examples no longer ignored
/// (`example-ignored`). They apply on top of the env files'
/// own fixes in `pending` (so one file gets one diff), and only when a folder is checked.
fn project_fixes(
    paths: &[PathBuf],
    setup: &Setup,
    pending: &mut Vec<generate::Pending>,
) -> ProjectFixes {
    let mut result = ProjectFixes::default();
    let settings = &setup.settings;
    let on = |id: &str| settings.is_enabled(id);
    if !paths.iter().any(|p| p.is_dir())
        || !(on("missing-in-example")
            || on("env-not-ignored")
            || on("example-ignored")
            || on("env-tracked"))
    {
        return result;
    }
    let env_files: Vec<EnvFile> = pending
        .iter()
        .map(|p| {
            let name = p
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            EnvFile {
                path: p.shown.clone(),
                role: Role::of(name),
                doc: Document::parse(p.output.clone(), &ParseOptions::isolated()),
            }
        })
        .collect();
    let (git, repo) = git_facts(paths, settings, &env_files).unzip();
    let (project, _) = build_project(paths, setup, env_files, git, false);
    if on("missing-in-example") {
        for dir in paths.iter().filter(|p| p.is_dir()) {
            let root = generate::root_of(dir);
            let silenced = |path: &str| setup.per_file.silences(path, "missing-in-example");
            let (updates, refusals) = envlint_core::example::plan_examples(
                &project,
                settings,
                &root,
                envlint_core::example::ExampleOptions::default(),
                &silenced,
            );
            result.errors.extend(
                refusals
                    .into_iter()
                    .map(|r| format!("{}: {}", r.path, r.reason)),
            );
            // Creating an example is `envlint example`'s job; fix only completes one.
            for u in updates
                .into_iter()
                .filter(|u| u.original.is_some() && !u.added.is_empty())
            {
                if let Some(p) = pending.iter_mut().find(|p| p.shown == u.path) {
                    if result.added.contains_key(&u.path) {
                        continue;
                    }
                    p.output = u.output;
                    result.added.insert(u.path, u.added);
                }
            }
        }
    }
    if let Some(repo) = repo {
        // The findings as `check` reports them (per-file ignores included).
        let mut wanted: Vec<(String, bool)> = Vec::new();
        let ignored = |path: &str| {
            project
                .git
                .as_ref()
                .is_some_and(|g| g.ignored.contains(path))
        };
        for d in lint_project(&project, settings) {
            let ignore = match d.diagnostic.rule {
                "env-not-ignored" => true,
                "example-ignored" => false,
                // Ignoring a tracked file keeps it out once the user untracks it (a fix
                // cannot rewrite history; the finding stays until `git rm --cached`).
                "env-tracked" if !ignored(&d.path) => true,
                _ => continue,
            };
            if !setup.per_file.silences(&d.path, d.diagnostic.rule) {
                wanted.push((d.path, ignore));
            }
        }
        if !wanted.is_empty() {
            let wishes: Vec<generate::IgnoreWish> = wanted
                .into_iter()
                .filter_map(|(shown, ignore)| {
                    let rel = repo.relative(Path::new(&shown))?;
                    Some(generate::IgnoreWish { rel, shown, ignore })
                })
                .collect();
            match generate::plan_gitignore(&repo, &wishes) {
                Ok(plan) => {
                    result.errors.extend(plan.refused);
                    result.ignore_lines = plan.lines;
                    pending.extend(plan.edit);
                }
                Err(e) => result.errors.push(e),
            }
        }
    }
    result
}
