//! `value-without-quotes`: whitespace in an unquoted value.

use envlint_dotenv::{encode_value, QuoteKind, TextEdit};

use super::report_rejections;
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "value-without-quotes",
    summary: "a value with whitespace is not quoted",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports values that hold whitespace without being quoted: `A=two words` (which dotenvy
rejects) and forms dotenvy accepts but other tools read differently (`A=two\ words`, a
no-break space).

## Why is this bad?
dotenvy rejects unquoted inner spaces and stops loading; node dotenv and python-dotenv keep
them; a shell that sources the file runs the second word as a command.

## Example
```env
GREETING=hello world
```
Use instead:
```env
GREETING="hello world"
```

## Fix
Safe: the value is put in double quotes (escaped where needed) so that every loader reads
the same text.
"##,
    file: Some(|ctx, out| report_rejections(ctx, "value-without-quotes", out)),
    line: None,
    entry: Some(|ctx, e, out| {
        let src = ctx.doc.to_bytes();
        if e.is_simple() || e.fully_quoted().is_some() || !e.quotes().is_empty() {
            return;
        }
        // Whitespace written in the value (not whitespace a `$` reference brings in).
        // Cheap test first: ASCII whitespace or a non-ASCII byte (maybe a no-break space).
        let raw = &src[e.raw_value.range()];
        if !raw.iter().any(|b| b.is_ascii_whitespace() || *b >= 0x80) {
            return;
        }
        if !e.raw(ctx.doc).chars().any(char::is_whitespace) {
            return;
        }
        let value = e.value(ctx.doc);
        let key = e.key(ctx.doc);
        let mut d = Diagnostic::new(
            "value-without-quotes",
            Severity::Warning,
            e.raw_value.range(),
            format!("the value of `{key}` holds whitespace but is not quoted"),
        )
        .key(key);
        if e.substitutions().is_empty() {
            if let Some(raw) = encode_value(value, Some(QuoteKind::Double)) {
                d = d.fix(Fix::safe(
                    "Put the value in quotes",
                    vec![TextEdit {
                        range: e.raw_value.range(),
                        replacement: raw,
                    }],
                ));
            }
        }
        out.push(d);
    }),
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("value-without-quotes", "A=x\nB=\"x y\"\nC= x # c\n");
        fail("value-without-quotes", "A=two words\nB=two\\ words\n", 2);
        // Whitespace that a reference brings in is not written in the value.
        pass("value-without-quotes", "A=\"x y\"\nB=${A}/z\n");
        assert_eq!(
            fixed("value-without-quotes", "A=two words # c\n", false),
            "A=\"two words\" # c\n"
        );
        assert_eq!(
            fixed("value-without-quotes", "A=two\\ words\n", false),
            "A=\"two words\"\n"
        );
    }
}
