//! `quote-character`: quotes around a value that needs none.

use envlint_dotenv::{is_plain_value, TextEdit};

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "quote-character",
    summary: "the value is quoted but needs no quotes",
    severity: Severity::Warning,
    default_enabled: false,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports a value wrapped in quotes although it holds only characters that every loader
reads the same way unquoted (letters, digits and `_-./:,+@%` and similar). Off by default:
quoting everything is a legitimate house style.

## Why is this bad?
Quotes are stripped by dotenv loaders but kept by `docker run --env-file` and by tools that
read the file line by line, so `PORT="8080"` becomes the five-character `"8080"` there.

## Example
```env
PORT="8080"
```
Use instead:
```env
PORT=8080
```

## Fix
Safe: the quotes are removed; the value every loader reads is unchanged.
"##,
    file: None,
    line: None,
    entry: Some(|ctx, e, out| {
        // Most values are not quoted: settle that before reading the value.
        if e.fully_quoted().is_none() || !e.substitutions().is_empty() {
            return;
        }
        let value = e.value(ctx.doc);
        if value.is_empty() {
            return;
        }
        if !is_plain_value(value) {
            return;
        }
        let key = e.key(ctx.doc);
        let raw = e.raw_value.range();
        out.push(
            Diagnostic::new(
                "quote-character",
                Severity::Warning,
                e.raw_value.range(),
                format!("the value of `{key}` needs no quotes"),
            )
            .key(key)
            .fix(Fix::safe(
                "Remove the quotes",
                vec![
                    TextEdit::delete(raw.start..raw.start + 1),
                    TextEdit::delete(raw.end - 1..raw.end),
                ],
            )),
        );
    }),
    quiet: crate::rule::Quiet::OnUnquotedPlain,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass(
            "quote-character",
            "A=1\nB=\"two words\"\nC='$X'\nD=\"a#b\"\nE=\"\"\n",
        );
        fail("quote-character", "A=\"8080\"\nB='x.y'\n", 2);
        assert_eq!(
            fixed("quote-character", "A=\"8080\" # port\n", false),
            "A=8080 # port\n"
        );
    }
}
