//! `dynamic-read`: a read whose variable name is computed at run time.

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::{FileDiagnostic, Project};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "dynamic-read",
    summary: "a variable name is computed at run time (information)",
    severity: Severity::Info,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Lists reads whose variable name is not a literal (`process.env[name]`,
`os.getenv(f"APP_{x}")`), with the pattern of names when the code shows one (`APP_*`).
Information only: it never fails a run.

## Why is this bad?
Names computed at run time cannot be checked against the example; keys matching the
pattern are kept from being reported as unused, but missing ones cannot be found.

## Example
```py
os.getenv(f"TENANT_{tenant}_TOKEN")
```

## Fix
Read the known names literally where possible, or document the pattern in the example.
"##,
    file: None,
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: Some(check),
};

fn check(project: &Project, out: &mut Vec<FileDiagnostic>) {
    for src in &project.sources {
        for d in &src.dynamic {
            let what = match &d.hint {
                Some(h) => format!("a variable named like `{h}` is read here ({})", d.form),
                None => format!(
                    "the name of the variable read here is computed at run time ({})",
                    d.form
                ),
            };
            out.push(FileDiagnostic {
                path: src.path.clone(),
                diagnostic: Diagnostic::new(RULE.id, Severity::Info, d.span.clone(), what),
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
            "dynamic-read",
            &[("a.js", "const x = process.env[`APP_${k}`];\n")],
        );
        assert_eq!(
            found,
            [(
                "a.js".to_owned(),
                "a variable named like `APP_*` is read here (process.env)".to_owned()
            )]
        );
    }
}
