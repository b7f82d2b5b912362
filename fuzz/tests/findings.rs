//! The fuzzer's findings, each as the smallest input that showed it. A new finding goes in
//! with `#[ignore = "finding: …"]` until the code's owner fixes it; then the `#[ignore]`
//! goes and the test stays as a regression test. All five below are fixed and run on every
//! `cargo test --workspace`.
//!
//! Why tests rather than prose: a reproducer that runs says exactly what is wrong and says
//! when it is fixed. Credentials are generated at run time (`envlint_fuzz::plant`), never
//! written here.

use std::path::Path;

use envlint_core::mask::{display_bytes, display_source, Masking};
use envlint_dotenv::{Document, ParseOptions};
use envlint_fuzz::plant::credential;
use envlint_fuzz::rng::Rng;

fn token(seed: u64) -> String {
    credential(&mut Rng::new(seed))
}

fn shows(out: &[u8], secret: &str) -> bool {
    out.windows(secret.len()).any(|w| w == secret.as_bytes())
}

/// `display_source` finds credentials in `String::from_utf8_lossy(bytes)` and masks those
/// byte ranges in `bytes`; every invalid byte before a credential is three bytes (U+FFFD)
/// in the lossy text, so the mask lands after it (or past the end) and the credential is
/// shown. Found by `mask` (`fuzz/src/targets/mask.rs`, "display_source shows a credential").
#[test]
fn display_source_masks_a_credential_after_invalid_utf8() {
    let secret = token(1);
    let src = [b"\xff ".as_slice(), secret.as_bytes(), b"\n"].concat();
    let out = display_source(src, false);
    assert!(
        !shows(&out, &secret),
        "shown: {:?}",
        String::from_utf8_lossy(&out)
    );
}

/// A private file's masking keeps an `envlint:` directive readable, from `envlint:`
/// through the word after it and the rule list in brackets (to the end of the comment
/// when the `]` is missing); a credential pasted there is shown. (An example file's masking
/// checks each word and hides it.) Found by `mask` ("Private shows a credential planted in
/// a comment").
#[test]
fn a_credential_inside_a_directive_is_masked() {
    let secret = token(2);
    let mut shown = Vec::new();
    for src in [
        format!("# envlint: ignore[{secret}]\n"),
        format!("A=1 # envlint: ignore[bom, {secret}\n"),
        format!("# envlint: {secret}\n"),
    ] {
        for masking in [Masking::Private, Masking::Example] {
            let doc = Document::parse(src.clone().into_bytes(), &ParseOptions::isolated());
            let out = display_bytes(doc, masking, None);
            if shows(&out, &secret) {
                shown.push(format!("{masking:?}: {:?}", String::from_utf8_lossy(&out)));
            }
        }
    }
    assert!(shown.is_empty(), "{shown:#?}");
}

/// In a file whose delimiters do not balance, the Rust scanner falls back to a text search
/// that matches `env::var(` inside a longer path (`myenv::var`, `xenv::var`) and reports
/// a `std::env::var` read. The prefilter (`might_read_env`) rightly says such a file reads
/// nothing, so the read shows only when the file also names `env` somewhere. Found by
/// `scan` ("might_read_env(Rust) says no, but x.rs reads").
#[test]
fn the_rust_fallback_matches_whole_paths_only() {
    let mut read = Vec::new();
    for src in [
        "let a = myenv::var(\"A\"))",
        "use std::env;\nfn f() { myenv::var(\"A\"); ",
    ] {
        let scan = envlint_scan::scan(Path::new("x.rs"), src).expect("a Rust scanner");
        if !scan.refs.is_empty() {
            let refs: Vec<_> = scan.refs.iter().map(|r| (&r.name, r.form)).collect();
            read.push(format!("{src:?}: {refs:?}"));
        }
    }
    assert!(read.is_empty(), "{read:#?}");
}

/// tree-sitter-python's error recovery is quadratic on a run of `-:` (measured on the
/// parser alone: 0.4 KB 112 ms, 0.8 KB 459 ms, 1.6 KB 1.6 s; a 4 KB file 11 s, 16 KB
/// minutes, release build). A file that also holds a marker (`os.environ`) passes the
/// prefilter, so one such source file stalled `envlint check`. Found by `scan` (its
/// slowest input, 28 s). Fixed by the parse budget: such a file is read by a text search
/// and marked `limited`. No clock here (a timed assertion is no benchmark, and flaky on
/// a loaded machine): the input is far past the budget on any machine, so the fallback
/// is what bounds the time.
#[test]
fn python_scan_falls_back_past_its_parse_budget() {
    let src = format!("import os\nos.environ[\"A\"]\n{}\n", "-:".repeat(4_000));
    let scan = envlint_scan::scan(Path::new("x.py"), &src).expect("a Python scanner");
    let names: Vec<&str> = scan.refs.iter().map(|r| r.name.as_str()).collect();
    assert!(
        scan.limited,
        "{} bytes parsed in full: {:?}",
        src.len(),
        scan.warning
    );
    assert_eq!(names, ["A"]);
}

/// The same in tree-sitter's JavaScript and TypeScript grammars: `(:` and a run of `+:`
/// (parser alone, release: JavaScript 1.2 KB 1.4 s, 2.4 KB 6.3 s; TypeScript and TSX
/// 2.4 KB 0.5 s, 4.8 KB 2 s). With a `process.env` read in the file, `scan` took all of
/// it. Found by `scan` (a 3.6 KB input took 8 s as JavaScript). 8 KB here: past the
/// budget in every grammar.
#[test]
fn javascript_scan_falls_back_past_its_parse_budget() {
    let src = format!("process.env.A;\n(:{}\n", "+:".repeat(4_000));
    let mut full = Vec::new();
    for name in ["x.js", "x.ts", "x.tsx"] {
        let scan = envlint_scan::scan(Path::new(name), &src).expect("a JS/TS scanner");
        let names: Vec<&str> = scan.refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["A"], "{name}");
        if !scan.limited {
            full.push(name);
        }
    }
    assert!(
        full.is_empty(),
        "{} bytes parsed in full: {full:?}",
        src.len()
    );
}
