//! What dotenvy 0.15.7 itself reads from some bytes, and whether envlint's parser agrees.
//!
//! Why dotenvy and not our own parser: the edit API promises values "as dotenvy reads
//! them", and the parser is the thing that promise leans on; checking an edit with the same
//! parser that planned it would only show that the code agrees with itself. The
//! differential test suite in `crates/dotenv/tests` holds the parser to dotenvy on its
//! corpus and generated inputs; here the fuzzer's inputs get the same comparison, and the
//! edit target reads its results with dotenvy.

use envlint_dotenv::{Document, LineKind, ParseOptions};

/// One item of a reading: a pair, or a line rejected (error texts are not compared: ours
/// and dotenvy's word them differently).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `KEY` and its loaded value.
    Pair(String, String),
    /// A rejected line (or an I/O error: invalid UTF-8).
    Error,
}

/// The sequence dotenvy's iterator yields for `input` (it goes on after a bad line), as its
/// loaders read a file: a leading BOM stripped. Substitution reads the process
/// environment, as dotenvy does.
pub fn dotenvy(input: &[u8]) -> Vec<Item> {
    let input = input.strip_prefix(envlint_dotenv::BOM).unwrap_or(input);
    dotenvy::from_read_iter(input)
        .map(|r| match r {
            Ok((k, v)) => Item::Pair(k, v),
            Err(_) => Item::Error,
        })
        .collect()
}

/// The same sequence from envlint's parser, substitution reading the process environment.
pub fn ours(input: &[u8]) -> Vec<Item> {
    let doc = Document::parse(input.to_vec(), &ParseOptions::default());
    items(&doc)
}

/// The items of a parsed document, in file order.
pub fn items(doc: &Document) -> Vec<Item> {
    doc.lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Entry(e) => Some(Item::Pair(e.key(doc).to_owned(), e.value(doc).to_owned())),
            LineKind::Error(_) => Some(Item::Error),
            LineKind::Blank | LineKind::Comment(_) => None,
        })
        .collect()
}

/// Whether envlint's reading of `input` is dotenvy's: the same sequence, or, where dotenvy
/// gives up for good (a quote still open at the end of the file, its last item an error),
/// dotenvy's sequence followed by what our parser recovers after it.
pub fn agrees(input: &[u8]) -> bool {
    let want = dotenvy(input);
    let got = ours(input);
    got == want || (matches!(want.last(), Some(Item::Error)) && got.starts_with(&want))
}

/// The value dotenvy's iterator gives the last pair of `key`.
pub fn last_value<'a>(items: &'a [Item], key: &str) -> Option<&'a str> {
    items.iter().rev().find_map(|i| match i {
        Item::Pair(k, v) if k == key => Some(v.as_str()),
        _ => None,
    })
}

/// A short, printable rendering of a reading for failure messages.
pub fn show(items: &[Item]) -> String {
    let mut s = String::new();
    for (n, i) in items.iter().enumerate() {
        if n == 24 {
            s.push_str(" …");
            break;
        }
        match i {
            Item::Pair(k, v) => s.push_str(&format!(" {k:?}={v:?}")),
            Item::Error => s.push_str(" <error>"),
        }
    }
    s
}
