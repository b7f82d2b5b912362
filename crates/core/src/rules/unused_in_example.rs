//! `unused-in-example`: the example lists a variable no code under its folder reads.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{folder, is_under, matches_pattern, FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "unused-in-example",
    summary: ".env.example lists a variable no code reads",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports keys of an example file that no source file under the example's folder reads.
Keys that a dynamic read's hint covers (`process.env[`APP_${x}`]` covers `APP_*`) are not
reported, nor are keys read case-insensitively (pydantic-settings), nor names the platform
or libraries read (`RUST_LOG`, `NODE_OPTIONS`, `TZ`, `platform-keys`). Folders without any
source file envlint reads are not judged.

## Why is this bad?
Stale keys make newcomers hunt for values nothing uses, and hide the keys that matter.

## Example
```env
# .env.example
LEGACY_API_URL=
```

## Fix
Delete the key if nothing reads it (tools outside the code, such as docker compose, may:
suppress with `# envlint: ignore[unused-in-example]`).
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

pub(crate) fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    for ex in project.env_files.iter().filter(|f| f.role == Role::Example) {
        let dir = folder(&ex.path);
        let links = project.links_from(dir);
        if !project.source_paths.iter().any(|p| is_under(p, dir)) && links.is_empty() {
            continue;
        }
        // What the code under the folder reads, gathered once: exact names, names read
        // without case (pydantic-settings), and the patterns of dynamic reads.
        let mut names: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut upper: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut hints: Vec<&str> = Vec::new();
        for s in project.sources_for_examples_in(dir) {
            for r in &s.refs {
                names.insert(&r.name);
                if r.case_insensitive() {
                    upper.insert(r.name.to_ascii_uppercase());
                }
            }
            hints.extend(s.dynamic.iter().filter_map(|d| d.hint.as_deref()));
        }
        for e in ex.doc.entries() {
            let key = e.key(&ex.doc);
            let read = names.contains(key)
                || (!upper.is_empty() && upper.contains(&key.to_ascii_uppercase()))
                || hints.iter().any(|h| matches_pattern(h, key));
            // Names the platform or a library reads (`RUST_LOG`, `NODE_OPTIONS`, `TZ`) are
            // read outside the code: documenting them is right.
            if read || project.provided(key) {
                continue;
            }
            let d = Diagnostic::new(
                RULE.id,
                Severity::Warning,
                e.key.range(),
                match links.as_slice() {
                    [] => format!(
                        "no code under `{}` reads `{key}`",
                        if dir.is_empty() { "." } else { dir }
                    ),
                    [l] => format!(
                        "no code under `{}` or `{}` ({}) reads `{key}`",
                        if dir.is_empty() { "." } else { dir },
                        if l.code.is_empty() { "." } else { &l.code },
                        l.via
                    ),
                    [l, rest @ ..] => format!(
                        "no code under `{}`, `{}` ({}) or {} other linked folder{} reads `{key}`",
                        if dir.is_empty() { "." } else { dir },
                        if l.code.is_empty() { "." } else { &l.code },
                        l.via,
                        rest.len(),
                        if rest.len() == 1 { "" } else { "s" }
                    ),
                },
            )
            .key(key)
            .help("delete the key, or suppress with `# envlint: ignore[unused-in-example]` if something outside the code reads it");
            out.push(FileDiagnostic {
                path: ex.path.clone(),
                diagnostic: d,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let found = project_check(
            "unused-in-example",
            &[
                (".env.example", "USED=\nAPP_PORT=\nSTALE=\n# envlint: ignore[unused-in-example]\nFOR_COMPOSE=\n"),
                ("src/main.rs", "fn main() { std::env::var(\"USED\").unwrap(); std::env::var(format!(\"APP_{}\", 1)).ok(); }"),
                ("docs/.env.example", "NOTHING_TO_JUDGE=\n"),
            ],
        );
        assert_eq!(
            found,
            [(
                ".env.example".to_owned(),
                "no code under `.` reads `STALE`".to_owned()
            )]
        );
    }
}
