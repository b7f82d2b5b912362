//! `hardcoded-secret`: a credential written into source code.
//!
//! The text scan ([`crate::secret::scan_text`]) runs over every source file `check`
//! walks, comments included, because a key in a comment is as public as one in code.
//! The finding names what was recognised and underlines it; the value is never printed.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{FileDiagnostic, Project};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "hardcoded-secret",
    summary: "source code holds a string that looks like a real credential",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports credentials written into Rust, Python, JavaScript and TypeScript files: provider
formats anywhere in the text (OpenAI, Anthropic, Stripe live keys, AWS access key ids,
GitHub, GitLab, Slack, Google API keys, PEM private keys, JWTs, connection strings with a
password), and quoted random-looking values assigned to a secret-named identifier or key
(`API_SECRET = "…"`, `"client_secret": "…"`). Placeholders never count. The value is
never printed.

## Why is this bad?
Source code is committed, copied, pasted into chats and tickets: a key in it leaks with
every copy, and stays in git history after it is removed.

## Example
```python
client = OpenAI(api_key="sk-proj-…")  # a real key
```

## Fix
Read it from the environment (`os.environ["OPENAI_API_KEY"]`), document the name in
`.env.example`, and rotate the key. Test fixtures that need credential-shaped strings:
suppress with `# envlint: ignore[hardcoded-secret]` on the line.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    for src in &project.sources {
        for hit in &src.secrets {
            out.push(FileDiagnostic {
                path: src.path.clone(),
                diagnostic: Diagnostic::new(
                    RULE.id,
                    Severity::Error,
                    hit.span.clone(),
                    format!("this looks like {}", hit.finding.what),
                )
                .help("read it from the environment instead, list the name in .env.example, and rotate the key"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let src = format!(
            "import os\nKEY = \"AKIA{}\"\nTEST_TOKEN = \"q8Xv2LmZ9tPw4RkN7bYc\"  # envlint: ignore[hardcoded-secret]\nURL = os.environ['URL']\n",
            "Q3EGRQXZ7KPLM2ZD"
        );
        let found = project_check(
            "hardcoded-secret",
            &[("app.py", &src), ("other.ts", "const a = 1;\n")],
        );
        assert_eq!(
            found,
            [(
                "app.py".to_owned(),
                "this looks like an AWS access key id".to_owned()
            )]
        );
    }
}
