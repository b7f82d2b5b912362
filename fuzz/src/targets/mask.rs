//! `mask`: code frames keep the file's shape and hide what the masker promises to hide.
//!
//! Why: spans and columns computed on the file are drawn on the masked text, so it must
//! have the same length (and, for valid UTF-8, the same characters count) and be valid
//! UTF-8 to print. And the masker exists to keep credentials out of terminals and CI
//! logs: a credential generated here and planted into a value (every masking) or a comment
//! (a private file masks all comment text; an example file masks the words that look like
//! credentials) must not survive, and neither may one planted into source code shown by
//! `display_source`.

use std::ops::Range;

use envlint_core::mask::{display_bytes, display_source, Masking};
use envlint_dotenv::{Document, LineKind, ParseOptions};

use super::lint::plant_value;
use super::show;
use crate::plant;
use crate::rng::Rng;

const ALL: [Masking; 3] = [Masking::Nothing, Masking::Private, Masking::Example];

fn parse(data: &[u8]) -> Document {
    Document::parse(data.to_vec(), &ParseOptions::isolated())
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

pub(crate) fn run(data: &[u8]) {
    let mut rng = Rng::from_bytes(data);
    let doc = parse(data);
    let chars = std::str::from_utf8(data).ok().map(|s| s.chars().count());
    for masking in ALL {
        let out = display_bytes(doc.clone(), masking, None);
        assert_eq!(
            out.len(),
            data.len(),
            "{masking:?} changes the length: {}",
            show(data)
        );
        let Ok(text) = std::str::from_utf8(&out) else {
            panic!("{masking:?} output is not UTF-8: {}", show(data));
        };
        if let Some(n) = chars {
            assert_eq!(
                text.chars().count(),
                n,
                "{masking:?} changes the character count: {}",
                show(data)
            );
        }
        if masking == Masking::Nothing {
            assert!(
                out.iter().zip(data).all(|(o, i)| o == i || *o == b'?'),
                "Nothing changes more than unprintable bytes: {}",
                show(data)
            );
        }
        let ranges: Vec<Range<usize>> = (0..rng.range(1, 3))
            .map(|_| {
                let s = rng.below(data.len() + 1);
                s..s + rng.small_size(data.len() - s)
            })
            .collect();
        let part = display_bytes(doc.clone(), masking, Some(&ranges));
        assert_eq!(part.len(), data.len());
        for line in doc.lines() {
            let l = line.span.range();
            // The line holds the range's start, or the range reaches into it.
            let touched = ranges
                .iter()
                .any(|r| r.start < l.end && (l.start <= r.start || l.start < r.end));
            assert!(
                !touched || part[l.clone()] == out[l.clone()],
                "{masking:?} with only {ranges:?}: line {l:?} is prepared differently: {}",
                show(data)
            );
        }
    }
    for show_values in [false, true] {
        let out = display_source(data.to_vec(), show_values);
        assert_eq!(out.len(), data.len(), "display_source changes the length");
        assert!(
            std::str::from_utf8(&out).is_ok(),
            "display_source output is not UTF-8: {}",
            show(data)
        );
    }
    let secret = plant::credential(&mut rng);
    if let Some(src) = plant_value(data, &secret, &mut rng) {
        for masking in [Masking::Private, Masking::Example] {
            let out = display_bytes(parse(&src), masking, None);
            assert!(
                !contains(&out, &secret),
                "{masking:?} shows a value planted in {}\n masked {}",
                show(&src),
                show(&out)
            );
        }
    }
    if let Some(src) = plant_comment(data, &secret, &mut rng) {
        for masking in [Masking::Private, Masking::Example] {
            let out = display_bytes(parse(&src), masking, None);
            assert!(
                !contains(&out, &secret),
                "{masking:?} shows a credential planted in a comment of {}\n masked {}",
                show(&src),
                show(&out)
            );
        }
    }
    let src = plant_source(data, &secret, &mut rng);
    let out = display_source(src.clone(), false);
    assert!(
        !contains(&out, &secret),
        "display_source shows a credential planted in {}\n shown {}",
        show(&src),
        show(&out)
    );
}

/// `data` with ` secret ` inserted into a comment (a full-line one or one after a value),
/// or with a comment line holding it appended; `None` unless the planted bytes end up
/// inside a comment.
fn plant_comment(data: &[u8], secret: &str, rng: &mut Rng) -> Option<Vec<u8>> {
    let doc = parse(data);
    let comments: Vec<Range<usize>> = doc
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Comment(c) => Some(c.range()),
            LineKind::Entry(e) => e.comment_span(&doc).map(|s| s.range()),
            _ => None,
        })
        .collect();
    let planted = format!(" {secret} ");
    let (src, at) = match rng.pick(&comments) {
        Some(c) if !rng.one_in(4) => {
            // After the `#`, at a character boundary.
            let mut at = c.start + 1 + rng.below(c.len());
            while at > c.start + 1 && at < data.len() && (data[at] & 0xC0) == 0x80 {
                at -= 1;
            }
            let mut src = data[..at].to_vec();
            src.extend_from_slice(planted.as_bytes());
            src.extend_from_slice(&data[at..]);
            (src, at + 1)
        }
        _ => {
            let mut src = data.to_vec();
            if !src.is_empty() && !src.ends_with(b"\n") {
                src.push(b'\n');
            }
            let at = src.len() + "# old:".len() + 1;
            src.extend_from_slice(format!("# old:{planted}\n").as_bytes());
            (src, at)
        }
    };
    let span = at..at + secret.len();
    let doc = parse(&src);
    let inside = doc.lines().iter().any(|l| {
        let c = match &l.kind {
            LineKind::Comment(c) => Some(c.range()),
            LineKind::Entry(e) => e.comment_span(&doc).map(|s| s.range()),
            _ => None,
        };
        c.is_some_and(|c| c.start <= span.start && span.end <= c.end)
    });
    inside.then_some(src)
}

/// `data` with ` secret ` inserted at a position that is not inside a UTF-8 sequence.
fn plant_source(data: &[u8], secret: &str, rng: &mut Rng) -> Vec<u8> {
    let mut at = rng.below(data.len() + 1);
    while at > 0 && at < data.len() && (data[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    let mut src = data[..at].to_vec();
    src.extend_from_slice(format!(" {secret} ").as_bytes());
    src.extend_from_slice(&data[at..]);
    src
}
