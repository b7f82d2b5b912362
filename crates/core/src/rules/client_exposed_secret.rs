//! `client-exposed-secret`: a secret behind a prefix that bundlers inline into browser code.
//!
//! Next.js, Vite, Create React App, SvelteKit/Astro, Expo, Nuxt, Gatsby and Vue CLI copy
//! every variable with their public prefix into the JavaScript they ship, so whatever it
//! holds is readable by every visitor. The name alone is evidence when it says "secret"
//! (not "token" or "api key": maps and analytics keys are public by design); the value is
//! evidence when it has a server-only provider format.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{FileDiagnostic, Project};
use crate::rule::Rule;
use envlint_scan::Language;

pub(crate) const RULE: Rule = Rule {
    id: "client-exposed-secret",
    summary: "a public-prefixed variable has a secret name or value",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports variables with a prefix that bundlers ship to the browser (`NEXT_PUBLIC_`, `VITE_`,
`REACT_APP_`, `PUBLIC_`, `EXPO_PUBLIC_`, `NUXT_PUBLIC_`, `GATSBY_`, `VUE_APP_`) whose name
says secret (`SECRET`, `PRIVATE`, `PASSWORD`, `PASSWD`, `SERVICE_ROLE`) or whose value in
an env file has a server-only credential format (OpenAI, Anthropic, Stripe live secret
keys, AWS, GitHub, GitLab, Slack, private keys, connection strings with a password).
Reported in env files and where JavaScript or TypeScript code reads such a name. Google
API keys and JWTs (for example Supabase's anon key) are meant for browsers and are not
reported.

## Why is this bad?
The bundler inlines the value into the JavaScript every visitor downloads.

## Example
```env
NEXT_PUBLIC_STRIPE_SECRET_KEY=sk_live_…
```

## Fix
Drop the prefix and read the variable only in server code (an API route, a server
component, a backend); rotate the key if it was ever deployed.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

const PUBLIC_PREFIXES: [&str; 8] = [
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "PUBLIC_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_",
    "VUE_APP_",
];

/// The public prefix of `name`, if it has one.
fn public_prefix(name: &str) -> Option<&'static str> {
    PUBLIC_PREFIXES
        .iter()
        .copied()
        .find(|p| name.starts_with(p))
}

/// Whether the part after the prefix says "secret".
fn secret_named(rest: &str) -> bool {
    let upper = rest.to_ascii_uppercase();
    ["SECRET", "PRIVATE", "PASSWORD", "PASSWD", "SERVICE_ROLE"]
        .iter()
        .any(|w| upper.contains(w))
}

fn finding(path: &str, span: std::ops::Range<usize>, key: &str, message: String) -> FileDiagnostic {
    FileDiagnostic {
        path: path.to_owned(),
        diagnostic: Diagnostic::new(RULE.id, Severity::Error, span, message)
            .key(key)
            .help("drop the prefix and read it only in server code; rotate it if it was deployed"),
    }
}

fn named_message(name: &str, prefix: &str) -> String {
    format!("`{name}` is named as a secret but its `{prefix}` prefix ships it to browsers")
}

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    // The browser code that reads a key: the other side of an env-file finding.
    let read_in_code = |key: &str| {
        project.sources.iter().find_map(|s| {
            s.refs
                .iter()
                .find(|r| {
                    r.name == key
                        && matches!(r.language, Language::JavaScript | Language::TypeScript)
                })
                .map(|r| (s.path.clone(), r.span.clone()))
        })
    };
    let with_read = |mut d: FileDiagnostic, key: &str| {
        if let Some((path, span)) = read_in_code(key) {
            d.diagnostic = d
                .diagnostic
                .related(path, span, format!("`{key}` is read here"));
        }
        d
    };
    for f in &project.env_files {
        for e in f.doc.entries() {
            let key = e.key(&f.doc);
            let Some(prefix) = public_prefix(key) else {
                continue;
            };
            let by_value = crate::secret::detect(None, e.value(&f.doc)).filter(|s| !s.browser_safe);
            if let Some(found) = by_value {
                let message = format!(
                    "`{key}` holds what looks like {} and its `{prefix}` prefix ships it to browsers",
                    found.what
                );
                out.push(with_read(
                    finding(&f.path, e.raw_value.range(), key, message),
                    key,
                ));
            } else if secret_named(&key[prefix.len()..]) {
                out.push(with_read(
                    finding(&f.path, e.key.range(), key, named_message(key, prefix)),
                    key,
                ));
            }
        }
    }
    for src in &project.sources {
        for r in &src.refs {
            if !matches!(r.language, Language::JavaScript | Language::TypeScript) {
                continue;
            }
            if let Some(prefix) =
                public_prefix(&r.name).filter(|p| secret_named(&r.name[p.len()..]))
            {
                let message = named_message(&r.name, prefix);
                out.push(finding(&src.path, r.span.clone(), &r.name, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        let env = format!(
            "NEXT_PUBLIC_STRIPE_SECRET_KEY=\nVITE_OPENAI_KEY=sk-proj-{}\nNEXT_PUBLIC_MAPBOX_TOKEN=pk.abc\nNEXT_PUBLIC_FIREBASE_API_KEY=AIzaSy9_k2LmQp4rT7vXz1B3c5D8fG0hJ6nW-ab\nSTRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjt4eC39HqL\n",
            "Ab3_".repeat(12)
        );
        let found = project_check(
            "client-exposed-secret",
            &[
                (".env", &env),
                ("app.ts", "const a = process.env.NEXT_PUBLIC_DB_PASSWORD;\nconst b = process.env.NEXT_PUBLIC_URL;\n"),
                ("tool.py", "import os\nos.environ['PUBLIC_KEY_PASSWORD']\n"),
            ],
        );
        assert_eq!(
            found,
            [
                (".env".to_owned(), "`NEXT_PUBLIC_STRIPE_SECRET_KEY` is named as a secret but its `NEXT_PUBLIC_` prefix ships it to browsers".to_owned()),
                (".env".to_owned(), "`VITE_OPENAI_KEY` holds what looks like an OpenAI project API key and its `VITE_` prefix ships it to browsers".to_owned()),
                ("app.ts".to_owned(), "`NEXT_PUBLIC_DB_PASSWORD` is named as a secret but its `NEXT_PUBLIC_` prefix ships it to browsers".to_owned()),
            ]
        );
    }

    #[test]
    fn env_findings_point_at_the_code_that_reads_the_key() {
        let project = project_of(&[
            (".env", "NEXT_PUBLIC_DB_PASSWORD=x\n"),
            (
                "web/page.tsx",
                "export const p = process.env.NEXT_PUBLIC_DB_PASSWORD;\n",
            ),
        ]);
        let settings = crate::config::Settings::resolve(
            &crate::config::Config::default(),
            &["client-exposed-secret".to_owned()],
            &[],
        )
        .unwrap();
        let found = crate::project::lint_project(&project, &settings);
        let env = found.iter().find(|d| d.path == ".env").unwrap();
        assert_eq!(env.diagnostic.related.len(), 1);
        assert_eq!(env.diagnostic.related[0].path, "web/page.tsx");
        assert_eq!(env.diagnostic.related[0].span, 29..52);
    }
}
