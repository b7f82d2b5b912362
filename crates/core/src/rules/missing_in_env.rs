//! `missing-in-env`: onboarding. The example lists a key the developer's env files lack.
//!
//! Only folders that already have a local env file are checked: a fresh CI checkout has
//! none and must not fail on it, and a developer who has not copied the example yet needs
//! one step (copy it), not thirty findings. Keys the code reads as required are errors
//! (the program will stop); the rest are warnings.

use std::collections::{HashMap, HashSet};

use envlint_scan::Kind;

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{folder, FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "missing-in-env",
    summary: "a key the example lists is not set in the local env files",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
For each folder that has both an example file and at least one local env file (`.env`,
`.env.local`, `.env.<mode>`, …), reports the example's keys that none of the local files
set, and keys the code reads as required that a local file sets to an empty value.
Platform-provided names are skipped. Folders without a local env file (a fresh CI
checkout) are not checked.

## Why is this bad?
The program reads a variable the developer's environment does not have: it stops at
start-up (required reads) or silently runs with a default.

## Example
```env
# .env.example
DATABASE_URL=
STRIPE_SECRET_KEY=
# .env
DATABASE_URL=postgres://localhost/app   # STRIPE_SECRET_KEY is missing
```

## Fix
Set the key in `.env` (ask the team for the value), or delete it from the example if
nothing needs it any more.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

/// A required read: `path:line` for messages, and where it is for the related location.
struct Read<'p> {
    at: String,
    path: &'p str,
    span: std::ops::Range<usize>,
}

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    // The names read as required by the code each example's folder governs.
    // Each name's first required read, as `path:line`, to point at from the example.
    let mut required: HashMap<&str, HashMap<&str, Read>> = HashMap::new();
    for src in &project.sources {
        let Some(example) = project.governing_examples(&src.path).first().copied() else {
            continue;
        };
        let dir = folder(&example.path);
        for r in src.refs.iter().filter(|r| r.kind == Kind::Required) {
            let line = src.line_of(r.span.start);
            required
                .entry(dir)
                .or_default()
                .entry(r.name.as_str())
                .or_insert_with(|| Read {
                    at: format!("{}:{line}", src.path),
                    path: &src.path,
                    span: r.span.clone(),
                });
        }
    }
    let mut done = HashSet::new();
    for example in project.env_files.iter().filter(|f| f.role == Role::Example) {
        let dir = folder(&example.path);
        if !done.insert(dir) {
            continue; // two examples in one folder: the first speaks for both
        }
        let locals: Vec<_> = project
            .env_files
            .iter()
            .filter(|f| f.role == Role::Local && folder(&f.path) == dir)
            .collect();
        let Some(first) = locals.first() else {
            continue;
        };
        let set: HashSet<&str> = locals
            .iter()
            .flat_map(|f| f.doc.entries().map(|e| e.key(&f.doc)))
            .collect();
        let needed = required.get(dir);
        let required_at = |key: &str| needed.and_then(|n| n.get(key));
        for e in example.doc.entries() {
            let key = e.key(&example.doc);
            if set.contains(key) || project.provided(key) {
                continue;
            }
            let (severity, why) = match required_at(key) {
                Some(read) => (Severity::Error, format!(" and {} requires it", read.at)),
                None => (Severity::Warning, String::new()),
            };
            let mut d = Diagnostic::new(
                RULE.id,
                severity,
                e.key.range(),
                format!("`{key}` is listed here but not set in {}{why}", first.path),
            )
            .key(key)
            .help(format!("add `{key}=…` to {}", first.path));
            if let Some(read) = required_at(key) {
                d = d.related(
                    read.path,
                    read.span.clone(),
                    format!("`{key}` is required here"),
                );
            }
            out.push(FileDiagnostic {
                path: example.path.clone(),
                diagnostic: d,
            });
        }
        // Set but empty, where the code requires a value.
        for local in &locals {
            for e in local.doc.entries() {
                let key = e.key(&local.doc);
                let Some(read) = required_at(key).filter(|_| e.value(&local.doc).is_empty()) else {
                    continue;
                };
                let d = Diagnostic::new(
                    RULE.id,
                    Severity::Error,
                    e.key.range(),
                    format!("`{key}` is empty but {} requires a value", read.at),
                )
                .key(key)
                .help("set a value")
                .related(
                    read.path,
                    read.span.clone(),
                    format!("`{key}` is required here"),
                );
                out.push(FileDiagnostic {
                    path: local.path.clone(),
                    diagnostic: d,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let found = project_check(
            "missing-in-env",
            &[
                (".env.example", "A=\nB=\nC=\nCI=\n"),
                (".env", "A=1\nC=\n"),
                (".env.local", "B=2\n"),
                ("app.py", "import os\nos.environ['C']\nos.environ['D']\n"),
                // No local file here: not checked.
                ("svc/.env.example", "E=\n"),
            ],
        );
        assert_eq!(
            found,
            [(
                ".env".to_owned(),
                "`C` is empty but app.py:2 requires a value".to_owned()
            )]
        );
        let missing = project_check(
            "missing-in-env",
            &[
                (".env.example", "A=\nB=\n"),
                (".env", "A=1\n"),
                ("app.py", "import os\nos.environ['B']\n"),
            ],
        );
        assert_eq!(
            missing,
            [(
                ".env.example".to_owned(),
                "`B` is listed here but not set in .env and app.py:2 requires it".to_owned()
            )]
        );
    }
}
