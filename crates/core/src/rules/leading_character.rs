//! `leading-character`: a line that starts with something other than a key.

use envlint_dotenv::{LineKind, TextEdit};

use super::report_rejections;
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "leading-character",
    summary: "the line starts with whitespace or a character a key cannot start with",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::SomeCases,
    docs: r##"## What it does
Reports entries indented with whitespace, and lines whose first character cannot start a
key (a digit, `-`, `*`, `.`, a quote, …).

## Why is this bad?
A key must start with a letter or `_`: dotenvy rejects anything else, and no shell can
export it. Indentation is accepted by the common loaders but not by `env $(cat .env)`
style shell use, and it hides the key from a reader scanning the left margin.

## Example
```env
  PORT=8080
1ST_TRY=yes
```

## Fix
Safe for indentation (removed); none for a bad first character (renaming breaks the code
that reads the key).
"##,
    file: Some(|ctx, out| report_rejections(ctx, "leading-character", out)),
    line: Some(|ctx, _, line, out| {
        let LineKind::Entry(e) = &line.kind else {
            return;
        };
        let start = e.export_span(ctx.doc).map_or(e.key.start, |s| s.start) as usize;
        let indent_start = ctx.doc.line_range(line).start;
        if start > indent_start {
            let key = e.key(ctx.doc);
            out.push(
                Diagnostic::new(
                    "leading-character",
                    Severity::Warning,
                    indent_start..start,
                    format!("the line of `{key}` starts with whitespace"),
                )
                .key(key)
                .fix(Fix::safe(
                    "Remove the indentation",
                    vec![TextEdit::delete(indent_start..start)],
                )),
            );
        }
    }),
    entry: None,
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("leading-character", "A=1\n_B=2\n# c\n");
        fail("leading-character", "  A=1\n\tB=1\n*C=1\n1D=1\n", 4);
        assert_eq!(fixed("leading-character", "  A=1\n", false), "A=1\n");
    }
}
