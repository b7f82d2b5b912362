//! `substitution-key`: `$` references that dotenvy reads differently from what they say.

use crate::text::reference_name;
use envlint_dotenv::TextEdit;

use super::report_rejections;
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "substitution-key",
    summary: "a `$` reference that dotenvy reads differently from what it says",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Unsafe,
    docs: r##"## What it does
Reports `$` references that do not mean what they look like under dotenvy 0.15.7:
- `$DB_URL`: an unbraced name stops at the first character that is not a letter or digit,
  so dotenvy substitutes `$DB` and appends `_URL`;
- `${NAME:-default}` and other shell operators: dotenvy has no such syntax and looks up a
  variable literally named `NAME:-default` (always empty);
- a `$` not followed by a name (`pa$-word`, a trailing `$`): dotenvy drops the `$`;
- `${NAME` without `}` and a quote right after `$NAME` (`"$NAME"`), which dotenvy rejects.

## Why is this bad?
Passwords and URLs with `$` silently lose characters, and references resolve to the wrong
variable, with no error at load time.

## Example
```env
URL=postgres://$DB_USER@localhost
PASSWORD=pa$-word
```
Use instead:
```env
URL=postgres://${DB_USER}@localhost
PASSWORD='pa$-word'
```

## Fix
Unsafe (it changes what dotenvy loads, to what the line says): braces are added around a
name that continues with `_`, and a stray `$` is escaped as `\$`.
"##,
    file: Some(|ctx, out| report_rejections(ctx, "substitution-key", out)),
    line: None,
    entry: Some(|ctx, e, out| {
        let doc = ctx.doc;
        let src = doc.to_bytes();
        let key = e.key(doc);
        for s in e.substitutions() {
            let sp = s.span.range();
            let after = src.get(sp.end).copied();
            let name = s.name(doc);
            if !s.braced && name.is_empty() {
                out.push(
                    Diagnostic::new(
                        "substitution-key",
                        Severity::Warning,
                        sp.start..sp.start + 1,
                        format!("dotenvy drops this `$` from the value of `{key}`: no name follows it"),
                    )
                    .key(key)
                    .help("escape it as `\\$` (unquoted or in double quotes) or put the value in single quotes")
                    .fix(Fix::unsafe_(
                        "Escape the `$`",
                        vec![TextEdit::insert(sp.start, "\\")],
                    )),
                );
            } else if !s.braced && after == Some(b'_') {
                let rest = &src[sp.start + 1..];
                let full_len = rest
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let full = String::from_utf8_lossy(&rest[..full_len]).into_owned();
                // Both come from the value: a password's `$abc_def` is not to be printed.
                let (full, name) = (reference_name(&full), reference_name(name));
                let end = sp.start + 1 + full_len;
                out.push(
                    Diagnostic::new(
                        "substitution-key",
                        Severity::Warning,
                        sp.start..end,
                        format!(
                            "dotenvy reads `${full}` as `${}` followed by text: unbraced names stop at `_`",
                            name
                        ),
                    )
                    .key(key)
                    .help(format!("write `${{{full}}}`"))
                    .fix(Fix::unsafe_(
                        format!("Write `${{{full}}}`"),
                        vec![
                            TextEdit::insert(sp.start + 1, "{"),
                            TextEdit::insert(end, "}"),
                        ],
                    )),
                );
            } else if !s.braced && name.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(
                    Diagnostic::new(
                        "substitution-key",
                        Severity::Warning,
                        sp.clone(),
                        format!("dotenvy reads `${}` in `{key}` as a reference to a variable named `{}`, which is never set: the text disappears", reference_name(name), reference_name(name)),
                    )
                    .key(key)
                    .help("escape the `$` as `\\$` or put the value in single quotes")
                    .fix(Fix::unsafe_(
                        "Escape the `$`",
                        vec![TextEdit::insert(sp.start, "\\")],
                    )),
                );
            } else if s.braced
                && (name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                let shell = name.contains([':', '-', '?', '+', '=']);
                // `${UNSET:-default}`: the default is part of the value.
                let name = reference_name(name);
                let msg = if shell {
                    format!("dotenvy has no shell operators in `${{…}}`: it looks up a variable named `{}`, which is always empty", name)
                } else {
                    format!(
                        "`${{{}}}` is not a valid name; dotenvy substitutes an empty value",
                        name
                    )
                };
                out.push(
                    Diagnostic::new("substitution-key", Severity::Warning, sp.clone(), msg)
                        .key(key)
                        .help("define the default in the file instead, or use a loader that supports `${NAME:-default}`"),
                );
            }
        }
    }),
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass(
            "substitution-key",
            "A=${B_C}\nB=$HOST.x\nC='$-'\nD=\"\\$-\"\n",
        );
        fail(
            "substitution-key",
            "A=$DB_URL\nB=pa$-word\nC=${X:-d}\nD=${X\nE=\"$X\"\n",
            5,
        );
        assert_eq!(
            fixed("substitution-key", "A=$DB_URL\n", true),
            "A=${DB_URL}\n"
        );
        assert_eq!(fixed("substitution-key", "A=x$\n", true), "A=x\\$\n");
        assert_eq!(
            fixed("substitution-key", "A=$DB_URL\n", false),
            "A=$DB_URL\n"
        );
    }
}
