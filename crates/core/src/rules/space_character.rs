//! `space-character`: whitespace around `=`.

use envlint_dotenv::TextEdit;

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "space-character",
    summary: "whitespace around `=`",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports whitespace between the key and `=`, or between `=` and the value.

## Why is this bad?
dotenv loaders skip it, but a shell reads `KEY = value` as a command named `KEY`, and
`docker run --env-file` keeps the spaces in the name or value.

## Example
```env
PORT = 8080
```
Use instead:
```env
PORT=8080
```

## Fix
Safe: the spaces are removed.
"##,
    file: None,
    line: None,
    entry: Some(|ctx, e, out| {
        let eq = e.eq_span(ctx.doc).start as usize;
        let before = e.key.end as usize..eq;
        let after = eq + 1..e.raw_value.start as usize;
        // `KEY= # comment` keeps its blank: removing it would glue `#` to the value.
        let after = if e.raw_value.is_empty() {
            after.start..after.start
        } else {
            after
        };
        if before.is_empty() && after.is_empty() {
            return;
        }
        let key = e.key(ctx.doc);
        let edits: Vec<TextEdit> = [before.clone(), after.clone()]
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(TextEdit::delete)
            .collect();
        let span = if before.is_empty() {
            after
        } else {
            before.start..after.end.max(before.end)
        };
        out.push(
            Diagnostic::new(
                "space-character",
                Severity::Warning,
                span,
                format!("whitespace around `=` in `{key}`"),
            )
            .key(key)
            .fix(Fix::safe("Remove the whitespace around `=`", edits)),
        );
    }),
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("space-character", "A=1\nB= # c\nC=\n");
        fail("space-character", "A =1\nB= 2\nC = 3\n", 3);
        assert_eq!(fixed("space-character", "A = 1 # c\n", false), "A=1 # c\n");
    }
}
