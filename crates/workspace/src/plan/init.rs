//! `init`: a newcomer's `.env` from the example, and the `.gitignore` line that keeps it
//! private.
//!
//! Why it refuses so much: `init` runs on a fresh clone, where a mistake goes unnoticed. An
//! existing env file is never overwritten (only completed, with `add_missing`, by appending
//! lines that are checked to read back as written); an example or env file that does not
//! parse is not guessed at; the new file is private (mode 0600).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use envlint_core::project::{PackageJson, Role, EXAMPLE_NAMES};
use envlint_dotenv::{Document, LineKind};

use super::{FileEdit, IgnoreWish};
use crate::check::{into_vec, isolated};
use crate::fs::Kind;
use crate::Workspace;

/// What `init` may do.
#[derive(Clone, Debug, Default)]
pub struct InitOptions {
    /// When the env file exists, append the example's keys it lacks, each marked to fill in.
    pub add_missing: bool,
    /// The file to create (default: `.env`, or `.env.local` where a JavaScript framework
    /// treats `.env` as committed defaults).
    pub file: Option<String>,
}

/// An empty value the code requires: the key and the first read, as `path:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToFill {
    /// The variable.
    pub key: String,
    /// Where the code requires it.
    pub required_by: String,
}

/// What `init` would do.
#[derive(Debug, Default)]
pub struct InitPlan {
    /// The env file (project path).
    pub env_file: String,
    /// The example it comes from (project path).
    pub example: String,
    /// Whether the env file is created.
    pub created: bool,
    /// Keys written into it (all of the example's when created; those appended otherwise).
    pub added: Vec<String>,
    /// Keys of the example the existing env file lacks.
    pub missing: Vec<String>,
    /// The files to write: the env file, `.gitignore`.
    pub edits: Vec<FileEdit>,
    /// Lines added to `.gitignore`.
    pub ignore_lines: Vec<String>,
    /// Things the newcomer should know (the file is tracked, no repository, …).
    pub notes: Vec<String>,
    /// What the plan cannot do, as messages (the run fails).
    pub refusals: Vec<String>,
    /// Empty values the code requires, once the plan is applied.
    pub to_fill: Vec<ToFill>,
}

/// The example file in `dir` that `init` copies: `.env.example` first, then its kin. A
/// FIFO or a link counts as there (reading it says why it is refused); a folder does not.
fn example_in(ws: &Workspace, dir: &Path) -> Option<PathBuf> {
    EXAMPLE_NAMES.iter().map(|n| dir.join(n)).find(|p| {
        ws.fs
            .symlink_metadata(&ws.resolve(p))
            .is_ok_and(|m| m.kind != Kind::Dir)
    })
}

fn first_error_line(doc: &Document) -> Option<usize> {
    doc.errors()
        .next()
        .map(|e| doc.line_number(e.at.start as usize))
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
    let mut seen = HashSet::new();
    let defined: HashSet<&str> = env.entries().map(|e| e.key(env)).collect();
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
    let check = Document::parse(out, &isolated());
    let defined: HashSet<&str> = check.entries().map(|e| e.key(&check)).collect();
    if check.errors().next().is_some() || lines.iter().any(|(k, _)| !defined.contains(k)) {
        return Err("the added lines would not read back as written".to_owned());
    }
    Ok(check)
}

/// Up to eight items joined with commas, then `and N more`: how messages list keys and
/// files (the front ends use it too, so every list reads alike).
pub fn list(keys: &[String]) -> String {
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

impl Workspace {
    /// Plans `init` in `dir` (as given): the env file from the example, and the
    /// `.gitignore` line that keeps it out of git. Errors are refusals that leave
    /// everything as it is.
    pub fn plan_init(&self, dir: &Path, options: &InitOptions) -> Result<InitPlan, String> {
        let name = match options.file.as_deref() {
            Some(n) if n.is_empty() || n.contains(['/', '\\']) || Role::of(n) == Role::Example => {
                return Err(format!(
                    "--file {n:?}: give a file name in the folder, such as .env or .env.local (not an example)"
                ))
            }
            Some(n) => n.to_owned(),
            None => {
                let package = self.package_json(dir).map(|t| PackageJson::from_text(&t));
                PackageJson::private_env_name(package.as_ref()).to_owned()
            }
        };
        let Some(example_path) = example_in(self, dir) else {
            return Err(self.no_example(dir));
        };
        let example_shown = self.display(&example_path);
        let example_name = example_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = self.read_env_file(&example_path, false)?;
        let example = Document::parse(bytes, &isolated());
        if let Some(line) = first_error_line(&example) {
            return Err(format!(
                "{example_shown}: line {line} does not parse; fix it first (`envlint check {example_shown}` shows why)"
            ));
        }
        let target = dir.join(&name);
        let shown = self.display(&target);
        let mut plan = InitPlan {
            env_file: shown.clone(),
            example: example_shown,
            // A link counts as there, even a broken one: it is read (or refused), never
            // replaced by a new file.
            created: self.fs.symlink_metadata(&self.resolve(&target)).is_err(),
            ..InitPlan::default()
        };
        // The env file as it will be (to tell the newcomer what is left to fill in).
        let final_env: Document;
        if plan.created {
            plan.added = example
                .entries()
                .map(|e| e.key(&example).to_owned())
                .collect();
            let output = new_env_text(&example, &example_name);
            final_env = Document::parse(output.clone(), &isolated());
            plan.edits.push(FileEdit {
                path: shown.clone(),
                original: None,
                output,
                mode: 0o600,
            });
        } else {
            let bytes = into_vec(self.read_env_file(&target, false)?);
            let env = Document::parse(bytes, &isolated());
            let lines = missing_lines(&example, &env);
            plan.missing = lines.iter().map(|(k, _)| (*k).to_owned()).collect();
            final_env = if options.add_missing && !lines.is_empty() {
                if let Some(line) = first_error_line(&env) {
                    return Err(format!(
                        "{shown}: line {line} does not parse; fix it first, not editing"
                    ));
                }
                let appended = append_missing(&env, &lines, &example_name)
                    .map_err(|why| format!("{shown}: {why}; not editing"))?;
                plan.added = plan.missing.clone();
                plan.edits.push(FileEdit {
                    path: shown.clone(),
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
        match self.repo(dir) {
            None => plan
                .notes
                .push("not in a git repository: no .gitignore to update".to_owned()),
            Some(repo) => {
                if let Some(rel) = repo.relative(&self.resolve(&target)) {
                    if repo.is_tracked(&rel) {
                        plan.notes.push(format!(
                            "git tracks {shown}: run `git rm --cached {shown}` and commit, and rotate every secret it ever held (they stay in the history)"
                        ));
                    }
                    if !repo.is_ignored(&rel) {
                        let wish = IgnoreWish {
                            rel,
                            shown,
                            ignore: true,
                        };
                        let g = self.plan_gitignore(repo.as_ref(), std::slice::from_ref(&wish))?;
                        plan.refusals.extend(g.refused);
                        plan.ignore_lines = g.lines;
                        plan.edits.extend(g.edit);
                    }
                }
            }
        }
        plan.to_fill = self.required_but_empty(dir, &final_env);
        Ok(plan)
    }

    /// The refusal when `dir` has no example: at a monorepo root, it names the apps that
    /// have one.
    fn no_example(&self, dir: &Path) -> String {
        let paths = vec![dir.to_path_buf()];
        let below: Vec<String> = self
            .env_files(&paths)
            .map(|found| found.files)
            .unwrap_or_default()
            .iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| Role::of(n) == Role::Example)
            })
            .filter_map(|p| p.parent().map(|d| self.display(d)))
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
        format!(
            "no example file (.env.example, .env.sample, …) in {}; {hint}",
            self.display(dir)
        )
    }

    /// Keys of `env` whose value is empty while code under `dir` reads them as required,
    /// each with the first such read.
    fn required_but_empty(&self, dir: &Path, env: &Document) -> Vec<ToFill> {
        let empty: HashSet<&str> = env
            .entries()
            .filter(|e| e.value(env).trim().is_empty())
            .map(|e| e.key(env))
            .collect();
        if empty.is_empty() {
            return Vec::new();
        }
        let paths = vec![dir.to_path_buf()];
        let (project, _) = self.build_project(&paths, Vec::new(), None, false);
        let mut out: Vec<ToFill> = Vec::new();
        for src in &project.sources {
            for r in &src.refs {
                if r.kind != envlint_scan::Kind::Required
                    || !empty.contains(r.name.as_str())
                    || out.iter().any(|t| t.key == r.name)
                {
                    continue;
                }
                let line = src.line_of(r.span.start);
                out.push(ToFill {
                    key: r.name.clone(),
                    required_by: format!("{}:{line}", src.path),
                });
            }
        }
        out.sort_by(|a, b| (&a.key, &a.required_by).cmp(&(&b.key, &b.required_by)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &[u8]) -> Document {
        Document::parse(s.to_vec(), &isolated())
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
