//! `missing-in-example`: code reads a variable the governing example does not list.

use envlint_scan::Kind;

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{folder, FileDiagnostic, Project};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "missing-in-example",
    summary: "the code reads a variable that .env.example does not list",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports each variable the code reads (required, defaulted, optional or at build time) that
no example file at or above the source file's folder lists (the nearest one is named in
the message: `.env.example`, `.env.sample`, `.env.template`, …; in a monorepo a key
documented at the root counts for every app). A key listed in a comment (`# SENTRY_DSN=`,
the usual way to show an optional variable) counts as listed.
A JavaScript framework's committed defaults (`.env.development`, `.env.production`,
`.env.test` next to a `package.json`, any `.env.<mode>` in a Vite project) document their
keys too, as long as git does not ignore them and they hold no secret: a fresh clone gets
them. Names platforms and toolchains set (`CI`, `NODE_ENV`, `HOME`, `GITHUB_*`, `CARGO_*`, …) and
names listed under `platform` in the configuration are not reported.

## Why is this bad?
A teammate who sets up the project from the example does not learn the variable exists: the
program fails (required) or silently runs with a default they did not choose.

## Example
```ts
const url = process.env.DATABASE_URL!; // .env.example has no DATABASE_URL
```

## Fix
Add the key to the example (no real value). Required and build-time reads are errors,
optional and defaulted ones warnings; `[read-severity]` in the configuration changes that
per kind (`optional = "info"`, `defaulted = "off"`). When a file reads a name several times,
the strongest read carries the finding and the others are labels. `envlint fix` and `envlint example` add the missing keys, next to
keys of the same prefix or in a block at the end, each under a comment saying where it is
read and whether it is required; `envlint example` also creates a missing example.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    // Where missing keys belong, per example, computed once.
    let mut anchors: std::collections::HashMap<&str, crate::project::Anchors> =
        std::collections::HashMap::new();
    let by_folder = project.documented_by_folder();
    for src in &project.sources {
        let examples = project.governing_examples(&src.path);
        if examples.is_empty() {
            continue; // example-missing's finding
        }
        let Some((documented, documented_upper)) = by_folder.get(folder(&src.path)) else {
            continue; // no reads
        };
        // Reads of each undocumented name, in file order.
        let mut reads: Vec<(&str, Vec<&envlint_scan::Reference>)> = Vec::new();
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for r in &src.refs {
            if project.read_severity.of(r.kind).is_none()
                || project.provided(&r.name)
                || !crate::project::is_definable(&r.name)
            {
                continue;
            }
            let known = documented.contains(r.name.as_str())
                || (r.case_insensitive()
                    && documented_upper.contains(&r.name.to_ascii_uppercase()));
            if known || src.suppressed(r.span.start, RULE.id) {
                continue;
            }
            match index.get(r.name.as_str()) {
                Some(&i) => reads[i].1.push(r),
                None => {
                    index.insert(r.name.as_str(), reads.len());
                    reads.push((r.name.as_str(), vec![r]));
                }
            }
        }
        let example = examples[0];
        for (name, all) in reads {
            // The first read of the strongest kind carries the finding; the others are
            // labels.
            let sev = |r: &envlint_scan::Reference| project.read_severity.of(r.kind);
            let strongest = all.iter().filter_map(|r| sev(r)).max();
            let Some(main) = all.iter().copied().find(|r| sev(r) == strongest) else {
                continue;
            };
            let Some(severity) = strongest else { continue };
            let mut d = Diagnostic::new(
                RULE.id,
                severity,
                main.span.clone(),
                format!(
                    "`{name}` is read here ({}) but {} does not list it",
                    main.kind.as_str(),
                    example.path
                ),
            )
            .key(name)
            .help(if main.kind == Kind::Defaulted {
                format!(
                    "add `{name}=` to {} (the code has a default; `envlint fix` adds it)",
                    example.path
                )
            } else {
                format!("add `{name}=` to {} (`envlint fix` adds it)", example.path)
            })
            .related(
                example.path.clone(),
                anchors
                    .entry(example.path.as_str())
                    .or_insert_with(|| example.anchors())
                    .for_key(name),
                if example.doc.entries().next().is_some() {
                    format!("`{name}` belongs after this line")
                } else {
                    format!("`{name}` belongs here")
                },
            );
            d = d.project_fix(
                crate::ProjectEdit::AddToExample {
                    example: example.path.clone(),
                    key: name.to_owned(),
                },
                true,
            );
            for r in all.iter().filter(|r| r.span != main.span) {
                d = d.label(
                    r.span.clone(),
                    format!("also read here ({})", r.kind.as_str()),
                );
            }
            out.push(FileDiagnostic {
                path: src.path.clone(),
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
            "missing-in-example",
            &[
                (".env.example", "DATABASE_URL=\n"),
                ("src/db.ts", "const a = process.env.DATABASE_URL!;\nconst b = process.env.REDIS_URL ?? 'x';\nconst c = process.env.NODE_ENV;\nif ('FLAG' in process.env) {}\n// envlint: ignore[missing-in-example]\nconst d = process.env.IGNORED;\n"),
                ("apps/api/.env.example", "API_KEY=\n"),
                ("apps/api/main.py", "import os\nk = os.environ['API_KEY']\nd = os.environ['DATABASE_URL']\ns = os.environ['SECRET']\n"),
            ],
        );
        assert_eq!(
            found,
            [
                (
                    "apps/api/main.py".to_owned(),
                    "`SECRET` is read here (required) but apps/api/.env.example does not list it"
                        .to_owned()
                ),
                (
                    "src/db.ts".to_owned(),
                    "`REDIS_URL` is read here (defaulted) but .env.example does not list it"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn severity_follows_the_read_kind_and_the_configuration() {
        use crate::config::{Config, Settings};
        use crate::diagnostic::Severity;
        let files = [
            (".env.example", ""),
            ("a.ts", "process.env.OPT;\nprocess.env.DEF ?? 'x';\nprocess.env.REQ!;\nprocess.env.BOTH;\nprocess.env.BOTH!;\n"),
        ];
        let severities = |config: &str| -> Vec<(String, Severity, usize)> {
            let config = Config::from_file_text(crate::config::ConfigFileKind::Envlint, config)
                .unwrap()
                .unwrap();
            let settings =
                Settings::resolve(&config, &["missing-in-example".to_owned()], &[]).unwrap();
            let mut project = project_of(&files);
            project.read_severity = settings.read_severity;
            crate::project::lint_project(&project, &settings)
                .into_iter()
                .map(|d| {
                    (
                        d.diagnostic.key.unwrap().revealed().into_owned(),
                        d.diagnostic.severity,
                        d.diagnostic.labels.len(),
                    )
                })
                .collect()
        };
        assert_eq!(
            severities(""),
            [
                ("OPT".to_owned(), Severity::Warning, 0),
                ("DEF".to_owned(), Severity::Warning, 0),
                ("REQ".to_owned(), Severity::Error, 0),
                // The required read carries the finding; the optional one is a label.
                ("BOTH".to_owned(), Severity::Error, 1),
            ]
        );
        assert_eq!(
            severities("[read-severity]\noptional = \"off\"\ndefaulted = \"info\"\nrequired = \"warning\"\n"),
            [
                ("DEF".to_owned(), Severity::Info, 0),
                ("REQ".to_owned(), Severity::Warning, 0),
                ("BOTH".to_owned(), Severity::Warning, 0),
            ]
        );
        let bad = Config::from_file_text(
            crate::config::ConfigFileKind::Envlint,
            "[read-severity]\noptinal = \"off\"\n",
        )
        .unwrap()
        .unwrap();
        let err = Settings::resolve(&bad, &[], &[]).unwrap_err().to_string();
        assert!(err.contains("unknown read kind `optinal`"), "{err}");
    }
}
