//! `undocumented-key`: a local env file has a key the example does not list.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "undocumented-key",
    summary: "a local env file has a key .env.example does not list",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports keys of local env files (`.env`, `.env.local`, `.env.<mode>`, …) that the governing
example does not list.

## Why is this bad?
The variable exists on one machine only: the next person to set up the project will not
know to set it, and the program may depend on it without anyone noticing.

## Example
```env
# .env
FEATURE_X=1   # .env.example has no FEATURE_X
```

## Fix
Add the key to the example (without the value), or delete it from the local file.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    for local in project.env_files.iter().filter(|f| f.role == Role::Local) {
        let examples = project.governing_examples(&local.path);
        if examples.is_empty() {
            continue;
        }
        let documented = project.documented_for(&local.path);
        let mut anchors = None;
        for e in local.doc.entries() {
            let key = e.key(&local.doc);
            if documented.contains(key) || project.provided(key) {
                continue;
            }
            let d = Diagnostic::new(
                RULE.id,
                Severity::Warning,
                e.key.range(),
                format!("`{key}` is not in {}", examples[0].path),
            )
            .key(key)
            .help(format!(
                "add `{key}=` (without the value) to {}",
                examples[0].path
            ))
            .related(
                examples[0].path.clone(),
                anchors
                    .get_or_insert_with(|| examples[0].anchors())
                    .for_key(key),
                if examples[0].doc.entries().next().is_some() {
                    format!("`{key}` belongs after this line")
                } else {
                    format!("`{key}` belongs here")
                },
            );
            out.push(FileDiagnostic {
                path: local.path.clone(),
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
            "undocumented-key",
            &[
                (".env.example", "A=\n"),
                (".env", "A=1\nB=2\nNODE_ENV=development\n"),
                ("other/.env", "C=3\n"),
            ],
        );
        assert_eq!(
            found,
            [
                (".env".to_owned(), "`B` is not in .env.example".to_owned()),
                (
                    "other/.env".to_owned(),
                    "`C` is not in .env.example".to_owned()
                ),
            ]
        );
    }
}
