//! `example-ignored`: the example file is ignored, so teammates never get it.

use crate::diagnostic::Severity;
use crate::project::{FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "example-ignored",
    summary: "git ignores the example file, so it is never shared",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports an example file (`.env.example`, `.env.sample`, …) that git's ignore rules cover and
that is not already in the index. The usual cause is a `.env*` line in `.gitignore`.
Skipped outside a git repository.

## Why is this bad?
The file exists only on the machine that wrote it: everyone else clones a project with no
list of the variables it needs.

## Example
```gitignore
.env*
```

## Fix
Add `!.env.example` after the pattern that ignores it. `envlint fix` appends that line to
the root `.gitignore` when git's rules say it takes effect (a folder that is itself ignored
needs a hand edit).
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    let Some(git) = &project.git else { return };
    for f in project.env_files.iter().filter(|f| f.role == Role::Example) {
        if !git.ignored.contains(&f.path) || git.tracked.contains(&f.path) {
            continue;
        }
        out.push(
            FileDiagnostic::whole_file(
                &f.path,
                RULE.id,
                format!("git ignores {}: teammates will never receive it", f.path),
                format!(
                    "add `!{}` to .gitignore after the pattern that ignores it",
                    f.path.rsplit('/').next().unwrap_or(&f.path)
                ),
            )
            .with_edit(
                crate::ProjectEdit::Unignore {
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
        let files = [(".env.example", "A=\n"), ("sub/.env.sample", "A=\n")];
        let found = project_check_git(
            "example-ignored",
            &files,
            &[".env.example", "sub/.env.sample"],
            &["sub/.env.sample"],
        );
        assert_eq!(
            found,
            [(
                ".env.example".to_owned(),
                "git ignores .env.example: teammates will never receive it".to_owned()
            )]
        );
    }
}
