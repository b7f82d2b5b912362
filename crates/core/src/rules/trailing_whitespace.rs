//! `trailing-whitespace`: blanks at the end of a line.

use envlint_dotenv::{ErrorKind, LineKind, TextEdit};

use super::report_rejections;
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "trailing-whitespace",
    summary: "whitespace at the end of a line",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports spaces and tabs at the end of a line (outside quoted values).

## Why is this bad?
Invisible characters make reviews noisy, and some tools keep them in the value
(`docker run --env-file`, shell scripts that read the file). dotenvy rejects a last line
that ends in whitespace when the file has no final newline.

## Example
`PORT=8080␠␠`

## Fix
Safe: the whitespace is removed.
"##,
    file: Some(|ctx, out| report_rejections(ctx, "trailing-whitespace", out)),
    line: Some(|ctx, _, line, out| {
        let src = ctx.doc.to_bytes();
        let end = line.eol(src).start as usize;
        let mut start = end;
        while start > line.span.start as usize && matches!(src[start - 1], b' ' | b'\t') {
            start -= 1;
        }
        if start == end {
            return;
        }
        match &line.kind {
            LineKind::Entry(e) if start < e.raw_value.end as usize => return,
            LineKind::Error(e) if e.kind == ErrorKind::TrailingWhitespaceAtEof => return,
            LineKind::Error(e) if src[e.line.range()].contains(&b'\n') => return,
            _ => {}
        }
        out.push(
            Diagnostic::new(
                "trailing-whitespace",
                Severity::Warning,
                start..end,
                "trailing whitespace",
            )
            .fix(Fix::safe(
                "Remove the trailing whitespace",
                vec![TextEdit::delete(start..end)],
            )),
        );
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
        pass("trailing-whitespace", "A=1\nB=\"x \n  \"\n");
        fail("trailing-whitespace", "A=1 \n# c\t\nB=2 # c \n", 3);
        fail("trailing-whitespace", "A=1 ", 1);
        assert_eq!(
            fixed("trailing-whitespace", "A=1 \r\nB=2  ", false),
            "A=1\r\nB=2"
        );
    }
}
