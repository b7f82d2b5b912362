//! `secret-in-example`: a committed example holds what looks like a real credential.
//!
//! The example is the file that *is* committed, so a real key there is already public (or
//! will be at the next push). Detection lives in [`crate::secret`]; this rule only walks the
//! example files and never quotes the value.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{FileDiagnostic, Project, Role};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "secret-in-example",
    summary: "an example file holds a value that looks like a real credential",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports values in example files (`.env.example`, `.env.sample`, `.env.template`, …) that
look like real credentials: a provider format (OpenAI, Anthropic, Stripe live keys, AWS,
GitHub, GitLab, Slack, Google, PEM private keys, JWTs, connection strings with a password)
or a long random-looking value under a secret-sounding name (`*_SECRET`, `*_TOKEN`,
`*PASSWORD`, `*_API_KEY`, …). Placeholders (`changeme`, `your-key-here`, `<…>`, `sk-...`,
`${OTHER}`) and publishable or test-mode Stripe keys are not reported. The value is never
printed.

## Why is this bad?
The example is committed: whatever it holds is readable by everyone with the repository,
and stays in its history after it is deleted.

## Example
```env
# .env.example
OPENAI_API_KEY=sk-proj-…   (a real key)
```

## Fix
Replace the value with an empty one or a placeholder, then rotate the key: removing it
from the file does not remove it from git history.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    for f in project.env_files.iter().filter(|f| f.role == Role::Example) {
        for e in f.doc.entries() {
            let key = e.key(&f.doc);
            let Some(found) = crate::secret::detect(Some(key), e.value(&f.doc)) else {
                continue;
            };
            let d = Diagnostic::new(
                RULE.id,
                Severity::Error,
                e.raw_value.range(),
                format!("`{key}` in {} holds what looks like {}", f.path, found.what),
            )
            .key(key)
            .help("replace it with an empty value or a placeholder, then rotate the key: git history keeps it");
            out.push(FileDiagnostic {
                path: f.path.clone(),
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
        let key = format!("sk-proj-{}", "Ab3_".repeat(12));
        let example = format!(
            "OPENAI_API_KEY={key}\nSTRIPE_SECRET_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\nPLACEHOLDER_TOKEN=<your token>\nSESSION_SECRET=q8Xv2LmZ9tPw4RkN7bYc # envlint: ignore\n"
        );
        let found = project_check(
            "secret-in-example",
            &[
                (".env.example", &example),
                (".env", &format!("OPENAI_API_KEY={key}\n")),
            ],
        );
        assert_eq!(
            found,
            [(
                ".env.example".to_owned(),
                "`OPENAI_API_KEY` in .env.example holds what looks like an OpenAI project API key"
                    .to_owned()
            )]
        );
    }
}
