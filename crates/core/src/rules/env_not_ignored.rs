//! `env-not-ignored`: a local env file with values that git would publish.

use crate::diagnostic::Severity;
use crate::project::{FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "env-not-ignored",
    summary: "a local env file holding values is not ignored by git",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports a local env file (`.env`, `.env.local`, `.env.<mode>`, `*.env`) that holds at least
one non-empty value and that no git ignore rule covers: no `.gitignore` at any level, nor
`.git/info/exclude`, nor the global excludes file. Skipped outside a git repository. A file
git already tracks is left to `env-tracked`, which says more. Framework defaults files
(`.env.development`, `.env.production`, `.env.test` next to a `package.json`, which
Next.js, Vite and Create React App tell users to commit) are reported only when they hold a secret-looking value or a
secret-named key with a value.

## Why is this bad?
The next `git add .` publishes every secret in it. Committed `.env` files are the most
common way API keys leak.

## Example
A repository with `.env` holding `STRIPE_SECRET_KEY=sk_live_…` and a `.gitignore` that
does not mention it.

## Fix
Add the file (or `.env*` with `!.env.example`) to `.gitignore`. `envlint fix` appends the
file's name to the repository's root `.gitignore` (`--diff` shows it first), after checking
with git's rules that the line takes effect; when a deeper `.gitignore` decides, it says so
and leaves the edit to you.
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
        if !f.must_stay_private(project)
            || git.ignored.contains(&f.path)
            || git.tracked.contains(&f.path)
        {
            continue;
        }
        out.push(
            FileDiagnostic::whole_file(
                &f.path,
                RULE.id,
                format!(
                    "git does not ignore {}, which holds values: `git add` would publish them",
                    f.path
                ),
                "add it to .gitignore (for example `.env*` and `!.env.example`)".to_owned(),
            )
            .with_edit(
                crate::ProjectEdit::Ignore {
                    path: f.path.clone(),
                },
                true,
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let found = project_check_git(
            "env-not-ignored",
            &[
                (".env", "A=1\n"),
                (".env.local", "A=1\n"),
                ("empty.env", "A=\n"),
                (".env.example", "A=\n"),
            ],
            &[".env.local"],
            &[],
        );
        assert_eq!(found.len(), 1);
        // Framework defaults: public values pass, a secret does not.
        let modes = project_check_git(
            "env-not-ignored",
            &[
                ("package.json", "{}"),
                (
                    ".env.development",
                    "NEXT_PUBLIC_SITE_URL=http://localhost:3000\n",
                ),
                (
                    ".env.production",
                    "SITE_URL=https://shop.test\nSESSION_SECRET=q8Xv2LmZ9tPw4RkN7bYc\n",
                ),
                (".env.test", "API_TOKEN=\n"),
            ],
            &[],
            &[],
        );
        assert_eq!(modes.len(), 1);
        assert_eq!(modes[0].0, ".env.production");
        // Without a package.json the same file is private (a Django `.env.production`).
        let django = project_check_git(
            "env-not-ignored",
            &[(".env.development", "SITE_URL=http://localhost:3000\n")],
            &[],
            &[],
        );
        assert_eq!(django.len(), 1);
        // Suppression comments apply to project rules as to file rules.
        let muted = project_check_git(
            "env-not-ignored",
            &[(".env", "# envlint: ignore-file[env-not-ignored]\nA=1\n")],
            &[],
            &[],
        );
        assert!(muted.is_empty());
        let tracked = project_check_git("env-not-ignored", &[(".env", "A=1\n")], &[], &[".env"]);
        assert!(tracked.is_empty(), "env-tracked reports it");
        assert_eq!(
            found,
            [(
                ".env".to_owned(),
                "git does not ignore .env, which holds values: `git add` would publish them"
                    .to_owned()
            )]
        );
    }
}
