//! `duplicated-key`: the same key defined twice in one file.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// A fast hasher with well-spread bits (hashbrown matches on the top seven).
const HASHER: FixedState = FixedState::with_seed(0x5eed_e11f);

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;
use envlint_dotenv::LineKind;

pub(crate) const RULE: Rule = Rule {
    id: "duplicated-key",
    summary: "the key is defined more than once in the file",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
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
    file: Some(|ctx, out| {
        let doc = ctx.doc;
        let src = doc.to_bytes();
        let lines = doc.lines();
        let key_span = |i: u32| match &lines[i as usize].kind {
            LineKind::Entry(e) => e.key.range(),
            _ => 0..0,
        };
        // First definitions, as line indices: the table holds 4 bytes per key.
        let mut first: HashTable<u32> = HashTable::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            let LineKind::Entry(e) = &line.kind else {
                continue;
            };
            let key = &src[e.key.range()];
            let hash = HASHER.hash_one(key);
            match first.find(hash, |&j| &src[key_span(j)] == key) {
                Some(&j) => {
                    let key = e.key(doc);
                    out.push(
                        Diagnostic::new(
                            "duplicated-key",
                            Severity::Warning,
                            e.key.range(),
                            format!("`{key}` is defined more than once"),
                        )
                        .key(key)
                        .label(key_span(j), "first defined here")
                        .help("dotenvy's loader keeps the first definition; node dotenv, python-dotenv and docker compose keep the last: delete one"),
                    );
                }
                None => {
                    first.insert_unique(hash, i as u32, |&j| HASHER.hash_one(&src[key_span(j)]));
                }
            }
        }
    }),
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
        pass("duplicated-key", "A=1\nB=1\na=1\n");
        fail("duplicated-key", "A=1\nB=2\nexport A=3\nA=4\n", 2);
    }
}
