//! `duplicated-key`: the same key defined twice in one file.

use rustc_hash::FxHashMap;

use super::entries;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "duplicated-key",
    summary: "the key is defined more than once in the file",
    severity: Severity::Warning,
    default_enabled: true,
    fix: "none",
    docs: r##"## What it does
Reports a key that is defined again later in the same file.

## Why is this bad?
Loaders disagree on which definition wins: dotenvy's `dotenv()` keeps the first (it never
overwrites a variable that is already set), while node dotenv, python-dotenv and docker
compose keep the last. Whoever edits one of the two lines may be changing nothing.

## Example
```env
DATABASE_URL=postgres://localhost/dev
DATABASE_URL=postgres://localhost/test
```

## Fix
None automatic: which definition is right is for a person to decide. Delete one.
"##,
    check: |ctx, out| {
        let doc = ctx.doc;
        let mut first: FxHashMap<&str, std::ops::Range<usize>> = FxHashMap::default();
        for (_, e) in entries(doc) {
            let key = e.key(doc);
            match first.get(key) {
                Some(span) => out.push(
                    Diagnostic::new(
                        "duplicated-key",
                        Severity::Warning,
                        e.key.clone(),
                        format!("`{key}` is defined more than once"),
                    )
                    .key(key)
                    .label(span.clone(), "first defined here")
                    .help("dotenvy's loader keeps the first definition; node dotenv, python-dotenv and docker compose keep the last: delete one"),
                ),
                None => {
                    first.insert(key, e.key.clone());
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("duplicated-key", "A=1\nB=1\na=1\n");
        fail("duplicated-key", "A=1\nB=2\nexport A=3\nA=4\n", 2);
    }
}
