//! Planners: what `fix`, `example` and `init` would write, as data.
//!
//! Why plans and not writes: the CLI shows a plan as a diff (`--diff`), checks it (`--check`)
//! or applies it atomically; the language server turns the same plan into code actions.
//! A plan holds each file once, as `original -> output`: an example can get both a
//! formatting fix and new keys, and showing them as two diffs of one file (or writing it
//! twice) would confuse `--diff` readers and `patch`. `.gitignore` edits are checked with
//! git's own matching rules before they are planned: when a line in the root `.gitignore`
//! would not give the wanted result (a deeper file or an ignored folder decides), the plan
//! says so instead of adding a line that does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use envlint_core::example::{plan_examples, ExampleOptions, ExampleUpdate};
use envlint_core::fix::{fix_env_file, DroppedFix};
use envlint_core::project::lint_project;
use envlint_core::{Applicability, Diagnostic, ProjectEdit};
use envlint_dotenv::Document;

use crate::check::isolated;
use crate::fs::io_reason;
use crate::{Git, Workspace};

mod init;

pub use init::{list, InitOptions, InitPlan, ToFill};

/// A file to write: created when `original` is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    /// The project path (as shown; [`Workspace::resolve`] gives where it is).
    pub path: String,
    /// Its bytes as read (the writer refuses when the file no longer holds them).
    pub original: Option<Vec<u8>>,
    /// Its new bytes.
    pub output: Vec<u8>,
    /// Permission bits for a new file.
    pub mode: u32,
}

impl FileEdit {
    /// Whether the file changes.
    pub fn changed(&self) -> bool {
        self.original.as_deref() != Some(self.output.as_slice())
    }
}

/// An env file as `fix` leaves it.
#[derive(Debug)]
pub struct FixedFile {
    /// The project path.
    pub path: String,
    /// How many of its own fixes were applied (0 when the file does not change).
    pub fixes: usize,
    /// What its own fixes could not repair, with spans in `output`.
    pub remaining: Vec<Diagnostic>,
    /// The file after its own fixes, before project fixes (kept when findings remain: their
    /// spans point into it).
    pub output: Option<Vec<u8>>,
    /// Its fixes not applied because dotenvy would have read the result otherwise than
    /// they promise (lines in `output`, or in the file when it does not change).
    pub dropped: Vec<DroppedFix>,
}

/// What `fix` would change.
#[derive(Debug, Default)]
pub struct FixPlan {
    /// Every env file read, in path order (same order as the first edits).
    pub files: Vec<FixedFile>,
    /// One edit per file: the env files (changed or not), then `.gitignore` if it changes.
    pub edits: Vec<FileEdit>,
    /// Keys added to examples, by example path.
    pub added: BTreeMap<String, Vec<String>>,
    /// Lines added to `.gitignore`.
    pub ignore_lines: Vec<String>,
    /// Files that could not be read, and wishes the plan cannot grant, as messages.
    pub errors: Vec<String>,
    /// Things the user should know about the run (git checks skipped, …).
    pub notes: Vec<String>,
}

impl FixPlan {
    /// How many problems the plan repairs: fixes in env files, keys added, ignore lines.
    pub fn total(&self) -> usize {
        self.files.iter().map(|f| f.fixes).sum::<usize>()
            + self.added.values().map(Vec::len).sum::<usize>()
            + self.ignore_lines.len()
    }
}

/// What `example` would change.
#[derive(Debug, Default)]
pub struct ExamplePlan {
    /// One update per example the code needs (or that has unused keys to report).
    pub updates: Vec<ExampleUpdate>,
    /// Files that could not be read or edited safely, as messages.
    pub errors: Vec<String>,
    /// Examples git ignores (a fresh clone would not get them).
    pub ignored: Vec<String>,
}

/// What a `.gitignore` edit is for.
struct IgnoreWish {
    /// The file, relative to the repository root.
    rel: String,
    /// As shown to the user.
    shown: String,
    /// Ignore it (an env file) or stop ignoring it (an example).
    ignore: bool,
}

/// What [`Workspace::plan_gitignore`] decided.
struct GitignorePlan {
    /// The new root `.gitignore`, when it changes.
    edit: Option<FileEdit>,
    /// The pattern lines it adds (comments left out), for messages.
    lines: Vec<String>,
    /// Wishes a root line cannot grant, with the reason.
    refused: Vec<String>,
}

impl Workspace {
    /// The folder as project paths show it (`""` for the base).
    pub(crate) fn root_of(&self, dir: &Path) -> String {
        let s = self.display(dir);
        let s = s.trim_end_matches('/');
        if s == "." {
            String::new()
        } else {
            s.to_owned()
        }
    }

    /// Plans `fix` over `paths`: each env file's own fixes (`level`: safe ones, or unsafe
    /// ones too), then, when a folder is among `paths`, the project's: keys the code reads
    /// added to the existing examples, env files added to `.gitignore`, examples no longer
    /// ignored.
    pub fn plan_fix(&self, paths: &[PathBuf], level: Applicability) -> Result<FixPlan, String> {
        let found = self.env_files(paths)?;
        let mut plan = FixPlan {
            notes: found.notes,
            ..FixPlan::default()
        };
        for path in &found.files {
            let shown = self.display(path);
            let original = match self.read_env_file(path, false) {
                Ok(b) => crate::check::into_vec(b),
                Err(e) => {
                    plan.errors.push(e);
                    continue;
                }
            };
            let outcome = fix_env_file(original.clone(), &self.settings, level);
            let fixes = if outcome.output != original {
                outcome.applied
            } else {
                0
            };
            plan.files.push(FixedFile {
                path: shown.clone(),
                fixes,
                output: (!outcome.remaining.is_empty()).then(|| outcome.output.clone()),
                remaining: outcome.remaining,
                dropped: outcome.dropped,
            });
            plan.edits.push(FileEdit {
                path: shown,
                original: Some(original),
                output: outcome.output,
                mode: 0o644,
            });
        }
        self.project_fixes(paths, &mut plan);
        Ok(plan)
    }

    /// The fixes that need the whole project, on top of the env files' own fixes in
    /// `plan.edits` (so one file gets one edit).
    fn project_fixes(&self, paths: &[PathBuf], plan: &mut FixPlan) {
        let on = |id: &str| self.settings.is_enabled(id);
        if !paths.iter().any(|p| self.fs.is_dir(&self.resolve(p)))
            || !(on("missing-in-example")
                || on("env-not-ignored")
                || on("example-ignored")
                || on("env-tracked"))
        {
            return;
        }
        let env_files: Vec<_> = plan
            .edits
            .iter()
            .map(|e| {
                self.env_file(
                    Path::new(&e.path),
                    Document::parse(e.output.clone(), &isolated()),
                )
            })
            .collect();
        let (git, repo) = self.git_facts(paths, &env_files, &mut plan.notes).unzip();
        let (project, _) = self.build_project(paths, env_files, git, false);
        if on("missing-in-example") {
            for dir in paths.iter().filter(|p| self.fs.is_dir(&self.resolve(p))) {
                let silenced = |path: &str| self.silences(path, "missing-in-example");
                let (updates, refusals) = plan_examples(
                    &project,
                    &self.settings,
                    &self.root_of(dir),
                    ExampleOptions::default(),
                    &silenced,
                );
                plan.errors.extend(
                    refusals
                        .into_iter()
                        .map(|r| format!("{}: {}", r.path, r.reason)),
                );
                // Creating an example is `envlint example`'s job; fix only completes one.
                for u in updates
                    .into_iter()
                    .filter(|u| u.original.is_some() && !u.added.is_empty())
                {
                    if let Some(e) = plan.edits.iter_mut().find(|e| e.path == u.path) {
                        if plan.added.contains_key(&u.path) {
                            continue;
                        }
                        e.output = u.output;
                        plan.added.insert(u.path, u.added);
                    }
                }
            }
        }
        let Some(repo) = repo else { return };
        // The `.gitignore` edits the findings ask for, as `check` reports them (per-file
        // ignores included).
        let wishes: Vec<IgnoreWish> = lint_project(&project, &self.settings)
            .into_iter()
            .filter(|d| !self.silences(&d.path, d.diagnostic.rule))
            .filter_map(|d| {
                let ignore = match d.diagnostic.project_fix.map(|f| f.edit)? {
                    ProjectEdit::Ignore { .. } => true,
                    ProjectEdit::Unignore { .. } => false,
                    ProjectEdit::AddToExample { .. } => return None,
                };
                let rel = repo.relative(&self.resolve(&d.path))?;
                Some(IgnoreWish {
                    rel,
                    shown: d.path,
                    ignore,
                })
            })
            .collect();
        if wishes.is_empty() {
            return;
        }
        match self.plan_gitignore(repo.as_ref(), &wishes) {
            Ok(g) => {
                plan.errors.extend(g.refused);
                plan.ignore_lines = g.lines;
                plan.edits.extend(g.edit);
            }
            Err(e) => plan.errors.push(e),
        }
    }

    /// Plans `example` for the project in `dir` (as given): the example files the code
    /// needs, created or completed.
    pub fn plan_example(&self, dir: &Path, options: ExampleOptions) -> Result<ExamplePlan, String> {
        let paths = vec![dir.to_path_buf()];
        let files = self.env_files(&paths)?.files;
        let (env_files, mut errors) = self.load_env_files(&files);
        let (project, _) = self.build_project(&paths, env_files, None, false);
        // Code whose missing-in-example findings the configuration silences is not
        // documented either: `example` and `check` agree on what the example needs.
        let silenced = |path: &str| self.silences(path, "missing-in-example");
        let (updates, refusals) = plan_examples(
            &project,
            &self.settings,
            &self.root_of(dir),
            options,
            &silenced,
        );
        errors.extend(
            refusals
                .into_iter()
                .map(|r| format!("{}: {}", r.path, r.reason)),
        );
        // An example git ignores never reaches a fresh clone.
        let ignored = match self.repo(dir) {
            Some(repo) => updates
                .iter()
                .filter(|u| {
                    repo.relative(&self.resolve(&u.path))
                        .is_some_and(|rel| repo.is_ignored(&rel))
                })
                .map(|u| u.path.clone())
                .collect(),
            None => Vec::new(),
        };
        Ok(ExamplePlan {
            updates,
            errors,
            ignored,
        })
    }

    /// Lines for the root `.gitignore` that give every wish, checked with git's rules.
    /// Wishes a root line cannot grant are refused with the reason.
    fn plan_gitignore(
        &self,
        repo: &dyn Git,
        wishes: &[IgnoreWish],
    ) -> Result<GitignorePlan, String> {
        let path = repo.root().join(".gitignore");
        let shown = self.display(&path);
        let original = match self.fs.read(&path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("{shown}: {}", io_reason(&e))),
        };
        let text = match &original {
            Some(b) => std::str::from_utf8(b)
                .map_err(|_| format!("{shown}: not valid UTF-8; not editing"))?
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
        let mut refused = Vec::new();
        // A name that is not UTF-8 (shown in its lossy form) or holds a line break cannot be
        // written as a line of `.gitignore` that matches it.
        let mut wanted: Vec<&IgnoreWish> = Vec::new();
        for w in wishes {
            let real = self.resolve(&w.shown);
            let name = real.file_name().map(|n| n.to_str());
            if matches!(name, Some(Some(n)) if !n.contains(['\n', '\r'])) {
                wanted.push(w);
            } else {
                refused.push(format!(
                    "{}: a .gitignore line cannot name this file (its name {}); add a pattern that matches it by hand",
                    w.shown,
                    if matches!(name, Some(None)) { "is not UTF-8" } else { "holds a line break" }
                ));
            }
        }
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
                "{shown}: cannot find lines that give the wanted result; not editing"
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
        let edit = changed.then(|| FileEdit {
            path: shown,
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
}
