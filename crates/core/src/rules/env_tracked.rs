//! `env-tracked`: a local env file is in the git index.

use crate::diagnostic::Severity;
use crate::project::{FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "env-tracked",
    summary: "a local env file is committed or staged in git",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::SomeCases,
    docs: r##"## What it does
Reports a local env file (`.env`, `.env.local`, `.env.<mode>`, `*.env`) that is in the git
index, committed or staged, whatever `.gitignore` says (ignore rules do not untrack files).
Skipped outside a git repository. Framework defaults files (`.env.development`,
`.env.production`, `.env.test` next to a `package.json`, meant to be committed by Next.js,
Vite and Create React App) are reported only when they hold a secret-looking value or a secret-named key with a
value.

## Why is this bad?
Its values are (or will be) in the history, on every clone and fork. Ignoring it now does not
remove it; any secret it held must be considered leaked.

## Example
`git ls-files` lists `.env`.

## Fix
`git rm --cached .env`, make sure `.gitignore` covers it, and rotate every secret it held:
removing it from the index does not remove it from history. `envlint fix` does the
`.gitignore` part; the rest is yours.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    let Some(git) = &project.git else { return };
    for f in project.env_files.iter().filter(|f| f.role == Role::Local) {
        let public_defaults = f.is_mode_defaults(project) && !f.holds_secrets();
        if !git.tracked.contains(&f.path) || public_defaults {
            continue;
        }
        let mut d = FileDiagnostic::whole_file(
            &f.path,
            RULE.id,
            format!(
                "{} is in the git index: its values are committed or about to be",
                f.path
            ),
            format!(
                "run `git rm --cached {}`, ignore it, and rotate the secrets it held",
                f.path
            ),
        );
        // Ignoring a tracked file keeps it out once the user untracks it; the finding
        // stays until `git rm --cached` (no fix can rewrite history).
        if !git.ignored.contains(&f.path) {
            d = d.with_edit(
                crate::ProjectEdit::Ignore {
                    path: f.path.clone(),
                },
                false,
            );
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let found = project_check_git(
            "env-tracked",
            &[
                (".env", "A=1\n"),
                (".env.example", "A=\n"),
                ("package.json", "{}"),
                (".env.development", "VITE_API_URL=http://localhost:8080\n"),
            ],
            &[".env"],
            &[".env", ".env.example", ".env.development"],
        );
        assert_eq!(
            found,
            [(
                ".env".to_owned(),
                ".env is in the git index: its values are committed or about to be".to_owned()
            )]
        );
    }
}
