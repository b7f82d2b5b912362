//! The edit API (`set_value`, `requote`, `append`, `remove`) against dotenvy 0.15.7 itself.
//!
//! Why: an edit that leaves every other byte alone can still change what dotenvy reads,
//! because its line reader decides from the bytes around the edit where a line and a
//! comment end. Each case here was an edit whose result dotenvy read differently from what
//! the edit meant, or rejected; each asserts what dotenvy reads of the result (or that the
//! edit is refused when no edit can mean it). A property test then runs every edit on
//! generated files and holds every result the API returns to dotenvy's reading.

use envlint_dotenv::{apply_edits, Document, EditError, LineKind, ParseOptions, QuoteKind};
use proptest::prelude::*;

#[derive(Clone, Debug, PartialEq)]
enum Item {
    Pair(String, String),
    Error,
}

/// What dotenvy's loaders read (they strip a leading BOM first), line by line.
fn dotenvy_reads(input: &[u8]) -> Vec<Item> {
    let input = input.strip_prefix(envlint_dotenv::BOM).unwrap_or(input);
    dotenvy::from_read_iter(input)
        .map(|r| match r {
            Ok((k, v)) => Item::Pair(k, v),
            Err(_) => Item::Error,
        })
        .collect()
}

fn pair(k: &str, v: &str) -> Item {
    Item::Pair(k.to_owned(), v.to_owned())
}

fn doc(src: &str) -> Document {
    Document::parse(src, &ParseOptions::isolated())
}

fn edited(src: &str, edits: &[envlint_dotenv::TextEdit]) -> String {
    String::from_utf8(apply_edits(src.as_bytes(), edits).unwrap()).unwrap()
}

#[test]
fn requote_an_empty_value_with_a_hash_right_after_the_equals_sign() {
    // dotenvy reads `A=#x` as an empty value and a comment; `A=''#x` would load `#x`.
    let src = "A=#x\n";
    assert_eq!(dotenvy_reads(src.as_bytes()), [pair("A", "")]);
    for style in [QuoteKind::Single, QuoteKind::Double] {
        let out = edited(src, &[doc(src).requote("A", Some(style)).unwrap()]);
        assert_eq!(dotenvy_reads(out.as_bytes()), [pair("A", "")], "{out:?}");
    }
    let out = edited(
        src,
        &[doc(src).requote("A", Some(QuoteKind::Single)).unwrap()],
    );
    assert_eq!(out, "A='' #x\n");
}

#[test]
fn edit_a_value_ending_in_backslash_space_at_the_end_of_the_file() {
    // The escaped blank is trimmed before dotenvy reads the value (`x`), but left behind
    // it would end the file in whitespace, which dotenvy rejects.
    let src = "A=x\\ ";
    assert_eq!(dotenvy_reads(src.as_bytes()), [pair("A", "x")]);
    let out = edited(src, &[doc(src).set_value("A", "").unwrap()]);
    assert_eq!(out, "A=");
    assert_eq!(dotenvy_reads(out.as_bytes()), [pair("A", "")]);
    let out = edited(
        src,
        &[doc(src).requote("A", Some(QuoteKind::Double)).unwrap()],
    );
    assert_eq!(dotenvy_reads(out.as_bytes()), [pair("A", "x")], "{out:?}");
}

#[test]
fn edit_a_value_before_a_comment_holding_a_quote() {
    // The reader sees a comment only at a `#` right after one blank: with the escaped
    // blank left behind there would be two, the `#` would not start a comment, and the
    // quote in it would open and swallow the next line.
    let src = "A=x\\  # it's\nB=2\n";
    assert_eq!(
        dotenvy_reads(src.as_bytes()),
        [pair("A", "x"), pair("B", "2")]
    );
    let out = edited(src, &[doc(src).set_value("A", "").unwrap()]);
    assert_eq!(out, "A= # it's\nB=2\n");
    assert_eq!(
        dotenvy_reads(out.as_bytes()),
        [pair("A", ""), pair("B", "2")]
    );
}

#[test]
fn removing_the_line_before_a_byte_order_mark_in_the_middle_is_refused() {
    // Mid-file, U+FEFF is no blank: dotenvy rejects the line. Removing the first line
    // would make it the file's byte order mark, which the loaders strip.
    let src = "A=1\n\u{feff}B=2\n";
    assert_eq!(dotenvy_reads(src.as_bytes()), [pair("A", "1"), Item::Error]);
    let removed = "\u{feff}B=2\n";
    assert_eq!(dotenvy_reads(removed.as_bytes()), [pair("B", "2")]);
    assert_eq!(doc(src).remove("A"), Err(EditError::ChangesReading));
    // With a byte order mark of its own the file keeps it, and the line stays rejected.
    let src = "\u{feff}A=1\n\u{feff}B=2\n";
    let out = edited(src, &doc(src).remove("A").unwrap());
    assert_eq!(dotenvy_reads(out.as_bytes()), [Item::Error]);
}

#[test]
fn edits_after_a_quote_that_never_closes_are_refused() {
    // dotenvy reads everything after the open quote as its value (and then rejects the
    // file): the lines the parser recovers are not there for dotenvy, and an edit there
    // may close the quote.
    let src = "A=\"open\nB=1\n";
    assert_eq!(dotenvy_reads(src.as_bytes()), [Item::Error]);
    let d = doc(src);
    assert_eq!(d.value_of("B"), Some("1"));
    assert_eq!(
        d.set_value("B", "say \"hi\""),
        Err(EditError::ChangesReading)
    );
    assert_eq!(
        d.requote("B", Some(QuoteKind::Double)),
        Err(EditError::ChangesReading)
    );
    assert_eq!(d.remove("B"), Err(EditError::ChangesReading));
    assert_eq!(d.append("C", "x"), Err(EditError::ChangesReading));
    // Before the open quote, edits are fine.
    let src = "Z=1\nA=\"open\n";
    let out = edited(src, &[doc(src).set_value("Z", "2").unwrap()]);
    assert_eq!(out, "Z=2\nA=\"open\n");
}

#[test]
fn a_file_of_only_a_byte_order_mark_has_a_line() {
    let src = b"\xEF\xBB\xBF";
    let d = Document::parse(src.to_vec(), &ParseOptions::isolated());
    assert!(d.has_bom());
    assert_eq!(d.lines().len(), 1);
    assert_eq!(d.lines()[0].span.range(), 0..3);
    assert_eq!(d.lines()[0].kind, LineKind::Blank);
    let out = apply_edits(src, &[d.append("A", "1").unwrap()]).unwrap();
    assert_eq!(out, b"\xEF\xBB\xBF\nA=1\n");
    assert_eq!(dotenvy_reads(&out), [pair("A", "1")]);
}

/// Pieces of lines where dotenvy's reader and value parser disagree: blanks of every
/// kind, escapes, quotes, comments, byte order marks.
const TOKENS: &[&str] = &[
    "A", "B", "x", "=", " ", "\t", "\u{c}", "\"", "'", "\\", "\\ ", "#", " #", "\n", "\r\n",
    "\u{feff}", "A=", "B=", "\nA=", "\nB=", "export ", "# it's", "\u{a0}",
];
const VALUES: &[&str] = &[
    "",
    "v",
    "two words",
    "a\\",
    "it's",
    "a\"b",
    "#x",
    "a#b",
    "\\",
    "'",
    "\"",
    " ",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..14).prop_map(|p| p.concat())
}

fn ours(d: &Document) -> Vec<Item> {
    d.lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Entry(e) => Some(pair(e.key(d), e.value(d))),
            LineKind::Error(_) => Some(Item::Error),
            _ => None,
        })
        .collect()
}

/// Every edit the API returns on `src` is read by dotenvy as the edit means.
fn every_edit_means_what_it_says(src: &str) -> Result<(), String> {
    let before = dotenvy_reads(src.as_bytes());
    let d = doc(src);
    // Where the parser recovers and dotenvy gives up (a quote never closed), there is no
    // line-by-line meaning to compare with.
    if before != ours(&d) {
        return Ok(());
    }
    let check = |what: String, edits: &[envlint_dotenv::TextEdit], want: Vec<Item>| {
        let out = apply_edits(src.as_bytes(), edits).unwrap();
        let got = dotenvy_reads(&out);
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "{what} on {src:?} gave {:?}\n want {want:?}\n got  {got:?}",
                String::from_utf8_lossy(&out)
            ))
        }
    };
    let keys: Vec<String> = d.entries().map(|e| e.key(&d).to_owned()).collect();
    for key in &keys {
        let last = before
            .iter()
            .rposition(|i| matches!(i, Item::Pair(k, _) if k == key))
            .unwrap();
        for v in VALUES {
            if let Ok(e) = d.set_value(key, v) {
                let mut want = before.clone();
                want[last] = pair(key, v);
                check(format!("set_value({key:?}, {v:?})"), &[e], want)?;
            }
        }
        for style in [None, Some(QuoteKind::Single), Some(QuoteKind::Double)] {
            if let Ok(e) = d.requote(key, style) {
                check(format!("requote({key:?}, {style:?})"), &[e], before.clone())?;
            }
        }
        if let Ok(edits) = d.remove(key) {
            let mut want = before.clone();
            want.retain(|i| !matches!(i, Item::Pair(k, _) if k == key));
            check(format!("remove({key:?})"), &edits, want)?;
        }
    }
    for v in VALUES {
        if let Ok(e) = d.append("C", v) {
            let mut want = before.clone();
            want.push(pair("C", v));
            check(format!("append(\"C\", {v:?})"), &[e], want)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn every_edit_is_read_by_dotenvy_as_it_means(src in soup()) {
        every_edit_means_what_it_says(&src).map_err(TestCaseError::fail)?;
    }
}
