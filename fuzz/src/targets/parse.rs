//! `parse` and `dotenvy`: the parser's structural promises, and its agreement with dotenvy.
//!
//! Why these checks: every other part of envlint slices the document's bytes with the
//! parser's spans, so a span out of bounds or off a character boundary is a panic waiting
//! in a rule, a renderer or an edit. The document also promises to be lossless, to cut
//! into pieces without changing (large files are parsed on several threads), and to read
//! what dotenvy reads.

use envlint_dotenv::{Document, LineKind, ParseOptions, BOM};

use super::show;
use crate::oracle;

/// Structure, losslessness, pieces, reparse.
pub(crate) fn run(data: &[u8]) {
    let options = ParseOptions::isolated();
    let doc = Document::parse(data.to_vec(), &options);
    check_document(&doc, data);
    for (pieces, threads) in [(2, 1), (3, 2), (7, 2), (64, 2)] {
        let cut = Document::parse_in_pieces(data.to_vec(), &options, pieces, threads);
        assert_eq!(cut.to_bytes(), data, "lossless in {pieces} pieces");
        assert!(
            cut.lines() == doc.lines(),
            "parsed in {pieces} pieces on {threads} threads, the lines differ: {}",
            show(data)
        );
        for (a, b) in cut.entries().zip(doc.entries()) {
            assert_eq!(
                a.value(&cut),
                b.value(&doc),
                "value in {pieces} pieces: {}",
                show(data)
            );
        }
    }
    let again = Document::parse(doc.to_bytes().to_vec(), &options);
    assert!(
        again.lines() == doc.lines(),
        "parsing to_bytes() again gives other lines: {}",
        show(data)
    );
    let (bytes, lines) = doc.into_parts();
    assert_eq!(bytes, data, "into_parts keeps the bytes");
    assert_eq!(lines, again.lines(), "into_parts keeps the lines");
}

/// The parser reads what dotenvy 0.15.7 reads.
pub(crate) fn differential(data: &[u8]) {
    if !oracle::agrees(data) {
        panic!(
            "envlint-dotenv and dotenvy read differently\n input  {}\n dotenvy{}\n ours   {}",
            show(data),
            oracle::show(&oracle::dotenvy(data)),
            oracle::show(&oracle::ours(data)),
        );
    }
}

fn within(span: envlint_dotenv::Span, outer: std::ops::Range<usize>, what: &str, data: &[u8]) {
    let r = span.range();
    assert!(
        r.start <= r.end && outer.start <= r.start && r.end <= outer.end,
        "{what} {r:?} is outside {outer:?}: {}",
        show(data)
    );
}

fn str_at(data: &[u8], r: std::ops::Range<usize>) -> &str {
    std::str::from_utf8(&data[r.clone()]).unwrap_or_else(|_| {
        panic!(
            "the span {r:?} is not UTF-8 (or not on character boundaries): {}",
            show(data)
        )
    })
}

/// Every promise of the document model that can be checked from the outside.
pub(crate) fn check_document(doc: &Document, data: &[u8]) {
    assert_eq!(doc.to_bytes(), data, "the document's bytes are the input");
    assert_eq!(
        doc.has_bom(),
        data.starts_with(BOM),
        "has_bom: {}",
        show(data)
    );
    assert!(!doc.too_large());
    let mut at = 0usize;
    let mut errors = 0;
    for line in doc.lines() {
        let r = line.span.range();
        assert_eq!(r.start, at, "lines do not tile the bytes: {}", show(data));
        assert!(r.end > r.start, "an empty line at {at}: {}", show(data));
        at = r.end;
        let eol = line.eol(data).range();
        assert!(
            eol.end == r.end
                && eol.start >= r.start
                && matches!(&data[eol.clone()], b"" | b"\n" | b"\r\n"),
            "eol {eol:?} of line {r:?}: {}",
            show(data)
        );
        let own = doc.line_range(line);
        assert!(own.start >= r.start && own.end == r.end);
        if doc.lines_are_physical() {
            let newlines = data[r.clone()].iter().filter(|&&b| b == b'\n').count();
            assert!(
                newlines <= 1 && (newlines == 0 || data[r.end - 1] == b'\n'),
                "lines_are_physical, but the line {r:?} spans newlines: {}",
                show(data)
            );
        }
        match &line.kind {
            LineKind::Blank => {}
            LineKind::Comment(c) => {
                within(*c, r.clone(), "comment", data);
                assert_eq!(
                    data.get(c.start as usize),
                    Some(&b'#'),
                    "comment start: {}",
                    show(data)
                );
            }
            LineKind::Error(e) => {
                errors += 1;
                within(e.line, r.clone(), "error line", data);
                within(e.at, 0..data.len(), "error position", data);
                let _ = e.kind.to_string();
            }
            LineKind::Entry(e) => check_entry(doc, e, r, data),
        }
    }
    assert_eq!(
        at,
        data.len(),
        "lines end before the bytes do: {}",
        show(data)
    );
    assert_eq!(
        doc.errors().count(),
        errors,
        "errors() lists every error line"
    );
    // `value_of` is the last entry's value (a few keys: each call walks every line).
    let mut last = std::collections::HashMap::new();
    for e in doc.entries() {
        last.insert(e.key(doc), e.value(doc));
    }
    for (key, value) in last.iter().take(8) {
        assert_eq!(
            doc.value_of(key),
            Some(*value),
            "value_of({key:?}): {}",
            show(data)
        );
    }
    let _ = doc.line_ending();
    assert_eq!(
        doc.ends_with_newline(),
        data.is_empty() || data.ends_with(b"\n")
    );
    for offset in [0, data.len() / 2, data.len(), data.len() + 1] {
        let n = doc.line_number(offset);
        assert!(n >= 1 && n <= data.len() + 1);
    }
}

fn check_entry(
    doc: &Document,
    e: &envlint_dotenv::Entry,
    line: std::ops::Range<usize>,
    data: &[u8],
) {
    within(e.key, line.clone(), "key", data);
    within(e.raw_value, line.clone(), "raw value", data);
    let key = str_at(data, e.key.range());
    assert!(
        key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'),
        "the key {key:?} is not `[A-Za-z_][A-Za-z0-9_.]*`: {}",
        show(data)
    );
    assert_eq!(e.key(doc), key, "key(): {}", show(data));
    assert_eq!(
        e.raw(doc),
        str_at(data, e.raw_value.range()),
        "raw(): {}",
        show(data)
    );
    assert!(
        e.key.end <= e.raw_value.start,
        "key after value: {}",
        show(data)
    );
    let _ = e.value(doc);
    let eq = e.eq_span(doc);
    within(
        eq,
        e.key.end as usize..e.raw_value.start as usize,
        "`=`",
        data,
    );
    assert_eq!(
        data.get(eq.start as usize),
        Some(&b'='),
        "eq_span: {}",
        show(data)
    );
    match e.export_span(doc) {
        Some(s) => {
            assert!(e.export, "export_span without export");
            within(s, line.start..e.key.start as usize, "export", data);
            assert_eq!(&data[s.range()], b"export");
        }
        None => assert!(!e.export, "export without its span: {}", show(data)),
    }
    if let Some(c) = e.comment_span(doc) {
        within(c, e.raw_value.end as usize..line.end, "comment", data);
        assert_eq!(data[c.start as usize], b'#');
        assert_eq!(Some(c.start), e.comment());
        let _ = str_at(data, c.range());
    }
    for q in e.quotes().iter() {
        within(q.span, e.raw_value.range(), "quote", data);
        assert!(!q.span.is_empty());
        assert_eq!(
            char::from(data[q.span.start as usize]),
            q.kind.char(),
            "quote char: {}",
            show(data)
        );
    }
    if let Some(kind) = e.fully_quoted() {
        assert_eq!(
            e.quotes().len(),
            1,
            "fully quoted, one segment: {}",
            show(data)
        );
        assert_eq!(e.quotes()[0].kind, kind);
    }
    for s in e.substitutions() {
        within(s.span, e.raw_value.range(), "substitution", data);
        within(s.name_span(), s.span.range(), "substitution name", data);
        assert_eq!(
            data[s.span.start as usize],
            b'$',
            "substitution start: {}",
            show(data)
        );
        let _ = s.name(doc);
    }
    if e.is_plain() {
        assert!(!e.export, "a plain line has no export: {}", show(data));
    }
    let _ = e.is_simple();
}
