//! `key-without-value`: a bare `KEY` line without `=`.

use super::report_rejections;
use crate::diagnostic::Severity;
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "key-without-value",
    summary: "a key with no `=`",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Unsafe,
    docs: r##"## What it does
Reports a line that holds only a key, with no `=`.

## Why is this bad?
Every loader reads it differently: dotenvy rejects the line (and stops loading), node
dotenv ignores it, python-dotenv sets nothing (`None`), docker compose copies the value
from the host environment.

## Example
```env
API_URL
```
Use instead:
```env
API_URL=
```

## Fix
Unsafe: `=` is appended, giving an empty value; under docker compose that replaces the
host's value.
"##,
    file: Some(|ctx, out| report_rejections(ctx, "key-without-value", out)),
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("key-without-value", "A=\n");
        fail("key-without-value", "A\nexport B\n", 2);
        assert_eq!(fixed("key-without-value", "A\n", false), "A\n");
        assert_eq!(fixed("key-without-value", "A\n", true), "A=\n");
    }
}
