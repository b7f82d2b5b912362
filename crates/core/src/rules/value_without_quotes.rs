//! `value-without-quotes`: whitespace in an unquoted value.

use envlint_dotenv::{encode_value, QuoteKind, TextEdit};

use super::{entries, report_rejections};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "value-without-quotes",
    summary: "a value with whitespace is not quoted",
    severity: Severity::Warning,
    default_enabled: true,
    fix: "safe",
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
    check: |ctx, out| {
        report_rejections(ctx, "value-without-quotes", out);
        for (_, e) in entries(ctx.doc) {
            if !e.quotes.is_empty() || !e.value.chars().any(char::is_whitespace) {
                continue;
            }
            let key = e.key(ctx.doc);
            let mut d = Diagnostic::new(
                "value-without-quotes",
                Severity::Warning,
                e.raw_value.clone(),
                format!("the value of `{key}` holds whitespace but is not quoted"),
            )
            .key(key);
            if e.substitutions.is_empty() {
                if let Some(raw) = encode_value(&e.value, Some(QuoteKind::Double)) {
                    d = d.fix(Fix::safe(
                        "Put the value in quotes",
                        vec![TextEdit {
                            range: e.raw_value.clone(),
                            replacement: raw,
                        }],
                    ));
                }
            }
            out.push(d);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("value-without-quotes", "A=x\nB=\"x y\"\nC= x # c\n");
        fail("value-without-quotes", "A=two words\nB=two\\ words\n", 2);
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
