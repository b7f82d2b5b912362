//! `portability`: lines that other common loaders read differently from dotenvy.
//!
//! The table behind each check is in `docs/dialects.md`: node dotenv (+
//! dotenv-expand), python-dotenv and docker compose, against dotenvy 0.15.7.

use crate::text::reference_name;
use std::ops::Range;

use envlint_dotenv::{Document, Entry, QuoteKind};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "portability",
    summary: "node dotenv, python-dotenv or docker compose read the line differently",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports lines that dotenvy accepts but that node dotenv, python-dotenv or docker compose
read differently, and says which loader reads what:
- `#` inside an unquoted value (`A=a#b`): node dotenv starts a comment there;
- `A=#x`: dotenvy and node dotenv read an empty value, python-dotenv and compose read `#x`;
- text right after a closing quote (`A="a"b`, `A="a"#b`): node dotenv keeps the quotes;
- `\\` or `\'` in single quotes: python-dotenv reads them as escapes;
- escapes in double quotes other than `\n`: node dotenv keeps the backslash; python-dotenv
  keeps it for `\$` and `\ `;
- `$NAME` without braces: python-dotenv expands only `${NAME}`, node dotenv without
  dotenv-expand expands nothing;
- `${NAME}` inside single quotes: python-dotenv expands it, the others do not;
- a value starting with a backtick: node dotenv treats backticks as quotes.

## Why is this bad?
The same `.env` is often read by several tools (a Rust service, a Node script, docker
compose, a Python test). A line they read differently is a configuration bug that only
shows in one of them.

## Example
```env
PASSWORD=abc#123
URL=$HOST/api
```
Use instead:
```env
PASSWORD='abc#123'
URL=${HOST}/api
```

## Fix
None automatic: which reading is intended is for a person to decide. Quote the value
(single quotes for literal text) or use braces.
"##,
    file: None,
    line: None,
    entry: Some(|ctx, e, out| check_entry(ctx.doc, e, out)),
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

fn warn(out: &mut Vec<Diagnostic>, key: &str, span: Range<usize>, msg: String, help: &str) {
    out.push(
        Diagnostic::new("portability", Severity::Warning, span, msg)
            .key(key)
            .help(help.to_owned()),
    );
}

fn check_entry(doc: &Document, e: &Entry, out: &mut Vec<Diagnostic>) {
    if e.is_simple() {
        return;
    }
    let src = doc.to_bytes();
    let raw = e.raw_value.range();
    // Nothing to compare unless the value holds one of the characters loaders disagree on,
    // mixes quoted and unquoted text, or is empty with a glued comment.
    let special = src[raw.clone()]
        .iter()
        .any(|b| matches!(b, b'#' | b'\\' | b'$' | b'`'));
    let mixed = !e.quotes().is_empty() && e.fully_quoted().is_none();
    let glued_comment = raw.is_empty() && e.comment().is_some();
    if !(special || mixed || glued_comment) {
        return;
    }
    let key = e.key(doc);
    let in_quotes = |i: usize| e.quotes().iter().any(|q| q.span.contains(i));
    // Each message names the loaders that read the line differently first, then (after
    // `;`) what dotenvy does. tests/loaders.rs holds the named loaders to their claims.
    if raw.is_empty() {
        if let Some(c) = e.comment_span(doc) {
            if c.start == e.eq_span(doc).end {
                warn(out, key, c.range(), format!("python-dotenv and docker compose read the `#…` text as the value of `{key}`; dotenvy and node dotenv read an empty value"), "quote the value if `#` belongs to it, or put a blank before the comment");
            }
        }
        return;
    }
    if let Some(i) = raw.clone().find(|&i| src[i] == b'#' && !in_quotes(i)) {
        warn(out, key, i..i + 1, format!("node dotenv ends the value of `{key}` at this `#` (a comment); dotenvy, python-dotenv and docker compose keep it"), "quote the value: `KEY='a#b'`");
    }
    if mixed {
        warn(out, key, raw.clone(), format!("node dotenv keeps the quote characters and python-dotenv drops the line: the value of `{key}` mixes quoted and unquoted text; dotenvy joins the parts"), "quote the whole value");
    }
    for q in e.quotes().iter() {
        let inner = q.span.start as usize + 1..q.span.end as usize - 1;
        let text = &src[inner.clone()];
        match q.kind {
            QuoteKind::Single => {
                // python-dotenv decodes `\\` and `\'` inside single quotes; nothing else.
                if let Some(i) = text
                    .windows(2)
                    .position(|w| w[0] == b'\\' && matches!(w[1], b'\\' | b'\''))
                {
                    let at = inner.start + i;
                    warn(out, key, at..at + 2, format!("python-dotenv reads this backslash escape inside the single quotes of `{key}`; dotenvy, node dotenv and docker compose keep both characters"), "avoid `\\\\` and `\\'` in single quotes");
                }
                if let Some(i) = memchr::memmem::find(text, b"${") {
                    let at = inner.start + i;
                    warn(out, key, at..at + 2, format!("python-dotenv expands `${{…}}` inside the single quotes of `{key}`; dotenvy, node dotenv and docker compose keep it as text"), "move the reference out of single quotes if it should expand");
                }
            }
            QuoteKind::Double => {
                let mut i = 0;
                while i + 1 < text.len() {
                    if text[i] != b'\\' {
                        i += 1;
                        continue;
                    }
                    let c = text[i + 1];
                    let who = match c {
                        b'n' => None,
                        b'$' | b' ' => Some("node dotenv and python-dotenv keep"),
                        _ => Some("node dotenv keeps"),
                    };
                    if let Some(who) = who {
                        let at = inner.start + i;
                        // The escaped character is part of the value.
                        let c = reference_name(&(c as char).to_string()).into_owned();
                        warn(out, key, at..at + 2, format!("{who} the backslash of `\\{c}` in the value of `{key}`; dotenvy reads just `{c}`"), "use single quotes for literal text, or avoid the escape");
                        break;
                    }
                    i += 2;
                }
            }
        }
    }
    // Names that continue with `_` or start with a digit are substitution-key's findings.
    let plain_ref = |s: &&envlint_dotenv::Substitution| {
        !s.braced
            && !s.name(doc).is_empty()
            && !s.name(doc).starts_with(|c: char| c.is_ascii_digit())
            && src.get(s.span.end as usize) != Some(&b'_')
    };
    if let Some(s) = e.substitutions().iter().find(plain_ref) {
        warn(out, key, s.span.range(), format!("python-dotenv and node dotenv keep `${}` in `{key}` as text (python-dotenv expands only `${{{}}}`, node dotenv nothing without dotenv-expand); dotenvy substitutes it", reference_name(s.name(doc)), reference_name(s.name(doc))), "write `${NAME}`");
    }
    if src[raw.start] == b'`' {
        warn(out, key, raw.start..raw.start + 1, format!("node dotenv reads backticks as quotes around the value of `{key}`; the other loaders keep them"), "remove the backticks or use ordinary quotes");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("portability", "A=1\nB='a#b'\nC=\"x\\ny\" # c\nD=${X}\nE=\n");
        fail(
            "portability",
            "A=a#b\nB=#x\nC=\"a\"b\nD='a\\\\b'\nE=\"a\\$b\"\nF=$HOME\nG='${X}'\nH=`x`\n",
            8,
        );
        // python-dotenv decodes only a doubled backslash and `\'` in single quotes.
        pass("portability", "D='a\\b'\n");
    }
}
