//! `example-missing`: code reads variables but no example file documents them.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{FileDiagnostic, Project};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "example-missing",
    summary: "the code reads variables but no .env.example governs it",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports, once per source file, code that reads environment variables (other than
platform-provided ones) when no example file exists at or above its folder.

## Why is this bad?
Without an example, the only list of the variables a project needs is its source code:
every newcomer has to rediscover it, and secrets get shared by chat to fill the gaps.

## Example
A repository with `process.env.DATABASE_URL` in `src/` and no `.env.example`.

## Fix
Create `.env.example` at the root (or next to the code in a monorepo) listing every variable
without real values. `envlint example` writes it from the code (`--diff` to see it first).
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    for src in &project.sources {
        if !project.governing_examples(&src.path).is_empty() {
            continue;
        }
        let names: Vec<&str> = src
            .refs
            .iter()
            .filter(|r| !project.provided(&r.name) && r.kind != envlint_scan::Kind::Declared)
            .map(|r| r.name.as_str())
            .collect();
        let Some(first) = src.refs.iter().find(|r| names.contains(&r.name.as_str())) else {
            continue;
        };
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        out.push(FileDiagnostic {
            path: src.path.clone(),
            diagnostic: Diagnostic::new(
                RULE.id,
                Severity::Warning,
                first.span.clone(),
                format!(
                    "this file reads {} variable{} but no .env.example documents them",
                    unique.len(),
                    if unique.len() == 1 { "" } else { "s" }
                ),
            )
            .help(format!(
                "create .env.example listing {} (`envlint example` writes it)",
                unique.join(", ")
            )),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let found = project_check(
            "example-missing",
            &[
                (
                    "app.py",
                    "import os\na = os.environ['A']\nb = os.getenv('B')\nh = os.getenv('HOME')\n",
                ),
                ("ci.py", "import os\nc = os.getenv('CI')\n"),
            ],
        );
        assert_eq!(
            found,
            [(
                "app.py".to_owned(),
                "this file reads 2 variables but no .env.example documents them".to_owned()
            )]
        );
    }
}
