//! `scan`: the source scanners and the secret scanner on any text.
//!
//! Why: every source file in a repository goes through these, written by anyone, in any
//! state of editing; a panic or a stack overflow in syn, tree-sitter or the walkers over
//! their trees stops a whole check. Spans go to code frames and editors, so they must be in
//! bounds and on character boundaries. The byte prefilter (`might_read_env`) promises that
//! a file without its language's markers reads no variable: if a file it rejects does have
//! reads, envlint silently misses them.

use std::path::Path;

use envlint_core::secret::scan_text;
use envlint_scan::{might_read_env, scan, Language};

use super::show;

const FILES: &[&str] = &[
    "x.rs",
    "x.py",
    "x.js",
    "x.ts",
    "x.tsx",
    "docker-compose.yml",
];

pub(crate) fn run(data: &[u8]) {
    for name in FILES {
        one(data, name);
    }
    let text = String::from_utf8_lossy(data);
    let hits = scan_text(&text);
    let mut end = 0;
    for h in &hits {
        spans_ok(&text, &h.span, "scan_text", "hit", data);
        assert!(
            h.span.start >= end,
            "scan_text hits overlap: {}",
            show(data)
        );
        end = h.span.end;
    }
}

/// One language only (the `scan-*` targets, for finding which scanner is slow).
pub(crate) fn rust(data: &[u8]) {
    one(data, "x.rs");
}

pub(crate) fn python(data: &[u8]) {
    one(data, "x.py");
}

pub(crate) fn javascript(data: &[u8]) {
    one(data, "x.js");
}

pub(crate) fn typescript(data: &[u8]) {
    one(data, "x.ts");
}

pub(crate) fn tsx(data: &[u8]) {
    one(data, "x.tsx");
}

fn one(data: &[u8], name: &str) {
    let text = String::from_utf8_lossy(data);
    {
        let path = Path::new(name);
        let result = scan(path, &text).unwrap_or_else(|| panic!("no scanner for {name}"));
        for r in &result.refs {
            spans_ok(&text, &r.span, name, "reference", data);
        }
        for d in &result.dynamic {
            spans_ok(&text, &d.span, name, "dynamic read", data);
        }
        for h in &result.helpers {
            spans_ok(&text, &h.span, name, "helper", data);
        }
        for c in &result.calls {
            for (_, span) in c.args.iter().flatten() {
                spans_ok(&text, span, name, "call argument", data);
            }
        }
        if name == "docker-compose.yml" {
            let _ = envlint_scan::compose::services(&text);
        }
        let language = Language::of(path).unwrap_or_else(|| panic!("no language for {name}"));
        if !might_read_env(language, text.as_bytes()) {
            assert!(
                result.refs.is_empty() && result.dynamic.is_empty(),
                "might_read_env({language:?}) says no, but {name} reads {:?} {:?}: {}",
                result
                    .refs
                    .iter()
                    .map(|r| (&r.name, r.form))
                    .collect::<Vec<_>>(),
                result.dynamic.iter().map(|d| d.form).collect::<Vec<_>>(),
                show(data)
            );
        }
    }
}

fn spans_ok(text: &str, span: &std::ops::Range<usize>, file: &str, what: &str, data: &[u8]) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{file}: {what} span {span:?} is out of bounds or off a character boundary (text of {} bytes): {}",
        text.len(),
        show(data)
    );
}
