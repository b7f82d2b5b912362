//! `lint` and `fix`: every rule on any bytes, and the fixer's promises.
//!
//! Why: the rules slice the document with spans they compute themselves, the renderers
//! slice the file with the diagnostics' spans, and `envlint fix` writes the fixer's output
//! over a user's file. So: no panic, every span and label in bounds, each fix's edits apply,
//! no diagnostic's words show a value (a credential planted by the harness), fixes never
//! add a line dotenvy rejects, safe fixes keep every value read, and fixing is idempotent.

use std::sync::LazyLock;

use envlint_core::fix::fix_env_file;
use envlint_core::{lint_env_file, Applicability, Config, Settings};
use envlint_dotenv::{Document, ErrorKind, LineKind, ParseOptions, TextEdit};

use super::show;
use crate::plant;
use crate::rng::Rng;

static ALL: LazyLock<Settings> = LazyLock::new(|| {
    Settings::resolve(&Config::default(), &["ALL".into()], &[]).expect("ALL selects every rule")
});

pub(crate) fn lint(data: &[u8]) {
    let report = lint_env_file(data.to_vec(), &ALL);
    assert_eq!(report.doc.to_bytes(), data);
    let mut last = (0, 0);
    for d in &report.diagnostics {
        // Built only for a failure: `show` copies the whole input.
        let at = || format!("{}: {:?} in {}", d.rule, d.span, show(data));
        assert!(
            d.span.start <= d.span.end && d.span.end <= data.len(),
            "span out of bounds: {}",
            at()
        );
        assert!(
            (d.span.start, d.span.end) >= last,
            "diagnostics not sorted by position: {}",
            at()
        );
        last = (d.span.start, d.span.end);
        for l in &d.labels {
            assert!(
                l.span.start <= l.span.end && l.span.end <= data.len(),
                "label {:?} out of bounds: {}",
                l.span,
                at()
            );
        }
        if let Some(fix) = &d.fix {
            assert!(
                edits_apply(data.len(), &fix.edits),
                "the fix's edits {:?} do not apply: {}",
                fix.edits,
                at()
            );
        }
        // Every word meant for people can be rendered.
        let _ = (
            d.message.to_string(),
            d.help.as_ref().map(ToString::to_string),
        );
    }
    planted_values_stay_out_of_words(data);
}

/// Whether `apply_edits` accepts these edits on `len` bytes (in bounds, no two touching
/// the same bytes, no insertion inside a replaced range), without copying the file for
/// each of a file's thousands of fixes.
fn edits_apply(len: usize, edits: &[TextEdit]) -> bool {
    let mut ranges: Vec<_> = edits.iter().map(|e| e.range.clone()).collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut prev: Option<std::ops::Range<usize>> = None;
    for r in ranges {
        if r.start > r.end || r.end > len {
            return false;
        }
        if let Some(p) = &prev {
            if r.start < p.end || (r.start == p.start && !p.is_empty()) {
                return false;
            }
        }
        prev = Some(r);
    }
    true
}

/// Plants a generated credential as the value of an entry (or as a new line) and checks
/// that no diagnostic's message, help, labels, fix description or key shows it.
fn planted_values_stay_out_of_words(data: &[u8]) {
    let mut rng = Rng::from_bytes(data);
    let secret = plant::credential(&mut rng);
    let Some(src) = plant_value(data, &secret, &mut rng) else {
        return;
    };
    let report = lint_env_file(src.clone(), &ALL);
    for d in &report.diagnostics {
        let mut words = vec![d.message.to_string()];
        words.extend(d.help.iter().map(ToString::to_string));
        words.extend(d.labels.iter().map(|l| l.message.to_string()));
        words.extend(d.related.iter().map(|r| r.message.to_string()));
        words.extend(d.fix.iter().map(|f| f.description.to_string()));
        words.extend(d.key.iter().map(ToString::to_string));
        words.push(serde_json::to_string(&d.message).unwrap_or_default());
        for w in words {
            assert!(
                !w.contains(&secret),
                "{}: the words {w:?} show the value planted in {}",
                d.rule,
                show(&src)
            );
        }
    }
}

/// `data` with `secret` written into a value position: replacing the raw value of an
/// entry chosen by `rng` (bare, quoted, or inside the old value), or appended as a line.
/// `None` when the planted bytes do not end up inside an entry's value.
pub(crate) fn plant_value(data: &[u8], secret: &str, rng: &mut Rng) -> Option<Vec<u8>> {
    let doc = Document::parse(data.to_vec(), &ParseOptions::isolated());
    let entries: Vec<_> = doc.entries().collect();
    let form = rng.below(4);
    let planted = match form {
        0 => secret.to_owned(),
        1 => format!("'{secret}'"),
        2 => format!("\"{secret}\""),
        _ => format!("x{}y", secret),
    };
    let (src, at) = match rng.pick(&entries) {
        Some(e) if !rng.one_in(4) => {
            let r = e.raw_value.range();
            let mut src = data[..r.start].to_vec();
            src.extend_from_slice(planted.as_bytes());
            src.extend_from_slice(&data[r.end..]);
            (src, r.start)
        }
        _ => {
            let mut src = data.to_vec();
            if !src.is_empty() && !src.ends_with(b"\n") {
                src.push(b'\n');
            }
            let at = src.len() + "PLANTED=".len();
            src.extend_from_slice(format!("PLANTED={planted}\n").as_bytes());
            (src, at)
        }
    };
    let secret_at = at + planted.find(secret).unwrap_or(0);
    let secret_span = secret_at..secret_at + secret.len();
    let doc = Document::parse(src.clone(), &ParseOptions::isolated());
    let inside = doc.entries().any(|e| {
        let r = e.raw_value.range();
        r.start <= secret_span.start && secret_span.end <= r.end
    });
    inside.then_some(src)
}

pub(crate) fn fix(data: &[u8]) {
    for level in [Applicability::Safe, Applicability::Unsafe] {
        let out = fix_env_file(data.to_vec(), &ALL, level);
        let before = Document::parse(data.to_vec(), &ParseOptions::isolated());
        let after = Document::parse(out.output.clone(), &ParseOptions::isolated());
        super::parse::check_document(&after, &out.output);
        let errors = |d: &Document| d.errors().count();
        assert!(
            errors(&after) <= errors(&before),
            "{level:?} fixes add a rejected line\n input  {}\n output {}",
            show(data),
            show(&out.output)
        );
        if level == Applicability::Safe {
            safe_fixes_keep_values(&before, &after, data, &out.output);
        }
        let again = fix_env_file(out.output.clone(), &ALL, level);
        assert!(
            again.applied == 0 && again.output == out.output,
            "{level:?} fixing is not idempotent: a second run applies {} more\n input  {}\n once   {}\n twice  {}",
            again.applied,
            show(data),
            show(&out.output),
            show(&again.output)
        );
    }
}

/// "Keeps what every common loader reads": every entry read before (a key and a value
/// that depends on no other line), up to the first quote that never closes, is still read
/// in the same order after.
fn safe_fixes_keep_values(before: &Document, after: &Document, data: &[u8], out: &[u8]) {
    let horizon = before
        .errors()
        .filter(|e| matches!(e.kind, ErrorKind::UnterminatedQuote { .. }))
        .map(|e| e.line.start as usize)
        .min()
        .unwrap_or(usize::MAX);
    let read = |d: &Document, limit: usize| -> Vec<(String, String)> {
        d.lines()
            .iter()
            .take_while(|l| (l.span.start as usize) < limit)
            .filter_map(|l| match &l.kind {
                LineKind::Entry(e) if e.substitutions().is_empty() => {
                    Some((e.key(d).to_owned(), e.value(d).to_owned()))
                }
                _ => None,
            })
            .collect()
    };
    let want = read(before, horizon);
    let got = read(after, usize::MAX);
    let mut rest = got.iter();
    for pair in &want {
        assert!(
            rest.any(|g| g == pair),
            "safe fixes lose or change {pair:?}\n input  {}\n output {}",
            show(data),
            show(out)
        );
    }
}
